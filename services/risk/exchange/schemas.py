"""Response shape of an import."""

from __future__ import annotations

from pydantic import BaseModel


class ImportResult(BaseModel):
    created: int
    updated: int
    risk_ids: list[int]
