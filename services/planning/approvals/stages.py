"""Approval flows' stages: which right, over what, held where, signed by one or by all.

A stage names the right it needs, the unit it must cover (the plan's unit, its
parent, or the whole company), optionally where the grant must be held (the company
itself, or a unit by code, e.g. ``OPS`` for 运营管理部), and whether any one holder
(或签) or every holder (会签) must sign, and optionally within how many working days
(``time_limit_days``, 0 to 60; absent or null: the company's default SLA for approvals).
A stage may also copy people when it is reached (``cc``: a list of ``{"right", "over", "held_in"}`` read
like the stage's own requirement): the holders of each get read access to the plan and a notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.common.authz import RIGHTS, Principal, company_path, parent_path
from services.common.i18n import RIGHTS_ZH, InvalidValue

MAX_TIME_LIMIT_DAYS = 60

OPS_REVIEW = {"key": "ops_review", "name": "运营管理部汇总审核", "name_en": "Operations review and consolidation",
              "right": "plan", "over": "company", "held_in": "OPS", "signers": "any",
              "time_limit_days": 3}

SEED_FLOWS = [
    {"kind": "annual", "name": "年度运营计划审批", "final_action": "issue", "stages": [
        OPS_REVIEW,
        {"key": "leadership", "name": "公司高层审批", "name_en": "Leadership approval", "right": "plan",
         "over": "company", "held_in": "company", "signers": "any", "time_limit_days": 5}]},
    {"kind": "quarterly", "name": "季度运营计划审批", "final_action": "issue", "stages": [
        OPS_REVIEW,
        {"key": "management", "name": "管理层审批", "name_en": "Management approval", "right": "plan",
         "over": "company", "held_in": "company", "signers": "any", "time_limit_days": 5}]},
    {"kind": "monthly", "name": "月度运营计划审核与公示", "final_action": "publish", "stages": [OPS_REVIEW]},
]


@dataclass(frozen=True)
class Requirement:
    """A stage made concrete for one plan: ``right`` over ``unit_path``, held at ``held_at`` (if set)."""

    right: str
    unit_path: str
    held_at: str | None
    signers: str
    key: str
    name: str
    # working days the stage's holders have before they are chased (None: the company's default)
    time_limit_days: int | None = None

    def met_by(self, principal: Principal) -> bool:
        return principal.can(self.right, self.unit_path, held_in=self.held_at)

    def describe(self) -> str:
        where = f", held in {self.held_at}" if self.held_at else ""
        return f"'{self.right}' over {self.unit_path}{where}"

    def describe_zh(self) -> str:
        return RIGHTS_ZH.get(self.right, self.right) + ("（须由指定部门持有）" if self.held_at else "")


def requirement(stage: dict[str, Any], *, unit_path: str, kinds_by_path: dict[str, str],
                paths_by_code: dict[str, str]) -> Requirement:
    company = company_path(unit_path, kinds_by_path)
    # a top-level unit is its own "parent" for a stage that asks for the parent's approval
    parent = parent_path(unit_path) or unit_path
    over = {"unit": unit_path, "parent": parent, "company": company}[stage.get("over", "unit")]
    held_in = stage.get("held_in")
    if held_in is None:
        held_at = None
    elif held_in == "company":
        held_at = company
    else:
        held_at = paths_by_code.get(held_in, f"<unknown unit {held_in}>")
    return Requirement(right=stage["right"], unit_path=over, held_at=held_at, signers=stage.get("signers", "any"),
                       key=stage["key"], name=stage["name"], time_limit_days=stage.get("time_limit_days"))


def passed_on_submission(stages: list[dict[str, Any]], index: int) -> bool:
    """Whether submitting can pass stage ``index`` for a submitter who holds it: a stage one holder signs
    (或签), never the last, with every stage before it passed the same way (a 会签 stage stops the run)."""
    return index < len(stages) - 1 and all(s.get("signers", "any") == "any" for s in stages[:index + 1])


def validate_stages(stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not stages:
        raise InvalidValue("a flow needs at least one stage", "审批流程至少需要一个环节")
    keys = set()
    for s in stages:
        if s.get("right") not in RIGHTS:
            raise InvalidValue(f"stage '{s.get('key')}': unknown right {s.get('right')!r}",
                               f"环节“{s.get('name') or s.get('key')}”：没有这项权力")
        if s.get("over", "unit") not in ("unit", "parent", "company"):
            raise InvalidValue(f"stage '{s.get('key')}': over must be unit, parent or company",
                             f"环节“{s.get('name') or s.get('key')}”：审批范围应为本单位、上级单位或全公司")
        if s.get("signers", "any") not in ("any", "all"):
            raise InvalidValue(f"stage '{s.get('key')}': signers must be any (或签) or all (会签)",
                             f"环节“{s.get('name') or s.get('key')}”：签署方式应为任一人签署或全部会签")
        limit = s.get("time_limit_days")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                                  or not 0 <= limit <= MAX_TIME_LIMIT_DAYS):
            raise InvalidValue(f"stage '{s.get('key')}': time_limit_days must be a whole number of working days "
                               f"from 0 to {MAX_TIME_LIMIT_DAYS}, or null for the company's default",
                               f"环节“{s.get('name') or s.get('key')}”：办理时限应为 0 到 {MAX_TIME_LIMIT_DAYS} 个"
                               "工作日的整数，留空则按公司默认时限")
        for cc in s.get("cc") or []:
            if not isinstance(cc, dict) or cc.get("right") not in RIGHTS \
                    or cc.get("over", "unit") not in ("unit", "parent", "company"):
                raise InvalidValue(
                    f"stage '{s.get('key')}': each cc names a right and over unit, parent or company",
                    f"环节“{s.get('name') or s.get('key')}”：抄送须指明权力及范围（本单位、上级单位或全公司）")
        if s["key"] in keys:
            raise InvalidValue(f"stage key '{s['key']}' is used twice", f"环节“{s.get('name') or s['key']}”重复了")
        keys.add(s["key"])
    return stages
