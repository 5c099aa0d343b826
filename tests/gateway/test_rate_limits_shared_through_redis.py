"""Gateway replicas sharing a redis store give a client one budget, not one per replica."""

from __future__ import annotations

import asyncio
import shutil
import time

import pytest
import redis.asyncio

from tests.support import free_port

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


@pytest.fixture
async def redis_url(tmp_path):
    """A real redis-server on a free port, for this test only."""
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", str(tmp_path), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.asyncio.from_url(url)
    deadline = time.monotonic() + 15
    try:
        while True:  # wait until it answers
            try:
                if await client.ping():
                    break
            except redis.exceptions.ConnectionError:
                if proc.returncode is not None or time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.05)
        yield url
    finally:
        await client.aclose()
        proc.terminate()
        await proc.wait()


async def test_two_gateways_sharing_redis_give_a_client_one_budget(start_gateway, client, make_token, redis_url):
    limits = {"rate_limit_rps": 0.1, "rate_limit_burst": 4, "rate_limit_storage": redis_url}
    first, second = await start_gateway(**limits), await start_gateway(**limits)
    erin = {"Authorization": f"Bearer {make_token('erin')}"}
    statuses = [(await client.get(f"{gw}/api/planning/x", headers=erin)).status_code
                for gw in (first, second, first, second, first, second)]
    assert statuses == [200, 200, 200, 200, 429, 429]
    # another client's budget is its own, on either gateway
    frank = {"Authorization": f"Bearer {make_token('frank')}"}
    assert (await client.get(f"{second}/api/planning/x", headers=frank)).status_code == 200


async def test_without_a_shared_store_each_gateway_counts_alone(start_gateway, client, make_token):
    limits = {"rate_limit_rps": 0.1, "rate_limit_burst": 2}
    first, second = await start_gateway(**limits), await start_gateway(**limits)
    gina = {"Authorization": f"Bearer {make_token('gina')}"}
    statuses = [(await client.get(f"{gw}/api/planning/x", headers=gina)).status_code
                for gw in (first, second, first, second, first)]
    assert statuses == [200, 200, 200, 200, 429]
