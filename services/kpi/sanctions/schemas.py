"""The bodies of requests and answers of the register of rewards and penalties (奖惩) and the company scale."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from services.common.api import PeriodText, RequestBody
from services.common.i18n import InvalidValue
from services.kpi.indicators.schemas import OrmRead

SanctionKind = Literal["reward", "penalty"]
SanctionType = Literal["bonus", "certificate", "promotion", "warning", "fine", "demotion"]
RewardType = Literal["bonus", "certificate", "promotion"]

TYPES_OF = {"reward": ("bonus", "certificate", "promotion"), "penalty": ("warning", "fine", "demotion")}
MONEY_TYPES = ("bonus", "fine")
KIND_ZH = {"reward": "奖励", "penalty": "处罚"}
TYPE_ZH = {"bonus": "奖金", "certificate": "证书", "promotion": "晋升", "warning": "警告", "fine": "罚款",
           "demotion": "降级"}
STATUS_ZH = {"proposed": "待确认", "confirmed": "已确认", "dismissed": "已驳回"}
SOURCE_ZH = {"assessment": "考核结果", "innovation": "创新奖励", "proposal": "创新奖励（合理化建议）"}


def check_kind_type(kind: str, type_: str, amount: float | None) -> None:
    """A reward is a bonus, certificate or promotion; a penalty a warning, fine or demotion; money only for
    bonuses and fines, and they need it."""
    if type_ not in TYPES_OF[kind]:
        raise InvalidValue(f"A {kind} cannot be a {type_}.",
                           f"{KIND_ZH[kind]}不能是{TYPE_ZH[type_]}（奖励：奖金、证书、晋升；处罚：警告、罚款、降级）。")
    if type_ in MONEY_TYPES and not amount:
        raise InvalidValue(f"A {type_} needs an amount in 元.", f"{TYPE_ZH[type_]}须填写金额（元）。")
    if type_ not in MONEY_TYPES and amount:
        raise InvalidValue(f"A {type_} carries no amount.", f"{TYPE_ZH[type_]}不填写金额。")


class ScaleLine(RequestBody):
    """One line of the company scale: what a grade brings a person or a unit."""

    grade: str = Field(min_length=1, max_length=20)
    subject_kind: Literal["unit", "person", "any"] = "any"
    kind: SanctionKind
    type: SanctionType
    amount: float | None = Field(None, gt=0, le=10_000_000, allow_inf_nan=False, description="元 (bonus, fine)")
    note: str = Field("", max_length=500)

    @model_validator(mode="after")
    def _coherent(self) -> ScaleLine:
        check_kind_type(self.kind, self.type, self.amount)
        return self


class ScaleUpdate(RequestBody):
    lines: list[ScaleLine] = Field(max_length=100)


class ScaleRead(BaseModel):
    """The company scale (奖惩标准); version 0 until the company admin first changes the default."""

    lines: list[ScaleLine]
    version: int
    updated_by: str = ""
    updated_at: datetime | None = None


class SanctionConfirm(RequestBody):
    """Confirm as proposed, or changed (any of kind, type, amount) with a reason."""

    kind: SanctionKind | None = None
    type: SanctionType | None = None
    amount: float | None = Field(None, ge=0, le=10_000_000, allow_inf_nan=False, description="元")
    reason: str = Field("", max_length=2000, description="Required when anything is changed")


class SanctionDismiss(RequestBody):
    reason: str = Field(min_length=1, max_length=2000)


class InnovationReward(RequestBody):
    """A special reward for innovation (创新奖励), granted by a holder of assess over the unit."""

    unit_id: int
    person_id: int | None = None
    person_name: str = Field("", max_length=100)
    type: RewardType = "bonus"
    amount: float | None = Field(None, gt=0, le=10_000_000, allow_inf_nan=False, description="元 (bonus)")
    reason: str = Field(min_length=1, max_length=2000)
    proposal_id: int | None = Field(None, description="The adopted improvement proposal it rewards, if any")
    period: PeriodText | None = Field(None, description="The payroll period; this month when not given")

    @model_validator(mode="after")
    def _coherent(self) -> InnovationReward:
        check_kind_type("reward", self.type, self.amount)
        if self.person_id is None and not self.person_name.strip():
            raise InvalidValue("Name the person rewarded (person_id or person_name).", "请填写受奖励人。")
        return self


class SanctionRead(OrmRead):
    id: int
    source: str
    assessment_id: int | None
    proposal_id: int | None
    unit_id: int
    unit_name: str = ""
    unit_path: str
    subject_kind: str
    person_id: int | None
    person_name: str
    kind: str
    type: str
    amount: float | None
    period: str
    basis: str
    note: str
    status: str
    proposed: dict | None
    reason: str
    created_by: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    version: int
    can_decide: bool = Field(False, description="The caller may confirm, change or dismiss it (assess over the "
                                                "unit, still proposed)")


class SanctionTotals(BaseModel):
    """Over every line the filter selects (not only this page), in 元."""

    count: int
    rewards: float = Field(description="Confirmed rewards' money (元)")
    penalties: float = Field(description="Confirmed fines (元)")
    proposed: float = Field(description="Money of the lines still waiting for confirmation (元)")


class SanctionList(BaseModel):
    items: list[SanctionRead]
    next_cursor: str | None = None
    totals: SanctionTotals
