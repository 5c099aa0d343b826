"""A planner's reach through a plan's nested fields: the units its tasks are for, the people who own
them, and the risks it links. The plan's own unit is checked before; these are the fields a
planner could otherwise use to reach outside their scope.

People come from org's directory and risks from risk's register, each asked over its public HTTP API
with the caller's own token: whom the caller may see there is exactly the rule those services apply,
so planning neither copies their visibility rules nor keeps a read-model that could lag behind them.
Only what a request adds is checked (a task already on the plan keeps its owner and unit), so an
edit never fails over something the editor did not touch.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx

from services.common.authz import Principal
from services.common.problems import Invalid, Unavailable
from services.common.runtime import Runtime
from services.planning.units import Units


async def check_reach(rt: Runtime, *, authorization: str, principal: Principal, units: Units, plan_unit_id: int,
                      tasks: Iterable[Any] | None, linked_risks: list[int] | None,
                      known_tasks: Iterable[tuple[int | None, int | None]] = (),
                      known_risks: Iterable[int] = ()) -> None:
    """Refuse (422 naming the field) a task unit the caller holds no plan right over, a task owner
    who is not among the people of that unit the caller may see, or a linked risk the caller cannot
    see in the register (or that does not exist). Org and risk are asked as the caller
    (``authorization``, the caller's own ``Authorization`` header)."""
    known = set(known_tasks)
    people: dict[int, set[int]] = {}
    for i, task in enumerate(tasks or []):
        if task.unit_id is not None and task.unit_id not in {u for u, _ in known}:
            unit = units.by_id.get(task.unit_id)
            if unit is None:
                raise Invalid(f"Task {i + 1} '{task.title}': there is no org unit with id {task.unit_id}.",
                              zh=f"第 {i + 1} 项任务「{task.title}」：没有编号为 {task.unit_id} 的单位。",
                              field=f"tasks.{i}.unit_id")
            if not principal.can("plan", unit.path):
                raise Invalid(f"Task {i + 1} '{task.title}' is for {unit.name}, which you hold no plan right over.",
                              zh=f"第 {i + 1} 项任务「{task.title}」的单位是{unit.name}，您对该单位没有计划权。",
                              field=f"tasks.{i}.unit_id")
        unit_id = task.unit_id or plan_unit_id
        if task.owner_id is None or (unit_id, task.owner_id) in known:
            continue
        if unit_id not in people:
            people[unit_id] = await _people_of(rt, authorization, unit_id)
        if task.owner_id not in people[unit_id]:
            name = units.by_id[unit_id].name if unit_id in units.by_id else str(unit_id)
            raise Invalid(f"Task {i + 1} '{task.title}': the responsible person (id {task.owner_id}) holds no "
                          f"position in {name} that you may assign.",
                          zh=f"第 {i + 1} 项任务「{task.title}」：所选责任人不在{name}，或不是您可以指派的人员。",
                          field=f"tasks.{i}.owner_id")
    seen = set(known_risks)
    for risk_id in linked_risks or []:
        if risk_id not in seen and not await _risk_visible(rt, authorization, risk_id):
            raise Invalid(f"Linked risk {risk_id} does not exist in the risk register, or you may not see it.",
                          zh=f"关联风险 {risk_id} 不在风险登记册中，或您无权查看。", field="linked_risks",
                          risk_id=risk_id)


async def _ask(rt: Runtime, authorization: str, service: str, path: str,
               params: dict[str, Any] | None = None) -> httpx.Response:
    try:
        resp = await rt.call(service, "GET", path, params=params, authorization=authorization)
    except httpx.HTTPError as exc:
        raise Unavailable(f"The {service} service could not be reached to check the plan ({type(exc).__name__}); "
                          "try again shortly.", zh="暂时无法连接相关服务核对计划内容，请稍后重试。") from exc
    if resp.status_code >= 500:
        raise Unavailable(f"The {service} service could not check the plan (HTTP {resp.status_code}); "
                          "try again shortly.", zh="相关服务暂时无法核对计划内容，请稍后重试。")
    return resp


async def _people_of(rt: Runtime, authorization: str, unit_id: int) -> set[int]:
    """Users holding a position in the unit or below it, as far as the caller may see them."""
    ids: set[int] = set()
    params: dict[str, Any] = {"unit_id": unit_id, "limit": 200}
    while True:
        resp = await _ask(rt, authorization, "org", "/api/org/users", params)
        if resp.status_code != 200:
            return ids
        page = resp.json()
        ids |= {u["id"] for u in page["items"]}
        if not page.get("next_cursor"):
            return ids
        params["cursor"] = page["next_cursor"]


async def _risk_visible(rt: Runtime, authorization: str, risk_id: int) -> bool:
    resp = await _ask(rt, authorization, "risk", f"/api/risk/risks/{risk_id}")
    return resp.status_code == 200
