"""ids are never reused

Revision ID: 3c1d7a2e9b40
Revises: f4fe5d39df79
Create Date: 2026-12-03 12:30:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '3c1d7a2e9b40'
down_revision: str | None = 'f4fe5d39df79'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables whose rows can be deleted. SQLite hands a deleted row's id (the highest) to the next row
# unless the table is AUTOINCREMENT, and the audit history of the deleted unit, role, position,
# assignment or client would then read as the new one's. PostgreSQL's sequences never reuse an id.
TABLES = ['unit', 'role', 'position', 'assignment', 'api_client', 'login_failure']


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
