"""outbox events carry their trace context

Revision ID: 0e1a7c3b5d23
Revises: 3c0047c8376c
Create Date: 2026-12-04 10:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0e1a7c3b5d23'
down_revision: str | None = '3c0047c8376c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The W3C trace context of the request that recorded an event (services.common.tracing): the relay's
# delivery and the consumer's handling continue that trace. Empty while tracing is off.


def upgrade() -> None:
    op.add_column('outbox_event', sa.Column('traceparent', sa.String(length=55), nullable=True))
    op.add_column('outbox_event', sa.Column('tracestate', sa.String(length=512), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox_event') as batch:
        batch.drop_column('tracestate')
        batch.drop_column('traceparent')
