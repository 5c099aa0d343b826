"""The Python lock files (python -m tools.lock): every dependency pyproject names, and everything those
pull in, is pinned with hashes, at a version that meets pyproject's floor and is the one installed in the
environment the tests run in; the security floors stay in pyproject."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCKS = {"requirements.lock": PYPROJECT["dependencies"],
         "requirements-test.lock": PYPROJECT["dependencies"] + PYPROJECT["optional-dependencies"]["test"]}


def parse_lock(text: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) from a pip requirements file with hashes."""
    pins: dict[str, tuple[str, list[str]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        line = block.split("\n", 1)[0]
        m = re.match(r"([A-Za-z0-9._-]+)(\[[^\]]*\])?==([^ ;\\]+)", line)
        if m:
            pins[canonicalize_name(m.group(1))] = (m.group(3), re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return pins


def closure(requirements: list[str]) -> dict[str, Requirement]:
    """The requirements and, through the installed packages' metadata, everything they need (with extras)."""
    env = default_environment()
    seen: dict[str, Requirement] = {}
    todo = [(Requirement(r), "") for r in requirements]
    while todo:
        req, extra = todo.pop()
        if req.marker is not None and not req.marker.evaluate({**env, "extra": extra}):
            continue
        name = canonicalize_name(req.name)
        known = seen.get(name)
        if known is not None and req.extras <= known.extras:
            continue
        seen[name] = req if known is None else Requirement(f"{name}[{','.join(known.extras | req.extras)}]")
        for sub in metadata.requires(req.name) or []:
            sreq = Requirement(sub)
            for ex in {"", *req.extras}:
                todo.append((sreq, ex))
    return seen


@pytest.fixture(params=list(LOCKS))
def lock(request) -> tuple[str, dict[str, tuple[str, list[str]]], list[str]]:
    path = ROOT / request.param
    return request.param, parse_lock(path.read_text()), LOCKS[request.param]


def test_every_pyproject_dependency_is_pinned_within_its_floor(lock):
    name, pins, wanted = lock
    for spec in wanted:
        req = Requirement(spec)
        if req.marker is not None and not req.marker.evaluate():
            continue
        pinned = pins.get(canonicalize_name(req.name))
        assert pinned is not None, f"{req.name} is not pinned in {name}"
        assert req.specifier.contains(pinned[0], prereleases=True), f"{name}: {req.name}=={pinned[0]} breaks {req}"


def test_everything_the_dependencies_pull_in_is_pinned_with_hashes(lock):
    name, pins, wanted = lock
    needed = closure(wanted)
    missing = sorted(set(needed) - set(pins))
    assert missing == [], f"{name} misses {missing}"
    for pkg, (version, hashes) in pins.items():
        assert hashes, f"{name}: {pkg}=={version} has no hash"
        if pkg in needed:
            assert needed[pkg].specifier.contains(version, prereleases=True), f"{pkg}=={version} vs {needed[pkg]}"


def test_the_lock_pins_what_the_tests_run_on(lock):
    name, pins, _ = lock
    differ = {}
    for pkg, (version, _) in pins.items():
        try:
            installed = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            differ[pkg] = (version, installed)
    assert differ == {}, f"{name} pins (locked, installed): {differ}; run `make lock`"


def test_the_security_floors_are_kept():
    floors = {Requirement(r).name: Requirement(r).specifier for r in LOCKS["requirements-test.lock"]}
    for pkg, version in {"fastapi": "0.121.1", "python-multipart": "0.0.18", "pytest-asyncio": "0.26",
                         "python-jose": "3.4.0"}.items():
        assert str(floors[pkg]).startswith(f">={version}") or f">={version}" in str(floors[pkg]), (pkg, floors[pkg])
        assert not floors[pkg].contains(_just_below(version)), f"{pkg} floor allows {_just_below(version)}"


def _just_below(version: str) -> str:
    parts = [int(p) for p in version.split(".")]
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] > 0:
            parts[i] -= 1
            return ".".join(map(str, parts)) + ".999"
    raise ValueError(version)


def test_the_lock_parser_reads_pins_hashes_and_markers():
    text = ("# header\nfoo-bar==1.2.3 ; sys_platform != 'win32' \\\n    --hash=sha256:" + "a" * 64
            + " \\\n    --hash=sha256:" + "b" * 64 + "\n    # via\n    #   x\nbaz[extra]==0.1\n")
    assert parse_lock(text) == {"foo-bar": ("1.2.3", ["a" * 64, "b" * 64]), "baz": ("0.1", [])}
