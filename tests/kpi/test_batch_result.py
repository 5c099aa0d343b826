"""The batch endpoint writes its answer by hand (batch_result_json) for speed; it is still a BatchResultRead."""

import json

from services.kpi.measurements.schemas import BatchResultRead
from services.kpi.measurements.service import batch_result_json
from services.kpi.measurements.staging import Batch
from tests.kpi.conftest import MKT_PLN, MKT_RES, batch, point


def test_the_serialised_answer_of_a_batch_with_accepted_and_refused_items_is_a_batch_result_read():
    refusals = {1: [{"field": "unit_id", "message": "there is no org unit with id 99"}],
                3: [{"field": "period", "message": "2099-01 不在可录入的期间范围内。"},
                    {"field": "value", "message": "the value must be a finite number"}]}
    stored = Batch(received=5, rows=[(), (), ()], index=[0, 2, 4], refusals=refusals, indicator_ids={1},
                   status=["created", "updated", "unchanged"])
    text = batch_result_json(received=5, counts=stored.counts(), crossings=2, results_json=stored.results_json())

    read = BatchResultRead.model_validate(json.loads(text))

    assert (read.received, read.created, read.updated, read.unchanged, read.superseded, read.rejected,
            read.crossings) == (5, 1, 1, 1, 0, 2, 2)
    assert [(r.index, r.status, r.errors) for r in read.results] == [
        (0, "created", []), (1, "rejected", refusals[1]), (2, "updated", []), (3, "rejected", refusals[3]),
        (4, "unchanged", [])]
    assert BatchResultRead.model_validate_json(text) == read


async def test_the_endpoint_answers_a_mixed_batch_with_a_batch_result_read(kpi):
    body = await batch(kpi, [point("sales", MKT_RES, "2026-01", 10.0), point("sales", 999999, "2026-01", 1.0),
                             point("no_such_indicator", MKT_PLN, "2026-01", 1.0),
                             point("sales", MKT_PLN, "2026-01", 5)])

    read = BatchResultRead.model_validate(body)

    assert (read.received, read.created, read.rejected) == (4, 2, 2)
    assert [(r.index, r.status) for r in read.results] == [(0, "created"), (1, "rejected"), (2, "rejected"),
                                                           (3, "created")]
    assert [e["field"] for e in read.results[1].errors] == ["unit_id"]
    assert [e["field"] for e in read.results[2].errors] == ["indicator_code"]
