"""record_attachment: files attached to records (issue 23)

Revision ID: c23_attachments
Revises: c23_activity
Create Date: 2026-12-04 14:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = 'c23_attachments'
down_revision: str | None = 'c23_activity'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('record_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('owner_kind', sa.String(length=40), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('unit_path', sa.String(length=500), nullable=False),
    sa.Column('uploaded_by', sa.String(length=120), nullable=False),
    sa.Column('uploaded_by_name', sa.String(length=100), nullable=False),
    sa.Column('uploaded_at', services.common.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_attachment')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('record_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_attachment_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_attachment_unit_path'), ['unit_path'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('record_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_attachment_unit_path'))
        batch_op.drop_index(batch_op.f('ix_record_attachment_owner_id'))

    op.drop_table('record_attachment')
