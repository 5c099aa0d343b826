"""People against plan, counted from the org's own records: planned headcount (the people lines of plans in
force), actual headcount (people holding positions in a unit and below it on a day), vacancies (positions nobody
holds) and the spare-staff ratio 备员率 = (actual − planned) ÷ planned.

A unit's planned headcount is its own plan's when it has one (a plan covers the unit and everything below it);
otherwise the sum of its sub-units' planned headcounts, so a department without a plan of its own still shows what
its sections plan. The plan whose period is the finest covering the asked period counts: for 2026-11 a monthly plan
before the 2026-Q4 plan before the 2026 plan.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.periods import Period, PeriodKind
from services.org.models import Assignment, PlannedHeadcount, Position, Role, Unit, User

# The spare-staff ratio the documents ask (备员率 10 %).
TARGET_RATIO = 10.0


@dataclass
class Post:
    id: int
    unit_id: int
    title: str
    role_name: str
    holders: set[int]
    vacant_since: date | None = None  # the day after its last holder left; None: never held


@dataclass
class Numbers:
    planned: float | None
    actual: int
    vacancies: int
    spare_ratio: float | None
    plan_period: str | None  # the period of the plan the planned headcount comes from (own plan only)
    plan_id: int | None


@dataclass
class Staffing:
    """The org on one day: units, posts and their holders, and the planned headcounts that may apply."""

    as_of: date
    units: dict[int, Unit]
    posts: list[Post]
    planned: dict[tuple[int, str], PlannedHeadcount]
    children: dict[int | None, list[int]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        for unit in sorted(self.units.values(), key=lambda u: u.id):  # as the org tree shows them
            self.children[unit.parent_id if unit.parent_id in self.units else None].append(unit.id)

    def subtree(self, unit_id: int) -> list[int]:
        """The unit and every unit below it, depth first (the order a tree table shows them in)."""
        out: list[int] = []
        stack = [unit_id]
        while stack:
            uid = stack.pop()
            out.append(uid)
            stack.extend(reversed(self.children.get(uid, [])))
        return out

    def ancestors(self, unit_id: int) -> list[int]:
        """The unit and the units above it, nearest first."""
        out: list[int] = []
        current = self.units.get(unit_id)
        while current is not None:
            out.append(current.id)
            current = self.units.get(current.parent_id) if current.parent_id is not None else None
        return out

    def vacant_posts(self, unit_id: int) -> list[Post]:
        inside = set(self.subtree(unit_id))
        return [p for p in self.posts if p.unit_id in inside and not p.holders]

    def numbers(self, unit_id: int, period: Period) -> Numbers:
        inside = set(self.subtree(unit_id))
        people: set[int] = set()
        vacancies = 0
        for post in self.posts:
            if post.unit_id in inside:
                people |= post.holders
                vacancies += not post.holders
        own = self._own_plan(unit_id, period)
        planned = own.quantity if own is not None else self._planned(unit_id, period)
        return Numbers(planned=planned, actual=len(people), vacancies=vacancies,
                       spare_ratio=spare_ratio(planned, len(people)),
                       plan_period=own.period if own is not None else None,
                       plan_id=own.plan_id if own is not None else None)

    def covered_by(self, unit_id: int, period: Period) -> int | None:
        """The nearest unit above whose own plan covers this unit (its people count in that plan's headcount)."""
        for above in self.ancestors(unit_id)[1:]:
            if self._own_plan(above, period) is not None:
                return above
        return None

    def _own_plan(self, unit_id: int, period: Period) -> PlannedHeadcount | None:
        for text in covering(period):
            row = self.planned.get((unit_id, text))
            if row is not None:
                return row
        return None

    def _planned(self, unit_id: int, period: Period) -> float | None:
        own = self._own_plan(unit_id, period)
        if own is not None:
            return own.quantity
        parts = [p for p in (self._planned(c, period) for c in self.children.get(unit_id, [])) if p is not None]
        return sum(parts) if parts else None


def covering(period: Period) -> list[str]:
    """The plan periods that cover ``period``, finest first (a month, its quarter, its year)."""
    kinds = {PeriodKind.month: (PeriodKind.quarter, PeriodKind.year), PeriodKind.quarter: (PeriodKind.year,)}
    return [period.text, *(period.parent(k).text for k in kinds.get(period.kind, ()))]


def spare_ratio(planned: float | None, actual: int) -> float | None:
    """备员率 in percent, to one decimal; None without a planned headcount."""
    if planned is None or planned <= 0:
        return None
    return round((actual - planned) / planned * 100, 1)


async def load(session: AsyncSession, *, as_of: date, periods: list[str] | None = None) -> Staffing:
    """The org as it stands on ``as_of`` (who held which post that day), with the planned headcounts of
    ``periods`` (all of them when None)."""
    units = {u.id: u for u in (await session.execute(select(Unit))).scalars()}
    rows = await session.execute(select(Position.id, Position.unit_id, Position.title, Role.name)
                                 .join(Role, Role.id == Position.role_id).order_by(Position.id))
    posts = {pid: Post(pid, uid, title, role, set()) for pid, uid, title, role in rows}
    held = await session.execute(
        select(Assignment.position_id, Assignment.user_id, Assignment.start_date, Assignment.end_date)
        .join(User, User.id == Assignment.user_id).where(User.active.is_(True)))
    for pid, uid, start, end in held:
        post = posts.get(pid)
        if post is None:
            continue
        if start <= as_of and (end is None or end >= as_of):
            post.holders.add(uid)
        elif end is not None and end < as_of and (post.vacant_since is None or end >= post.vacant_since):
            post.vacant_since = date.fromordinal(end.toordinal() + 1)
    stmt = select(PlannedHeadcount)
    if periods is not None:
        stmt = stmt.where(PlannedHeadcount.period.in_(periods))
    planned = {(p.unit_id, p.period): p for p in (await session.execute(stmt)).scalars()}
    return Staffing(as_of=as_of, units=units, posts=list(posts.values()), planned=planned)
