"""Every message the server can answer has Chinese beside the English (``zh=``), and the Chinese
names things as users see them: labels, statuses and rights in Chinese, never JSON field codes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("services", "gateway")

# Calls that build a Problem without going through a Problem class.
PROBLEM_BUILDERS = {"problem_response", "send_problem"}
# Errors whose text becomes a Problem's detail elsewhere (the gateway's refusals, validators' and
# parsers' reasons): their Chinese comes as zh= or as the second positional argument.
TEXT_CARRIERS = {"AuthRefused", "InvalidValue", "UnsafeTarget", "SheetError"}


def _sources() -> list[tuple[Path, ast.Module]]:
    out = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            out.append((path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))))
    return out


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _problem_classes(sources) -> set[str]:
    """Problem and every class that derives from it (directly or through another), by name."""
    classes = {"Problem"}
    bases: dict[str, set[str]] = {}
    for _, tree in sources:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(filter(None, (_name(b) for b in node.bases)))
    grew = True
    while grew:
        grew = False
        for name, parents in bases.items():
            if name not in classes and parents & classes:
                classes.add(name)
                grew = True
    return classes


def _problem_calls(sources):
    """(path, call, zh expression or None) for every place a Problem is built."""
    classes = _problem_classes(sources)
    for path, tree in sources:
        for node in ast.walk(tree):
            name = _name(node.func) if isinstance(node, ast.Call) else None
            if name in classes | PROBLEM_BUILDERS | TEXT_CARRIERS:
                zh = next((k.value for k in node.keywords if k.arg == "zh"), None)
                if zh is None and name in TEXT_CARRIERS and len(node.args) > 1:
                    zh = node.args[1]
                yield path, node, zh


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def test_every_problem_the_server_raises_or_builds_carries_a_chinese_detail():
    missing = [_where(path, call) for path, call, zh in _problem_calls(_sources()) if zh is None]
    assert not missing, ("these Problems have no Chinese detail: add zh=\"…\" "
                         "(services/common/i18n.py):\n" + "\n".join(missing))


def _literal_parts(expr: ast.expr) -> list[str]:
    """The literal text of a zh= expression (strings, f-string parts, both arms of a conditional)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.JoinedStr):
        return [v.value for v in expr.values if isinstance(v, ast.Constant)]
    if isinstance(expr, ast.IfExp):
        return _literal_parts(expr.body) + _literal_parts(expr.orelse)
    if isinstance(expr, ast.BinOp):
        return _literal_parts(expr.left) + _literal_parts(expr.right)
    return []


# snake_case or dotted codes (customer_satisfaction, targets.value), and the JSON names users never see
_CODE = re.compile(r"\b[a-z]+(?:[_.][a-z0-9]+)+\b")
_RAW_WORDS = re.compile(
    r"\b(comment|reason|title|name|period|unit|value|target|targets|task|tasks|status|draft|submitted|approved|"
    r"issued|vetoed|plan|suggest|veto|dispatch|assess|guide|indicator|risk|measurement)\b")
# English the Chinese may keep: protocol words, file formats, API paths and the placeholders a
# title template offers ({indicator}), which users meet as they are
_ALLOWED = re.compile(r"/api/[\w/]*|\{\w+\}|If-Match|If-None-Match|ETag|Idempotency-Key|Retry-After|Content-Type|"
                      r"Accept-Language|Authorization|Bearer|JSON|CSV|Excel|xlsx|ISO|UTC|URL|HTTP|HTTPS|JWKS|JWT|"
                      r"client_credentials|refresh_token|authorization_code|password|PKCE|OAuth|id|ID|"
                      r"Webhook|webhook")


def test_chinese_details_name_labels_not_field_codes():
    bad = []
    for path, call, zh in _problem_calls(_sources()):
        if zh is None:
            continue
        for text in _literal_parts(zh):
            stripped = _ALLOWED.sub(" ", text)
            found = _CODE.findall(stripped) + _RAW_WORDS.findall(stripped)
            if found:
                bad.append(f"{_where(path, call)}: {text!r} names {sorted(set(found))}")
            elif text.strip() and not re.search(r"[\u4e00-\u9fff]", text) and len(text.strip()) > 12:
                bad.append(f"{_where(path, call)}: {text!r} is not Chinese")
    assert not bad, "Chinese details must use the labels users see:\n" + "\n".join(bad)


def _request_fields(document: dict) -> set[str]:
    """Every name a client sends: request-body properties (nested too), query and path parameters."""
    schemas = document["components"]["schemas"]
    names: set[str] = set()
    seen: set[str] = set()

    def walk(schema) -> None:
        if not isinstance(schema, dict):
            return
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                walk(schemas[name])
            return
        for prop, sub in (schema.get("properties") or {}).items():
            names.add(prop)
            walk(sub)
        for key in ("items", "anyOf", "oneOf", "allOf", "additionalProperties"):
            sub = schema.get(key)
            for s in sub if isinstance(sub, list) else [sub]:
                walk(s)

    for operations in document["paths"].values():
        for op in operations.values():
            if not isinstance(op, dict):
                continue
            names.update(p["name"] for p in op.get("parameters", []) if p["in"] in ("query", "path"))
            for content in (op.get("requestBody") or {}).get("content", {}).values():
                walk(content.get("schema", {}))
    return names


def test_every_field_a_client_sends_has_a_chinese_label():
    import json

    from services.common.i18n import FIELD_LABELS_ZH

    # the merged API document as committed (test_architecture keeps it equal to the running API)
    document = json.loads((ROOT / "frontend" / "openapi.json").read_text())
    unlabelled = sorted(_request_fields(document) - set(FIELD_LABELS_ZH))
    assert not unlabelled, ("a 422 would name these fields by their JSON names: add them to FIELD_LABELS_ZH "
                            f"(services/common/i18n.py) with the SPA's label: {unlabelled}")
