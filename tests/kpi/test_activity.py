"""The activity stream (动态) of 整改 actions and findings: what happened, by whom, in the caller's language; only to
those who may see the record (its owner without a grant too)."""

from tests.kpi.conftest import OPS_PLANNER
from tests.kpi.test_actions import OWNER, body
from tests.kpi.test_findings_core import _finding
from tests.support import DEMO_PATHS, bearer, make_token

# the same people as the action tests, with the names their tokens carry in the product
MANAGER = bearer(make_token(("plan", DEMO_PATHS["MKT"], "subtree"), ("view", DEMO_PATHS["MKT"], "subtree"),
                            ("assess", DEMO_PATHS["MKT"], "subtree"), sub="5", name="王市场部经理"))
RECTIFIER = bearer(make_token(("view", DEMO_PATHS["MKT-RES"], "subtree"), sub="42", name="张三"))


async def activity(kpi, kind: str, record_id: int, headers, lang: str = "zh-CN"):
    return await kpi.get(f"/api/kpi/records/{kind}/{record_id}/activity",
                         headers={**headers, "Accept-Language": lang})


async def test_an_actions_activity_tells_progress_completion_and_verification_with_names(kpi):
    a = (await kpi.post("/api/kpi/actions", json=body(), headers=MANAGER)).json()
    await kpi.post("/api/kpi/actions", json=body(title="另一条措施"), headers=MANAGER)
    url = f"/api/kpi/actions/{a['id']}"
    r = await kpi.post(url + "/progress", json={"progress": 40, "note": "已回访 40% 客户", "url": "https://x/y"},
                       headers=RECTIFIER)
    assert r.status_code == 200, r.text
    assert (await kpi.post(url + "/complete", json={"evidence": [{"note": "全部回访"}]},
                           headers=RECTIFIER)).status_code == 200
    ok = await kpi.post(url + "/verify", json={"accepted": True, "note": "确认"}, headers=MANAGER)
    assert ok.status_code == 200

    r = await activity(kpi, "action", a["id"], RECTIFIER)  # its owner sees it without a grant over its unit
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [(e["kind"], e["sentence"], e["quote"], e["status_to"]) for e in items] == [
        ("decision", "王市场部经理 验证通过了整改", "确认", "已验证"),
        ("decision", "张三 提交了整改完成", None, "待验证"),
        ("edit", "张三 报告了整改进度 40%", "已回访 40% 客户", None),
        ("edit", "王市场部经理 发起了整改措施", None, "进行中"),
    ]
    assert "另一条措施" not in r.text and "https://x/y" not in r.text
    en = (await activity(kpi, "action", a["id"], RECTIFIER, "en")).json()["items"]
    assert en[0]["sentence"] == "王市场部经理 verified the improvement action" and en[0]["status_to"] == "Verified"

    refused = await activity(kpi, "action", a["id"], OPS_PLANNER)  # another department's planner
    assert refused.status_code == 403 and "确认" not in refused.text
    assert (await activity(kpi, "action", a["id"], OWNER)).status_code == 200  # the owner's other token


async def test_a_findings_activity_tells_it_was_raised_and_closed(kpi):
    f = await _finding(kpi)
    url = f"/api/kpi/actions/{f.action_id}"
    await kpi.post(url + "/complete", json={"evidence": [{"note": "已更换"}]}, headers=RECTIFIER)
    assert (await kpi.post(url + "/verify", json={"accepted": True}, headers=MANAGER)).status_code == 200
    items = (await activity(kpi, "finding", f.id, MANAGER)).json()["items"]
    assert [(e["sentence"], e["status_from"], e["status_to"]) for e in items] == [
        ("王市场部经理 关闭了发现问题（整改已验证）", "整改中", "已关闭"),
        ("market_mgr 提出了发现问题", None, "整改中"),
    ]
    assert (await activity(kpi, "finding", f.id, OPS_PLANNER)).status_code == 403
    assert (await activity(kpi, "finding", 999999, MANAGER)).status_code == 404
