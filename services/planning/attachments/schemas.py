"""What a planning record's attachments look like to a client (the kernel's shapes, the same in every service)."""

from __future__ import annotations

from services.common.attachments import AttachmentList, AttachmentRead

__all__ = ["AttachmentList", "AttachmentRead"]
