"""Comments and @mentions on kpi's records: /records/{kind}/{record_id}/comments (the kernel's routes)."""

from __future__ import annotations

from services.common.comments_api import comments_router
from services.kpi.comments import service
from services.kpi.deps import RecordToView

router = comments_router(RecordToView, service.comments)
