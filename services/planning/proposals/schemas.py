"""Requests and answers of improvement proposals (合理化建议) and their company settings."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.api import RequestBody

Decision = Literal["adopt", "partly", "decline"]
Status = Literal["in_review", "adopted", "partly", "declined", "implemented", "rewarded"]
Over = Literal["unit", "parent", "company"]
RightName = Literal["plan", "suggest", "veto", "dispatch", "assess", "guide", "view", "admin"]


# --- company settings -------------------------------------------------------------------------


class ReviewStage(RequestBody):
    """A review stage: the holders of ``right`` over the proposal's unit, its parent or the company."""

    key: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_\-]+$")
    name: str = Field(min_length=1, max_length=100)
    right: RightName
    over: Over = "unit"


class RewardLevel(RequestBody):
    """A level of the reward scale: points, money in 元, or both."""

    key: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_\-]+$")
    name: str = Field(min_length=1, max_length=100)
    points: int | None = Field(None, ge=0, le=1_000_000)
    amount: float | None = Field(None, ge=0, le=10_000_000, description="Money, in 元")


class ProposalSettingsUpdate(RequestBody):
    """Change the settings (admin); what is left out stays as it is."""

    allow_anonymous: bool | None = None
    stages: list[ReviewStage] | None = Field(None, min_length=1, max_length=8)
    reward_levels: list[RewardLevel] | None = Field(None, max_length=20)
    categories: list[str] | None = Field(None, max_length=30)


class ProposalSettingsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    allow_anonymous: bool
    stages: list[ReviewStage]
    reward_levels: list[RewardLevel]
    categories: list[str]
    updated_by: str
    updated_at: datetime
    version: int


# --- proposals --------------------------------------------------------------------------------


class ProposalCreate(RequestBody):
    title: str = Field(min_length=1, max_length=200)
    problem: str = Field(min_length=1, max_length=5000, description="The problem seen (存在问题)")
    suggestion: str = Field(min_length=1, max_length=5000, description="The suggested improvement (改进建议)")
    expected_benefit: str = Field("", max_length=5000, description="What it should bring (预期效益)")
    unit_id: int = Field(description="The unit owning the process; it reviews the proposal")
    category: str | None = Field(None, max_length=60)
    anonymous: bool = Field(False, description="Hide the proposer from everyone else (when the company allows)")


class DecisionBody(RequestBody):
    decision: Decision
    reason: str = Field("", max_length=5000, description="Required to decide partly or decline")
    project_owner_id: int | None = Field(None, description="Who owns the project it starts (default: the decider)")
    project_owner_name: str | None = Field(None, max_length=100)


class BenefitBody(RequestBody):
    benefit: str = Field(min_length=1, max_length=5000, description="The actual benefit after implementation")
    benefit_amount: float | None = Field(None, ge=0, le=1_000_000_000, description="In 元")


class RewardBody(RequestBody):
    level: str = Field(min_length=1, max_length=60, description="The key of a level of the company's scale")
    note: str = Field("", max_length=2000)


class ProposalStageRead(BaseModel):
    index: int
    key: str
    name: str
    right: str
    over: str
    unit_path: str = Field(description="The unit the right must cover for this proposal")


class ProposalStepRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    action: str
    stage_key: str | None
    stage_name: str
    actor_name: str = Field(description="Empty for an anonymous proposer's own steps, to anyone but them")
    comment: str
    at: datetime


class ProposalRead(BaseModel):
    """A proposal as the caller may see it: an anonymous one names its proposer only to the proposer."""

    model_config = ConfigDict(from_attributes=True, json_schema_serialization_defaults_required=True)

    id: int
    title: str
    problem: str
    suggestion: str
    expected_benefit: str
    unit_id: int
    unit_name: str = ""
    category: str | None
    anonymous: bool
    proposer: str | None
    proposer_name: str
    mine: bool = False
    status: Status
    stage_index: int | None
    waiting: ProposalStageRead | None = None
    decision: Decision | None
    decision_reason: str
    decided_by_name: str
    decided_at: datetime | None
    project_id: int | None
    benefit: str
    benefit_amount: float | None
    benefit_by_name: str
    benefit_at: datetime | None
    reward_level: str | None
    reward_name: str
    reward_points: int | None
    reward_amount: float | None
    reward_note: str
    rewarded_by_name: str
    rewarded_at: datetime | None
    created_at: datetime
    version: int
    can: list[Literal["decide", "record_benefit", "reward"]] = Field(
        default_factory=list, description="What the caller may do with it now")


class ProposalDetail(ProposalRead):
    steps: list[ProposalStepRead]
    stages: list[ProposalStageRead]
