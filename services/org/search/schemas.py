"""What org's search answers: the kernel's hit shape, grouped by kind."""

from __future__ import annotations

from services.common.search import SearchHit, SearchResults

__all__ = ["SearchHit", "SearchResults"]
