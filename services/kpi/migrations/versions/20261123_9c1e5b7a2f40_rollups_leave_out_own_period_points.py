"""rollups leave out a unit's own points for exactly its own period

Those points are read through kpi_measurement's unique key instead. Rollups written under
the old rule would count them twice, so they are emptied here; the service rebuilds them from
the points when it starts (``services.kpi.app._ensure_rollups``).

Revision ID: 9c1e5b7a2f40
Revises: 75dfab106e90
Create Date: 2026-11-23 18:40:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '9c1e5b7a2f40'
down_revision: str | None = '75dfab106e90'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM kpi_rollup")


def downgrade() -> None:
    # The older code expects the own points inside the rollups and has no rebuild at start:
    # empty rollups (evaluations showing no data) are plainly wrong, half-counted ones are not.
    op.execute("DELETE FROM kpi_rollup")
