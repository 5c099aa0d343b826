"""idempotency records: POSTs retried with the same Idempotency-Key get the first answer

Revision ID: c3d1e0a7b903
Revises: 8e4b2f6a1c57
Create Date: 2026-12-03 12:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = 'c3d1e0a7b903'
down_revision: str | None = '8e4b2f6a1c57'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('idempotency_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=120), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', services.common.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', services.common.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_record')),
    sa.UniqueConstraint('subject', 'key', name='uq_idempotency_record_subject_key')
    )
    op.create_index('ix_idempotency_record_created_at', 'idempotency_record', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_idempotency_record_created_at', table_name='idempotency_record')
    op.drop_table('idempotency_record')
