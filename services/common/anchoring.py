"""Anchors for the audit chains: org signs each chain's head now and then, and keeps what it signed.

A hash chain alone shows an edited entry, but not a cut tail or a chain recomputed from an edit
onwards: whoever can write the table can do either. So every service sends its head
(``seq``, ``hash``) to org every ``audit_anchor_seconds``; org signs it with its token key (RS256
JWS), records it in its own chain, and publishes the anchors (``GET /api/org/audit/anchors``).
Verifying a chain against the anchors finds the first entry that is not what org signed, or the
entries missing after it. The signatures verify offline with org's JWKS::

    python -m services.common.anchoring --entries kpi-audit.json --anchors anchors.json --jwks jwks.json
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.audit import AuditEntryMixin, ChainChecker
from services.common.tokens import KeySet, TokenError, verify_signed

ANCHORS_PATH = "/api/org/audit/anchors"
ANCHOR_TYPE = "audit-anchor"


async def chain_head(session: AsyncSession, model: type[AuditEntryMixin]) -> tuple[int, str] | None:
    row = (await session.execute(select(model.seq, model.hash).order_by(model.seq.desc()).limit(1))).first()
    return (row[0], row[1]) if row else None


async def anchor_now(app: FastAPI) -> bool:
    """The periodic job: send this service's head to org when it moved since the last anchor."""
    async with app.state.db.reader() as session:
        head = await chain_head(session, app.state.audit_model)
    if head is None or head == app.state.anchored_head:
        return False
    app.state.anchored_head = await app.state.anchor_sink(app, *head) or head
    return False


async def send_to_org(app: FastAPI, seq: int, hash_: str) -> None:
    """The usual sink: org's endpoint, with this service's own token."""
    settings = app.state.settings
    token = await app.state.service_tokens.token()
    resp = await app.state.http.post(settings.service_url("org") + ANCHORS_PATH, json={"seq": seq, "hash": hash_},
                                     headers={"authorization": f"Bearer {token}"}, timeout=10.0)
    resp.raise_for_status()


async def fetch_from_org(app: FastAPI) -> list[dict[str, Any]]:
    """The usual source: org's published anchors of this service's chain."""
    settings = app.state.settings
    token = await app.state.service_tokens.token()
    resp = await app.state.http.get(settings.service_url("org") + ANCHORS_PATH, params={"service": settings.service},
                                    headers={"authorization": f"Bearer {token}"}, timeout=10.0)
    resp.raise_for_status()
    items: list[dict[str, Any]] = resp.json()["items"]
    return items


async def verified_anchors(app: FastAPI) -> tuple[dict[int, str], str | None]:
    """seq → hash of this service's anchors whose signatures hold, or why there are none."""
    try:
        anchors = await app.state.anchor_source(app)
        keys = app.state.jwks.keys
        if not keys.kids():
            keys = await app.state.jwks.refresh(force=True)
    except Exception as exc:  # org unreachable: the chain is still checked on its own
        return {}, f"org's anchors could not be read ({type(exc).__name__})"
    return signed_heads(anchors, keys, service=app.state.settings.service), None


def signed_heads(anchors: list[dict[str, Any]], keys: KeySet, *, service: str) -> dict[int, str]:
    """seq → hash of every anchor whose signature holds and that is about ``service``'s chain.
    An anchor that does not verify is no evidence either way and is left out."""
    out: dict[int, str] = {}
    for a in anchors:
        try:
            claims = verify_signed(a["anchor"], keys)
        except (TokenError, KeyError, TypeError):
            continue
        if claims.get("typ") == ANCHOR_TYPE and claims.get("service") == service:
            out[int(claims["seq"])] = str(claims["hash"])
    return out


def verify_exported(entries: list[dict[str, Any]], anchors: dict[int, str]) -> dict[str, Any]:
    """Verify an exported chain (the entries of ``GET /audit``, any order) against anchors."""
    checker = ChainChecker(anchors)
    prev = None
    for e in sorted(entries, key=lambda e: e["seq"]):
        entry = SimpleNamespace(**{**e, "at": datetime.fromisoformat(str(e["at"]).replace("Z", "+00:00")),
                                   "prev_hash": e.get("prev_hash", prev if prev is not None else checker.prev)})
        broken = checker.check(entry)
        if broken:
            return broken
        prev = entry.hash
    return checker.finish()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify an exported audit chain against org's signed anchors")
    parser.add_argument("--entries", required=True, help="JSON: the chain's entries (items of GET /audit)")
    parser.add_argument("--anchors", required=True, help="JSON: items of GET /api/org/audit/anchors")
    parser.add_argument("--jwks", required=True, help="JSON: org's /.well-known/jwks.json")
    parser.add_argument("--service", help="whose chain (default: the anchors' service)")
    args = parser.parse_args(argv)

    def load(path: str) -> Any:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        return data.get("items", data) if isinstance(data, dict) and "keys" not in data else data

    anchors = load(args.anchors)
    service = args.service or (anchors[0]["service"] if anchors else "")
    heads = signed_heads(anchors, KeySet.from_jwks(load(args.jwks)), service=service)
    result = verify_exported(load(args.entries), heads)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
