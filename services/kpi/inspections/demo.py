"""Demo inspections for the demo company: a gas-station safety checklist, a monthly inspection of the supply
section (last month's submitted, with a failed item → finding → 整改 action; this month's open), and a
one-off inspection of the dispatch section.

Seeded once (while no checklist template exists) after the org read-model synced, in demo mode only. The
inspector is the 运营总监 position, looked up in org (its id and its holder), so the demo user
``ops_director`` finds the open inspections in the inbox.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from services.common import clock, org_api
from services.common.authz import Grant, Principal
from services.common.runtime import Runtime
from services.kpi.inspections import service
from services.kpi.inspections.schemas import InspectionSubmit, ItemResult, ResultsUpdate
from services.kpi.journal import journal
from services.kpi.models import ChecklistTemplate, InspectionSchedule, OrgUnit

log = logging.getLogger("yunguan.kpi.demo")

INSPECTOR_TITLE = "运营总监"

GAS_STATION_ITEMS: list[dict[str, Any]] = [
    {"key": "leak", "text": "加气机、储气井及管线无泄漏", "criterion": "便携式检漏仪检测各接头读数为 0，无异味",
     "weight": 3, "kind": "pass_fail", "max_score": None, "pass_score": None, "severity": "critical"},
    {"key": "alarm", "text": "可燃气体报警装置完好", "criterion": "现场测试报警正常，检定证书在有效期内", "weight": 2,
     "kind": "pass_fail", "max_score": None, "pass_score": None, "severity": "major"},
    {"key": "extinguisher", "text": "灭火器配置齐全、在有效期内",
     "criterion": "每台加气机 2 具 8kg 干粉灭火器，压力表指针在绿区", "weight": 1, "kind": "pass_fail",
     "max_score": None, "pass_score": None, "severity": "major"},
    {"key": "esd", "text": "紧急切断装置（ESD）可靠", "criterion": "按下急停按钮 3 秒内切断气源", "weight": 2,
     "kind": "pass_fail", "max_score": None, "pass_score": None, "severity": "critical"},
    {"key": "grounding", "text": "静电接地完好", "criterion": "接地电阻 ≤ 10Ω，卸车接地夹完好", "weight": 1,
     "kind": "pass_fail", "max_score": None, "pass_score": None, "severity": "major"},
    {"key": "signs", "text": "安全警示标志齐全", "criterion": "“严禁烟火”“熄火加气”等标志清晰可见", "weight": 1,
     "kind": "pass_fail", "max_score": None, "pass_score": None, "severity": "minor"},
    {"key": "training", "text": "员工安全操作与应急处置", "criterion": "抽查 3 名员工应答，每人满分 10 分，合计 30 分",
     "weight": 2, "kind": "score", "max_score": 30, "pass_score": 24, "severity": "major"},
    {"key": "records", "text": "安全巡检记录完整", "criterion": "每班巡检记录齐全、签字完整", "weight": 1,
     "kind": "pass_fail", "max_score": None, "pass_score": None, "severity": "minor"},
]

SERVICE_HALL_ITEMS: list[dict[str, Any]] = [
    {"key": "hours", "text": "按公示时间营业", "criterion": "抽查开门时间", "weight": 1, "kind": "pass_fail",
     "max_score": None, "pass_score": None, "severity": "minor"},
    {"key": "manner", "text": "服务用语规范", "criterion": "现场观察 5 次接待，评分 0–10", "weight": 2, "kind": "score",
     "max_score": 10, "pass_score": 8, "severity": "minor"},
    {"key": "ledger", "text": "投诉登记台账完整", "criterion": "24 小时内响应、3 个工作日内办结", "weight": 2,
     "kind": "pass_fail", "max_score": None, "pass_score": None, "severity": "major"},
]


@dataclass(frozen=True)
class Inspector:
    position_id: int
    user_id: int
    name: str


# Finds the inspector position of the demo company: (unit the position sits in) → Inspector or None
InspectorLookup = Callable[[OrgUnit], Awaitable[Inspector | None]]


def org_inspector(rt: Runtime) -> InspectorLookup:
    """The 运营总监 position in the operations department and its holder, as org answers."""

    async def lookup(unit: OrgUnit) -> Inspector | None:
        resp = await rt.call("org", "GET", "/api/org/positions", params={"unit_id": unit.id, "limit": 100})
        resp.raise_for_status()
        position = next((p for p in resp.json()["items"] if p["title"] == INSPECTOR_TITLE), None)
        holders = await org_api.holders(rt, "dispatch", unit.id, held_in_unit_id=unit.id)
        if position is None or not holders:
            return None
        return Inspector(int(position["id"]), int(holders[0]["id"]), str(holders[0].get("display_name") or ""))

    return lookup


def _principal(who: Inspector, unit: OrgUnit) -> Principal:
    grant = Grant("view", unit.path, "subtree", unit.path, f"position:{who.position_id}")
    return Principal(sub=str(who.user_id), name=who.name, grants=(grant,))


def _never_stale(row: Any) -> None:
    return None


async def seed_inspections(rt: Runtime, *, inspector: InspectorLookup | None = None) -> bool:
    """Seed the demo inspections if no checklist template exists yet (``inspector``: who performs them,
    by default asked of org)."""
    async with rt.db.writer() as s:
        if (await s.execute(select(func.count()).select_from(ChecklistTemplate))).scalar_one():
            return False
        units = {u.code: u for u in (await s.execute(select(OrgUnit))).scalars()}
        if not {"OPS", "OPS-SAF", "OPS-SUP", "OPS-DIS"} <= units.keys():
            log.info("demo inspections skipped: the org read-model has no demo company")
            return False
        try:
            who = await (inspector or org_inspector(rt))(units["OPS"])
        except Exception as exc:  # org unreachable: try again on the next sync
            log.info("demo inspections skipped: org did not name the inspector", extra={"fields": {"error": repr(exc)}})
            return False
        if who is None:
            return False
        safety = units["OPS-SAF"]
        gas = ChecklistTemplate(name="加气站安全检查表",
                                description="加气站（CNG/LNG）月度安全检查，依据《汽车加油加气加氢站技术标准》与公司安全管理制度。",
                                unit_kind="section", unit_id=safety.id,
                                unit_path=safety.path, items=GAS_STATION_ITEMS, status="active", created_by="demo")
        hall = ChecklistTemplate(name="营业厅服务规范检查表", description="客户服务现场检查。", unit_kind=None,
                                 unit_id=units["OPS"].id, unit_path=units["OPS"].path, items=SERVICE_HALL_ITEMS,
                                 status="active", created_by="demo")
        s.add_all([gas, hall])
        await s.flush()
        gas.family_id, hall.family_id = gas.id, hall.id
        for t in (gas, hall):
            await journal.audit(s, actor="demo", action="inspection_template.created",
                                subject_type="inspection_template", subject_id=t.id, unit_path=t.unit_path,
                                note="demo seed")
        today = clock.today()
        supply, dispatch = units["OPS-SUP"], units["OPS-DIS"]
        # a monthly inspection of the supply section (which runs the stations): last month's is done
        first_due = today.replace(day=1) - timedelta(days=3)
        schedule = InspectionSchedule(template_family_id=gas.id, unit_id=supply.id, unit_path=supply.path,
                                      inspector_position_id=who.position_id, inspector_title=INSPECTOR_TITLE,
                                      frequency="monthly", first_due=first_due, next_due=first_due, active=True,
                                      created_by="demo")
        s.add(schedule)
        await s.flush()
        done = await service.generate_next(s, schedule)
        assert done is not None
        principal = _principal(who, units["OPS"])
        answers = [ItemResult(key="leak", outcome="pass"), ItemResult(key="alarm", outcome="pass"),
                   ItemResult(key="extinguisher", outcome="fail",
                              note="2号加气机旁灭火器压力表指针在红区，已过检验期"),
                   ItemResult(key="esd", outcome="pass"), ItemResult(key="grounding", outcome="pass"),
                   ItemResult(key="signs", outcome="pass"), ItemResult(key="training", score=26,
                                                                      note="3 名员工应答基本正确"),
                   ItemResult(key="records", outcome="pass")]
        await service.record_results(s, principal=principal, i=done, body=ResultsUpdate(results=answers),
                                     check_version=_never_stale)
        await service.submit(s, rt, principal=principal, i=done,
                             body=InspectionSubmit(finding_due=today + timedelta(days=10)),
                             check_version=_never_stale)
        # and a one-off inspection of the dispatch section next week
        await service.new_inspection(s, t=gas, unit=dispatch, position_id=who.position_id, title=INSPECTOR_TITLE,
                                     due=today + timedelta(days=7), schedule_id=None, by="demo",
                                     note="调度科新增 LNG 卸车区后的首次检查")
        await s.commit()
    rt.wake_relay()
    log.info("demo inspections seeded")
    return True
