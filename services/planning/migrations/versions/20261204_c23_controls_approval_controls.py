"""approval controls: transfers, added signers, cc

Revision ID: c23_controls
Revises: c23_comments
Create Date: 2026-12-04 13:59:17.823701
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = 'c23_controls'
down_revision: str | None = 'c23_comments'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Issue 23's approval controls: 转办 (plan_transfer), 加签 (plan_added_signer) and 抄送 (plan_cc).


def upgrade() -> None:
    op.create_table('plan_added_signer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('stage_index', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=120), nullable=False),
    sa.Column('user_name', sa.String(length=100), nullable=False),
    sa.Column('position', sa.String(length=10), nullable=False),
    sa.Column('advisory', sa.Boolean(), nullable=False),
    sa.Column('added_by', sa.String(length=120), nullable=False),
    sa.Column('added_by_name', sa.String(length=100), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('created_at', services.common.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_at', services.common.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_added_signer_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_added_signer'))
    )
    with op.batch_alter_table('plan_added_signer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_added_signer_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index('ix_plan_added_signer_stage', ['plan_id', 'revision', 'stage_index'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_added_signer_user_id'), ['user_id'], unique=False)

    op.create_table('plan_cc',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=120), nullable=False),
    sa.Column('user_name', sa.String(length=100), nullable=False),
    sa.Column('by', sa.String(length=120), nullable=False),
    sa.Column('by_name', sa.String(length=100), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('stage_key', sa.String(length=60), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', services.common.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_cc_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_cc')),
    sa.UniqueConstraint('plan_id', 'user_id', name=op.f('uq_plan_cc_plan_id_user_id'))
    )
    with op.batch_alter_table('plan_cc', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_cc_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_cc_user_id'), ['user_id'], unique=False)

    op.create_table('plan_transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('stage_index', sa.Integer(), nullable=False),
    sa.Column('from_user', sa.String(length=120), nullable=False),
    sa.Column('from_name', sa.String(length=100), nullable=False),
    sa.Column('to_user', sa.String(length=120), nullable=False),
    sa.Column('to_name', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', services.common.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_transfer_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_transfer'))
    )
    with op.batch_alter_table('plan_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_transfer_plan_id'), ['plan_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('plan_transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_transfer_plan_id'))

    op.drop_table('plan_transfer')
    with op.batch_alter_table('plan_cc', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_cc_user_id'))
        batch_op.drop_index(batch_op.f('ix_plan_cc_plan_id'))

    op.drop_table('plan_cc')
    with op.batch_alter_table('plan_added_signer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_added_signer_user_id'))
        batch_op.drop_index('ix_plan_added_signer_stage')
        batch_op.drop_index(batch_op.f('ix_plan_added_signer_plan_id'))

    op.drop_table('plan_added_signer')
