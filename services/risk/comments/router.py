"""Comments and @mentions on risk's records: /records/{kind}/{record_id}/comments (the kernel's routes)."""

from __future__ import annotations

from services.common.comments_api import comments_router
from services.risk.comments import service
from services.risk.deps import RecordToView

router = comments_router(RecordToView, service.comments)
