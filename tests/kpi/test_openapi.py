"""The kpi service documents its API (the gateway merges it; the SPA generates types from it)."""


async def test_openapi_lists_the_public_contract(kpi):
    doc = (await kpi.get("/api/kpi/openapi.json")).json()
    paths = doc["paths"]
    for path in ("/api/kpi/indicators", "/api/kpi/targets", "/api/kpi/measurements/batch",
                 "/api/kpi/measurements/import", "/api/kpi/measurements/template", "/api/kpi/evaluations",
                 "/api/kpi/series", "/api/kpi/benchmarks", "/api/kpi/thresholds", "/api/kpi/scorecards",
                 "/api/kpi/assessments", "/api/kpi/actions"):
        assert path in paths, path
    body = paths["/api/kpi/measurements/batch"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["type"] == "array" and body["maxItems"] == 10_000
    assert {"indicator_code", "unit_id", "period", "value", "source"} <= set(body["items"]["properties"])
    row = doc["components"]["schemas"]["EvaluationRow"]["properties"]
    assert {"indicator_code", "actual", "target", "attainment", "status", "previous", "last_year",
            "benchmark"} <= set(row)
