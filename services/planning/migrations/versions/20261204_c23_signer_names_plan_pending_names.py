"""plan.signer_names: the names org gave for a 会签 stage's signers when the stage was entered

Revision ID: c23_signer_names
Revises: c23_attachments
Create Date: 2026-12-04 18:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c23_signer_names'
down_revision: str | None = 'c23_attachments'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signer_names', sa.JSON(), server_default='{}', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_column('signer_names')
