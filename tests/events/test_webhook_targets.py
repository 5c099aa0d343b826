"""Webhook targets: addresses that carry a private IPv4 inside IPv6 are refused, and a delivery
goes to the very address that was checked, whatever the name resolves to a moment later."""

import socket

import httpx
import pytest
from sqlalchemy import select

from services.common import outbox, webhooks
from services.planning.models import events as tables
from tests.events.test_webhooks import ADMIN, planning
from tests.support import running

PUBLIC = "93.184.216.34"


@pytest.mark.parametrize("url", [
    "http://[2002:7f00:1::]/hook",                   # 6to4 carrying 127.0.0.1
    "http://[2002:a00:5::1]/hook",                   # 6to4 carrying 10.0.0.5
    "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/",  # Teredo whose client is 10.0.0.1
    "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",  # NAT64 to 169.254.169.254
    "http://[64:ff9b:1::c0a8:101]/hook",             # local-use NAT64 to 192.168.1.1
    "http://[::ffff:10.0.0.1]/hook",                 # IPv4-mapped
    "http://[::7f00:1]/hook",                        # IPv4-compatible 127.0.0.1
    "http://[fec0::1]/hook",                         # site-local
])
def test_ipv6_forms_that_embed_a_private_ipv4_are_refused(url):
    with pytest.raises(webhooks.UnsafeTarget):
        webhooks.check_target(url, allow_private=False)


def test_ipv6_forms_that_embed_a_public_ipv4_pass():
    target = webhooks.check_target("http://[2002:5db8:d822::1]/hook", allow_private=False)
    assert (target.url, target.host) == ("http://[2002:5db8:d822::1]/hook", None)  # a literal needs no pinning


def resolving(monkeypatch, *answers: str) -> list[str]:
    """Make getaddrinfo give each answer in turn (a rebinding name); return the names asked."""
    asked: list[str] = []
    queue = list(answers)

    def fake(host, port, *args, **kwargs):
        asked.append(host)
        ip = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return asked


def test_a_checked_name_is_pinned_to_the_address_checked(monkeypatch):
    resolving(monkeypatch, PUBLIC)
    target = webhooks.check_target("https://hooks.example.com:8443/yunguan?x=1", allow_private=False)
    assert target.url == f"https://{PUBLIC}:8443/yunguan?x=1"
    assert target.request_options() == {"headers": {"host": "hooks.example.com:8443"},
                                        "extensions": {"sni_hostname": "hooks.example.com"}}


async def test_a_name_that_rebinds_to_loopback_after_the_check_still_gets_only_the_checked_address(
        databases, monkeypatch):
    app = await planning(databases)
    asked = resolving(monkeypatch, PUBLIC, PUBLIC, "127.0.0.1")
    sent: list[httpx.Request] = []
    async with running(app) as c:
        r = await c.post("/api/planning/webhooks", headers=ADMIN,
                         json={"url": "http://hooks.example.com/yunguan", "event_types": ["planning.plan.*"]})
        assert r.status_code == 201, r.text
        relay = app.state.relay
        relay.client = httpx.AsyncClient(transport=httpx.MockTransport(
            lambda request: sent.append(request) or httpx.Response(204)))
        async with app.state.db.writer() as s:
            await outbox.record(s, tables.outbox, source="planning", type="planning.plan.issued", subject="7",
                                data={"plan_id": 7}, unit_path="/1/")
            await s.commit()
        for _ in range(3):
            await relay.run_once()
        # the second lookup (at delivery) answered the public address and the connection used it;
        # the rebinding answer that came after was never connected to
        sent = [q for q in sent if q.headers.get("host") == "hooks.example.com" or q.url.host == PUBLIC]
        assert [str(q.url) for q in sent] == [f"http://{PUBLIC}/yunguan"]
        assert sent[0].headers["host"] == "hooks.example.com"
        assert asked == ["hooks.example.com", "hooks.example.com"]
        async with app.state.db.reader() as s:
            assert (await s.execute(select(tables.delivery.status).where(tables.delivery.target.startswith("webhook:")))
                    ).scalar_one() == "delivered"
        await relay.client.aclose()
