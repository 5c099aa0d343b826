"""A burst of sign-ins cannot exhaust org: password hashes run a bounded number at a time, and a
caller that cannot get a turn soon is told to come back (429 with Retry-After), never left to time out."""

import asyncio

from services.org.app import create_app
from tests.support import running, settings


async def test_a_burst_of_sign_ins_gets_429s_with_retry_after_and_no_server_errors(org_url):
    # real Argon2 cost, one hash at a time, a short wait for a turn
    app = create_app(settings("org", org_url, demo=True, argon2_time_cost=3, argon2_memory_kib=65536,
                              argon2_max_concurrent=1, argon2_queue_seconds=0.05))
    async with running(app, base_url="http://org") as client:
        async def attempt(i: int):
            return await client.post("/api/org/auth/token", data={
                "grant_type": "password", "username": f"nobody{i}", "password": "wrong-password"})

        answers = await asyncio.gather(*[attempt(i) for i in range(6)])
        statuses = sorted(r.status_code for r in answers)
        assert not [s for s in statuses if s >= 500], statuses
        assert statuses.count(400) >= 1 and statuses.count(429) >= 1, statuses
        refused = next(r for r in answers if r.status_code == 429)
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.headers["content-type"] == "application/problem+json"
        # once the burst has passed, sign-in works again
        ok = await client.post("/api/org/auth/token", data={"grant_type": "password", "username": "gm",
                                                            "password": "Demo@2026"})
        assert ok.status_code == 200, ok.text
