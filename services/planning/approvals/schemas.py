"""Approvals' request and response bodies: flows and their stages, actions, suggestions and guidance."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.common.api import RequestBody
from services.common.i18n import InvalidValue
from services.planning.approvals.stages import validate_stages


class AddedSignerRead(BaseModel):
    """加签: someone added to a stage for this plan only."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    stage_index: int
    user_id: str
    user_name: str
    position: Literal["before", "after"]
    advisory: bool = Field(description="Holds only 建议权: gives an opinion, never returns or vetoes")
    added_by: str
    added_by_name: str
    comment: str
    status: str = Field(description="waiting (after: until the adder signs) | pending (acts now) | signed | opined "
                                    "| cancelled")
    opinion: str
    created_at: datetime
    done_at: datetime | None


class TransferRead(BaseModel):
    """转办: a signer handed their signature on a stage to another holder of its requirement."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    stage_index: int
    from_user: str
    from_name: str
    to_user: str
    to_name: str
    reason: str
    created_at: datetime


class CcRead(BaseModel):
    """抄送: someone copied on the plan (read access and a notification, no decision)."""

    model_config = ConfigDict(from_attributes=True)

    user_id: str
    user_name: str
    by: str
    by_name: str
    source: Literal["submitter", "stage"]
    stage_key: str | None
    comment: str
    created_at: datetime


class StageCc(RequestBody):
    """Whom a stage copies when reached: the holders of ``right`` over the unit ``over`` names, held where
    ``held_in`` says (as for the stage's own requirement)."""

    right: str
    over: Literal["unit", "parent", "company"] = "unit"
    held_in: str | None = Field(None, max_length=60, description="null, 'company', or a unit code such as OPS")


class StageRead(BaseModel):
    index: int
    key: str
    name: str
    requirement: str
    signers: str
    state: Literal["done", "current", "waiting"]
    signed_by: list[str] = []
    pending_signers: list[str] = Field([], description="Who the current stage waits on by name: 会签's signers left, "
                                                       "or 或签's named signer after a transfer or an added signer")
    signed_by_names: list[str] = Field([], description="signed_by's names, in order")
    pending_names: list[str] = Field([], description="pending_signers' names, in order ('' where not known yet)")
    cc: list[StageCc] = Field([], description="Whom the stage copies when reached")
    added_signers: list[AddedSignerRead] = []
    transfers: list[TransferRead] = []


class ActionBody(RequestBody):
    comment: str = Field("", max_length=4000)
    reason: str | None = Field(None, max_length=4000)


class WithdrawBody(RequestBody):
    comment: str = Field("", max_length=4000)


class TransferBody(RequestBody):
    to_user_id: int = Field(gt=0, description="Who signs instead: a holder of the current stage's requirement")
    reason: str = Field(min_length=1, max_length=4000)


class AddSignerBody(RequestBody):
    user_id: int = Field(gt=0)
    position: Literal["before", "after"]
    comment: str = Field("", max_length=4000)


class CcBody(RequestBody):
    user_ids: list[int] = Field(min_length=1, max_length=50)
    comment: str = Field("", max_length=4000)

    @field_validator("user_ids")
    @classmethod
    def _positive(cls, v: list[int]) -> list[int]:
        if any(i <= 0 for i in v):
            raise InvalidValue("user ids are positive integers", "人员编号应为正整数")
        return list(dict.fromkeys(v))


class Candidate(BaseModel):
    """Someone a control may name, derived from org's holders of a right."""

    id: int
    name: str
    unit_name: str | None = Field(None, description="Where they hold the right (null when org does not say)")
    position_name: str | None = None
    advisory: bool = Field(False, description="add_signer: holds only 建议权 (gives an opinion, cannot return)")


class SuggestionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    plan_id: int
    revision: int
    author: str
    author_name: str
    text: str
    status: str
    response: str
    responded_by: str | None
    created_at: datetime
    responded_at: datetime | None


class SuggestionAnswer(RequestBody):
    accepted: bool
    reason: str = Field(min_length=1, max_length=4000)


class GuidanceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    plan_id: int
    author: str
    author_name: str
    text: str
    created_at: datetime


class FlowStage(RequestBody):
    key: str = Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    right: str
    over: Literal["unit", "parent", "company"] = "unit"
    held_in: str | None = Field(None, max_length=60, description="null, 'company', or a unit code such as OPS")
    signers: Literal["any", "all"] = "any"
    # strict: a JSON true is not one working day
    time_limit_days: int | None = Field(
        None, strict=True,
        description="Working days the stage's holders have to act (0..60); null: the company's default SLA")
    cc: list[StageCc] = Field([], max_length=10, description="Whom the stage copies when reached (抄送)")


def _valid_stages(v: list[FlowStage] | None) -> list[FlowStage] | None:
    if v is not None:
        validate_stages([s.model_dump() for s in v])
    return v


class FlowUpdate(RequestBody):
    name: str | None = Field(None, min_length=1, max_length=200)
    stages: list[FlowStage] | None = None
    final_action: Literal["issue", "publish"] | None = None

    _stages = field_validator("stages")(_valid_stages)


class FlowPreviewRequest(RequestBody):
    """Who would sign a flow's stages for a plan of this unit: the saved flow, or a draft of its stages
    (validated as saving it would be)."""

    unit_id: int
    stages: list[FlowStage] | None = Field(None, description="A draft not yet saved; absent: the saved flow")

    _stages = field_validator("stages")(_valid_stages)


class UnitRef(BaseModel):
    id: int
    name: str


class SignerPosition(BaseModel):
    title: str
    unit_name: str
    delegated_by: str | None = None


class PreviewPerson(BaseModel):
    id: int
    name: str
    positions: list[SignerPosition]


class CcPreview(BaseModel):
    right: str
    requirement: str
    requirement_zh: str
    people: list[PreviewPerson]
    warning: str | None = None
    warning_zh: str | None = None


class StagePreview(BaseModel):
    index: int
    key: str
    name: str
    name_en: str
    right: str
    requirement: str = Field(description="What the stage needs, in words: the right, over which unit, held where")
    requirement_zh: str
    signers: Literal["any", "all"]
    signers_zh: str = Field(description="或签 (any one holder) or 会签 (every holder), in words")
    over_unit: UnitRef
    held_in_unit: UnitRef | None
    people: list[PreviewPerson] = Field(description="Everyone who would sign (或签: any one of them; 会签: all)")
    skipped_if_submitter_holds: bool = Field(
        description="A submitter holding this stage passes it on submitting (或签 stages before the last, reached "
                    "without a stop)")
    skip_note: str
    skip_note_zh: str
    warning: str | None = None
    warning_zh: str | None = None
    time_limit_days: int | None = None
    cc: list[CcPreview] = []


class FlowPreviewRead(BaseModel):
    kind: str
    unit: UnitRef
    draft: bool = Field(description="Whether the stages previewed are a draft sent with the request")
    final_action: str
    stages: list[StagePreview]


class FlowRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    name: str
    stages: list[dict[str, Any]]
    final_action: str
    version: int

    @field_validator("stages")
    @classmethod
    def _time_limits(cls, v: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # flows stored before stages had time limits (or copies) read as "the company's default" (and none)
        return [{**s, "time_limit_days": s.get("time_limit_days"), "cc": s.get("cc") or []} for s in v]
