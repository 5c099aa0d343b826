"""record_comment: comments and @mentions on records (issue 23)

Revision ID: c23_comments
Revises: 0e1a7c3b5d24
Create Date: 2026-12-04 14:20:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = 'c23_comments'
down_revision: str | None = '0e1a7c3b5d24'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('record_comment',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_kind', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('author', sa.String(length=120), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('mentions', sa.JSON(), nullable=False),
    sa.Column('created_at', services.common.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_at', services.common.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', services.common.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_comment'))
    )
    op.create_index('ix_record_comment_record', 'record_comment', ['record_kind', 'record_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_record_comment_record', table_name='record_comment')
    op.drop_table('record_comment')
