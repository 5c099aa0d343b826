"""Process optimisation projects (流程优化项目): five stages, each with its document, then periodic review.

调研 research → 诊断 diagnosis → 方案 proposal → 评估 evaluation → 实施 implementation → 定期评审 review.
A stage is left only once its document is recorded; evaluation is passed only by a holder of ``assess``
over the unit; implementation is left only when its milestones are done, and the project then waits for
its next review date. A review says effective or needs adjustment (and sets the next date), or reopens
the project (back to research, a new cycle: the documents of the old cycle are kept).

Every step is checked in full before anything changes, journalled with the grant that allowed it (none
for an owner acting as owner), kept in the project's history and evented.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from openpyxl import Workbook
from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.api import Page, etag, paginate
from services.common.authz import Grant, Principal, Right
from services.common.db import utcnow
from services.common.guards import Place, authorize
from services.common.problems import Conflict, Invalid, NotFound
from services.common.scoping import visible_to
from services.common.sheets import Column, add_table, workbook_bytes
from services.planning.events import (
    ImprovementProjectData,
    ImprovementReviewDueData,
    ImprovementReviewedData,
    ImprovementStageAdvancedData,
    ImprovementStartedData,
)
from services.planning.improvement import access
from services.planning.improvement.access import ProjectAccess
from services.planning.improvement.schemas import (
    ImprovementStepWaiting,
    ProjectAdvanceIn,
    ProjectCreate,
    ProjectDetail,
    ProjectLinkIn,
    ProjectMilestoneIn,
    ProjectMilestoneRead,
    ProjectMilestoneUpdate,
    ProjectPermissions,
    ProjectRead,
    ProjectReviewIn,
    ProjectReviewRead,
    ProjectStepRead,
    ProjectUpdate,
    StageDocumentIn,
    StageDocumentRead,
)
from services.planning.journal import journal
from services.planning.models import (
    ImprovementDocument,
    ImprovementMilestone,
    ImprovementProject,
    ImprovementReview,
    ImprovementStep,
    OrgUnit,
)
from services.planning.units import UnitRow, unknown_unit

STAGES = ("research", "diagnosis", "proposal", "evaluation", "implementation")
REVIEW = "review"
STAGE_ZH = {"research": "调研", "diagnosis": "诊断", "proposal": "方案", "evaluation": "评估",
            "implementation": "实施", "review": "定期评审"}
OUTCOME_ZH = {"effective": "有效", "needs_adjustment": "需调整", "reopen": "重新开启"}
ORIGIN_ZH = {"proposal": "合理化建议", "finding": "检查/审计发现", "manual": "手工立项"}
FIRST_REVIEW_AFTER = timedelta(days=90)
PROPOSAL_REF = "planning:proposal:"
FINDING_REF = "kpi:finding:"


def project_etag(project: ImprovementProject) -> str:
    return etag("improvement", project.id, project.version)


# --- links ------------------------------------------------------------------------------------


def link_of(ref: str, title: str = "") -> dict[str, Any]:
    """A stored link: its ref, its kind (read from the ref) and the id it names."""
    ref = ref.strip()
    for prefix, kind in ((PROPOSAL_REF, "proposal"), (FINDING_REF, "finding")):
        if ref.startswith(prefix):
            tail = ref.removeprefix(prefix)
            if not tail.isdigit():
                raise Invalid(f"A {kind} link names its id: {prefix}<id>.", field="links",
                              zh=f"链接须写明编号：{prefix}<编号>。")
            return {"ref": ref, "kind": kind, "title": title, "target_id": int(tail)}
    if not ref:
        raise Invalid("A link needs a reference.", field="links", zh="链接不能为空。")
    return {"ref": ref, "kind": "manual", "title": title, "target_id": None}


def _links(raw: Sequence[dict[str, Any] | ProjectLinkIn]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in raw:
        d = item.model_dump() if isinstance(item, ProjectLinkIn) else item
        link = link_of(str(d.get("ref", "")), str(d.get("title", "") or ""))
        if link["ref"] not in {x["ref"] for x in out}:
            out.append(link)
    return out


def _origin(links: list[dict[str, Any]]) -> str:
    kinds = [x["kind"] for x in links]
    return "proposal" if "proposal" in kinds else "finding" if "finding" in kinds else "manual"


# --- reading ----------------------------------------------------------------------------------


def project_read(p: ImprovementProject, unit_name: str = "", today: date | None = None) -> ProjectRead:
    today = today or clock.today()
    return ProjectRead.model_validate(p).model_copy(update={
        "unit_name": unit_name,
        "review_due": p.stage == REVIEW and p.next_review is not None and p.next_review <= today})


async def _unit_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(ids)))
    return {row.id: row.name for row in rows}


def _permissions(a: ProjectAccess) -> ProjectPermissions:
    def ok(check: Any) -> bool:
        try:
            check()
        except Exception:  # a refusal: the caller may not
            return False
        return True

    p = a.item
    in_stages = p.stage in STAGES
    advance = in_stages and (ok(lambda: access.assessor(a, doing="", doing_zh="")) if p.stage == "evaluation"
                             else ok(lambda: access.owner_or_planner(a, doing="", doing_zh="")))
    return ProjectPermissions(
        edit=ok(lambda: access.owner_or_planner(a, doing="", doing_zh="")),
        record_document=in_stages and ok(lambda: access.document_writer(a)),
        advance=advance,
        reassign=ok(lambda: access.planner(a, doing="", doing_zh="")),
        milestones=ok(lambda: access.owner_or_planner(a, doing="", doing_zh="")),
        review=p.stage == REVIEW and ok(lambda: access.reviewer(a)))


async def get_project(session: AsyncSession, project: ProjectAccess) -> ProjectDetail:
    """The project with its documents, milestones, reviews, history and what the caller may do."""
    p = project.item
    today = clock.today()
    docs = (await session.execute(select(ImprovementDocument).where(ImprovementDocument.project_id == p.id)
                                  .order_by(ImprovementDocument.cycle, ImprovementDocument.id))).scalars().all()
    milestones = (await session.execute(select(ImprovementMilestone).where(ImprovementMilestone.project_id == p.id)
                                        .order_by(ImprovementMilestone.due, ImprovementMilestone.id))).scalars().all()
    reviews = (await session.execute(select(ImprovementReview).where(ImprovementReview.project_id == p.id)
                                     .order_by(ImprovementReview.id))).scalars().all()
    steps = (await session.execute(select(ImprovementStep).where(ImprovementStep.project_id == p.id)
                                   .order_by(ImprovementStep.id))).scalars().all()
    base = project_read(p, project.unit_name, today)
    return ProjectDetail(
        **base.model_dump(),
        documents=[StageDocumentRead.model_validate(d) for d in docs],
        milestones=[ProjectMilestoneRead.model_validate(m).model_copy(update={"overdue": not m.done and m.due < today})
                    for m in milestones],
        reviews=[ProjectReviewRead.model_validate(r) for r in reviews],
        steps=[ProjectStepRead.model_validate(s) for s in steps],
        can=_permissions(project))


def _visible(principal: Principal) -> Any:
    """SQL over (ImprovementProject, OrgUnit): the projects the caller may see."""
    clauses = [visible_to(principal, None, OrgUnit.path)]
    if principal.user_id is not None:
        clauses.append(ImprovementProject.owner_id == principal.user_id)
    return or_(*clauses)


async def _filtered(session: AsyncSession, principal: Principal, *, unit_id: int | None, stage: str | None,
                    origin: str | None, mine: bool, review_due: bool | None, q: str | None) -> Any:
    stmt = (select(ImprovementProject).join(OrgUnit, OrgUnit.id == ImprovementProject.unit_id)
            .where(_visible(principal)))
    if unit_id is not None:
        root = await session.get(OrgUnit, unit_id)
        if root is None:
            raise unknown_unit(unit_id)
        stmt = stmt.where(OrgUnit.path.startswith(root.path, autoescape=True))
    if stage is not None:
        stmt = stmt.where(ImprovementProject.stage == stage)
    if origin is not None:
        stmt = stmt.where(ImprovementProject.origin == origin)
    if mine:
        stmt = stmt.where(ImprovementProject.owner_id == (principal.user_id or -1))
    if review_due is not None:
        due = (ImprovementProject.stage == REVIEW) & (ImprovementProject.next_review <= clock.today())
        stmt = stmt.where(due if review_due else ~due)
    if q:
        stmt = stmt.where(ImprovementProject.title.contains(q.strip(), autoescape=True))
    return stmt


async def list_projects(session: AsyncSession, principal: Principal, *, limit: int, cursor: str | None,
                        unit_id: int | None = None, stage: str | None = None, origin: str | None = None,
                        mine: bool = False, review_due: bool | None = None,
                        q: str | None = None) -> Page[ProjectRead]:
    """The register: the projects the caller may see (their unit's, or their own), oldest first."""
    stmt = await _filtered(session, principal, unit_id=unit_id, stage=stage, origin=origin, mine=mine,
                           review_due=review_due, q=q)
    rows, nxt = await paginate(session, stmt, ImprovementProject.id, limit=limit, cursor=cursor)
    names = await _unit_names(session, {p.unit_id for p in rows})
    today = clock.today()
    return Page[ProjectRead](items=[project_read(p, names.get(p.unit_id, ""), today) for p in rows],
                             next_cursor=nxt)


async def export_projects(session: AsyncSession, principal: Principal, *, unit_id: int | None = None,
                          stage: str | None = None, origin: str | None = None, mine: bool = False,
                          review_due: bool | None = None, q: str | None = None) -> bytes:
    """流程优化项目台账 as an Excel sheet: the register's filters, Chinese headers, names not codes."""
    stmt = await _filtered(session, principal, unit_id=unit_id, stage=stage, origin=origin, mine=mine,
                           review_due=review_due, q=q)
    rows = (await session.execute(stmt.order_by(ImprovementProject.id))).scalars().all()
    names = await _unit_names(session, {p.unit_id for p in rows})
    milestones: dict[int, tuple[int, int]] = {}
    if rows:
        counts = await session.execute(
            select(ImprovementMilestone.project_id, func.count(),
                   func.sum(case((ImprovementMilestone.done, 1), else_=0)))
            .where(ImprovementMilestone.project_id.in_([p.id for p in rows]))
            .group_by(ImprovementMilestone.project_id))
        milestones = {pid: (int(total), int(done or 0)) for pid, total, done in counts}
    columns = [Column("编号", 8), Column("项目名称", 36), Column("单位", 18), Column("负责人", 12),
               Column("来源", 14), Column("关联", 36), Column("当前阶段", 12), Column("轮次", 6),
               Column("里程碑（完成/总数）", 18), Column("下次评审日期", 14), Column("立项人", 12),
               Column("立项时间", 18)]
    today = clock.today()
    table = []
    for p in rows:
        total, done = milestones.get(p.id, (0, 0))
        stage = STAGE_ZH[p.stage] + ("（评审已到期）" if project_read(p, today=today).review_due else "")
        table.append([p.id, p.title, names.get(p.unit_id, ""), p.owner_name, ORIGIN_ZH.get(p.origin, p.origin),
                      "；".join(x.get("title") or x["ref"] for x in p.links), stage, p.cycle,
                      f"{done}/{total}" if total else "", p.next_review, p.created_by_name or p.created_by,
                      clock.local(p.created_at).strftime("%Y-%m-%d %H:%M") if p.created_at else ""])
    wb = Workbook()
    add_table(wb, "流程优化项目台账", columns, table, first=True)
    return workbook_bytes(wb)


# --- recording --------------------------------------------------------------------------------


def _grant_claim(grant: Grant | None) -> dict[str, Any] | None:
    return grant.to_claim() if grant is not None else None


def _data(model: type[ImprovementProjectData], p: ImprovementProject, path: str, actor: str,
          **extra: Any) -> Any:
    return model(project_id=p.id, unit_id=p.unit_id, unit_path=path, title=p.title, owner_id=p.owner_id,
                 owner_name=p.owner_name, origin=p.origin, links=[x["ref"] for x in p.links], stage=p.stage,
                 cycle=p.cycle, next_review=p.next_review.isoformat() if p.next_review else None, actor=actor,
                 **extra)


async def _step(session: AsyncSession, p: ImprovementProject, principal: Principal, grant: Grant | None, *,
                action: str, from_stage: str | None, comment: str = "") -> None:
    session.add(ImprovementStep(project_id=p.id, action=action, from_stage=from_stage, to_stage=p.stage,
                                actor=principal.sub, actor_name=principal.name, comment=comment,
                                grant=_grant_claim(grant)))


def _note_for(grant: Grant | None, note: str = "") -> str:
    """An owner acting as owner has no grant in the chain: the note says on what footing they acted."""
    return note if grant is not None else ("as the project's owner" + (f": {note}" if note else ""))


async def start_project(session: AsyncSession, *, principal: Principal, grant: Grant | None, unit: OrgUnit | UnitRow,
                        title: str, owner_id: int | None, owner_name: str, origin_links: list[dict[str, Any]],
                        description: str = "") -> ProjectRead:
    """Start a project in 调研 research (the caller has already authorised the start: an adopted proposal,
    a finding, a planner). ``origin_links``: ``[{"ref": "planning:proposal:12", "title": "…"}]``; the
    origin is read from them (proposal, finding, else manual). Journalled, in the history, evented
    (planning.improvement.started)."""
    title = title.strip()
    if not title:
        raise Invalid("A project needs a title.", field="title", zh="请填写项目名称。")
    links = _links(origin_links)
    p = ImprovementProject(unit_id=unit.id, title=title[:300], description=description, owner_id=owner_id,
                           owner_name=owner_name, origin=_origin(links), links=links, stage="research", cycle=1,
                           created_by=principal.sub, created_by_name=principal.name)
    session.add(p)
    await session.flush()
    await _step(session, p, principal, grant, action="start", from_stage=None)
    after = {"title": p.title, "unit_id": unit.id, "owner_id": owner_id, "owner_name": owner_name,
             "origin": p.origin, "links": [x["ref"] for x in links]}
    await journal.audit(session, actor=principal, action="improvement.started", subject_type="improvement_project",
                        subject_id=p.id, unit_path=unit.path, grant=grant, after=after)
    await journal.emit(session, "planning.improvement.started", p.id,
                       _data(ImprovementStartedData, p, unit.path, principal.sub), unit.path)
    await session.flush()
    return project_read(p, unit.name)


async def create_project(session: AsyncSession, *, principal: Principal, body: ProjectCreate) -> ProjectRead:
    """A project by hand or from a finding: a holder of ``plan`` over the unit starts it."""
    unit = await session.get(OrgUnit, body.unit_id)
    if unit is None:
        raise unknown_unit(body.unit_id)
    grant = authorize(principal, Place(unit.path, what=unit.name), Right.plan)
    links = [link.model_dump() for link in body.links]
    if body.finding_id is not None:
        links.insert(0, {"ref": f"{FINDING_REF}{body.finding_id}", "title": body.finding_title})
    owner_id, owner_name = body.owner_id, body.owner_name
    if owner_id is None and not owner_name:
        owner_id, owner_name = principal.user_id, principal.name
    return await start_project(session, principal=principal, grant=grant, unit=unit, title=body.title,
                               owner_id=owner_id, owner_name=owner_name, origin_links=links,
                               description=body.description)


async def update_project(session: AsyncSession, project: ProjectAccess, body: ProjectUpdate) -> ProjectDetail:
    """Title, description and links by the owner or a planner; a new owner only by a planner."""
    p, principal = project.item, project.principal
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise Invalid("Nothing to change.", zh="没有要修改的内容。")
    if "owner_id" in changes or "owner_name" in changes:
        grant: Grant | None = access.planner(project, doing="change the project's owner", doing_zh="更换项目负责人")
    else:
        grant = access.owner_or_planner(project, doing="edit the project", doing_zh="修改项目")
    if changes.get("title") is None and "title" in changes:
        raise Invalid("A project needs a title.", field="title", zh="请填写项目名称。")
    links = _links(body.links) if body.links is not None else None
    before = {k: getattr(p, k) for k in changes if k != "links"}
    if links is not None:
        before["links"] = [x["ref"] for x in p.links]
    for k in ("title", "description", "owner_id", "owner_name"):
        if k in changes:
            setattr(p, k, changes[k] if changes[k] is not None or k == "owner_id" else "")
    if links is not None:
        p.links = links
        p.origin = p.origin if p.origin != "manual" else _origin(links)
    p.updated_at = utcnow()
    await session.flush()
    after = {k: getattr(p, k) for k in changes if k != "links"}
    if links is not None:
        after["links"] = [x["ref"] for x in links]
    await journal.audit(session, actor=principal, action="improvement.updated", subject_type="improvement_project",
                        subject_id=p.id, unit_path=project.unit_path, grant=grant, before=before, after=after,
                        note=_note_for(grant))
    return await get_project(session, project)


async def record_document(session: AsyncSession, project: ProjectAccess, stage: str,
                          body: StageDocumentIn) -> ProjectDetail:
    """The current stage's document (written again while the stage is current)."""
    p, principal = project.item, project.principal
    if p.stage not in STAGES:
        raise Conflict("The project is in periodic review: its stage documents are closed.",
                       zh="项目已进入定期评审，各阶段文档不能再修改。")
    if stage != p.stage:
        raise Conflict(f"Only the current stage's document ({p.stage}) can be recorded.", stage=p.stage,
                       zh=f"只能记录当前阶段（{STAGE_ZH[p.stage]}）的文档。")
    grant = access.document_writer(project)
    doc = (await session.execute(select(ImprovementDocument).where(
        ImprovementDocument.project_id == p.id, ImprovementDocument.cycle == p.cycle,
        ImprovementDocument.stage == stage))).scalar_one_or_none()
    before = {"summary": doc.summary} if doc else None
    if doc is None:
        doc = ImprovementDocument(project_id=p.id, cycle=p.cycle, stage=stage, author=principal.sub)
        session.add(doc)
    doc.summary, doc.body = body.summary, body.body
    doc.author, doc.author_name = principal.sub, principal.name
    doc.updated_at = utcnow()
    p.updated_at = utcnow()
    await _step(session, p, principal, grant, action="document", from_stage=p.stage, comment=body.summary[:500])
    await session.flush()
    await journal.audit(session, actor=principal, action="improvement.document_recorded",
                        subject_type="improvement_project", subject_id=p.id, unit_path=project.unit_path,
                        grant=grant, before=before, after={"stage": stage, "cycle": p.cycle, "summary": body.summary},
                        note=_note_for(grant))
    return await get_project(session, project)


async def advance(session: AsyncSession, project: ProjectAccess, body: ProjectAdvanceIn) -> ProjectDetail:
    """To the next stage once the current one's document is recorded; evaluation is passed by a holder of
    ``assess``; implementation, once its milestones are done, enters periodic review."""
    p, principal = project.item, project.principal
    if p.stage not in STAGES:
        raise Conflict("The project is already in periodic review; record a review instead.",
                       zh="项目已进入定期评审，请记录评审结果。")
    if p.stage == "evaluation":
        grant: Grant | None = access.assessor(project, doing="pass the evaluation stage", doing_zh="通过评估阶段")
    else:
        grant = access.owner_or_planner(project, doing="advance the project", doing_zh="推进项目阶段")
    doc = (await session.execute(select(ImprovementDocument).where(
        ImprovementDocument.project_id == p.id, ImprovementDocument.cycle == p.cycle,
        ImprovementDocument.stage == p.stage))).scalar_one_or_none()
    if doc is None or not doc.summary.strip():
        raise Conflict(f"Record the {p.stage} stage's document before moving on.", stage=p.stage,
                       zh=f"请先记录{STAGE_ZH[p.stage]}阶段的文档，再进入下一阶段。")
    today = clock.today()
    next_review: date | None = None
    if p.stage == "implementation":
        open_ms = (await session.execute(select(ImprovementMilestone.title).where(
            ImprovementMilestone.project_id == p.id, ImprovementMilestone.done.is_(False)))).scalars().all()
        if open_ms:
            raise Conflict("Every implementation milestone must be done first: " + ", ".join(open_ms) + ".",
                           zh="实施里程碑尚未全部完成：" + "、".join(open_ms) + "。")
        next_review = body.next_review or today + FIRST_REVIEW_AFTER
        if next_review <= today:
            raise Invalid("The first review date must be after today.", field="next_review",
                          zh="首次评审日期必须晚于今天。")
    elif body.next_review is not None:
        raise Invalid("A review date is set only when implementation ends.", field="next_review",
                      zh="只有实施阶段结束时才设置评审日期。")
    was = p.stage
    p.stage = REVIEW if was == "implementation" else STAGES[STAGES.index(was) + 1]
    if next_review is not None:
        p.next_review, p.review_flagged_at = next_review, None
    p.updated_at = utcnow()
    await _step(session, p, principal, grant, action="advance", from_stage=was, comment=body.comment)
    await session.flush()
    await journal.audit(session, actor=principal, action="improvement.stage_advanced",
                        subject_type="improvement_project", subject_id=p.id, unit_path=project.unit_path, grant=grant,
                        before={"stage": was}, after={"stage": p.stage, "next_review": p.next_review},
                        note=_note_for(grant, body.comment))
    await journal.emit(session, "planning.improvement.stage_advanced", p.id,
                       _data(ImprovementStageAdvancedData, p, project.unit_path, principal.sub, from_stage=was,
                             comment=body.comment), project.unit_path)
    return await get_project(session, project)


async def _milestone(session: AsyncSession, p: ImprovementProject, milestone_id: int) -> ImprovementMilestone:
    m = await session.get(ImprovementMilestone, milestone_id)
    if m is None or m.project_id != p.id:
        raise NotFound(f"This project has no milestone with id {milestone_id}.",
                       zh=f"此项目没有编号为 {milestone_id} 的里程碑。")
    return m


def _milestones_open(p: ImprovementProject) -> None:
    if p.stage == REVIEW:
        raise Conflict("Implementation is over: milestones are closed.", zh="实施阶段已结束，里程碑不能再修改。")


async def add_milestone(session: AsyncSession, project: ProjectAccess, body: ProjectMilestoneIn) -> ProjectDetail:
    p, principal = project.item, project.principal
    grant = access.owner_or_planner(project, doing="plan milestones", doing_zh="安排里程碑")
    _milestones_open(p)
    m = ImprovementMilestone(project_id=p.id, title=body.title, due=body.due)
    session.add(m)
    p.updated_at = utcnow()
    await session.flush()
    await journal.audit(session, actor=principal, action="improvement.milestone_added",
                        subject_type="improvement_project", subject_id=p.id, unit_path=project.unit_path,
                        grant=grant, after={"milestone_id": m.id, "title": m.title, "due": m.due},
                        note=_note_for(grant))
    return await get_project(session, project)


async def update_milestone(session: AsyncSession, project: ProjectAccess, milestone_id: int,
                           body: ProjectMilestoneUpdate) -> ProjectDetail:
    p, principal = project.item, project.principal
    grant = access.owner_or_planner(project, doing="update milestones", doing_zh="修改里程碑")
    _milestones_open(p)
    m = await _milestone(session, p, milestone_id)
    changes = body.model_dump(exclude_unset=True)
    if not changes or any(v is None for v in changes.values()):
        raise Invalid("Give the title, due date or done to change.", zh="请填写要修改的名称、期限或完成状态。")
    if changes.get("done") and p.stage != "implementation":
        raise Conflict("Milestones are done during implementation.", zh="里程碑须在实施阶段完成。")
    before = {k: getattr(m, k) for k in changes}
    for k, v in changes.items():
        setattr(m, k, v)
    if "done" in changes:
        m.done_at = utcnow() if m.done else None
    p.updated_at = utcnow()
    await session.flush()
    await journal.audit(session, actor=principal, action="improvement.milestone_updated",
                        subject_type="improvement_project", subject_id=p.id, unit_path=project.unit_path,
                        grant=grant, before={"milestone_id": m.id, **before},
                        after={"milestone_id": m.id, **{k: getattr(m, k) for k in changes}}, note=_note_for(grant))
    return await get_project(session, project)


async def delete_milestone(session: AsyncSession, project: ProjectAccess, milestone_id: int) -> ProjectDetail:
    p, principal = project.item, project.principal
    grant = access.owner_or_planner(project, doing="remove milestones", doing_zh="删除里程碑")
    _milestones_open(p)
    m = await _milestone(session, p, milestone_id)
    before = {"milestone_id": m.id, "title": m.title, "due": m.due, "done": m.done}
    await session.delete(m)
    p.updated_at = utcnow()
    await session.flush()
    await journal.audit(session, actor=principal, action="improvement.milestone_removed",
                        subject_type="improvement_project", subject_id=p.id, unit_path=project.unit_path,
                        grant=grant, before=before, note=_note_for(grant))
    return await get_project(session, project)


async def record_review(session: AsyncSession, project: ProjectAccess, body: ProjectReviewIn) -> ProjectDetail:
    """定期评审: effective / needs adjustment set the next review date; reopen (with a note) sends the
    project back to research for a new cycle."""
    p, principal = project.item, project.principal
    grant = access.reviewer(project)
    if p.stage != REVIEW:
        raise Conflict("Reviews are recorded once the project is in periodic review.",
                       zh="项目进入定期评审后才能记录评审。")
    today = clock.today()
    if body.outcome == "reopen":
        if not body.note.strip():
            raise Invalid("Say why the project is reopened.", field="note", zh="重新开启项目须说明原因。")
        if body.next_review is not None:
            raise Invalid("A reopened project has no review date until it is implemented again.",
                          field="next_review", zh="重新开启的项目在再次实施前没有评审日期。")
    else:
        if body.next_review is None:
            raise Invalid("Set the next review date.", field="next_review", zh="请设置下次评审日期。")
        if body.next_review <= today:
            raise Invalid("The next review date must be after today.", field="next_review",
                          zh="下次评审日期必须晚于今天。")
        if body.outcome == "needs_adjustment" and not body.note.strip():
            raise Invalid("Say what needs adjusting.", field="note", zh="请说明需要调整的内容。")
    due = p.next_review
    session.add(ImprovementReview(project_id=p.id, outcome=body.outcome, note=body.note, due=due,
                                  next_review=body.next_review, reviewer=principal.sub,
                                  reviewer_name=principal.name))
    was = p.stage
    if body.outcome == "reopen":
        p.stage, p.cycle, p.next_review = "research", p.cycle + 1, None
    else:
        p.next_review = body.next_review
    p.review_flagged_at = None
    p.updated_at = utcnow()
    await _step(session, p, principal, grant, action=f"review:{body.outcome}", from_stage=was, comment=body.note)
    await session.flush()
    await journal.audit(session, actor=principal, action="improvement.reviewed", subject_type="improvement_project",
                        subject_id=p.id, unit_path=project.unit_path, grant=grant,
                        before={"stage": was, "next_review": due},
                        after={"outcome": body.outcome, "stage": p.stage, "cycle": p.cycle,
                               "next_review": p.next_review}, note=_note_for(grant, body.note))
    await journal.emit(session, "planning.improvement.reviewed", p.id,
                       _data(ImprovementReviewedData, p, project.unit_path, principal.sub, outcome=body.outcome,
                             note=body.note), project.unit_path)
    return await get_project(session, project)


# --- the review-due scan and the inbox ---------------------------------------------------------


async def flag_reviews_due(session: AsyncSession) -> int:
    """Emit planning.improvement.review_due once per project whose review date has come unreviewed."""
    today = clock.today()
    rows = (await session.execute(select(ImprovementProject, OrgUnit)
                                  .outerjoin(OrgUnit, OrgUnit.id == ImprovementProject.unit_id)
                                  .where(ImprovementProject.stage == REVIEW, ImprovementProject.next_review <= today,
                                         ImprovementProject.review_flagged_at.is_(None)))).all()
    for p, unit in rows:
        path = unit.path if unit is not None else ""
        p.review_flagged_at = utcnow()
        assert p.next_review is not None
        await journal.emit(session, "planning.improvement.review_due", p.id,
                           _data(ImprovementReviewDueData, p, path, "system", due=p.next_review.isoformat()),
                           path or None)
    return len(rows)


async def steps_waiting(session: AsyncSession, *, principal: Principal, limit: int) -> list[ImprovementStepWaiting]:
    """What waits on the caller: their projects' current stage (not evaluation: an assessor passes it),
    evaluations they may pass (assess over the unit), and reviews whose date has come (the owner's, or
    in units they hold plan or assess over)."""
    today = clock.today()
    mine = ImprovementProject.owner_id == (principal.user_id if principal.user_id is not None else -1)
    assess = visible_to(principal, Right.assess.value, OrgUnit.path)
    review_holders = or_(mine, visible_to(principal, Right.plan.value, OrgUnit.path), assess)
    stmt = (select(ImprovementProject, OrgUnit).join(OrgUnit, OrgUnit.id == ImprovementProject.unit_id)
            .where(or_(
                mine & ImprovementProject.stage.in_([s for s in STAGES if s != "evaluation"]),
                (ImprovementProject.stage == "evaluation") & assess,
                (ImprovementProject.stage == REVIEW) & (ImprovementProject.next_review <= today) & review_holders))
            .order_by(ImprovementProject.updated_at, ImprovementProject.id).limit(limit))
    out = []
    for p, unit in (await session.execute(stmt)).all():
        reason = "review_due" if p.stage == REVIEW else "evaluation" if p.stage == "evaluation" else "stage"
        out.append(ImprovementStepWaiting(project_id=p.id, title=p.title, unit_id=p.unit_id, unit_name=unit.name,
                                          stage=p.stage, reason=reason, owner_name=p.owner_name,
                                          next_review=p.next_review, updated_at=p.updated_at))
    return out
