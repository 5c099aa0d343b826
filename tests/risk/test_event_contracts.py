"""Every event risk records carries exactly the data its EMITS model declares, and the consumer reads kpi's
crossing through its view."""

from services.risk.consumers import CONSUMES
from services.risk.events import EMITS, ThresholdCrossedView
from tests.risk.conftest import CS_DISPATCHER, OPS_DIRECTOR, U, assess, crossed, outbox
from tests.risk.test_warnings import alerts, deliver, satisfaction_kri


async def test_recorded_events_are_the_declared_models_json(risk):
    r, kri = await satisfaction_kri(risk)
    await assess(risk, r["id"], 2, 2)
    await assess(risk, r["id"], 2, 2)
    await deliver(risk, crossed("customer_satisfaction", U["OPS-CS"], 82.0))
    alert = (await alerts(risk, OPS_DIRECTOR))[0]
    await risk.post(f"/api/risk/alerts/{alert['id']}/acknowledge", headers=CS_DISPATCHER, json={"note": "n"})
    await risk.post(f"/api/risk/alerts/{alert['id']}/resolve", headers=CS_DISPATCHER, json={"note": "done"})
    await risk.post(f"/api/risk/kris/{kri['id']}/values", headers=OPS_DIRECTOR, json={"value": 70, "period": "2026-10"})
    events = await outbox(risk, "risk.")
    # a comment's mention needs org beside risk to say who may see the risk: tests/risk/test_comments.py checks it
    assert {e.type for e in events} == set(EMITS) - {"risk.comment.mentioned"}
    for event in events:
        model = EMITS[event.type]
        assert model.model_validate(event.data).model_dump(mode="json") == event.data, event.type


def test_the_threshold_consumer_reads_through_its_view():
    consumer = CONSUMES[0]
    assert consumer.pattern == "kpi.threshold.crossed" and consumer.reads is ThresholdCrossedView
    data = crossed("customer_satisfaction", U["OPS-CS"], 82.0)["data"]
    assert set(ThresholdCrossedView.model_validate(data).model_dump()) <= set(data)


async def test_a_level_lifted_without_a_value_is_taken_and_records_no_kri_value(risk):
    """kpi lifts a raised level to normal with value null when the unit loses its thresholds and the period
    has no value (its ThresholdCrossedData allows it): risk takes the event and gives its KRIs nothing."""
    _risk, kri = await satisfaction_kri(risk)
    await deliver(risk, crossed("customer_satisfaction", U["OPS-CS"], 82.0))
    lifted = crossed("customer_satisfaction", U["OPS-CS"], 0.0, level="normal", previous="warning", threshold=None,
                     direction="better")
    lifted["data"]["value"] = None
    assert (await deliver(risk, lifted))["status"] == "applied"
    history = (await risk.get(f"/api/risk/kris/{kri['id']}/values", headers=OPS_DIRECTOR)).json()["items"]
    assert [v["value"] for v in history] == [82.0]
