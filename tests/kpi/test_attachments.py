"""Files attached to kpi's 整改 actions and findings: served to whoever may see the record, nobody else."""

import io
import sys
from datetime import timedelta
from types import SimpleNamespace

import pytest
from fastapi import UploadFile
from sqlalchemy import select

from services.common import clock
from services.common.authz import Grant, Principal
from services.common.problems import Invalid
from services.kpi.files.service import store_upload
from services.kpi.models import Attachment, AuditEntry, KpiFile
from tests.kpi.conftest import MKT, MKT_MANAGER, MKT_VIEWER, OPS_PLANNER, kpi  # noqa: F401 (fixture)
from tests.support import DEMO_PATHS
from tests.support.scanner import EICAR

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\n%%EOF\n"
INSPECTOR = Principal(sub="5", name="market_mgr", grants=(Grant("assess", DEMO_PATHS["MKT"], "subtree"),))


async def test_an_actions_file_is_served_to_who_sees_its_unit_and_refused_to_others(kpi):  # noqa: F811
    r = await kpi.post("/api/kpi/actions", headers=MKT_MANAGER, json={
        "title": "回访不满意客户并整改", "unit_id": MKT, "origin": "manual", "owner_id": 42, "owner_name": "张三",
        "due": (clock.today() + timedelta(days=14)).isoformat()})
    assert r.status_code == 201, r.text
    base = f"/api/kpi/records/action/{r.json()['id']}/attachments"
    up = await kpi.post(base, headers=MKT_MANAGER, files={"file": ("整改方案.pdf", PDF, "application/pdf")})
    assert up.status_code == 201, up.text
    assert up.json()["url"] == f"{base}/{up.json()['id']}"

    # a viewer of 市场部 lists and fetches it, and may not remove the manager's file
    listed = await kpi.get(base, headers=MKT_VIEWER)
    assert [(a["name"], a["can_delete"]) for a in listed.json()["items"]] == [("整改方案.pdf", False)]
    assert (await kpi.get(up.json()["url"], headers=MKT_VIEWER)).content == PDF
    assert (await kpi.delete(up.json()["url"], headers=MKT_VIEWER)).status_code == 403
    # the operations planner holds nothing over 市场部: the record, its list and its file are refused
    for refused in (await kpi.get(base, headers=OPS_PLANNER), await kpi.get(up.json()["url"], headers=OPS_PLANNER),
                    await kpi.post(base, headers=OPS_PLANNER, files={"file": ("x.pdf", PDF, "application/pdf")})):
        assert refused.status_code in (403, 404) and PDF.decode("latin-1") not in refused.text
    # another record's id: none of this action's files
    assert (await kpi.get(f"/api/kpi/records/finding/{r.json()['id']}/attachments/{up.json()['id']}",
                          headers=MKT_MANAGER)).status_code == 404

    assert (await kpi.delete(up.json()["url"], headers=MKT_MANAGER)).status_code == 204
    async with kpi.app.state.db.reader() as s:
        assert (await s.execute(select(Attachment))).scalars().all() == []
        actions = (await s.execute(select(AuditEntry.action).where(AuditEntry.subject_type == "action",
                                                                   AuditEntry.action.like("attachment.%"))
                                   .order_by(AuditEntry.seq))).scalars().all()
    assert actions == ["attachment.added", "attachment.removed"]


async def test_evidence_passes_the_same_virus_scanner_before_it_is_kept(kpi, tmp_path):  # noqa: F811
    # kpi's runtime as store_upload sees it, with a scanner configured
    scanned = SimpleNamespace(settings=kpi.app.state.settings.model_copy(
        update={"file_scan_command": f"{sys.executable} -m tests.support.scanner"}))
    async with kpi.app.state.db.writer() as s:
        with pytest.raises(Invalid) as refused:
            await store_upload(s, scanned, principal=INSPECTOR, upload=UploadFile(io.BytesIO(EICAR),
                                                                                filename="eicar.txt"),
                               owner_kind="inspection_item", owner_id=1, unit_path=DEMO_PATHS["MKT"])
        assert refused.value.zh.startswith("文件未通过病毒扫描")
        assert (await s.execute(select(KpiFile))).scalars().all() == []
    assert not (tmp_path / "files").exists()

