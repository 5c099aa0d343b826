"""Files attached to plans (and planning's other records): seen, fetched and attached by whoever may see the
record, removed by their uploader or the record's planner; refused whole, with nothing kept, when too large,
one too many, disguised, of a kind not accepted or failing the virus scan; kept on S3 when configured."""

import asyncio
import hashlib
import io
import sys
from pathlib import Path

import pytest
from fastapi import UploadFile
from sqlalchemy import select

from services.common.attachments import read_upload
from services.common.problems import Problem
from services.planning.models import Attachment, AuditEntry
from tests.planning.conftest import annual
from tests.support.s3 import s3_bucket, s3_server  # noqa: F401 (fixtures)
from tests.support.scanner import EICAR

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
HTML = b"<!doctype html><html><body><script>fetch('/api/org/me')</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"This program cannot be run in DOS mode.\r\r\n$" + bytes(100)
SCANNER = f"{sys.executable} -m tests.support.scanner"


def url(record_id: int, *rest: int, kind: str = "plan") -> str:
    return "/".join([f"/api/planning/records/{kind}/{record_id}/attachments", *map(str, rest)])


async def attach(company, who: str, record_id: int, name: str, content: bytes, kind: str = "plan",
                 mime: str = "application/octet-stream"):
    return await company.planning.post(url(record_id, kind=kind), files={"file": (name, content, mime)},
                                       headers={**await company.as_(who), "Accept-Language": "zh-CN"})


async def supply_plan(company) -> int:
    """A draft of 供应科, seen by its head and those above, not by the marketing department's analyst."""
    return (await company.create("supply_head", **annual("OPS-SUP", "供应科2027年度运营计划")))["id"]


async def market_plan(company) -> int:
    """A draft of 市场部, seen by its manager and by the analyst who suggests to him."""
    return (await company.create("market_mgr", **annual("MKT", "市场部2027年度运营计划")))["id"]


async def rows(company) -> list[Attachment]:
    async with company.planning.app.state.db.reader() as s:
        return list((await s.execute(select(Attachment).order_by(Attachment.id))).scalars())


async def trail(company, plan_id: int) -> list[tuple[str, dict]]:
    async with company.planning.app.state.db.reader() as s:
        entries = (await s.execute(select(AuditEntry).where(AuditEntry.subject_type == "plan",
                                                            AuditEntry.subject_id == str(plan_id),
                                                            AuditEntry.action.like("attachment.%"))
                                   .order_by(AuditEntry.seq))).scalars()
        return [(e.action, e.after) for e in entries]


def stored_blobs(data_dir: Path) -> list[Path]:
    root = data_dir / "files" / "planning"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def assert_nothing_kept(company, tmp_path: Path, plan_id: int) -> None:
    assert await rows(company) == []
    assert stored_blobs(tmp_path) == []
    assert await trail(company, plan_id) == []


async def test_a_file_is_listed_with_its_uploader_and_served_only_as_what_its_bytes_are(company, tmp_path):
    pid = await market_plan(company)
    first = await attach(company, "market_mgr", pid, "调研报告.pdf", PDF, mime="text/html")
    assert first.status_code == 201, first.text
    second = await attach(company, "analyst", pid, "现场照片", PNG)
    assert second.status_code == 201, second.text
    # the type is read from the bytes, never taken from the client; a name without a suffix gets its type's
    assert (first.json()["content_type"], second.json()["name"]) == ("application/pdf", "现场照片.png")

    listed = await company.planning.get(url(pid), headers=await company.as_("analyst"))
    assert listed.status_code == 200
    body = listed.json()
    assert (body["max_bytes"], body["max_count"]) == (20 * 1024 * 1024, 50)
    assert [(a["name"], a["uploaded_by_name"], a["size"]) for a in body["items"]] == [
        ("现场照片.png", "刘市场调研专员", len(PNG)), ("调研报告.pdf", "张市场部经理", len(PDF))]
    # the analyst removes what he attached, not the manager's file
    assert [a["can_delete"] for a in body["items"]] == [True, False]

    got = await company.planning.get(body["items"][1]["url"], headers=await company.as_("analyst"))
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E8%B0%83%E7%A0%94%E6%8A%A5%E5%91%8A.pdf" in got.headers["content-disposition"]
    inline = await company.planning.get(body["items"][1]["url"], params={"inline": 1},
                                        headers=await company.as_("analyst"))
    assert inline.headers["content-disposition"].startswith("inline;")
    # kept once, under the SHA-256 of the bytes, in the service's own folder
    key = hashlib.sha256(PDF).hexdigest()
    assert (tmp_path / "files" / "planning" / key[:2] / key[2:]).read_bytes() == PDF
    assert [(action, after["name"]) for action, after in await trail(company, pid)] == [
        ("attachment.added", "调研报告.pdf"), ("attachment.added", "现场照片.png")]


async def test_the_analyst_can_neither_list_fetch_attach_nor_remove_on_a_plan_he_cannot_see(company, tmp_path):
    pid = await supply_plan(company)
    up = await attach(company, "supply_head", pid, "供应商合同.pdf", PDF)
    assert up.status_code == 201, up.text
    file_url = up.json()["url"]
    analyst = await company.as_("analyst")
    assert (await company.get("analyst", pid)).status_code == 404  # the plan itself is hidden from him
    for r in (await company.planning.get(url(pid), headers=analyst),
              await company.planning.get(file_url, headers=analyst),
              await company.planning.delete(file_url, headers=analyst),
              await attach(company, "analyst", pid, "notes.txt", "我的意见".encode())):
        assert r.status_code == 404, r.text
        assert str(pid) in r.json()["detail"] and up.json()["name"] not in r.text
    # nobody signed in: 401 before anything is looked up
    assert (await company.planning.get(file_url)).status_code == 401
    assert len(await rows(company)) == 1


async def test_a_file_of_another_record_is_not_found_through_this_one(company):
    supply, market = await supply_plan(company), await market_plan(company)
    theirs = (await attach(company, "market_mgr", market, "市场分析.pdf", PDF)).json()
    # the operations director sees both plans; the market file is still not the supply plan's
    director = await company.as_("ops_director")
    assert (await company.planning.get(theirs["url"], headers=director)).status_code == 200
    for r in (await company.planning.get(url(supply, theirs["id"]), headers=director),
              await company.planning.delete(url(supply, theirs["id"]), headers=director)):
        assert r.status_code == 404
    # nor through a task of the same id, nor a kind planning does not keep
    assert (await company.planning.get(url(market, theirs["id"], kind="task"), headers=director)).status_code == 404
    unknown = await company.planning.get(url(market, kind="budget"), headers=director)
    assert unknown.status_code == 404 and "plan" in unknown.json()["detail"]
    assert len(await rows(company)) == 1


@pytest.mark.parametrize("company", [{"attachment_max_bytes": 4096}], indirect=True)
async def test_an_oversized_file_is_refused_and_nothing_is_kept(company, tmp_path):
    pid = await market_plan(company)
    big = PDF + bytes(4096)
    r = await attach(company, "market_mgr", pid, "大文件.pdf", big)
    assert r.status_code == 413
    assert r.json()["detail"] == "文件超过 4 KB。"
    await assert_nothing_kept(company, tmp_path, pid)
    # at the limit it is kept
    assert (await attach(company, "market_mgr", pid, "刚好.pdf", big[:4096])).status_code == 201


class CountingFile(io.BytesIO):
    """An upload's spooled file that remembers how much was asked of it."""

    asked = 0

    def read(self, size: int | None = -1) -> bytes:
        self.asked += size if size and size > 0 else len(self.getvalue())
        return super().read(size)


async def test_an_upload_is_read_no_further_than_one_byte_past_the_limit():
    spooled = CountingFile(bytes(10 * 1024 * 1024))
    with pytest.raises(Problem) as refused:
        await read_upload(UploadFile(spooled, filename="huge.pdf"), 1024)
    assert refused.value.status == 413 and spooled.asked == 1025
    fits = CountingFile(PDF)
    assert await read_upload(UploadFile(fits, filename="ok.pdf"), 1024) == PDF


@pytest.mark.parametrize("body", [HTML, EXE, PNG], ids=["web-page", "executable", "picture"])
async def test_a_file_whose_bytes_are_not_what_its_name_says_is_refused_as_disguised(company, tmp_path, body):
    pid = await market_plan(company)
    r = await attach(company, "market_mgr", pid, "季度报告.pdf", body, mime="application/pdf")
    assert r.status_code == 422
    assert "伪装" in r.json()["detail"] and ".pdf" in r.json()["detail"]
    assert r.json()["errors"][0]["field"] == "file"
    await assert_nothing_kept(company, tmp_path, pid)


@pytest.mark.parametrize("name,body", [("page.html", HTML), ("setup.exe", EXE), ("空文件.pdf", b"")],
                         ids=["web-page", "executable", "empty"])
async def test_a_file_of_a_kind_not_accepted_is_refused(company, tmp_path, name, body):
    pid = await market_plan(company)
    r = await attach(company, "market_mgr", pid, name, body)
    assert r.status_code == 422, r.text
    assert "只接受" in r.json()["detail"] or "空" in r.json()["detail"]
    await assert_nothing_kept(company, tmp_path, pid)


@pytest.mark.parametrize("company", [{"file_scan_command": SCANNER}], indirect=True)
async def test_the_virus_scanner_refuses_the_eicar_file_and_nothing_is_kept(company, tmp_path):
    pid = await market_plan(company)
    r = await attach(company, "market_mgr", pid, "eicar.txt", EICAR)
    assert r.status_code == 422
    assert r.json()["detail"].startswith("文件未通过病毒扫描")
    await assert_nothing_kept(company, tmp_path, pid)
    # a clean file passes the same scanner
    assert (await attach(company, "market_mgr", pid, "说明.txt", "干净的文件".encode())).status_code == 201


@pytest.mark.parametrize("company", [{"file_scan_command": "/nonexistent/clamdscan --no-summary -"},
                                     {"file_scan_command": "sleep 30", "file_scan_timeout": 0.2}],
                         ids=["scanner-missing", "scanner-silent"], indirect=True)
async def test_a_scanner_that_cannot_answer_refuses_the_file(company, tmp_path, caplog):
    pid = await market_plan(company)
    r = await attach(company, "market_mgr", pid, "说明.pdf", PDF)
    assert r.status_code == 503
    assert "病毒扫描暂不可用" in r.json()["detail"]
    assert any("virus scanner" in m for m in caplog.messages)
    await assert_nothing_kept(company, tmp_path, pid)


async def test_the_uploader_removes_their_file_others_may_not_and_the_planner_may(company):
    pid = await market_plan(company)
    mine = (await attach(company, "analyst", pid, "调研问卷.txt", "问卷".encode())).json()
    managers = (await attach(company, "market_mgr", pid, "预算.pdf", PDF)).json()
    also_mine = (await attach(company, "analyst", pid, "补充.txt", "补充".encode())).json()

    refused = await company.planning.delete(managers["url"], headers={**await company.as_("analyst"),
                                                                       "Accept-Language": "zh-CN"})
    assert refused.status_code == 403 and "上传者" in refused.json()["detail"]
    assert (await company.planning.delete(mine["url"], headers=await company.as_("analyst"))).status_code == 204
    # the department's manager (plan over 市场部) removes the analyst's file too
    assert (await company.planning.delete(also_mine["url"],
                                          headers=await company.as_("market_mgr"))).status_code == 204
    assert (await company.planning.get(mine["url"], headers=await company.as_("analyst"))).status_code == 404
    assert [r.name for r in await rows(company)] == ["预算.pdf"]
    assert [(action, after["attachment_id"]) for action, after in await trail(company, pid)] == [
        ("attachment.added", mine["id"]), ("attachment.added", managers["id"]), ("attachment.added", also_mine["id"]),
        ("attachment.removed", mine["id"]), ("attachment.removed", also_mine["id"])]
    removed = (await trail(company, pid))[-1][1]
    assert removed == {"attachment_id": also_mine["id"], "name": "补充.txt", "size": len("补充".encode()),
                       "content_type": "text/plain"}


@pytest.mark.parametrize("company", [{"attachment_max_per_record": 2}], indirect=True)
async def test_a_record_holds_no_more_files_than_the_limit(company, tmp_path):
    pid = await market_plan(company)
    for n in range(2):
        assert (await attach(company, "market_mgr", pid, f"{n}.txt", f"第{n}份".encode())).status_code == 201
    r = await attach(company, "market_mgr", pid, "第三份.pdf", PDF)
    assert r.status_code == 409 and "上限" in r.json()["detail"]
    assert len(await rows(company)) == 2 and not any(p.read_bytes() == PDF for p in stored_blobs(tmp_path))
    # another record is not affected
    other = await supply_plan(company)
    assert (await attach(company, "supply_head", other, "合同.pdf", PDF)).status_code == 201



@pytest.mark.parametrize("company", [{"attachment_max_per_record": 2}], indirect=True)
async def test_uploads_at_once_never_take_a_record_past_its_limit(company):
    pid = await market_plan(company)
    assert (await attach(company, "market_mgr", pid, "已有.txt", "已有".encode())).status_code == 201
    answers = await asyncio.gather(*(attach(company, "market_mgr", pid, f"同时{n}.txt", f"同时第{n}份".encode())
                                     for n in range(4)))
    assert sorted(r.status_code for r in answers) == [201, 409, 409, 409]
    assert len(await rows(company)) == 2


async def test_a_task_carries_its_own_files_seen_through_its_plan(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部2027年度运营计划", tasks=[
        {"title": "年度市场调研", "owner_id": 7, "owner_name": "刘", "start": "2027-01-04", "due": "2027-04-30"}]))
    tid = plan["tasks"][0]["id"]
    up = await attach(company, "market_mgr", tid, "调研提纲.txt", "提纲".encode(), kind="task")
    assert up.status_code == 201 and up.json()["url"].endswith(f"/records/task/{tid}/attachments/{up.json()['id']}")
    assert (await company.planning.get(up.json()["url"], headers=await company.as_("supply_head"))).status_code == 404
    listed = await company.planning.get(url(plan["id"]), headers=await company.as_("market_mgr"))
    assert listed.json()["items"] == []  # the plan's own files are not its task's


def on_s3(request) -> dict:
    server, bucket = request.getfixturevalue("s3_server"), request.getfixturevalue("s3_bucket")
    return {"file_store": f"s3://{bucket}/yunguan", "s3_endpoint_url": server.endpoint_url,
            "s3_addressing_style": "path"}


@pytest.mark.parametrize("company", [on_s3], ids=["s3"], indirect=True)
async def test_with_s3_configured_the_bytes_land_in_the_bucket_and_come_back_through_the_check(
        company, tmp_path, s3_server, s3_bucket):  # noqa: F811
    pid = await market_plan(company)
    up = await attach(company, "market_mgr", pid, "调研报告.pdf", PDF)
    assert up.status_code == 201, up.text
    key = hashlib.sha256(PDF).hexdigest()
    s3 = s3_server.client()
    stored = s3.get_object(Bucket=s3_bucket, Key=f"yunguan/planning/{key[:2]}/{key[2:]}")["Body"].read()
    assert stored == PDF
    assert stored_blobs(tmp_path) == []  # nothing on the local disk
    got = await company.planning.get(up.json()["url"], headers=await company.as_("analyst"))
    assert got.status_code == 200 and got.content == PDF
    # the bucket is not the access check: someone who cannot see the plan still gets nothing
    assert (await company.planning.get(up.json()["url"], headers=await company.as_("supply_head"))).status_code == 404
