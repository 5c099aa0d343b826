"""Per-client rate limits: 429 with Retry-After once a client exceeds its allowance; a store that is down
lets requests through (fail open) with a warning."""

from __future__ import annotations

import httpx

from gateway.ratelimit import LimitStore, RateLimiter


async def test_client_over_its_limit_gets_429_with_retry_after(start_gateway, client, make_token):
    gw = await start_gateway(rate_limit_rps=0.5, rate_limit_burst=3)
    auth = {"Authorization": f"Bearer {make_token('alice')}"}
    statuses = [(await client.get(f"{gw}/api/planning/x", headers=auth)).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    r = await client.get(f"{gw}/api/planning/x", headers=auth)
    assert r.status_code == 429
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"].endswith("/too-many-requests")
    # 3 requests per 6 s (burst / rate): the next is allowed when the first ages out of the window
    assert 1 <= int(r.headers["retry-after"]) <= 6


async def test_limits_are_kept_per_token_subject(start_gateway, client, make_token):
    gw = await start_gateway(rate_limit_rps=0.1, rate_limit_burst=2)
    alice = {"Authorization": f"Bearer {make_token('alice')}"}
    alice_again = {"Authorization": f"Bearer {make_token('alice', jti='second-session')}"}
    bob = {"Authorization": f"Bearer {make_token('bob')}"}
    assert (await client.get(f"{gw}/api/kpi/x", headers=alice)).status_code == 200
    assert (await client.get(f"{gw}/api/kpi/x", headers=alice_again)).status_code == 200
    # A second token of the same subject shares the bucket; another subject has its own.
    assert (await client.get(f"{gw}/api/kpi/x", headers=alice)).status_code == 429
    assert (await client.get(f"{gw}/api/kpi/x", headers=alice_again)).status_code == 429
    assert (await client.get(f"{gw}/api/kpi/x", headers=bob)).status_code == 200


async def test_anonymous_requests_are_limited_per_client_ip(start_gateway, make_token):
    gw = await start_gateway(rate_limit_rps=0.1, rate_limit_burst=2)
    async with httpx.AsyncClient() as c:
        # Public paths and refused tokens both count against the caller's address.
        assert (await c.post(f"{gw}/api/org/auth/token")).status_code == 200
        assert (await c.get(f"{gw}/api/org/x", headers={"Authorization": "Bearer forged"})).status_code == 401
        r = await c.post(f"{gw}/api/org/auth/token")
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        # An authenticated caller from the same address is limited by subject instead.
        ok = await c.get(f"{gw}/api/org/x", headers={"Authorization": f"Bearer {make_token('carol')}"})
        assert ok.status_code == 200


async def test_a_client_sends_its_burst_at_once_then_waits_for_the_window_while_others_do_not():
    limiter = RateLimiter(rate=2.0, burst=4)  # 4 requests in any 2 s
    assert [await limiter.check("k") for _ in range(4)] == [0.0] * 4
    wait = await limiter.check("k")
    assert 0 < wait <= 2.0 and limiter.refused == 1
    assert await limiter.peek("k") > 0 and await limiter.check("other") == 0.0
    assert RateLimiter.retry_after(0.01) == 1 and RateLimiter.retry_after(1.2) == 2


async def test_zero_rate_disables_limiting():
    limiter = RateLimiter(rate=0, burst=1)
    assert all([await limiter.check("k") == 0.0 for _ in range(1000)])


async def test_limits_with_the_store_down_let_requests_through_and_say_so(refused_port, caplog):
    store = LimitStore(f"redis://127.0.0.1:{refused_port}/0")
    limiter = RateLimiter(rate=1.0, burst=1, store=store)
    with caplog.at_level("WARNING", logger="yunguan.gateway.ratelimit"):
        assert [await limiter.check("k") for _ in range(5)] == [0.0] * 5
    assert store.errors == 1  # asked once, then left alone for a while: no latency per request
    warnings = [r.getMessage() for r in caplog.records if r.name == "yunguan.gateway.ratelimit"]
    assert len(warnings) == 1 and "not limited" in warnings[0] and str(refused_port) in warnings[0]


async def test_a_gateway_with_its_store_down_still_answers(start_gateway, client, make_token, refused_port):
    gw = await start_gateway(rate_limit_rps=0.1, rate_limit_burst=1,
                             rate_limit_storage=f"redis://:secret@127.0.0.1:{refused_port}/0")
    auth = {"Authorization": f"Bearer {make_token('dave')}"}
    assert [(await client.get(f"{gw}/api/kpi/x", headers=auth)).status_code for _ in range(3)] == [200] * 3
