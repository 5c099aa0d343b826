"""Through the gateway the caller's language holds: the gateway's own refusals and a service's
answer come in Chinese for ``Accept-Language: zh-CN`` and in English for ``en`` or no header."""

from __future__ import annotations

from services.common.tokens import JwksCache, KeySet
from services.kpi.app import create_app as kpi_app
from tests.support import TEST_KEY, bearer, load_demo_units, make_token, serve, settings, use_test_keys

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}


async def test_the_gateways_own_refusals_speak_the_callers_language(start_gateway, client, make_token):
    gw = await start_gateway(risk_down=True)
    unsigned = await client.get(f"{gw}/api/planning/plans", headers=ZH)
    assert unsigned.status_code == 401 and unsigned.json()["detail"] == "请先登录。"
    assert unsigned.json()["title"] == "未登录或登录已失效"
    assert (await client.get(f"{gw}/api/planning/plans")).json()["detail"].startswith("Sign in first")

    nowhere = await client.get(f"{gw}/api/nothing/here", headers=ZH)
    assert nowhere.status_code == 404 and nowhere.json()["detail"].startswith("这个地址下没有服务")

    auth = {"Authorization": f"Bearer {make_token()}"}
    down = await client.get(f"{gw}/api/risk/risks", headers={**auth, **ZH})
    assert down.status_code == 503 and down.json()["detail"] == "风险服务暂时无法连接，请稍后重试。"
    assert down.json()["title"] == "服务暂不可用"
    en = await client.get(f"{gw}/api/risk/risks", headers={**auth, **EN})
    assert en.json()["detail"].startswith("The risk service cannot be reached")


async def test_a_services_refusal_reaches_the_caller_in_chinese_through_the_gateway(databases, start_gateway, client):
    kpi = kpi_app(settings("kpi", await databases.fresh("kpi")))
    use_test_keys(kpi)
    async with serve(kpi) as kpi_url:
        await load_demo_units(kpi)
        gw = await start_gateway(kpi_url=kpi_url, jwks=JwksCache.static(KeySet.of(TEST_KEY)))
        admin = bearer(make_token(("admin", "/1/", "subtree"), ("view", "/1/", "subtree"), sub="1"))
        bad = {"indicator_code": "customer_satisfaction", "unit_id": 6, "warning": 85, "critical": 90}
        zh = await client.put(f"{gw}/api/kpi/thresholds", json=bad, headers={**admin, **ZH})
        assert zh.status_code == 422 and zh.json()["detail"] == "此指标越高越好，告警值（90）不能高于预警值（85）。"
        assert zh.json()["errors"][0]["field"] == "critical"
        for language in (EN, {}):
            en = await client.put(f"{gw}/api/kpi/thresholds", json=bad, headers={**admin, **language})
            assert "at or below its warning value (85)" in en.json()["detail"]
        # a form mistake: the field named by its label
        missing = await client.put(f"{gw}/api/kpi/thresholds", json={"unit_id": 6}, headers={**admin, **ZH})
        assert missing.status_code == 422 and missing.json()["detail"].startswith("指标：必填")
