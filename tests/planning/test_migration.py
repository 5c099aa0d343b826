"""Data written before a revision could be vetoed without losing the plan, and before money said its
unit, reads right after the upgrade."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from services.common.migrate import upgrade
from tests.support import BACKEND, PG_BASE


async def test_old_plans_resources_and_adjustments_read_right_after_the_upgrade(databases, tmp_path):
    if BACKEND == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    else:
        name = f"yt_planning_old_{uuid.uuid4().hex[:10]}"
        url, _ = PG_BASE + name, databases.created.append(name)
    await upgrade("planning", url, "1a2e7ef02478")
    engine = create_async_engine(url)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    plan = ("INSERT INTO plan (id, unit_id, period, kind, title, guidance, risk_notes, linked_risks, status, "
            "pending_signers, revision, created_by, created_at, updated_at, issued_at, version) VALUES "
            "(:id, 7, :period, 'annual', 't', '', '', '[]', :status, '[]', :revision, '1', :now, :now, :issued, 1)")
    async with engine.begin() as c:
        await c.execute(text(plan), {"id": 1, "period": "2026", "status": "issued", "revision": 1, "now": now,
                                     "issued": now})
        await c.execute(text(plan), {"id": 2, "period": "2027", "status": "submitted", "revision": 3, "now": now,
                                     "issued": now})
        await c.execute(text(plan), {"id": 3, "period": "2028", "status": "draft", "revision": 1, "now": now,
                                     "issued": None})
        for rev, status in ((1, "issued"), (2, "published"), (3, "submitted")):
            await c.execute(text("INSERT INTO plan_version (plan_id, revision, status, snapshot, created_at) "
                                 "VALUES (2, :r, :s, '{}', :now)"), {"r": rev, "s": status, "now": now})
        resource = ("INSERT INTO plan_resource (plan_id, kind, description, quantity, unit, amount) "
                    "VALUES (1, 'budget', :d, :q, :u, :a)")
        await c.execute(text(resource), {"d": "推广费用", "q": None, "u": "万元", "a": 120})
        await c.execute(text(resource), {"d": "调研费用", "q": 50, "u": "万元", "a": None})
        await c.execute(text(resource), {"d": "人员", "q": 3, "u": "人", "a": None})
        await c.execute(text(resource), {"d": "差旅", "q": None, "u": "", "a": 8000})
        await c.execute(text("INSERT INTO balancing_adjustment (unit_id, period, indicator_code, value, reason, "
                             "author, author_name, created_at) VALUES (1, '2026', 'sales', 1, 'r', 'a', '', :now)"),
                        {"now": now})
    await upgrade("planning", url)
    async with engine.connect() as c:
        in_force = dict((await c.execute(text("SELECT id, in_force_revision FROM plan ORDER BY id"))).all())
        resources = (await c.execute(text("SELECT description, quantity, unit, amount, amount_unit "
                                          "FROM plan_resource ORDER BY id"))).all()
        notes = (await c.execute(text("SELECT status FROM balancing_adjustment"))).scalars().all()
    await engine.dispose()
    assert in_force == {1: 1, 2: 2, 3: None}
    assert [tuple(r) for r in resources] == [("推广费用", None, "", 120, "万元"), ("调研费用", None, "", 50, "万元"),
                                             ("人员", 3, "人", None, "元"), ("差旅", None, "", 8000, "元")]
    assert notes == ["note"]
