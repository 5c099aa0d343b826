"""Process optimisation projects (流程优化项目): what clients send and what they read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.api import RequestBody

Stage = Literal["research", "diagnosis", "proposal", "evaluation", "implementation", "review"]
DocumentStage = Literal["research", "diagnosis", "proposal", "evaluation", "implementation"]
Outcome = Literal["effective", "needs_adjustment", "reopen"]
Origin = Literal["proposal", "finding", "manual"]


class LinkIn(RequestBody):
    """What a project links to: "planning:proposal:<id>", "kpi:finding:<id>", or anything else (a manual
    reference, e.g. a document number or a URL)."""

    ref: str = Field(min_length=1, max_length=300)
    title: str = Field("", max_length=300)


class LinkRead(BaseModel):
    ref: str
    kind: Origin = Field(description="proposal | finding | manual (read from the ref)")
    title: str = ""
    target_id: int | None = Field(None, description="The proposal's or finding's id; null for a manual link")


class ProjectCreate(RequestBody):
    """A project started by hand (a holder of 'plan' over the unit), or from a finding (``finding_id``)."""

    unit_id: int
    title: str = Field(min_length=1, max_length=300)
    description: str = Field("", max_length=20000)
    owner_id: int | None = None
    owner_name: str = Field("", max_length=100)
    finding_id: int | None = Field(None, description="The kpi finding the project answers (linked as kpi:finding:<id>)")
    finding_title: str = Field("", max_length=300)
    links: list[LinkIn] = Field(default_factory=list, max_length=20)


class ProjectUpdate(RequestBody):
    """Title and description by the owner or a planner; a new owner only by a holder of 'plan'."""

    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = Field(None, max_length=20000)
    owner_id: int | None = None
    owner_name: str | None = Field(None, max_length=100)
    links: list[LinkIn] | None = Field(None, max_length=20)


class DocumentIn(RequestBody):
    """The current stage's document: a summary and a body."""

    summary: str = Field(min_length=1, max_length=2000)
    body: str = Field("", max_length=100000)


class AdvanceIn(RequestBody):
    """Move the project to the next stage. From implementation it enters periodic review: ``next_review``
    is the first review date (three months from today when left out)."""

    comment: str = Field("", max_length=2000)
    next_review: date | None = None


class MilestoneIn(RequestBody):
    title: str = Field(min_length=1, max_length=300)
    due: date


class MilestoneUpdate(RequestBody):
    title: str | None = Field(None, min_length=1, max_length=300)
    due: date | None = None
    done: bool | None = None


class ReviewIn(RequestBody):
    """A periodic review: effective 有效 / needs adjustment 需调整 (both set the next review date) or reopen
    重新开启 (the project goes back to 调研 research for a new cycle; the note says why)."""

    outcome: Outcome
    note: str = Field("", max_length=5000)
    next_review: date | None = None


class DocumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    cycle: int
    stage: DocumentStage
    summary: str
    body: str
    author: str
    author_name: str
    updated_at: datetime


class MilestoneRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    due: date
    done: bool
    done_at: datetime | None = None
    overdue: bool = False


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    outcome: Outcome
    note: str
    due: date | None
    next_review: date | None
    reviewer: str
    reviewer_name: str
    at: datetime


class StepRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    action: str
    from_stage: str | None
    to_stage: str
    actor: str
    actor_name: str
    comment: str
    at: datetime


class ProjectRead(BaseModel):
    """A project as listed: where it stands, whose it is, what started it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    unit_id: int
    unit_name: str = ""
    title: str
    description: str
    owner_id: int | None
    owner_name: str
    origin: Origin
    links: list[LinkRead]
    stage: Stage
    cycle: int
    next_review: date | None
    review_due: bool = Field(False, description="In periodic review and the review date has come")
    created_by: str
    created_by_name: str
    created_at: datetime
    updated_at: datetime
    version: int


class Permissions(BaseModel):
    """What the caller may do on the project now (the SPA shows the buttons by it)."""

    edit: bool = False
    record_document: bool = False
    advance: bool = False
    reassign: bool = False
    milestones: bool = False
    review: bool = False


class ProjectDetail(ProjectRead):
    """A project with its documents (every cycle), milestones, reviews and history."""

    documents: list[DocumentRead] = []
    milestones: list[MilestoneRead] = []
    reviews: list[ReviewRead] = []
    steps: list[StepRead] = []
    can: Permissions = Permissions()


class ImprovementStepWaiting(BaseModel):
    """An inbox item: a project waiting on the caller, and for what."""

    project_id: int
    title: str
    unit_id: int
    unit_name: str
    stage: Stage
    reason: Literal["stage", "evaluation", "review_due"] = Field(
        description="stage: my project's current stage; evaluation: an evaluation I may pass; review_due: a "
                    "periodic review whose date has come")
    owner_name: str
    next_review: date | None
    updated_at: datetime
