"""Findings of inspections and audits are rectified by ordinary improvement actions (one mechanism): verifying the
action closes the finding, withdrawing the finding cancels the action; evidence files are typed by their bytes and
served only to who may see their unit."""

import io
from datetime import timedelta

import pytest
from fastapi import UploadFile
from sqlalchemy import select

from services.common import clock
from services.common.authz import Grant, Principal
from services.common.files import LocalFileStore, sniff
from services.common.sheets import UploadRejected
from services.kpi.files.service import store_upload
from services.kpi.findings.schemas import FindingRisk
from services.kpi.findings.service import record_finding, withdraw_finding
from services.kpi.models import Finding, OrgUnit
from services.kpi.runtime import KpiRuntime
from tests.kpi.conftest import MKT, MKT_MANAGER, MKT_VIEWER, OPS_PLANNER, outbox
from tests.support import DEMO_PATHS, bearer, make_token

INSPECTOR = Principal(sub="5", name="market_mgr", grants=(Grant("assess", DEMO_PATHS["MKT"], "subtree"),))
OWNER = bearer(make_token(("view", DEMO_PATHS["MKT-RES"], "subtree"), sub="42", name="owner"))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def _finding(kpi, **kw):
    async with kpi.app.state.db.writer() as s:
        unit = await s.get(OrgUnit, MKT)
        out = await record_finding(s, principal=INSPECTOR, grant=INSPECTOR.grants[0], source="inspection",
                                   source_id=7, source_ref=kw.pop("source_ref", "item-1"), unit=unit,
                                   title="灭火器过期", description="2 具灭火器超过检验期", severity="major",
                                   owner_id=42, owner_name="owner", due=clock.today() + timedelta(days=7), **kw)
        await s.commit()
    return out


async def test_a_verified_rectification_closes_its_finding(kpi):
    f = await _finding(kpi, risk=FindingRisk(category="safety", likelihood=3, impact=4))
    assert (f.status, f.action_status, f.severity) == ("open", "open", "major")
    action = (await kpi.get(f"/api/kpi/actions/{f.action_id}", headers=OWNER)).json()
    assert (action["origin"], action["origin_ref"], action["owner_id"]) == ("inspection", f"finding:{f.id}", 42)
    raised = await outbox(kpi, "kpi.finding.raised")
    assert raised[-1].data["risk"] == {"category": "safety", "risk_id": None, "likelihood": 3, "impact": 4}

    url = f"/api/kpi/actions/{f.action_id}"
    done = await kpi.post(url + "/complete", json={"evidence": [{"note": "已更换"}]}, headers=OWNER)
    assert done.status_code == 200
    assert (await kpi.get(f"/api/kpi/findings/{f.id}", headers=OWNER)).json()["status"] == "open"
    # only whoever raised it verifies it, as every action
    assert (await kpi.post(url + "/verify", json={"accepted": True}, headers=OPS_PLANNER)).status_code == 403
    ok = await kpi.post(url + "/verify", json={"accepted": True}, headers=MKT_MANAGER)
    assert ok.status_code == 200, ok.text
    closed = (await kpi.get(f"/api/kpi/findings/{f.id}", headers=MKT_VIEWER)).json()
    assert (closed["status"], closed["action_status"]) == ("closed", "verified") and closed["closed_at"]
    assert [e.data["id"] for e in await outbox(kpi, "kpi.finding.closed")] == [f.id]


async def test_a_second_finding_for_the_same_item_is_refused(kpi):
    await _finding(kpi)
    from services.common.problems import Conflict
    with pytest.raises(Conflict):
        await _finding(kpi)


async def test_withdrawing_a_finding_cancels_its_action_which_then_takes_no_steps(kpi):
    f = await _finding(kpi)
    async with kpi.app.state.db.writer() as s:
        row = await s.get(Finding, f.id)
        why = "被审计单位提供了检验记录"
        out = await withdraw_finding(s, principal=INSPECTOR, grant=None, finding=row, reason=why)
        await s.commit()
    assert (out.status, out.action_status, out.withdrawn_reason) == ("withdrawn", "cancelled", why)
    r = await kpi.post(f"/api/kpi/actions/{f.action_id}/complete", json={"evidence": [{"note": "x"}]}, headers=OWNER)
    assert r.status_code == 409
    assert [e.type for e in await outbox(kpi, "kpi.action.cancelled")] == ["kpi.action.cancelled"]


async def test_findings_are_listed_only_under_units_the_caller_sees_and_exported_in_chinese(kpi):
    f = await _finding(kpi)
    mine = (await kpi.get("/api/kpi/findings", params={"source": "inspection"}, headers=MKT_VIEWER)).json()["items"]
    assert [x["id"] for x in mine] == [f.id] and mine[0]["unit_name"]
    assert (await kpi.get("/api/kpi/findings", headers=OPS_PLANNER)).json()["items"] == []
    assert (await kpi.get(f"/api/kpi/findings/{f.id}", headers=OPS_PLANNER)).status_code == 403
    assert (await kpi.get("/api/kpi/findings", params={"severity": "huge"}, headers=MKT_VIEWER)).status_code == 422
    x = await kpi.get("/api/kpi/findings/export.xlsx", headers=MKT_VIEWER)
    assert x.status_code == 200 and "filename*=UTF-8''%E6%95%B4" in x.headers["content-disposition"]
    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(x.content)).active
    assert ws.title == "整改台账" and ws["E2"].value == "灭火器过期" and ws["F2"].value == "较重"


def test_a_file_is_typed_by_its_bytes_not_its_name():
    assert sniff(PNG, "x.pdf") == "image/png"
    assert sniff(b"%PDF-1.7\n", "report") == "application/pdf"
    assert sniff("检查记录".encode(), "notes.txt") == "text/plain"
    for content, name in ((b"<html><script>alert(1)</script>", "photo.png"), (b"", "a.png"),
                          (b"MZ\x90\x00", "tool.exe"), (b"\xff\xfe\x00x", "notes.txt")):
        with pytest.raises(UploadRejected):
            sniff(content, name)


async def test_evidence_is_served_to_who_sees_its_unit_and_to_its_uploader_only(kpi, tmp_path):
    rt = KpiRuntime(kpi.app)
    async with kpi.app.state.db.writer() as s:
        up = UploadFile(io.BytesIO(PNG), filename="../../现场照片.png")
        f = await store_upload(s, rt, principal=INSPECTOR, upload=up, owner_kind="inspection_item", owner_id=1,
                               unit_path=DEMO_PATHS["MKT"])
        await s.commit()
    assert (f.name, f.content_type, f.size) == ("现场照片.png", "image/png", len(PNG))
    assert LocalFileStore(tmp_path / "files" / "kpi").read(await _key(kpi, f.id)) == PNG
    got = await kpi.get(f.url, params={"inline": 1}, headers=MKT_VIEWER)
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["content-disposition"].startswith("inline;")
    assert got.headers["x-content-type-options"] == "nosniff"
    assert (await kpi.get(f.url, headers=MKT_VIEWER)).headers["content-disposition"].startswith("attachment;")
    assert (await kpi.get(f.url, headers=OPS_PLANNER)).status_code == 403
    assert (await kpi.get(f.url, headers=MKT_MANAGER)).status_code == 200  # the uploader (sub 5)
    assert (await kpi.get("/api/kpi/files/999", headers=MKT_VIEWER)).status_code == 404

    async with kpi.app.state.db.writer() as s:
        from services.common.problems import Invalid
        with pytest.raises(Invalid):
            await store_upload(s, rt, principal=INSPECTOR, upload=UploadFile(io.BytesIO(b"<svg onload=x>"),
                                                                                filename="x.svg"),
                               owner_kind="inspection_item", owner_id=1, unit_path=DEMO_PATHS["MKT"])


async def _key(kpi, file_id: int) -> str:
    from services.kpi.models import KpiFile
    async with kpi.app.state.db.reader() as s:
        return (await s.execute(select(KpiFile.key).where(KpiFile.id == file_id))).scalar_one()


async def test_findings_follow_their_unit_when_it_moves_and_the_audit_chain_keeps_its_paths(kpi):
    from services.kpi.models import AuditEntry, ImprovementAction
    from tests.kpi.conftest import ORG_SERVICE, event

    async with kpi.app.state.db.writer() as s:
        team = await s.get(OrgUnit, 9)  # 市场策划组, /1/7/9/
        f = await record_finding(s, principal=INSPECTOR, grant=INSPECTOR.grants[0], source="inspection",
                                 source_id=8, source_ref="item-9", unit=team, title="台账缺失", description="",
                                 severity="minor", owner_id=42, owner_name="owner",
                                 due=clock.today() + timedelta(days=7))
        await s.commit()
    moved = event("org.unit.moved", {"id": 9, "parent_id": 2, "name": "市场策划组", "code": "MKT-PLN",
                                     "kind": "team", "path": "/1/2/9/", "version": 2, "old_path": "/1/7/9/",
                                     "new_path": "/1/2/9/", "units_moved": 1}, subject="9")
    assert (await kpi.post("/api/kpi/events", json=moved, headers=ORG_SERVICE)).json() == {"status": "applied"}
    async with kpi.app.state.db.reader() as s:
        assert (await s.get(Finding, f.id)).unit_path == "/1/2/9/"
        assert (await s.get(ImprovementAction, f.action_id)).unit_path == "/1/2/9/"
        raised = (await s.execute(select(AuditEntry).where(AuditEntry.action == "finding.raised"))).scalars().all()
        assert [e.unit_path for e in raised] == ["/1/7/9/"]
    # the marketing department's viewer no longer sees it; who sees 运营管理部 does
    assert (await kpi.get(f"/api/kpi/findings/{f.id}", headers=MKT_VIEWER)).status_code == 403
