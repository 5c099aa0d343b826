"""Approval controls on a plan in review (issue 23): 撤回 withdraw, 转办 transfer, 加签 add a signer, 抄送 CC,
and the people each may name. Who may be named always comes from org's holders of a right (the authority
model), never from a hand-picked list; every control is written to the plan's history and the audit chain.

- Withdraw: the submitter takes the plan back to ``draft`` while nobody other than the submission itself
  has signed, countersigned, returned or added a signer (a transfer is no decision: it does not block).
- Transfer: someone who may sign the current stage now hands their signature to another holder of the
  stage's requirement. 会签: the transferee replaces them among the pending signers. 或签: the stage now
  waits on the transferee alone (the plan's ``pending_signers`` name them), until they sign or transfer on.
- Add signer: for this plan's current stage only. ``before``: the added person acts first, then the stage
  comes back to the adder (in 或签 the stage then waits on the adder alone); ``after``: once the adder signs,
  the added person must act before the stage is done. Someone holding the stage's requirement signs
  (binding: they may also return); someone holding only 建议权 over the plan's unit is advisory: they give an
  opinion (recorded in the history), never return or veto, and the stage waits only for that opinion.
- CC: the submitter copies people (anyone in the company's directory); a stage's ``cc`` copies the holders
  of its requirements when it is reached. The copied may read this plan (and nothing else through it) and
  are told; they take no decision.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from sqlalchemy import select

from services.common.authz import Right
from services.common.db import utcnow
from services.common.guards import authorize
from services.common.problems import Conflict, Forbidden, Invalid
from services.planning.approvals.stages import Requirement
from services.planning.approvals.workflow import (
    PeopleLookup,
    Person,
    PlanContext,
    _grant_for,
    _record,
    _require_status,
    add_copies,
    end_round,
    load_controls,
    turn,
    waiting_stage,
)
from services.planning.models import PlanAddedSigner, PlanCc, PlanTransfer, StageSignature

Control = Literal["transfer", "add_signer", "cc"]

# Find one person in the company's directory by user id (None: no such active person).
DirectoryLookup = Callable[[str], Awaitable[Person | None]]
# The company's people, optionally matching a search text (for the CC picker).
DirectorySearch = Callable[[str | None], Awaitable[list[Person]]]


def _people(ctx: PlanContext) -> PeopleLookup:
    if ctx.people is None:
        raise Conflict("The org service cannot be asked who holds the stage's right.",
                       zh="暂时无法向组织服务查询权力持有人，请稍后重试。")
    return ctx.people


def _current(ctx: PlanContext) -> Requirement:
    return ctx.stage(ctx.plan.stage_index or 0)


def _suggest(ctx: PlanContext) -> Requirement:
    """建议权 over the plan's unit: what an advisory added signer holds."""
    return Requirement(right="suggest", unit_path=ctx.unit_path, held_at=None, signers="any", key="suggest",
                       name="建议")


async def _my_turn(ctx: PlanContext, action: str) -> None:
    """The caller may sign the current stage now (their own signature, not an added step of theirs)."""
    p = ctx.plan
    _require_status(p, "submitted", action=action)
    await load_controls(ctx)
    if p.submitted_by == ctx.principal.sub:
        raise Forbidden("A submitter takes no part in reviewing their own plan.", zh="提交人不能参与审批自己的计划。")
    req = _current(ctx)
    if not req.met_by(ctx.principal):
        raise Forbidden(f"The stage '{req.name}' needs {req.describe()}; you do not hold it.", right=req.right,
                        zh=f"审批环节“{req.name}”需要{req.describe_zh()}，您没有。")
    if turn(ctx) != "stage":
        raise Conflict(f"'{req.name}' does not wait on your signature now, so there is none to hand on.",
                       zh=f"环节“{req.name}”当前不在等待您签署，无法转办或加签。")


async def _signing(ctx: PlanContext) -> set[str]:
    """Who already signs the current stage: its signers so far, those pending, and its open added steps."""
    p = ctx.plan
    signed = set((await ctx.session.execute(select(StageSignature.signer).where(
        StageSignature.plan_id == p.id, StageSignature.revision == p.revision,
        StageSignature.stage_index == p.stage_index))).scalars())
    return signed | set(p.pending_signers or []) | {s.user_id for s in ctx.steps or []}


def _check_target(ctx: PlanContext, user_id: str, name: str, field: str) -> None:
    if user_id == ctx.plan.submitted_by:
        raise Invalid(f"{name} submitted this plan, and a submitter never signs their own plan.", field=field,
                      zh=f"{name}是本计划的提交人，不能审批自己提交的计划。")
    if user_id == ctx.principal.sub:
        raise Invalid("Name someone other than yourself.", field=field, zh="请选择您以外的人员。")


async def withdraw(ctx: PlanContext, *, comment: str) -> None:
    """撤回: the submitter takes the plan back to draft while nobody has acted on the submission."""
    p = ctx.plan
    _require_status(p, "submitted", action="withdraw")
    if p.submitted_by != ctx.principal.sub:
        raise Forbidden("Only the submitter may withdraw a submission.", zh="只有提交人可以撤回提交。")
    grant = authorize(ctx.principal, ctx.place, Right.plan)
    await load_controls(ctx)
    if ctx.acted:
        raise Conflict("Someone has already acted on this submission (signed, countersigned or added a signer); "
                       "it can no longer be withdrawn. Ask a reviewer to return it.",
                       zh="已有审批人处理了本次提交（已审批、会签或加签），不能再撤回；如需修改，请审批人退回。")
    left = waiting_stage(ctx)
    before = p.status
    await end_round(ctx)
    p.status, p.stage_index, p.pending_signers = "draft", None, []
    p.updated_at = utcnow()
    await _record(ctx, "withdraw", from_status=before, comment=comment, grant=grant, event="withdrawn",
                  stage_key=left.key if left else None, extra={"left": left})


async def transfer(ctx: PlanContext, *, to_user_id: str, reason: str,
                   directory: DirectoryLookup | None = None) -> None:
    """转办: hand the caller's pending signature on the current stage to another holder of its requirement."""
    p = ctx.plan
    if not reason.strip():
        raise Invalid("Say why you hand the approval on.", field="reason", zh="请填写转办原因。")
    await _my_turn(ctx, "transfer")
    req = _current(ctx)
    grant = _grant_for(req, ctx.principal)
    if any(s.added_by == ctx.principal.sub for s in ctx.steps or []):
        raise Conflict("You added signers to this stage who have not signed yet; sign it yourself.",
                       zh="您在本环节加签的人员尚未处理完毕，请您亲自审批，不能转办。")
    holders = {h.id: h for h in await _people(ctx)(req)}
    target = holders.get(to_user_id)
    who = target.name if target is not None else await _name_of(directory, to_user_id)
    _check_target(ctx, to_user_id, who, "to_user_id")
    if target is None:
        raise Invalid(f"{who} does not hold {req.describe()}, which the stage '{req.name}' needs.",
                      field="to_user_id",
                      zh=f"{who}不持有环节“{req.name}”所需的{req.describe_zh()}，不能转办给其审批。")
    if to_user_id in await _signing(ctx):
        raise Invalid(f"{target.name} already signs the stage '{req.name}'.", field="to_user_id",
                      zh=f"{target.name}已在环节“{req.name}”的签署人之列。")
    pending = list(p.pending_signers or [])
    p.pending_signers = [to_user_id if s == ctx.principal.sub else s for s in pending] if pending else [to_user_id]
    p.updated_at = utcnow()
    ctx.session.add(PlanTransfer(plan_id=p.id, revision=p.revision, stage_index=p.stage_index or 0,
                                 from_user=ctx.principal.sub, from_name=ctx.principal.name, to_user=to_user_id,
                                 to_name=target.name, reason=reason))
    await _record(ctx, "transfer", from_status=p.status, comment=f"转办给{target.name}：{reason}",
                  grant=grant, stage_key=req.key, event="transferred",
                  extra={"to_user": to_user_id, "to_name": target.name, "from_name": ctx.principal.name,
                         "reason": reason})


async def _name_of(directory: DirectoryLookup | None, user_id: str) -> str:
    """A person's name for a refusal: from org's directory when it knows them, else their id."""
    person = await directory(user_id) if directory is not None else None
    return person.name if person is not None else f"用户 {user_id}"


async def add_signer(ctx: PlanContext, *, user_id: str, position: str, comment: str,
                     directory: DirectoryLookup | None = None) -> PlanAddedSigner:
    """加签: add someone before or after the caller on the current stage, for this plan only."""
    p = ctx.plan
    await _my_turn(ctx, "add_signer")
    req = _current(ctx)
    grant = _grant_for(req, ctx.principal)
    lookup = _people(ctx)
    binding = {h.id: h for h in await lookup(req)}
    target, advisory = binding.get(user_id), False
    if target is None:
        target, advisory = {h.id: h for h in await lookup(_suggest(ctx))}.get(user_id), True
    who = target.name if target is not None else await _name_of(directory, user_id)
    _check_target(ctx, user_id, who, "user_id")
    if target is None:
        raise Invalid(f"{who} holds neither {req.describe()} nor the suggest right over this plan's unit, so "
                      "cannot be added to the stage.", field="user_id",
                      zh=f"{who}既不持有环节“{req.name}”所需的{req.describe_zh()}，对本计划所属单位也没有建议权，"
                         "不能加签。")
    if user_id in await _signing(ctx):
        raise Invalid(f"{target.name} already signs the stage '{req.name}'.", field="user_id",
                      zh=f"{target.name}已在环节“{req.name}”的签署人之列。")
    step = PlanAddedSigner(plan_id=p.id, revision=p.revision, stage_index=p.stage_index or 0, user_id=user_id,
                           user_name=target.name, position=position, advisory=advisory,
                           added_by=ctx.principal.sub, added_by_name=ctx.principal.name, comment=comment,
                           status="pending" if position == "before" else "waiting")
    ctx.session.add(step)
    if req.signers == "any" and not p.pending_signers:
        p.pending_signers = [ctx.principal.sub]  # 或签: the stage now waits on the adder (after their added step)
    p.updated_at = utcnow()
    await ctx.session.flush()
    where = "前" if position == "before" else "后"
    kind = "（意见）" if advisory else ""
    said = f"{where}加签{target.name}{kind}" + (f"：{comment}" if comment else "")
    await _record(ctx, "add_signer", from_status=p.status, comment=said,
                  grant=grant, stage_key=req.key, event="signer_added",
                  extra={"user_id": user_id, "user_name": target.name, "position": position, "advisory": advisory,
                         "added_by_name": ctx.principal.name})
    return step


async def copy(ctx: PlanContext, *, people: list[Person], comment: str) -> None:
    """抄送 by the submitter: the people named may read the plan and are told."""
    p = ctx.plan
    if p.status in ("draft", "vetoed") or p.submitted_by is None:
        raise Conflict("A plan is copied to people once it is submitted.",
                       zh="计划提交后才能抄送。", status_now=p.status)
    if p.submitted_by != ctx.principal.sub:
        raise Forbidden("Only the plan's submitter copies people on it.", zh="只有计划的提交人可以抄送。")
    grant = authorize(ctx.principal, ctx.place, Right.plan)
    already = set((await ctx.session.execute(select(PlanCc.user_id).where(PlanCc.plan_id == p.id))).scalars())
    new = [x for x in people if x.id not in already and x.id != p.submitted_by]
    if not new:
        raise Invalid("Everyone named is already copied (or is the submitter).", field="user_ids",
                      zh="所选人员均已抄送过（或是提交人本人）。")
    await add_copies(ctx, new, source="submitter", stage_key=None, comment=comment, grant=grant)


async def candidates(ctx: PlanContext, control: Control, *, search: DirectorySearch,
                     q: str | None = None) -> list[tuple[Person, bool]]:
    """Whom the caller may name in a control now: (person, advisory). Transfer: holders of the current stage's
    requirement; add signer: those, then holders of 建议权 over the plan's unit (advisory); CC: the company's
    people. Those already signing, the submitter and the caller are left out."""
    p = ctx.plan
    if control == "cc":
        if p.submitted_by != ctx.principal.sub or p.status in ("draft", "vetoed"):
            raise Forbidden("Only the plan's submitter copies people on it, once it is submitted.",
                            zh="只有计划的提交人在提交后可以抄送。")
        already = set((await ctx.session.execute(select(PlanCc.user_id).where(PlanCc.plan_id == p.id))).scalars())
        return [(x, False) for x in await search(q) if x.id not in already and x.id != p.submitted_by]
    await _my_turn(ctx, control)
    req = _current(ctx)
    skip = await _signing(ctx) | {p.submitted_by or "", ctx.principal.sub}
    lookup = _people(ctx)
    out: list[tuple[Person, bool]] = [(h, False) for h in await lookup(req) if h.id not in skip]
    if control == "add_signer":
        seen = {h.id for h, _ in out} | skip
        out += [(h, True) for h in await lookup(_suggest(ctx)) if h.id not in seen]
    if q:
        out = [(h, a) for h, a in out if q in h.name]
    return out
