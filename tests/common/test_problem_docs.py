"""Every refusal is documented: each operation of the merged API document declares its 4xx
answers as Problem Details, the shape the services and the gateway answer them in."""

from services.common.problems import PROBLEM_JSON
from tools.openapi_dump import merged


def test_every_operation_declares_its_refusals_as_problem_details():
    doc = merged()
    schemas = doc["components"]["schemas"]
    undeclared = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            refusal = op["responses"].get("4XX", {}).get("content", {})
            if list(refusal) != [PROBLEM_JSON]:
                undeclared.append(f"{method.upper()} {path}")
                continue
            problem = schemas[refusal[PROBLEM_JSON]["schema"]["$ref"].rsplit("/", 1)[1]]
            assert set(problem["required"]) == {"type", "title", "status", "detail"}, path
            assert "errors" in problem["properties"], path
    assert undeclared == []
    # FastAPI's own 422 model ({"detail": [...]}) is not what a validation error looks like here
    assert [name for name in schemas if name.endswith("HTTPValidationError")] == []
