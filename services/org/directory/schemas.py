"""Directory sync's responses: a run (dry or applied) with its counts, and its plan when asked for one run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class SyncRunSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    provider_id: int
    dry_run: bool = Field(description="True: only reported what it would change")
    actor: str
    started_at: datetime
    finished_at: datetime | None
    counts: dict[str, int] = Field(description="Changes by kind: unit.create, user.create, head.assign, …")
    kept: list[dict[str, Any]] = Field(description="Departments the directory no longer has (or Yunguan cannot "
                                                   "place) that Yunguan keeps, each with its reason")


class SyncRunRead(SyncRunSummary):
    plan: list[dict[str, Any]] = Field(description="The changes, in the order they are (or would be) applied")
