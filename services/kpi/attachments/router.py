"""``/records/{kind}/{record_id}/attachments``: list, attach, fetch and remove files on kpi's records.
Seeing the record is the check for all but removal (the uploader, or plan over its unit)."""

from __future__ import annotations

from services.common.attachments import attachments_router
from services.kpi.attachments.service import ATTACHMENTS
from services.kpi.records import RECORDS

router = attachments_router(ATTACHMENTS, RECORDS.to_view)
