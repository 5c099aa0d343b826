"""Internal events are believed only from the service that owns them, signed with its secret;
a demo installation has a service secret of its own, never the published one."""

import os
import stat

import pytest
from sqlalchemy import func, select

from services.common import webhooks
from services.common.relay import Relay
from services.common.service_auth import event_signing_secret, secret_for
from services.common.settings import DEMO_SERVICE_SECRET, ServiceSettings, installation_secret
from services.planning.models import OrgUnit
from services.planning.models import events as tables
from tests.events.test_consumer import SERVICE, paths, planning, unit, unit_event
from tests.events.test_relay import emit, make_relay, only_kpi_subscribes  # noqa: F401 (autouse: routes test.* to kpi)
from tests.support import Receiver, bearer, make_token, running, serve

KPI_SERVICE = bearer(make_token(sub="client:svc-kpi", client_id="svc-kpi", name="kpi"))


def test_a_demo_installation_makes_its_own_service_secret_and_all_its_processes_share_it(tmp_path):
    org = ServiceSettings(service="org", demo=True, data_dir=tmp_path)
    kpi = ServiceSettings(service="kpi", demo=True, data_dir=tmp_path)
    elsewhere = ServiceSettings(service="org", demo=True, data_dir=tmp_path / "other")
    assert org.service_secret == kpi.service_secret != DEMO_SERVICE_SECRET
    assert elsewhere.service_secret not in (org.service_secret, DEMO_SERVICE_SECRET)
    assert len(org.service_secret) == 64
    mode = stat.S_IMODE(os.stat(tmp_path / "service-secret").st_mode)
    assert mode == 0o600, oct(mode)
    # the published secret no longer derives this installation's client secrets
    assert secret_for(DEMO_SERVICE_SECRET, "kpi") != secret_for(org.service_secret, "kpi")
    assert installation_secret(tmp_path) == org.service_secret
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".service-secret")]


def test_outside_demo_mode_the_published_secret_is_refused(tmp_path):
    with pytest.raises(ValueError, match="YUNGUAN_SERVICE_SECRET"):
        ServiceSettings(service="kpi", demo=False, data_dir=tmp_path)


async def unit_count(app) -> int:
    async with app.state.db.reader() as s:
        return (await s.execute(select(func.count()).select_from(OrgUnit))).scalar_one()


async def test_another_service_cannot_deliver_org_events(databases):
    app = await planning(databases)
    async with running(app) as c:
        forged = unit_event("created", unit(1, "/1/"))
        r = await c.post("/api/planning/events", json=forged, headers=KPI_SERVICE)
        assert r.status_code == 403, r.text
        assert "only deliver its own events" in r.json()["detail"]
        # claiming to be org in the envelope does not help either: the token says kpi
        r = await c.post("/api/planning/events", json={**forged, "source": "kpi"}, headers=KPI_SERVICE)
        assert r.status_code == 403
        assert await unit_count(app) == 0


async def test_an_unsigned_or_wrongly_signed_event_is_refused_and_changes_nothing(databases):
    app = await planning(databases)
    async with running(app) as c:
        e = unit_event("created", unit(1, "/1/"))
        r = await c.post("/api/planning/events", json=e, headers={**SERVICE, "webhook-signature": ""})
        assert r.status_code == 403 and "signature" in r.json()["detail"]
        import json as _json
        body = _json.dumps(e).encode()
        # signed with the secret anyone can read in this repository's history, not this installation's
        wrong = webhooks.headers(event_signing_secret("not-the-installation-secret", "org"), e["id"], body)
        r = await c.post("/api/planning/events", content=body,
                         headers={**SERVICE, **wrong, "content-type": "application/json"})
        assert r.status_code == 403
        # org's signature over other bytes does not carry over to a changed body
        good_for_other = webhooks.headers(event_signing_secret(DEMO_SERVICE_SECRET, "org"), e["id"], body + b" ")
        r = await c.post("/api/planning/events", content=body,
                         headers={**SERVICE, **good_for_other, "content-type": "application/json"})
        assert r.status_code == 403
        assert await unit_count(app) == 0
        r = await c.post("/api/planning/events", json=e, headers=SERVICE)  # signed as org's relay signs
        assert r.json() == {"status": "applied"}
        assert await paths(app) == {1: "/1/"}


async def test_the_relay_signs_internal_deliveries_with_its_services_secret(databases):
    receiver = Receiver()
    async with serve(receiver) as base:
        relay = await make_relay(await databases.fresh("planning"), base)
        await emit(relay.db, ("a", 1))
        await relay.run_once()
        await relay.run_once()
        [got] = receiver.received
        assert got["headers"]["authorization"] == "Bearer test-service-token"
        assert webhooks.verify(event_signing_secret(DEMO_SERVICE_SECRET, "planning"), got["headers"], got["body"])
        assert not webhooks.verify(event_signing_secret(DEMO_SERVICE_SECRET, "org"), got["headers"], got["body"])
        await relay.db.dispose()


async def test_a_relay_whose_lease_ran_out_records_nothing_over_the_relay_that_took_over(databases):
    receiver = Receiver()
    async with serve(receiver) as base:
        url = await databases.fresh("planning")
        slow, other = await make_relay(url, base), await make_relay(url, base)
        await emit(slow.db, ("a", 1))
        await slow.dispatch_once()
        real_send = Relay._send

        async def send_after_losing_the_lease(self, delivery, event, hook, trace=None):
            # while this send hangs, its lease runs out and the other relay delivers the event
            async with self.db.writer() as s:
                row = await s.get(tables.delivery, delivery.id)
                row.lease_until = row.lease_until.replace(year=2000)
                await s.commit()
            assert await other.deliver_once() == 1
            return await real_send(self, delivery, event, hook, trace)

        slow._send = send_after_losing_the_lease.__get__(slow)
        await slow.deliver_once()
        async with slow.db.reader() as s:
            d = (await s.execute(select(tables.delivery))).scalar_one()
            attempts = (await s.execute(select(func.count()).select_from(tables.attempt))).scalar_one()
        assert (d.status, d.attempts, attempts) == ("delivered", 1, 1)
        await slow.db.dispose()
        await other.db.dispose()
