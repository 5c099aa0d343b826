"""Per-client token buckets: 429 with Retry-After once a client exceeds its allowance."""

from __future__ import annotations

import httpx

from gateway.ratelimit import RateLimiter


async def test_client_over_its_limit_gets_429_with_retry_after(start_gateway, client, make_token):
    gw = await start_gateway(rate_limit_rps=0.5, rate_limit_burst=3)
    auth = {"Authorization": f"Bearer {make_token('alice')}"}
    statuses = [(await client.get(f"{gw}/api/planning/x", headers=auth)).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    r = await client.get(f"{gw}/api/planning/x", headers=auth)
    assert r.status_code == 429
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"].endswith("/too-many-requests")
    assert int(r.headers["retry-after"]) == 2  # one token at 0.5/s


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


def test_bucket_refills_at_the_configured_rate_up_to_the_burst():
    now = [0.0]
    limiter = RateLimiter(rate=2.0, burst=4, clock=lambda: now[0])
    assert [limiter.check("k") for _ in range(4)] == [0.0] * 4
    assert limiter.check("k") == 0.5  # seconds until the next token
    now[0] = 0.5
    assert limiter.check("k") == 0.0
    assert limiter.check("k") > 0
    now[0] = 100.0  # long idle: back to the burst, never beyond it
    assert [limiter.check("k") for _ in range(4)] == [0.0] * 4
    assert limiter.check("k") > 0
    assert RateLimiter.retry_after(0.01) == 1 and RateLimiter.retry_after(1.2) == 2


def test_limiter_forgets_idle_clients_when_its_table_is_full():
    now = [0.0]
    limiter = RateLimiter(rate=10.0, burst=10, max_clients=100, clock=lambda: now[0])
    for i in range(100):
        limiter.check(f"ip-{i}")
    now[0] = 5.0  # everyone's bucket has refilled
    limiter.check("newcomer")
    assert len(limiter) == 1


def test_zero_rate_disables_limiting():
    limiter = RateLimiter(rate=0, burst=1)
    assert all(limiter.check("k") == 0.0 for _ in range(1000))
