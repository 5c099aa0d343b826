"""Routing, header forwarding, streaming and upstream failures, over real sockets."""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid

import httpx
from gateway_support import _pattern


def _headers(echo: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in echo["headers"]:
        out.setdefault(k, []).append(v)
    return out


async def test_each_service_prefix_reaches_its_own_upstream(start_gateway, client, make_token):
    gw = await start_gateway(risk_down=False)
    auth = {"Authorization": f"Bearer {make_token()}"}
    for name in ("org", "planning", "kpi", "risk"):
        r = await client.get(f"{gw}/api/{name}/anything", headers=auth)
        assert r.status_code == 200, r.text
        assert r.json()["upstream"] == name
        assert r.json()["path"] == f"/api/{name}/anything"


async def test_method_path_query_headers_and_body_are_forwarded(start_gateway, client, make_token):
    gw = await start_gateway()
    token = make_token()
    r = await client.request(
        "PATCH", f"{gw}/api/planning/plans/%E8%AE%A1%E5%88%92/x%2Fy?b=2&a=%20z&a=1",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                 "If-Match": '"plan-1-v3"', "Idempotency-Key": "k-1", "Accept-Encoding": "gzip",
                 "Keep-Alive": "timeout=5", "Connection": "keep-alive, X-Hop", "X-Hop": "secret",
                 "TE": "trailers"},
        content=b'{"title": "\xe8\xae\xa1\xe5\x88\x92"}')
    assert r.status_code == 200, r.text
    echo = r.json()
    assert echo["method"] == "PATCH"
    # The raw path goes upstream byte for byte (an encoded slash stays encoded).
    assert echo["raw_path"] == "/api/planning/plans/%E8%AE%A1%E5%88%92/x%2Fy"
    assert echo["query"] == "b=2&a=%20z&a=1"
    assert echo["body"] == '{"title": "计划"}'
    h = _headers(echo)
    assert h["authorization"] == [f"Bearer {token}"]  # the service verifies it again
    assert h["if-match"] == ['"plan-1-v3"'] and h["idempotency-key"] == ["k-1"]
    assert h["accept-encoding"] == ["gzip"]
    assert h["content-type"] == ["application/json"]
    for hop in ("keep-alive", "x-hop", "te", "transfer-encoding"):
        assert hop not in h, hop
    # aiohttp adds no defaults of its own.
    assert "user-agent" in h and h["user-agent"][0].startswith("python-httpx")


async def test_request_id_is_kept_when_sane_and_made_otherwise(start_gateway, client, make_token):
    gw = await start_gateway()
    auth = {"Authorization": f"Bearer {make_token()}"}

    r = await client.get(f"{gw}/api/kpi/echo", headers={**auth, "X-Request-ID": "trace-42.a_b"})
    assert r.headers["x-request-id"] == "trace-42.a_b"
    assert _headers(r.json())["x-request-id"] == ["trace-42.a_b"]

    for bad in ("has spaces in it", "x" * 65):
        r = await client.get(f"{gw}/api/kpi/echo", headers={**auth, "X-Request-ID": bad})
        sent = _headers(r.json())["x-request-id"]
        assert len(sent) == 1 and sent[0] != bad and len(sent[0]) == 32
        assert r.headers["x-request-id"] == sent[0]

    r = await client.get(f"{gw}/api/kpi/echo", headers=auth)
    assert r.headers.get_list("x-request-id") == _headers(r.json())["x-request-id"]


async def test_forwarded_headers_describe_the_original_request(start_gateway, client, make_token):
    gw = await start_gateway()
    auth = {"Authorization": f"Bearer {make_token()}"}
    host = gw.removeprefix("http://")

    h = _headers((await client.get(f"{gw}/api/org/echo", headers=auth)).json())
    assert h["x-forwarded-for"] == ["127.0.0.1"]
    assert h["x-forwarded-proto"] == ["http"]
    assert h["x-forwarded-host"] == [host]
    # The upstream sees its own host, not the gateway's.
    assert h["host"] != [host]

    h = _headers((await client.get(f"{gw}/api/org/echo", headers={
        **auth, "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})).json())
    assert len(h["x-forwarded-for"]) == 1
    assert h["x-forwarded-for"][0].split(",")[0].strip() == "203.0.113.7"


async def test_status_and_response_headers_pass_through_without_duplicates(start_gateway, client, make_token):
    gw = await start_gateway()
    r = await client.post(f"{gw}/api/planning/created", headers={"Authorization": f"Bearer {make_token()}"})
    assert r.status_code == 201
    assert r.json() == {"created": True}
    assert r.headers["location"] == "/api/x/1"
    assert r.headers["etag"] == '"thing-1-v1"'
    assert r.headers["x-custom"] == "kept"
    for name in ("date", "server", "x-request-id", "content-length"):
        assert len(r.headers.get_list(name)) <= 1, name


async def test_cookies_set_for_one_client_are_never_sent_for_another(start_gateway, make_token):
    gw = await start_gateway()
    auth = {"Authorization": f"Bearer {make_token()}"}
    async with httpx.AsyncClient() as alice:
        r = await alice.get(f"{gw}/api/org/cookie", headers=auth)
        assert r.headers["set-cookie"].startswith("session=secret")
    async with httpx.AsyncClient() as bob:
        r = await bob.get(f"{gw}/api/org/cookie", headers=auth)
        assert r.json() == {"cookie": None}


async def test_large_upload_streams_to_the_upstream_before_it_is_complete(start_gateway, client, make_token,
                                                                          upstreams):
    gw = await start_gateway()
    echo, _ = upstreams["planning"]
    gate = uuid.uuid4().hex
    chunk = b"u" * (1024 * 1024)
    total = 24
    expected = hashlib.sha256(chunk * total).hexdigest()

    async def body():
        yield chunk
        # A buffering gateway would wait for the whole body first, and this would time out.
        await asyncio.wait_for(echo.event(gate).wait(), timeout=5)
        for _ in range(total - 1):
            yield chunk

    r = await client.post(f"{gw}/api/planning/upload?gate={gate}", content=body(),
                          headers={"Authorization": f"Bearer {make_token()}"})
    assert r.status_code == 200, r.text
    assert r.json() == {"size": len(chunk) * total, "sha256": expected}


async def test_large_download_streams_to_the_client_before_it_is_complete(start_gateway, client, make_token,
                                                                          upstreams):
    gw = await start_gateway()
    echo, _ = upstreams["kpi"]
    gate = uuid.uuid4().hex
    size = 20 * 1024 * 1024 + 123
    digest = hashlib.sha256()
    received = 0
    async with client.stream("GET", f"{gw}/api/kpi/download?size={size}&gate={gate}",
                             headers={"Authorization": f"Bearer {make_token()}"}) as r:
        assert r.status_code == 200
        async for part in r.aiter_raw():
            digest.update(part)
            received += len(part)
            # The upstream holds the rest back until we have seen bytes through the gateway.
            echo.event(gate).set()
    assert received == size
    assert digest.hexdigest() == hashlib.sha256(_pattern(0, size)).hexdigest()


async def test_stopped_upstream_answers_503_and_others_still_work(start_gateway, client, make_token):
    gw = await start_gateway(risk_down=True)
    auth = {"Authorization": f"Bearer {make_token()}"}

    async def timed(coro):
        start = time.monotonic()
        r = await coro
        return r, time.monotonic() - start

    refused, slow, *others = await asyncio.gather(
        timed(client.get(f"{gw}/api/risk/alerts", headers=auth)),
        timed(client.get(f"{gw}/api/kpi/slow?seconds=5", headers=auth)),
        *[timed(client.get(f"{gw}/api/planning/echo?i={i}", headers=auth)) for i in range(10)],
        *[timed(client.get(f"{gw}/api/org/echo?i={i}", headers=auth)) for i in range(10)])
    r, took = refused
    assert r.status_code == 503
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"].endswith("/upstream-unavailable") and r.json()["service"] == "risk"
    assert took < 2.0
    assert slow[0].status_code == 504
    for r, took in others:
        assert r.status_code == 200
        assert took < 1.0  # not held up behind the dead or slow upstream


async def test_upstream_silent_past_its_timeout_answers_504(start_gateway, client, make_token):
    gw = await start_gateway(upstream_timeout=10.0, upstream_timeouts={"kpi": 0.5})
    auth = {"Authorization": f"Bearer {make_token()}"}
    start = time.monotonic()
    r = await client.get(f"{gw}/api/kpi/slow?seconds=3", headers=auth)
    took = time.monotonic() - start
    assert r.status_code == 504
    body = r.json()
    assert r.headers["content-type"] == "application/problem+json"
    assert body["status"] == 504 and body["type"].endswith("/upstream-timeout") and body["service"] == "kpi"
    assert body["instance"] == "/api/kpi/slow"
    assert 0.4 < took < 2.0
    # A slower answer within its own (default) timeout still passes elsewhere.
    r = await client.get(f"{gw}/api/planning/slow?seconds=0.7", headers=auth)
    assert r.status_code == 200


async def test_unknown_api_path_is_a_404_problem(start_gateway, client):
    gw = await start_gateway()
    r = await client.get(f"{gw}/api/nosuchservice/things")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"].endswith("/not-found")
