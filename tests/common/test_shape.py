"""One shape for every service, held by reading the code: the same file roles in every service and
concept, routers that validate, authorise and make one service call, and names that explain themselves."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["org", "planning", "kpi", "risk"]
SERVICE_FILES = {"app.py", "models.py", "events.py", "consumers.py", "journal.py", "deps.py"}
CONCEPT_FILES = {"__init__.py", "router.py", "service.py", "schemas.py"}
# What a router must not do itself: run queries or hold rules (the service module does).
QUERY_CALLS = {"select", "insert", "update", "delete", "execute", "scalar", "scalars", "get", "add", "add_all",
               "flush", "merge", "refresh"}


def concepts(service: str) -> list[Path]:
    base = ROOT / "services" / service
    return sorted(p for p in base.iterdir() if p.is_dir() and (p / "router.py").exists())


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def endpoints(module: ast.Module) -> list[ast.AsyncFunctionDef | ast.FunctionDef]:
    """Functions decorated with router.<method>(...)."""
    found = []
    for node in module.body:
        if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
            for dec in node.decorator_list:
                if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and \
                        isinstance(dec.func.value, ast.Name) and dec.func.value.id == "router":
                    found.append(node)
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_same_rooms(service):
    base = ROOT / "services" / service
    assert SERVICE_FILES <= {p.name for p in base.iterdir()}, f"services/{service} lacks a service-level file"
    assert concepts(service), f"services/{service} has no concept folder"
    for concept in concepts(service):
        assert CONCEPT_FILES <= {p.name for p in concept.iterdir()}, f"{concept.relative_to(ROOT)} lacks a file role"
    # no routers outside concept folders
    assert not (base / "api").exists(), f"services/{service}/api is the old layout"
    assert not (base / "router.py").exists()


@pytest.mark.parametrize("service", SERVICES)
def test_no_router_runs_a_query_or_checks_a_right_itself(service):
    for concept in concepts(service):
        path = concept / "router.py"
        module = tree(path)
        for node in ast.walk(module):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sqlalchemy"):
                names = {a.name for a in node.names}
                assert not names & QUERY_CALLS, f"{path.relative_to(ROOT)} imports {names & QUERY_CALLS}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                if isinstance(owner, ast.Name) and owner.id == "session" and node.func.attr in QUERY_CALLS:
                    raise AssertionError(f"{path.relative_to(ROOT)}:{node.lineno} runs session.{node.func.attr}")
                if node.func.attr == "require" and isinstance(owner, ast.Name) and owner.id == "principal":
                    raise AssertionError(f"{path.relative_to(ROOT)}:{node.lineno} checks a right itself")


def service_names(module: ast.Module) -> set[str]:
    """Names a router binds to service-layer code: ``from .x import service`` and functions imported from a
    ``service`` module."""
    names = set()
    for node in module.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if alias.name == "service" or node.module.rsplit(".", 1)[-1] == "service":
                    names.add(alias.asname or alias.name)
    return names


# What an endpoint may await besides its one service call: reading the request it validates.
READS_OF_THE_REQUEST = {"body", "read", "json", "form"}


def called_name(call: ast.Call) -> str:
    func = call.func
    while isinstance(func, ast.Attribute):
        func = func.value
    return func.id if isinstance(func, ast.Name) else ""


@pytest.mark.parametrize("service", SERVICES)
def test_each_endpoint_makes_one_service_call(service):
    for concept in concepts(service):
        path = concept / "router.py"
        module = tree(path)
        names = service_names(module)
        for fn in endpoints(module):
            calls = [n for n in ast.walk(fn) if isinstance(n, ast.Await) and isinstance(n.value, ast.Call)
                     and called_name(n.value) in names]
            assert len(calls) <= 1, f"{path.relative_to(ROOT)}:{fn.lineno} {fn.name} makes {len(calls)} service calls"
            for node in ast.walk(fn):
                if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
                    call = node.value
                    reads = isinstance(call.func, ast.Attribute) and call.func.attr in READS_OF_THE_REQUEST
                    assert called_name(call) in names or reads, \
                        f"{path.relative_to(ROOT)}:{node.lineno} {fn.name} awaits something other than its service"


@pytest.mark.parametrize("service", SERVICES)
def test_fastapi_request_stays_at_the_edge(service):
    """Service modules never see FastAPI's Request: the request id comes from the request context."""
    for path in (ROOT / "services" / service).rglob("*.py"):
        if path.name == "router.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.ImportFrom) and node.module in {"fastapi", "starlette.requests"}:
                names = {a.name for a in node.names}
                assert "Request" not in names or path.name in {"deps.py", "runtime.py"}, \
                    f"{path.relative_to(ROOT)} imports Request"


def _says_what(alias: str) -> bool:
    return len(alias) >= 4 and alias.islower() and not alias.startswith("_")


def _is_module(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


@pytest.mark.parametrize("service", [*SERVICES, "common"])
def test_names_explain_themselves(service):
    """No cryptic module aliases (``import plans as P``, ``_M``, ``fx``): a module imported under another
    name gets a word that says what it is (``from services.risk.matrix import service as matrices``), and no
    module shadows the standard library."""
    for path in (ROOT / "services" / service).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        stem = path.stem
        assert stem == "__init__" or stem not in sys.stdlib_module_names, \
            f"{path.relative_to(ROOT)} shadows the standard library's {stem}"
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("services."):
                for alias in node.names:
                    if alias.asname and _is_module(f"{node.module}.{alias.name}") and not _says_what(alias.asname):
                        raise AssertionError(f"{path.relative_to(ROOT)}:{node.lineno} imports the module "
                                             f"{alias.name} as {alias.asname}")
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname and alias.name.startswith("services."):
                        raise AssertionError(f"{path.relative_to(ROOT)}:{node.lineno} aliases {alias.name}")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, known: set[str]) -> set[str]:
    """The project modules ``path`` imports, at the top or inside a function alike."""
    found = set()
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("services."):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
    return found & known


def test_no_module_imports_in_a_circle():
    """Every import, also one inside a function, points one way: a circle means two modules that
    cannot be read (or loaded) one without the other."""
    paths = [p for p in (ROOT / "services").rglob("*.py") if "migrations" not in p.parts]
    known = {_module_name(p) for p in paths}
    graph = {_module_name(p): _imports(p, known) - {_module_name(p)} for p in paths}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                circle = [*trail[trail.index(target):], target] if target in trail else [module, target]
                raise AssertionError("import circle: " + " → ".join(circle))
            if target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
