"""Events the org service records (EMITS) and consumes (none: org is the source of the org tree).

Every service keeps a read-model of the org tree from ``org.unit.*`` (``services.common.org_units``),
so the unit events' fields are a contract: extend them, never rename or drop one.
"""

from __future__ import annotations

from datetime import date, datetime

from services.common.contracts import EventData

# --- units -----------------------------------------------------------------------------------


class UnitData(EventData):
    """A unit as it is after the change (before it, for ``org.unit.deleted``)."""

    id: int
    parent_id: int | None
    name: str
    code: str
    kind: str
    path: str
    version: int


class UnitMovedData(UnitData):
    """A unit re-hung under another parent: every path starting with ``old_path`` now starts with ``new_path``."""

    old_path: str
    new_path: str
    units_moved: int


# --- roles -----------------------------------------------------------------------------------


class RightScopeData(EventData):
    right: str
    scope: str


class RoleData(EventData):
    id: int
    key: str
    name: str
    name_en: str
    description: str
    rights: list[RightScopeData]
    version: int


# --- positions -------------------------------------------------------------------------------


class JobRequirementsData(EventData):
    education: str
    training: list[str]
    years_experience: int
    management_years: int
    skills: list[str]
    traits: list[str]


class PositionData(EventData):
    id: int
    unit_id: int
    role_id: int
    title: str
    heads_unit: bool
    responsibilities: list[str]
    requirements: JobRequirementsData
    version: int


# --- users and assignments -------------------------------------------------------------------


class UserData(EventData):
    id: int
    username: str
    display_name: str
    email: str
    active: bool
    version: int


class AssignmentData(EventData):
    id: int
    user_id: int
    position_id: int
    start_date: date
    end_date: date | None
    version: int


# --- delegations -----------------------------------------------------------------------------


class DelegationData(EventData):
    id: int
    from_user_id: int
    to_user_id: int
    rights: list[str]
    starts_at: datetime
    ends_at: datetime
    reason: str
    revoked_at: datetime | None
    active: bool


class DelegationRevokedData(EventData):
    id: int


EMITS: dict[str, type[EventData]] = {
    "org.unit.created": UnitData,
    "org.unit.updated": UnitData,
    "org.unit.moved": UnitMovedData,
    "org.unit.deleted": UnitData,
    "org.role.created": RoleData,
    "org.role.updated": RoleData,
    "org.role.deleted": RoleData,
    "org.position.created": PositionData,
    "org.position.updated": PositionData,
    "org.position.deleted": PositionData,
    "org.user.created": UserData,
    "org.user.updated": UserData,
    "org.assignment.created": AssignmentData,
    "org.assignment.updated": AssignmentData,
    "org.assignment.deleted": AssignmentData,
    "org.delegation.created": DelegationData,
    "org.delegation.revoked": DelegationRevokedData,
}
