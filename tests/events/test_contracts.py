"""Event contracts: every consumer's view of an event is something its producer's model always sends,
every emitted type is declared, and the catalogue in docs/ is the one the code declares."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from services.common.contracts import EventData, EventView, payload
from services.common.org_units import UnitEventView, UnitMovedView
from tools import event_catalogue

DECLARED = {d.service: d for d in event_catalogue.declarations()}


def _types(schema: dict[str, Any], defs: dict[str, Any]) -> set[str]:
    """The JSON types a field's schema admits (a nested model counts as "object")."""
    if "$ref" in schema:
        return _types(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "anyOf" in schema:
        return set().union(*(_types(s, defs) for s in schema["anyOf"]))
    if "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        return {"null" if v is None else {str: "string", bool: "boolean", int: "integer", float: "number"}[type(v)]
                for v in values}
    kind = schema.get("type")
    if kind is None:
        return {"any"}
    return set(kind) if isinstance(kind, list) else {kind}


def _admits(consumer: set[str], producer: set[str]) -> bool:
    if "any" in consumer:
        return True
    widened = consumer | ({"integer"} if "number" in consumer else set())
    return producer <= widened


def _check(view: type[EventView], model: type[EventData]) -> list[str]:
    """What ``view`` reads that ``model`` does not always send in a shape the view accepts."""
    produced = model.model_json_schema()
    read = view.model_json_schema()
    problems = []
    for name in read.get("properties", {}):
        if name not in produced.get("properties", {}):
            problems.append(f"{name}: not in {model.__name__}")
            continue
        wants = _types(read["properties"][name], read.get("$defs", {}))
        sends = _types(produced["properties"][name], produced.get("$defs", {}))
        if not _admits(wants, sends):
            problems.append(f"{name}: {model.__name__} sends {sorted(sends)}, the consumer accepts {sorted(wants)}")
    return problems


def _consumers() -> list[tuple[str, str, type[EventView], str, type[EventData]]]:
    """(consumer, pattern, view, event type, producer model) for every consumer and every type it matches."""
    pairs = []
    for consumer in DECLARED.values():
        for c in consumer.consumes:
            producer = DECLARED[c.pattern.split(".", 1)[0]]
            for event_type, model in producer.emits.items():
                if c.matches(event_type) and c.reads is not None:
                    pairs.append((consumer.service, c.pattern, c.reads, event_type, model))
    return pairs


def test_every_service_declares_what_it_emits_and_its_journal_holds_it():
    for service, declared in DECLARED.items():
        assert declared.emits, f"{service} declares no events"
        journal = importlib.import_module(f"services.{service}.journal").journal
        assert journal.emits is not None and dict(journal.emits) == declared.emits, service


def test_every_consumed_pattern_is_an_event_its_producer_declares():
    for service, declared in DECLARED.items():
        for c in declared.consumes:
            producer = DECLARED[c.pattern.split(".", 1)[0]]
            assert any(c.matches(t) for t in producer.emits), f"{service} consumes {c.pattern}: nobody emits it"


@pytest.mark.parametrize("consumer,pattern,view,event_type,model",
                         _consumers(), ids=lambda v: v if isinstance(v, str) else getattr(v, "__name__", ""))
def test_each_consumer_reads_only_what_its_producer_always_sends(consumer, pattern, view, event_type, model):
    assert _check(view, model) == []


def test_every_service_reads_org_unit_events_through_the_kernel_and_org_sends_it_all():
    unit_events = [t for t in DECLARED["org"].emits if t.startswith("org.unit.") and t != "org.unit.deleted"]
    assert unit_events
    for event_type in unit_events:
        view = UnitMovedView if event_type == "org.unit.moved" else UnitEventView
        assert _check(view, DECLARED["org"].emits[event_type]) == [], event_type


def test_the_checker_catches_a_consumer_reading_a_field_the_producer_dropped_or_retyped():
    class Sent(EventData):
        plan_id: int
        value: float | None

    class Reads(EventView):
        plan_id: int
        value: float
        title: str

    problems = _check(Reads, Sent)
    assert any(p.startswith("title: not in Sent") for p in problems)
    assert any(p.startswith("value:") for p in problems)  # the producer may send null; the reader cannot take it


def test_a_journal_refuses_an_undeclared_type_or_a_payload_of_another_model():
    class Issued(EventData):
        plan_id: int

    class Other(EventData):
        plan_id: int

    emits = {"planning.plan.issued": Issued}
    assert payload(emits, "planning.plan.issued", Issued(plan_id=3)) == {"plan_id": 3}
    with pytest.raises(LookupError):
        payload(emits, "planning.plan.shredded", Issued(plan_id=3))
    with pytest.raises(TypeError):
        payload(emits, "planning.plan.issued", Other(plan_id=3))


def test_the_event_catalogue_in_docs_is_the_one_the_code_declares():
    assert event_catalogue.main(["--check"]) == 0, "run: python -m tools.event_catalogue"
