"""watch.holder_user_ids: the people a 会签 approval stage still waits on

Revision ID: c23_watch_signers
Revises: 0e1a7c3b5d21
Create Date: 2026-12-04 18:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c23_watch_signers'
down_revision: str | None = '0e1a7c3b5d21'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('watch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holder_user_ids', sa.JSON(), server_default='[]', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('watch', schema=None) as batch_op:
        batch_op.drop_column('holder_user_ids')
