"""ids are never reused

Revision ID: d4e2f1a8c712
Revises: c3d1e0a7b902
Create Date: 2026-12-03 14:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = 'd4e2f1a8c712'
down_revision: str | None = 'c3d1e0a7b902'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Unit thresholds, benchmarks and unused scorecards can be deleted. SQLite hands a deleted row's id (the highest)
# to the next row unless the table is AUTOINCREMENT, and the deleted row's audit history and events
# would then read as the new one's. PostgreSQL's sequences never reuse an id.
TABLES = ['kpi_threshold', 'kpi_benchmark', 'kpi_scorecard']


def upgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for name in TABLES:
        # Copying the rows in keeps their ids and starts the table's sequence after the highest.
        with op.batch_alter_table(name, recreate='always', table_kwargs={'sqlite_autoincrement': True}):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for name in TABLES:
        with op.batch_alter_table(name, recreate='always', table_kwargs={'sqlite_autoincrement': False}):
            pass
