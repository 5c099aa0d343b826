"""What planning's comment routes read and accept: the kernel's (services/common/comments.py)."""

from __future__ import annotations

from services.common.comments import CommentCreate, CommentMentionedData, CommentRead, CommentUpdate, Mentionable

__all__ = ["CommentCreate", "CommentMentionedData", "CommentRead", "CommentUpdate", "Mentionable"]
