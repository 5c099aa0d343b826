"""specialists: 建议权 over their superior's decisions too (the documents' 对上级经理有建议权)

Only a 专员 role still holding exactly the rights it was seeded with is changed; a role an
administrator has edited is left as they made it.

Revision ID: 5e7a1c9d2b64
Revises: 3c1d7a2e9b40
Create Date: 2026-12-03 14:00:00
"""
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5e7a1c9d2b64'
down_revision: str | None = '3c1d7a2e9b40'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = [{"right": "view", "scope": "self"}, {"right": "suggest", "scope": "self"}]
NEW = [*OLD, {"right": "suggest", "scope": "superior"}]


def _set(rights_from: list, rights_to: list) -> None:
    conn = op.get_bind()
    role = sa.table("role", sa.column("id", sa.Integer), sa.column("key", sa.String), sa.column("rights", sa.JSON))
    for rid, rights in conn.execute(sa.select(role.c.id, role.c.rights).where(role.c.key == "specialist")).all():
        current = json.loads(rights) if isinstance(rights, str) else rights
        if current == rights_from:
            conn.execute(role.update().where(role.c.id == rid).values(rights=rights_to))


def upgrade() -> None:
    _set(OLD, NEW)


def downgrade() -> None:
    _set(NEW, OLD)
