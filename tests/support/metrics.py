"""Reading a /metrics exposition as Prometheus would: parsed, never string-matched."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample


def samples(text: str) -> list[Sample]:
    """Every sample of a Prometheus text exposition (the parser refuses malformed text)."""
    return [s for family in text_string_to_metric_families(text) for s in family.samples]


def value(text: str, name: str, **labels: str) -> float | None:
    """The value of the sample ``name`` whose labels include ``labels``; None when there is none."""
    found = [s.value for s in samples(text) if s.name == name and labels.items() <= s.labels.items()]
    assert len(found) <= 1, f"{name}{labels} matches {len(found)} samples"
    return found[0] if found else None


def families(text: str) -> dict[str, str]:
    """Metric family name → its type."""
    return {family.name: family.type for family in text_string_to_metric_families(text)}
