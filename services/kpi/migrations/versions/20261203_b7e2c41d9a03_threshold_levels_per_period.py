"""threshold levels are kept per period

A level was kept per (indicator, unit), so whichever period arrived last decided it: a late
November value after December's was ignored, and a stray future point cleared a warning. The
raised rows held so far are each one period's level and stay; normal rows go, as a period without
a row is normal now (daily points would otherwise write a row each).

Revision ID: b7e2c41d9a03
Revises: 9c1e5b7a2f40
Create Date: 2026-12-03 12:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = 'b7e2c41d9a03'
down_revision: str | None = '9c1e5b7a2f40'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM kpi_threshold_state WHERE level = 'normal'")
    with op.batch_alter_table('kpi_threshold_state', schema=None) as batch_op:
        batch_op.drop_constraint('pk_kpi_threshold_state', type_='primary')
        batch_op.create_primary_key('pk_kpi_threshold_state', ['indicator_id', 'unit_id', 'period'])


def downgrade() -> None:
    # one row per (indicator, unit) again: the latest period's
    op.execute("DELETE FROM kpi_threshold_state WHERE period < (SELECT MAX(s.period) FROM kpi_threshold_state s "
               "WHERE s.indicator_id = kpi_threshold_state.indicator_id AND s.unit_id = kpi_threshold_state.unit_id)")
    with op.batch_alter_table('kpi_threshold_state', schema=None) as batch_op:
        batch_op.drop_constraint('pk_kpi_threshold_state', type_='primary')
        batch_op.create_primary_key('pk_kpi_threshold_state', ['indicator_id', 'unit_id'])
