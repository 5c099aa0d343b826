"""First start outside demo mode: create the company and its first administrator.

``YUNGUAN_BOOTSTRAP_PASSWORD=... python -m services.org.bootstrap --company 华东燃气有限公司 --code HDGAS``
migrates org, seeds the documents' roles, creates the top-level unit and an ``admin``
user holding the 系统管理员 role there. It refuses to run when the org tree is not empty.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from sqlalchemy import func, select

from services.common import clock
from services.common.db import Database
from services.common.migrate import upgrade
from services.common.settings import settings_for
from services.org.journal import journal
from services.org.models import Assignment, Position, Unit, User
from services.org.seed import ensure_roles
from services.org.units import tree
from services.org.users.passwords import Passwords, check_strength


async def bootstrap(*, company: str, code: str, username: str, password: str) -> str:
    settings = settings_for("org", allow_demo_secret=True)
    await upgrade("org", settings.db_url)
    db = Database(settings.db_url)
    try:
        async with db.writer() as s:
            if (await s.execute(select(func.count()).select_from(Unit))).scalar_one():
                return "The org tree is not empty; nothing was changed."
            roles = await ensure_roles(s)
            unit = await tree.create_unit(s, parent=None, name=company, code=code, kind="company")
            hasher = Passwords(time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib)
            user = User(username=username, display_name="系统管理员", password_hash=hasher.hash(password))
            pos = Position(unit_id=unit.id, role_id=roles["system_admin"].id, title="系统管理员",
                           responsibilities=["维护组织架构、角色权限与用户"], requirements={})
            s.add_all([user, pos])
            await s.flush()
            s.add(Assignment(user_id=user.id, position_id=pos.id, start_date=clock.today()))
            await journal.audit(s, actor="system", action="org.bootstrapped", subject_type="unit", subject_id=unit.id,
                               unit_path=unit.path, after={"company": company, "admin": username})
            await s.commit()
            return f"Created {company} ({code}) and the administrator '{username}'."
    finally:
        await db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--company", required=True)
    parser.add_argument("--code", required=True)
    parser.add_argument("--admin", default="admin")
    args = parser.parse_args()
    password = os.environ.get("YUNGUAN_BOOTSTRAP_PASSWORD", "")
    weak = check_strength(password)
    if weak:
        print(f"Set YUNGUAN_BOOTSTRAP_PASSWORD to a strong password ({weak}).", file=sys.stderr)
        return 2
    print(asyncio.run(bootstrap(company=args.company, code=args.code, username=args.admin, password=password)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
