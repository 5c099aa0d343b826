"""What a record's activity stream answers (the kernel's entry, the same in every service)."""

from __future__ import annotations

from services.common.activity import ActivityEntryRead, Order

__all__ = ["ActivityEntryRead", "Order"]
