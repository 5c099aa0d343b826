"""ids are never reused

Revision ID: 8e4b2f6a1c57
Revises: 30265a6f31d5
Create Date: 2026-12-03 12:30:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '8e4b2f6a1c57'
down_revision: str | None = '30265a6f31d5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables whose rows can be deleted (a risk with its assessments, actions, KRIs, values and alerts; a
# KRI set up by mistake). SQLite hands a deleted row's id (the highest) to the next row unless the
# table is AUTOINCREMENT, and the audit history and events of the deleted risk would then read as
# the new one's. PostgreSQL's sequences never reuse an id.
TABLES = ['risk', 'risk_assessment', 'risk_action', 'kri', 'kri_value', 'risk_alert']


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
