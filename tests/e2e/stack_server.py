"""Start the whole product on free ports with a throw-away data folder, for the browser tests.

``python tests/e2e/stack_server.py`` (run from the repository root) migrates and starts
org, planning, kpi, risk and the gateway with the demo company, prints one line
``READY <gateway url>`` when every process answers /readyz, and stops them all on
SIGTERM, SIGINT or when its standard input closes (so a crashed test runner leaves no
process behind).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools.stack import SERVICES, Stack  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    data = Path(os.environ.get("YUNGUAN_E2E_DATA_DIR") or tempfile.mkdtemp(prefix="yunguan-e2e-"))
    ports = {name: free_port() for name in [*SERVICES, "gateway"]}
    log_dir = Path(os.environ.get("YUNGUAN_E2E_LOG_DIR", data / "logs"))
    # public_url: where the browser opens the product (the gateway); single sign-on's redirect URI and the
    # SPA's /login/sso landing are built from it
    stack = Stack(env={"YUNGUAN_DEMO": "1", "YUNGUAN_DATA_DIR": str(data),
                       "YUNGUAN_PUBLIC_URL": f"http://127.0.0.1:{ports['gateway']}"}, ports=ports, log_dir=log_dir)
    stop = threading.Event()

    def on_signal(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def watch_stdin():
        try:
            while sys.stdin.read(1):
                pass
        except Exception:
            pass
        stop.set()

    if os.environ.get("YUNGUAN_E2E_WATCH_STDIN", "1") == "1":
        threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        stack.migrate()
        stack.start_all()
        asyncio.run(stack.wait_ready(timeout=90))
        print(f"READY http://127.0.0.1:{ports['gateway']} data={data} logs={log_dir}", flush=True)
        while not stop.is_set():
            for name, proc in list(stack.procs.items()):
                if proc.poll() is not None:
                    print(f"{name} stopped unexpectedly (exit {proc.returncode})", file=sys.stderr, flush=True)
                    return 1
            time.sleep(0.3)
        return 0
    except Exception as exc:
        print(f"FAILED {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        stack.stop_all()


if __name__ == "__main__":
    sys.exit(main())
