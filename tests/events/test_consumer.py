"""Inbound events: only services may deliver; each event is applied exactly once."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from services.planning.app import create_app
from services.planning.models import OrgUnit
from services.planning.models import events as tables
from tests.support import bearer, make_token, running, settings, use_test_keys

SERVICE = bearer(make_token(sub="client:svc-org", client_id="svc-org", name="org"))


def unit_event(kind: str, data: dict, event_id: str | None = None) -> dict:
    return {"id": event_id or str(uuid.uuid4()), "type": f"org.unit.{kind}", "source": "org",
            "occurred_at": datetime.now(UTC).isoformat(), "subject": str(data["id"]),
            "unit_path": data.get("path"), "data": data}


def unit(id, path, parent=None, version=1, name=None):
    return {"id": id, "parent_id": parent, "name": name or f"U{id}", "code": f"C{id}", "kind": "department",
            "path": path, "version": version}


async def planning(databases):
    app = create_app(settings("planning", await databases.fresh("planning")))
    use_test_keys(app)
    return app


async def paths(app) -> dict[int, str]:
    async with app.state.db.reader() as s:
        return {u.id: u.path for u in (await s.execute(select(OrgUnit))).scalars()}


async def test_a_duplicated_delivery_changes_nothing_the_second_time(databases):
    app = await planning(databases)
    async with running(app) as c:
        for e in (unit_event("created", unit(1, "/1/")), unit_event("created", unit(2, "/1/2/", 1)),
                  unit_event("created", unit(3, "/1/2/3/", 2)), unit_event("created", unit(4, "/1/4/", 1))):
            assert (await c.post("/api/planning/events", json=e, headers=SERVICE)).json() == {"status": "applied"}
        move = unit_event("moved", {**unit(2, "/1/4/2/", 4, version=2), "old_path": "/1/2/", "new_path": "/1/4/2/"})
        first = await c.post("/api/planning/events", json=move, headers=SERVICE)
        second = await c.post("/api/planning/events", json=move, headers=SERVICE)
        assert first.json() == {"status": "applied"} and second.json() == {"status": "duplicate"}
        assert await paths(app) == {1: "/1/", 2: "/1/4/2/", 3: "/1/4/2/3/", 4: "/1/4/"}
        async with app.state.db.reader() as s:
            assert len((await s.execute(select(tables.processed))).scalars().all()) == 5


async def test_an_older_copy_of_a_unit_never_overwrites_a_newer_one(databases):
    app = await planning(databases)
    async with running(app) as c:
        await c.post("/api/planning/events", json=unit_event("updated", unit(5, "/5/", version=3, name="新")),
                     headers=SERVICE)
        await c.post("/api/planning/events", json=unit_event("updated", unit(5, "/5/", version=2, name="旧")),
                     headers=SERVICE)
        async with app.state.db.reader() as s:
            assert (await s.get(OrgUnit, 5)).name == "新"


async def test_unknown_event_types_are_recorded_and_ignored(databases):
    app = await planning(databases)
    async with running(app) as c:
        e = unit_event("created", unit(1, "/1/")) | {"type": "org.role.created"}
        assert (await c.post("/api/planning/events", json=e, headers=SERVICE)).json() == {"status": "ignored"}


async def test_only_yunguan_services_may_deliver_events(databases):
    app = await planning(databases)
    async with running(app) as c:
        e = unit_event("created", unit(1, "/1/"))
        user = bearer(make_token(("admin", "/1/", "subtree")))
        other_client = bearer(make_token(sub="client:erp", client_id="erp"))
        assert (await c.post("/api/planning/events", json=e)).status_code == 401
        assert (await c.post("/api/planning/events", json=e, headers=user)).status_code == 403
        assert (await c.post("/api/planning/events", json=e, headers=other_client)).status_code == 403
        bad = await c.post("/api/planning/events", json={"id": "x"}, headers=SERVICE)
        assert bad.status_code == 422
        assert await paths(app) == {}
