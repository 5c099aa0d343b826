"""Webhooks for other systems: admin-managed, signed Standard-Webhooks style, safe targets only."""

import json

import pytest

from services.common import webhooks
from services.common.relay import Relay
from services.planning.app import create_app
from services.planning.models import events as tables
from tests.support import Receiver, bearer, make_token, running, serve, settings, use_test_keys

ADMIN = bearer(make_token(("admin", "/1/", "subtree")))


async def planning(databases, **kw):
    app = create_app(settings("planning", await databases.fresh("planning"), **kw))
    use_test_keys(app)
    return app


async def test_a_subscribed_receiver_gets_a_signed_delivery_it_can_verify(databases):
    receiver = Receiver()
    app = await planning(databases, webhook_allow_private_targets=True)
    async with serve(receiver) as base, running(app) as c:
        r = await c.post("/api/planning/webhooks", headers=ADMIN,
                         json={"url": f"{base}/hooks/yunguan", "event_types": ["planning.plan.*"]})
        assert r.status_code == 201
        hook = r.json()
        assert hook["secret"].startswith("whsec_")
        from services.common import outbox
        async with app.state.db.writer() as s:
            await outbox.record(s, tables.outbox, source="planning", type="planning.plan.issued", subject="7",
                                data={"plan_id": 7}, unit_path="/1/")
            await outbox.record(s, tables.outbox, source="planning", type="kpi.other", subject="8", data={})
            await s.commit()
        relay: Relay = app.state.relay
        for _ in range(5):
            await relay.run_once()
        assert len(receiver.received) == 1
        got = receiver.received[0]
        assert got["path"] == "/hooks/yunguan"
        assert webhooks.verify(hook["secret"], got["headers"], got["body"])
        assert json.loads(got["body"])["type"] == "planning.plan.issued"
        tampered = got["body"].replace(b'"plan_id":7', b'"plan_id":8')
        assert not webhooks.verify(hook["secret"], got["headers"], tampered)
        assert not webhooks.verify("whsec_" + "A" * 44, got["headers"], got["body"])
        # the delivery and its attempt are in the log
        log = (await c.get(f"/api/planning/webhooks/{hook['id']}/deliveries", headers=ADMIN)).json()["items"]
        assert [d["status"] for d in log] == ["delivered"]
        detail = (await c.get(f"/api/planning/events/deliveries/{log[0]['id']}", headers=ADMIN)).json()
        assert detail["attempts_log"][0]["status_code"] == 200 and detail["attempts_log"][0]["ok"]


async def test_ping_goes_to_that_webhook_only(databases):
    receiver = Receiver()
    app = await planning(databases, webhook_allow_private_targets=True)
    async with serve(receiver) as base, running(app) as c:
        a = (await c.post("/api/planning/webhooks", headers=ADMIN,
                          json={"url": f"{base}/a", "event_types": ["*"]})).json()
        await c.post("/api/planning/webhooks", headers=ADMIN, json={"url": f"{base}/b", "event_types": ["*"]})
        ping = await c.post(f"/api/planning/webhooks/{a['id']}/ping", headers=ADMIN)
        assert ping.status_code == 202
        for _ in range(3):
            await app.state.relay.run_once()
        assert [r["path"] for r in receiver.received] == ["/a"]
        assert json.loads(receiver.received[0]["body"])["type"] == "planning.webhook.ping"


@pytest.mark.parametrize("url,reason", [
    ("ftp://example.com/x", "http or https"),
    ("http://127.0.0.1:9000/x", "loopback or private"),
    ("http://localhost/x", "this machine"),
    ("http://10.1.2.3/x", "loopback or private"),
    ("http://192.168.0.10/x", "loopback or private"),
    ("http://169.254.169.254/latest/meta-data", "loopback or private"),
    ("http://[::1]:8000/", "loopback or private"),
    ("http://[::ffff:10.0.0.1]/", "loopback or private"),
    ("http://user:pw@93.184.216.34/", "credentials"),
])
async def test_unsafe_webhook_targets_are_refused(databases, url, reason):
    app = await planning(databases)
    async with running(app) as c:
        r = await c.post("/api/planning/webhooks", headers=ADMIN, json={"url": url, "event_types": ["*"]})
        assert r.status_code == 422 and reason in r.json()["detail"]
        assert (await c.get("/api/planning/webhooks", headers=ADMIN)).json()["items"] == []


async def test_public_targets_are_accepted_and_only_admins_manage_webhooks(databases):
    app = await planning(databases)
    async with running(app) as c:
        ok = await c.post("/api/planning/webhooks", headers=ADMIN,
                          json={"url": "https://93.184.216.34/hook", "event_types": ["planning.*"]})
        assert ok.status_code == 201
        planner = bearer(make_token(("plan", "/1/", "subtree")))
        assert (await c.get("/api/planning/webhooks", headers=planner)).status_code == 403
        assert (await c.post("/api/planning/webhooks", headers=planner,
                             json={"url": "https://93.184.216.34/x", "event_types": ["*"]})).status_code == 403
        # a stale If-Match loses nothing
        hook = ok.json()
        stale = await c.patch(f"/api/planning/webhooks/{hook['id']}", headers={**ADMIN, "If-Match": '"webhook-1-v0"'},
                              json={"active": False})
        assert stale.status_code == 412
