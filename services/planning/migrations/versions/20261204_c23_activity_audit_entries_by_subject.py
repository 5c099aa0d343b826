"""audit entries by subject: a record's activity stream reads its entries in order

Revision ID: c23_activity
Revises: c23_controls
Create Date: 2026-12-04 14:20:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = 'c23_activity'
down_revision: str | None = 'c23_controls'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_audit_entry_subject', 'audit_entry', ['subject_type', 'subject_id', 'seq'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_entry_subject', table_name='audit_entry')
