"""an assessment finalised with indicator items without data keeps the assessor's reason

Revision ID: c3a9d5e0f172
Revises: b7e2c41d9a03
Create Date: 2026-12-03 12:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c3a9d5e0f172'
down_revision: str | None = 'b7e2c41d9a03'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('kpi_assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('incomplete_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('kpi_assessment', schema=None) as batch_op:
        batch_op.drop_column('incomplete_reason')
