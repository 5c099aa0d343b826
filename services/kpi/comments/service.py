"""kpi's comments: the kernel's rules over its ``record_comment`` table and its journal."""

from __future__ import annotations

from services.common.comments import RecordComments
from services.kpi.journal import journal
from services.kpi.models import Comment

comments = RecordComments(Comment, journal)
