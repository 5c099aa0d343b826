"""Files attached to risk's records (risks): the kernel's rules
(services/common/attachments.py) over ``record_attachment``, recorded on risk's audit chain."""

from __future__ import annotations

from services.common.attachments import Attachments
from services.risk.journal import journal
from services.risk.models import Attachment

ATTACHMENTS = Attachments(Attachment, journal, "risk")
