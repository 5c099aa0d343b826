"""Who may see and act on a process optimisation project.

- seen by anyone holding a right over the project's unit, and by its owner (others get 404);
- the owner, or a holder of ``plan`` over the unit, records the current stage's document, advances the
  stages, keeps the milestones and edits the title and description; only ``plan`` changes the owner;
- passing the evaluation stage (评估 → 实施) needs ``assess`` over the unit (考核权), owner or not; an
  assessor may also write the evaluation's document;
- periodic reviews by the owner or a holder of ``plan`` or ``assess`` over the unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common.authz import Grant, Principal, Right
from services.common.problems import Forbidden, NotFound
from services.planning.models import ImprovementProject


@dataclass(frozen=True)
class ProjectAccess:
    """A project the caller may see, where it sits, and the grant that lets them see it (None for an owner
    who holds nothing over the unit)."""

    item: ImprovementProject
    principal: Principal
    unit_path: str
    unit_name: str
    grant: Grant | None


def project_not_found(project_id: int) -> NotFound:
    return NotFound(f"There is no process optimisation project with id {project_id}.",
                    zh=f"没有编号为 {project_id} 的流程优化项目。")


def is_owner(principal: Principal, project: ImprovementProject) -> bool:
    return principal.user_id is not None and principal.user_id == project.owner_id


def seeing_grant(principal: Principal, project: ImprovementProject, unit_path: str) -> Grant | None:
    """The grant that lets the caller see the project; 404 when none does and they are not its owner."""
    grant = next((g for g in principal.grants if g.covers(g.right, unit_path)), None)
    if grant is None and not is_owner(principal, project):
        raise project_not_found(project.id)
    return grant


def _first(principal: Principal, right: Right, unit_path: str) -> Grant | None:
    grants = principal.grants_for(right.value, unit_path)
    return grants[0] if grants else None


def owner_or_planner(access: ProjectAccess, *, doing: str, doing_zh: str) -> Grant | None:
    """The plan grant when the caller holds one (None for the owner acting as owner); 403 otherwise."""
    grant = _first(access.principal, Right.plan, access.unit_path)
    if grant is None and not is_owner(access.principal, access.item):
        raise Forbidden(f"Only the project's owner or a holder of 'plan' over {access.unit_name} may {doing}.",
                        right="plan", unit_path=access.unit_path,
                        zh=f"只有项目负责人或对{access.unit_name}有计划权的人才能{doing_zh}。")
    return grant


def planner(access: ProjectAccess, *, doing: str, doing_zh: str) -> Grant:
    grant = _first(access.principal, Right.plan, access.unit_path)
    if grant is None:
        raise Forbidden(f"Only a holder of 'plan' over {access.unit_name} may {doing}.", right="plan",
                        unit_path=access.unit_path, zh=f"只有对{access.unit_name}有计划权的人才能{doing_zh}。")
    return grant


def assessor(access: ProjectAccess, *, doing: str, doing_zh: str) -> Grant:
    grant = _first(access.principal, Right.assess, access.unit_path)
    if grant is None:
        raise Forbidden(f"Only a holder of 'assess' over {access.unit_name} may {doing}.", right="assess",
                        unit_path=access.unit_path, zh=f"只有对{access.unit_name}有考核权的人才能{doing_zh}。")
    return grant


def reviewer(access: ProjectAccess) -> Grant | None:
    grant = _first(access.principal, Right.plan, access.unit_path) or \
        _first(access.principal, Right.assess, access.unit_path)
    if grant is None and not is_owner(access.principal, access.item):
        raise Forbidden(f"Only the project's owner or a holder of 'plan' or 'assess' over {access.unit_name} may "
                        "record a periodic review.", right="plan", unit_path=access.unit_path,
                        zh=f"只有项目负责人或对{access.unit_name}有计划权或考核权的人才能记录定期评审。")
    return grant


def document_writer(access: ProjectAccess) -> Grant | None:
    """Who may write the current stage's document: the owner or a planner; in evaluation an assessor too."""
    if access.item.stage == "evaluation":
        grant = _first(access.principal, Right.assess, access.unit_path)
        if grant is not None:
            return grant
    return owner_or_planner(access, doing="record the stage's document", doing_zh="记录本阶段的文档")
