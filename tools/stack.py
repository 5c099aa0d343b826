"""Run the whole product as real processes: org, planning, kpi, risk and the gateway.

``python -m tools.stack`` (what ``make run`` calls) migrates every service, starts
them, waits until each is ready, prints the URL and the demo sign-ins, and on
Ctrl-C (or SIGTERM) stops them all, leaving no process behind on a port.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ["org", "planning", "kpi", "risk"]
PORTS = {"gateway": 8000, "org": 8001, "planning": 8002, "kpi": 8003, "risk": 8004}

DEMO_USERS = [
    ("admin", "系统管理员 System administrator"),
    ("gm", "总经理 General manager"),
    ("ops_director", "运营总监 Operations director (运营管理部)"),
    ("market_mgr", "市场部经理 Marketing manager"),
    ("branch_gm", "分公司总经理 Branch general manager (苏州分公司)"),
    ("supply_head", "主管 Supervisor (供应科)"),
    ("analyst", "专员 Specialist (市场调研组)"),
]


@dataclass
class Stack:
    """A set of service processes sharing one environment."""

    env: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=lambda: dict(PORTS))
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    log_dir: Path | None = None

    def environment(self, name: str) -> dict[str, str]:
        env = {**os.environ, **self.env}
        env["YUNGUAN_PORT"] = str(self.ports[name])
        for svc in SERVICES:
            key = f"YUNGUAN_{svc.upper()}_URL"
            env.setdefault(key, f"http://127.0.0.1:{self.ports[svc]}")
        env["YUNGUAN_JWKS_URL"] = f"http://127.0.0.1:{self.ports['org']}/api/org/.well-known/jwks.json"
        # the stack migrates every service before it starts them (migrate), so they need not
        env.setdefault("YUNGUAN_RUN_MIGRATIONS", "false")
        return env

    def migrate(self) -> None:
        for svc in SERVICES:
            subprocess.run([sys.executable, "-m", "services.common.migrate", "upgrade", svc],
                           cwd=ROOT, env=self.environment(svc), check=True)

    def start(self, name: str) -> subprocess.Popen:
        out = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = open(self.log_dir / f"{name}.log", "ab")
        proc = subprocess.Popen([sys.executable, "-m", "services.common.run", name], cwd=ROOT,
                                env=self.environment(name), stdout=out, stderr=subprocess.STDOUT if out else None,
                                start_new_session=True)
        self.procs[name] = proc
        return proc

    def start_all(self) -> None:
        for name in [*SERVICES, "gateway"]:
            self.start(name)

    async def wait_ready(self, names: list[str] | None = None, timeout: float = 60) -> None:  # noqa: ASYNC109 - a deadline over many probes
        names = names or [*SERVICES, "gateway"]
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=2) as client:
            for name in names:
                url = f"http://127.0.0.1:{self.ports[name]}/readyz"
                while True:
                    proc = self.procs.get(name)
                    if proc is not None and proc.poll() is not None:
                        raise RuntimeError(f"{name} exited with code {proc.returncode}")
                    try:
                        if (await client.get(url)).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{name} was not ready at {url} within {timeout:.0f} s")
                    await asyncio.sleep(0.2)

    def stop(self, name: str, timeout: float = 10) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            pass

    def stop_all(self) -> None:
        for name in ["gateway", *SERVICES[::-1]]:
            self.stop(name)


def banner(port: int) -> str:
    lines = ["", "  Yunguan 运管 is running.", "",
             f"  Open      http://localhost:{port}/", f"  API docs  http://localhost:{port}/api/docs", "",
             "  Demo sign-ins (password Demo@2026, demo data only):"]
    lines += [f"    {u:<13} {d}" for u, d in DEMO_USERS]
    lines += ["", "  Press Ctrl-C to stop every service.", ""]
    return "\n".join(lines)


def main() -> int:
    stack = Stack(env={"YUNGUAN_DEMO": "1"})
    stopping = {"flag": False}

    def on_signal(signum, _frame):
        stopping["flag"] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        stack.migrate()
        stack.start_all()
        asyncio.run(stack.wait_ready())
        print(banner(stack.ports["gateway"]), flush=True)
        while not stopping["flag"]:
            for name, proc in list(stack.procs.items()):
                if proc.poll() is not None:
                    print(f"{name} stopped unexpectedly (exit {proc.returncode}); stopping the rest.", flush=True)
                    return 1
            time.sleep(0.5)
        return 0
    except (RuntimeError, TimeoutError, subprocess.CalledProcessError) as exc:
        print(f"Could not start Yunguan: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        print("Stopping…", flush=True)
        stack.stop_all()


if __name__ == "__main__":
    sys.exit(main())
