"""The org workbook's import, as the API shows it: the preview (counts, the changes, the row errors)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class ImportErrorRead(BaseModel):
    sheet: str = Field(description="units | positions | people (file: the file as a whole)")
    sheet_label: str = Field(description="The sheet's name in the caller's language: 组织单元, 岗位, 人员")
    row: int = Field(description="The row as the spreadsheet shows it (the header is row 1)")
    column: str = Field(description="The column's key (code, unit_code, …), empty for a whole row")
    column_label: str = Field(description="The column's header in the caller's language: 单位编码, …")
    message: str = Field(description="What is wrong with the cell")
    text: str = Field(description="The whole sentence: 人员 第 7 行「单位编码」：没有编码为 XYZ 的组织单元")


class FieldChangeRead(BaseModel):
    field: str
    label: str
    before: str | None
    after: str | None


class ChangeRead(BaseModel):
    op: str = Field(description="unit.create, unit.update, unit.move, position.create, position.update, "
                                "user.create, user.update, assignment.create, assignment.update")
    action: Literal["create", "update", "move"]
    sheet: str
    sheet_label: str
    row: int
    key: str = Field(description="What it is about: a unit's code, 'unit code / title', a username, …")
    fields: list[FieldChangeRead]


class SheetCounts(BaseModel):
    rows: int = 0
    create: int = 0
    update: int = 0
    unchanged: int = 0
    errors: int = 0


class AssignmentCounts(BaseModel):
    create: int = 0
    update: int = 0


class ImportCounts(BaseModel):
    units: SheetCounts
    positions: SheetCounts
    people: SheetCounts
    assignments: AssignmentCounts


class OrgImportRead(BaseModel):
    id: int
    status: Literal["staged", "applied", "discarded"]
    filename: str
    created_by: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: str
    version: int
    note: str = Field(description="文件中没有的单元、岗位和人员保持不变 (an import never deletes)")
    can_apply: bool = Field(description="Staged, with no errors and something to change")
    counts: ImportCounts
    changes: list[ChangeRead]
    errors: list[ImportErrorRead]
