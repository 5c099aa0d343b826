"""Files attached to planning's records (plans, tasks and proposals): the kernel's rules
(services/common/attachments.py) over ``record_attachment``, recorded on planning's audit chain."""

from __future__ import annotations

from services.common.attachments import Attachments
from services.planning.journal import journal
from services.planning.models import Attachment

ATTACHMENTS = Attachments(Attachment, journal, "planning")
