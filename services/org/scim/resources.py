"""Yunguan's users and positions as SCIM resources (scim2-models), SCIM filters as SQL, and SCIM errors.

A SCIM User is a Yunguan user: ``userName`` the username, ``displayName`` (or ``name.formatted``) the
display name, the primary e-mail the e-mail, ``active`` active; ``externalId`` and the SCIM attributes
Yunguan does not use are kept beside it (``ScimUser``). A SCIM Group is a Yunguan position of the token's
company, ``displayName`` "<unit name> / <position title>", its members the people holding it today.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from scim2_models import (
    Context,
    Email,
    EnterpriseUser,
    Group,
    GroupMember,
    GroupMembership,
    Meta,
    Name,
    ScimPolicy,
    User,
)
from scim2_models.path import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterVisitor,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)
from sqlalchemy import ColumnElement, and_, false, func, not_, or_, true

from services.common.problems import Problem
from services.org.models import Position, ScimUser, Unit
from services.org.models import User as UserRow

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
# The core User with the enterprise extension (employeeNumber, department, manager...), which Entra ID's
# default attribute mappings send; Yunguan keeps those as sent and uses none of them.
UserModel = User[EnterpriseUser]
SCIM_JSON = "application/scim+json"

# What Yunguan tolerates from identity providers, beyond the strict reading of RFC 7644: Microsoft Entra
# sends a PATCH "remove" with the values to remove, and "replace" on emails[type eq "work"].value for a
# user without a work e-mail yet; attributes no schema declares stay refused (400).
POLICY = ScimPolicy(remove_value_as_filter=ScimPolicy.RemoveValue.apply,
                    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create)

# Yunguan's own columns; everything else a provider sends about a user is kept as sent (ScimUser.attributes)
MAPPED = {"schemas", "id", "externalId", "meta", "userName", "displayName", "active", "emails", "groups",
          "password"}


class ScimProblem(Problem):
    """A refusal with RFC 7644's ``scimType`` (uniqueness, invalidFilter, invalidValue, mutability, noTarget,
    invalidPath...); the SCIM router answers every problem in SCIM's error shape."""

    def __init__(self, detail: str, *, status: int = 400, scim_type: str | None = None, zh: str | None = None):
        super().__init__(detail, zh=zh, status=status)
        self.scim_type = scim_type


def version_of(user: UserRow, extra: ScimUser | None) -> str:
    return f'W/"{user.version}-{extra.version if extra else 0}"'


def group_version(position: Position, holders: list[int]) -> str:
    # the position's own version and who holds it (a membership change is a new version)
    held = hashlib.sha256(",".join(str(h) for h in sorted(holders)).encode()).hexdigest()[:12]
    return f'W/"{position.version}-{held}"'


def _last_modified(user: UserRow, extra: ScimUser | None) -> datetime:
    return max(user.updated_at, extra.updated_at) if extra else user.updated_at


def user_resource(user: UserRow, extra: ScimUser | None, groups: list[tuple[Position, Unit]], *,
                  base: str) -> Any:
    """The SCIM User for a Yunguan user."""
    kept = dict(extra.attributes) if extra else {}
    emails = kept.pop("emails", None)
    if user.email:
        stored = [e for e in emails or [] if isinstance(e, dict)]
        # the provider's list as it sent it, while its primary (or only) address is still Yunguan's
        primary = next((e for e in stored if e.get("primary")), stored[0] if stored else None)
        if not primary or str(primary.get("value", "")).lower() != user.email.lower():
            stored = [{"value": user.email, "type": "work", "primary": True}]
        emails = stored
    else:
        emails = None
    payload: dict[str, Any] = {
        **kept, "schemas": [USER_SCHEMA, *([ENTERPRISE_SCHEMA] if ENTERPRISE_SCHEMA in kept else [])],
        "id": str(user.id), "userName": user.username,
        "displayName": user.display_name, "active": user.active,
        "externalId": extra.external_id if extra else None,
        "meta": {"resourceType": "User", "created": user.created_at, "lastModified": _last_modified(user, extra),
                 "location": f"{base}/Users/{user.id}", "version": version_of(user, extra)},
    }
    if emails:
        payload["emails"] = emails
    if payload.get("name"):  # the name a provider gave, its formatted form Yunguan's display name
        payload["name"] = {**payload["name"], "formatted": user.display_name}
    resource = UserModel.model_validate({k: v for k, v in payload.items() if v is not None},
                                   scim_ctx=Context.RESOURCE_QUERY_RESPONSE, scim_policy=POLICY)
    resource.groups = [_membership(p, u, base) for p, u in groups] or None
    return resource


def _membership(position: Position, unit: Unit, base: str) -> GroupMembership:
    return GroupMembership.model_validate({"value": str(position.id), "display": group_name(position, unit),
                                           "$ref": f"{base}/Groups/{position.id}", "type": "direct"})


def group_name(position: Position, unit: Unit) -> str:
    return f"{unit.name} / {position.title}"


def group_resource(position: Position, unit: Unit, members: list[UserRow], *, base: str) -> Group:
    return Group(id=str(position.id), display_name=group_name(position, unit),
                 members=[GroupMember(value=str(m.id), display=m.display_name, ref=f"{base}/Users/{m.id}",
                                      type="User") for m in members] or None,
                 meta=Meta(resource_type="Group", created=position.created_at, last_modified=position.updated_at,
                           location=f"{base}/Groups/{position.id}",
                           version=group_version(position, [m.id for m in members])))


def wanted_state(resource: Any, *, current: str | None = None, active: bool = True) -> dict[str, Any]:
    """What a SCIM User asks of Yunguan: its columns, the externalId, and the attributes kept as sent.

    ``current`` is the display name a PATCH started from: it changes by ``displayName`` or by
    ``name.formatted``, whichever the provider changed. A user sent without ``active`` keeps ``active``
    (a new one is active)."""
    dumped = resource.model_dump(scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    name = resource.name or Name()
    given = " ".join(p for p in (name.given_name, name.family_name) if p)
    if current is not None and resource.display_name == current and name.formatted and name.formatted != current:
        display = name.formatted
    else:
        display = resource.display_name or name.formatted or given or resource.user_name or ""
    emails = resource.emails or []
    primary = next((e for e in emails if e.primary), emails[0] if emails else Email())
    kept = {k: v for k, v in dumped.items() if k not in MAPPED}
    if emails:
        kept["emails"] = dumped.get("emails")
    return {"username": resource.user_name or "", "display_name": display.strip()[:100],
            "email": str(primary.value or ""), "active": active if resource.active is None else resource.active,
            "external_id": resource.external_id, "attributes": kept}


# --- filters ---------------------------------------------------------------------------------------------------


def _like(column: Any, op: CompareOperator, value: str) -> ColumnElement[bool]:
    text = value.lower()
    target = func.lower(column)
    if op == CompareOperator.eq:
        return target == text
    if op == CompareOperator.ne:
        return target != text
    if op == CompareOperator.co:
        return target.contains(text, autoescape=True)
    if op == CompareOperator.sw:
        return target.startswith(text, autoescape=True)
    if op == CompareOperator.ew:
        return target.endswith(text, autoescape=True)
    if op == CompareOperator.gt:
        return target > text
    if op == CompareOperator.ge:
        return target >= text
    if op == CompareOperator.lt:
        return target < text
    return target <= text


def _exact(column: Any, op: CompareOperator, value: Any) -> ColumnElement[bool]:
    if op == CompareOperator.eq:
        return column == value
    if op == CompareOperator.ne:
        return column != value
    if op == CompareOperator.gt:
        return column > value
    if op == CompareOperator.ge:
        return column >= value
    if op == CompareOperator.lt:
        return column < value
    if op == CompareOperator.le:
        return column <= value
    if op == CompareOperator.co:
        return column.contains(value, autoescape=True)
    if op == CompareOperator.sw:
        return column.startswith(value, autoescape=True)
    return column.endswith(value, autoescape=True)


def _unfilterable(path: str) -> ScimProblem:
    return ScimProblem(f"Yunguan cannot filter users by '{path}': filter by userName, externalId, "
                       "displayName, name.formatted, emails (the work e-mail), active, id or meta.lastModified.",
                       scim_type="invalidFilter",
                       zh=f"无法按“{path}”筛选用户：可按用户名、外部编号、显示名称、工作邮箱、是否在职、编号或修改时间筛选。")


class UserFilter(FilterVisitor[ColumnElement[bool]]):
    """A SCIM filter over Users as a SQL condition on ``user_account`` (outer-joined to ``scim_user``).

    Yunguan keeps one e-mail per user, its work and primary one: ``emails[type eq "work"].value eq x``,
    ``emails.value eq x`` and ``emails eq x`` all compare it."""

    def __init__(self, *, in_emails: bool = False):
        self.in_emails = in_emails

    def visit_logical_expr(self, node: LogicalExpr) -> ColumnElement[bool]:
        terms = [self.visit(t) for t in node.terms]
        return and_(*terms) if node.op == LogicalOperator.and_ else or_(*terms)

    def visit_not(self, node: Not) -> ColumnElement[bool]:
        return not_(self.visit(node.expr))

    def visit_value_path(self, node: ValuePath) -> ColumnElement[bool]:
        if node.attr_path.attr.lower() != "emails" or node.sub_attr:
            raise _unfilterable(str(node.attr_path))
        return UserFilter(in_emails=True).visit(node.val_filter)

    def visit_present(self, node: Present) -> ColumnElement[bool]:
        key = self._key(node.attr_path)
        if key in ("username", "displayname", "name.formatted", "id", "active", "meta.created",
                   "meta.lastmodified"):
            return true()
        if key == "externalid":
            return ScimUser.external_id.is_not(None) & (ScimUser.external_id != "")
        if key in ("emails", "emails.value", "value"):
            return UserRow.email != ""
        if key in ("emails.type", "type", "emails.primary", "primary"):
            return UserRow.email != ""
        raise _unfilterable(str(node.attr_path))

    def _key(self, path: AttrPath) -> str:
        attr = path.attr.lower()
        if path.uri and path.uri.lower() != USER_SCHEMA.lower():
            raise _unfilterable(str(path))
        if self.in_emails:
            return attr if not path.sub_attr else f"{attr}.{path.sub_attr.lower()}"
        return attr if not path.sub_attr else f"{attr}.{path.sub_attr.lower()}"

    def visit_comparison(self, node: Comparison) -> ColumnElement[bool]:
        key, op, value = self._key(node.attr_path), node.op, node.value
        if (self.in_emails and key in ("value",)) or key in ("emails", "emails.value"):
            return _like(UserRow.email, op, str(value))
        if (self.in_emails and key == "type") or key == "emails.type":
            # the one address Yunguan keeps is the work address
            return (UserRow.email != "") & (true() if _matches("work", op, str(value)) else false())
        if (self.in_emails and key == "primary") or key == "emails.primary":
            return (UserRow.email != "") & (true() if _matches(True, op, value) else false())
        if key == "username":
            return _like(UserRow.username, op, str(value))
        if key in ("displayname", "name.formatted"):
            return _like(UserRow.display_name, op, str(value))
        if key == "externalid":  # caseExact (RFC 7643 §3.1)
            return _exact(ScimUser.external_id, op, value)
        if key == "active":
            if not isinstance(value, bool) or op not in (CompareOperator.eq, CompareOperator.ne):
                raise ScimProblem("active compares with eq or ne and true or false.", scim_type="invalidFilter",
                                  zh="active 只能用 eq 或 ne 与 true、false 比较。")
            return UserRow.active.is_(value) if op == CompareOperator.eq else UserRow.active.is_not(value)
        if key == "id":
            if op not in (CompareOperator.eq, CompareOperator.ne):
                raise ScimProblem("id compares with eq or ne.", scim_type="invalidFilter",
                                  zh="编号只能用 eq 或 ne 比较。")
            ident = int(value) if isinstance(value, str) and value.isdigit() and len(value) < 18 else -1
            return _exact(UserRow.id, op, ident)
        if key in ("meta.lastmodified", "meta.created"):
            column = UserRow.updated_at if key == "meta.lastmodified" else UserRow.created_at
            try:
                when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            except ValueError:
                raise ScimProblem(f"'{value}' is not a date and time.", scim_type="invalidFilter",
                                  zh=f"“{value}”不是有效的日期时间。") from None
            return _exact(column, op, when)
        raise _unfilterable(str(node.attr_path))


def _matches(actual: Any, op: CompareOperator, expected: Any) -> bool:
    if isinstance(actual, str) and isinstance(expected, str):
        actual, expected = actual.lower(), expected.lower()
    if op == CompareOperator.eq:
        return bool(actual == expected)
    if op == CompareOperator.ne:
        return bool(actual != expected)
    return False
