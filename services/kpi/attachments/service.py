"""Files attached to kpi's records (整改 actions and findings): the kernel's rules
(services/common/attachments.py) over ``record_attachment``, recorded on kpi's audit chain."""

from __future__ import annotations

from services.common.attachments import Attachments
from services.kpi.journal import journal
from services.kpi.models import Attachment

ATTACHMENTS = Attachments(Attachment, journal, "kpi")
