"""Who would sign a flow for a plan of a given unit: each stage's requirement made concrete for the unit,
and the people org says hold it now (never a hand-picked list), with what the workflow would do with
them (或签 / 会签, skipped for a submitter who holds it, nobody to sign)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from services.common.i18n import RIGHTS_ZH
from services.planning.approvals.schemas import (
    CcPreview,
    PreviewPerson,
    SignerPosition,
    StagePreview,
    UnitRef,
)
from services.planning.approvals.stages import Requirement, passed_on_submission, requirement
from services.planning.units import Units

# A requirement's holders as org's /authz/holders answers them ({"id", "display_name", "unit_name", "position_name"}).
HolderRecords = Callable[[Requirement], Awaitable[list[dict[str, Any]]]]

NOBODY_ZH = "无人持有此权力，提交后将无法审批"
NOBODY_EN = "Nobody holds this right: once submitted, the plan could not be approved"
NOBODY_CC_ZH = "无人持有此权力，无人会收到抄送"
NOBODY_CC_EN = "Nobody holds this right: nobody would be copied"

OVER_ZH = {"unit": "本单位", "parent": "上级单位", "company": "全公司"}
OVER_EN = {"unit": "the unit", "parent": "the parent unit", "company": "the whole company"}


def _unit_id(path: str) -> int:
    return int(path.strip("/").split("/")[-1])


def _ref(units: Units, path: str) -> UnitRef:
    unit = units.by_id[_unit_id(path)]
    return UnitRef(id=unit.id, name=unit.name)


def _known_held_in(stage: dict[str, Any], units: Units) -> bool:
    held_in = stage.get("held_in")
    return held_in in (None, "company") or held_in in units.paths_by_code


def _words(stage: dict[str, Any], req: Requirement, units: Units) -> tuple[str, str]:
    """The requirement in words (en, zh): the right, over which unit, held where."""
    over = stage.get("over", "unit")
    over_name = _ref(units, req.unit_path).name
    right_zh = RIGHTS_ZH.get(req.right, req.right)
    en = f"'{req.right}' over {OVER_EN[over]} ({over_name})"
    zh = f"对{OVER_ZH[over]}（{over_name}）的{right_zh}"
    held_in = stage.get("held_in")
    if held_in is not None:
        if _known_held_in(stage, units) and req.held_at is not None:
            held_name = _ref(units, req.held_at).name
            en += f", held in {held_name}"
            zh += f"，须由{held_name}的岗位持有"
        else:
            en += f", held in a unit coded {held_in} that does not exist"
            zh += f"，须由代码为 {held_in} 的单位持有（该单位不存在）"
    return en, zh


def _people(found: list[dict[str, Any]]) -> list[PreviewPerson]:
    # org's holders say where each holds the right: the position (or 代理 for a delegation) and its unit
    return [PreviewPerson(id=int(u["id"]), name=str(u["display_name"]),
                          positions=[SignerPosition(title=u.get("position_name") or "",
                                                    unit_name=u.get("unit_name") or "")]
                          if u.get("position_name") or u.get("unit_name") else [])
            for u in found]


async def _holders(stage: dict[str, Any], req: Requirement, units: Units,
                   records: HolderRecords) -> list[dict[str, Any]]:
    # a unit code nobody has: nobody holds a grant there (asking org would name a unit that is not there)
    return await records(req) if _known_held_in(stage, units) else []


def _skip_note(stages: list[dict[str, Any]], index: int) -> tuple[bool, str, str]:
    """Whether a submitter holding the stage passes it by submitting (workflow.submit), and why, in words."""
    if passed_on_submission(stages, index):
        return (True, "A submitter who holds this right passes this stage on submitting (when they passed every "
                      "stage before it the same way).",
                "提交人本人持有此权力时，提交即视为通过此环节（前面的环节也须同样通过）。")
    if index == len(stages) - 1:
        return (False, "The last stage is never passed by the submission itself.",
                "最后一个环节不会因提交人持有此权力而跳过。")
    if stages[index].get("signers", "any") == "all":
        return (False, "A countersigned (会签) stage is never skipped; a submitter among its holders does not sign it.",
                "会签环节不会跳过；提交人即使持有此权力，也不在签署人之列。")
    return (False, "A countersigned (会签) stage comes before this one: submitting stops there, so this stage is "
                   "never skipped.",
            "此前有会签环节，提交不会越过它，因此此环节不会跳过。")


async def preview(stages: list[dict[str, Any]], *, unit_id: int, units: Units,
                  records: HolderRecords) -> list[StagePreview]:
    """Each stage of ``stages`` for a plan of ``unit_id``: what it needs, who holds it now, what happens."""
    unit_path = units.path(unit_id)
    cache: dict[tuple[str, str, str | None], list[dict[str, Any]]] = {}

    async def holders(stage: dict[str, Any], req: Requirement) -> list[dict[str, Any]]:
        key = (req.right, req.unit_path, req.held_at)
        if key not in cache:
            cache[key] = await _holders(stage, req, units, records)
        return cache[key]

    def concrete(stage: dict[str, Any]) -> Requirement:
        return requirement(stage, unit_path=unit_path, kinds_by_path=units.kinds_by_path,
                           paths_by_code=units.paths_by_code)

    out = []
    for index, stage in enumerate(stages):
        req = concrete(stage)
        en, zh = _words(stage, req, units)
        people = _people(await holders(stage, req))
        signers = "all" if req.signers == "all" else "any"
        skipped, note, note_zh = _skip_note(stages, index)
        cc = []
        for entry in stage.get("cc") or ():
            cc_stage = {**entry, "key": stage["key"], "name": stage["name"]}
            cc_req = concrete(cc_stage)
            cc_en, cc_zh = _words(cc_stage, cc_req, units)
            cc_people = _people(await holders(cc_stage, cc_req))
            cc.append(CcPreview(right=cc_req.right, requirement=cc_en, requirement_zh=cc_zh, people=cc_people,
                                warning=None if cc_people else NOBODY_CC_EN,
                                warning_zh=None if cc_people else NOBODY_CC_ZH))
        out.append(StagePreview(
            index=index, key=stage["key"], name=stage["name"], name_en=stage.get("name_en") or "", right=req.right,
            requirement=en, requirement_zh=zh, signers=signers,
            signers_zh=(f"会签：{len(people)} 人均须签署" if signers == "all" else "或签：任一人签署即可"),
            over_unit=_ref(units, req.unit_path),
            held_in_unit=_ref(units, req.held_at) if req.held_at and _known_held_in(stage, units) else None,
            people=people, skipped_if_submitter_holds=skipped, skip_note=note, skip_note_zh=note_zh,
            warning=None if people else NOBODY_EN, warning_zh=None if people else NOBODY_ZH,
            time_limit_days=stage.get("time_limit_days"), cc=cc))
    return out
