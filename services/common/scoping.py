"""Turning a principal's grants into SQL filters over a unit-path column."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.orm import QueryableAttribute

from services.common.authz import Mode, Principal


def visible_to(principal: Principal, right: str | None,
               path_column: QueryableAttribute[str] | ColumnElement[str]) -> ColumnElement[bool]:
    """A WHERE clause selecting rows whose unit path the principal holds ``right`` over
    (any right at all when ``right`` is None)."""
    clauses: list[ColumnElement[bool]] = []
    for g in principal.grants:
        if right is not None and g.right != right:
            continue
        if g.mode == Mode.exact:
            clauses.append(path_column == g.unit_path)
        elif g.mode == Mode.subtree:
            clauses.append(path_column.startswith(g.unit_path, autoescape=True))
        elif g.mode == Mode.descendants:
            clauses.append(path_column.startswith(g.unit_path, autoescape=True) & (path_column != g.unit_path))
    return or_(*clauses) if clauses else false()
