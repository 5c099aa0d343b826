"""Start one service with uvicorn (uvloop + httptools): ``python -m services.common.run org``.

A service migrates its database first unless ``YUNGUAN_RUN_MIGRATIONS=false`` (a one-shot job
runs ``python -m services.common.migrate upgrade <service>`` instead); replicas starting at once
take turns under the migration lock (services.common.migrate), so only the first has work to do.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import sys

import uvicorn

from services.common.settings import DATABASE_SERVICES, settings_for


def main() -> None:
    service = sys.argv[1]
    settings = settings_for(service)
    if settings.run_migrations and service in DATABASE_SERVICES:
        from services.common.migrate import upgrade

        asyncio.run(upgrade(service, settings.db_url))
    module = importlib.import_module("gateway.app" if service == "gateway" else f"services.{service}.app")
    app = module.create_app()
    # Everything imported so far (frameworks, models, routes) lives as long as the process: out
    # of the collector's sight, a full collection no longer walks it in the middle of a request
    # that allocates a lot (a 10,000-point measurement batch).
    gc.collect()
    gc.freeze()
    # A young-generation collection every 20,000 net allocations instead of every 700: a batch
    # parsed into 10,000 dicts then triggers a handful instead of hundreds (~10 ms of a 10,000-
    # point batch, measured in-process); garbage cycles wait a little longer to be freed.
    gc.set_threshold(20_000, 10, 10)
    # proxy_headers=False: uvicorn would otherwise take X-Forwarded-For from 127.0.0.1 as the client's
    # address; the gateway decides that itself, from configured proxies only (gateway.ratelimit).
    uvicorn.run(app, host=settings.host, port=settings.port, loop="uvloop", http="httptools",
                log_config=None, access_log=False, timeout_graceful_shutdown=5, proxy_headers=False)


if __name__ == "__main__":
    main()
