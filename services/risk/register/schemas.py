"""The shapes of requests and responses of the register: risks, assessments, response and acceptance, actions."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field, field_validator

from services.common.api import RequestBody
from services.risk.matrix.schemas import Level


class Category(str, Enum):
    market = "market"              # 市场
    policy = "policy"              # 政策
    technology = "technology"      # 技术
    personnel = "personnel"        # 人员
    supply_chain = "supply_chain"  # 供应链
    equipment = "equipment"        # 设备
    safety = "safety"              # 安全
    finance = "finance"            # 财务
    compliance = "compliance"      # 合规
    other = "other"


CATEGORY_LABELS = {"market": "市场", "policy": "政策", "technology": "技术", "personnel": "人员",
                   "supply_chain": "供应链", "equipment": "设备", "safety": "安全", "finance": "财务",
                   "compliance": "合规", "other": "其他"}


class Status(str, Enum):
    identified = "identified"
    assessed = "assessed"
    treating = "treating"
    monitoring = "monitoring"
    closed = "closed"


class Strategy(str, Enum):
    avoid = "avoid"        # 规避
    reduce = "reduce"      # 降低
    transfer = "transfer"  # 转移
    accept = "accept"      # 接受


STRATEGY_LABELS = {"avoid": "规避", "reduce": "降低", "transfer": "转移", "accept": "接受"}


class AssessmentKind(str, Enum):
    inherent = "inherent"
    residual = "residual"


# ---- contingency plan (预案)

class ContingencyStep(RequestBody):
    title: str = Field(min_length=1, max_length=300)
    due_in_days: int = Field(1, ge=0, le=365, description="Days after activation the step is due")
    owner_id: int | None = Field(None, description="Who carries the step out (default: the plan's owner)")


class ContingencyPlan(RequestBody):
    trigger: str = Field(min_length=1, max_length=1000, description="When the plan is set in motion")
    steps: list[ContingencyStep] = Field(min_length=1, max_length=50)
    owner_id: int = Field(description="The user responsible for carrying the plan out")
    fallback_resources: list[str] = Field(default_factory=list, max_length=50,
                                          description="Fallback resources, e.g. supplier B, standby equipment")

    @field_validator("steps", mode="before")
    @classmethod
    def _steps_as_text(cls, v: Any) -> Any:
        # Steps may be given as plain text lines.
        if isinstance(v, list):
            return [{"title": s} if isinstance(s, str) else s for s in v]
        return v


# ---- risks

class RiskCreate(RequestBody):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    category: Category
    unit_id: int
    owner_id: int | None = None
    plan_id: int | None = None
    next_review_date: date | None = None


class RiskUpdate(RequestBody):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    category: Category | None = None
    unit_id: int | None = None
    owner_id: int | None = None
    plan_id: int | None = None
    status: Status | None = None
    strategy: Strategy | None = None
    strategy_note: str | None = Field(None, max_length=5000)
    next_review_date: date | None = None
    contingency_plan: ContingencyPlan | None = None


class AssessmentRead(BaseModel):
    id: int
    risk_id: int
    kind: AssessmentKind
    likelihood: int
    impact: int
    score: int
    level: Level
    level_label: str
    matrix_id: int
    matrix_snapshot: dict[str, Any]
    note: str
    assessed_by: str
    assessed_by_name: str
    assessed_at: datetime
    model_config = {"from_attributes": True}


class ScoreRead(BaseModel):
    likelihood: int
    impact: int
    score: int
    level: Level


class AcceptanceRead(BaseModel):
    signed_by: str
    signed_name: str | None
    signed_at: datetime
    expires_on: date
    expired: bool
    grant: dict[str, Any] | None


class RiskRead(BaseModel):
    id: int
    title: str
    description: str
    category: Category
    category_label: str
    unit_id: int
    unit_path: str | None
    unit_name: str | None
    owner_id: int | None
    plan_id: int | None
    status: Status
    strategy: Strategy | None
    strategy_note: str
    next_review_date: date | None
    inherent: ScoreRead | None
    residual: ScoreRead | None
    current: ScoreRead | None
    level: Level | None = Field(description="The level of the latest assessment (inherent or residual)")
    assessed_at: datetime | None
    contingency_plan: ContingencyPlan | None
    contingency_activated_at: datetime | None
    acceptance: AcceptanceRead | None
    created_at: datetime
    updated_at: datetime
    version: int


class AssessmentCreate(RequestBody):
    likelihood: int = Field(ge=1, le=5, description="可能性 1–5")
    impact: int = Field(ge=1, le=5, description="影响 1–5")
    kind: AssessmentKind = AssessmentKind.inherent
    note: str = Field("", max_length=5000)


class AssessmentResult(AssessmentRead):
    previous_level: Level | None
    level_changed: bool


class AcceptanceCreate(RequestBody):
    expires_on: date = Field(description="After this date the acceptance lapses and the risk returns to review")
    note: str = Field("", max_length=5000)


class ActivationCreate(RequestBody):
    reason: str = Field("", max_length=2000)
    alert_id: int | None = Field(None, description="The alert that set the plan in motion, if any")
