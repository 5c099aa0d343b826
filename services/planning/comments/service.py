"""Planning's comments: the kernel's rules over its ``record_comment`` table and its journal. A proposer
commenting on their own anonymous proposal stays anonymous to everyone but themselves (匿名提案人), as the
proposal itself does."""

from __future__ import annotations

from services.common.comments import RecordComments
from services.common.records import Record
from services.planning.journal import journal
from services.planning.models import Comment, Proposal


def anonymous_on(record: Record) -> str | None:
    """The anonymous proposer of a proposal (token subject), or None: everyone is named."""
    proposal = record.item
    if record.kind == "proposal" and isinstance(proposal, Proposal) and proposal.anonymous:
        return proposal.proposer
    return None


comments = RecordComments(Comment, journal, anonymous=anonymous_on)
