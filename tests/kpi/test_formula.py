"""The formula evaluator: arithmetic over indicator codes, no eval, cycles found."""

import pytest

from services.kpi.indicators.formula import FormulaError, evaluate, evaluation_order, find_cycle, parse, references


@pytest.mark.parametrize("text, expected", [
    ("1 + 2 * 3", 7.0),
    ("(1 + 2) * 3", 9.0),
    ("10 / 4 - 1", 1.5),
    ("-2 * -3", 6.0),
    ("2 - 3 - 4", -5.0),       # left-associative
    ("8 / 2 / 2", 2.0),
    ("cost / sales * 100", 25.0),
    ("1.5e2 + cost", 175.0),
])
def test_formulas_follow_arithmetic_precedence(text, expected):
    assert evaluate(parse(text), {"cost": 25.0, "sales": 100.0}) == pytest.approx(expected)


def test_a_missing_input_or_a_division_by_zero_gives_no_value():
    node = parse("cost / sales")
    assert evaluate(node, {"cost": 1.0, "sales": 0.0}) is None
    assert evaluate(node, {"cost": 1.0}) is None


@pytest.mark.parametrize("text", ["", "1 +", "(1 + 2", "1 2", "__import__('os')", "a ** 2", "a; b", "x[0]",
                                  "cost.real", "1 +* 2", ")"])
def test_anything_but_arithmetic_over_codes_is_refused(text):
    with pytest.raises(FormulaError):
        parse(text)


def test_deeply_nested_formulas_are_refused_not_crashed():
    with pytest.raises(FormulaError):
        parse("(" * 200 + "1" + ")" * 200)
    with pytest.raises(FormulaError):
        parse("-" * 200 + "1")


def test_references_lists_the_codes_read():
    assert references(parse("(a + b) / (a - c * 2)")) == {"a", "b", "c"}


def test_cycles_are_found_and_acyclic_libraries_are_ordered():
    assert find_cycle({"a": "b + 1", "b": "c * 2", "c": None}) is None
    cycle = find_cycle({"a": "b + 1", "b": "c * 2", "c": "a / 2"})
    assert cycle is not None and cycle[0] == cycle[-1] and set(cycle) == {"a", "b", "c"}
    assert find_cycle({"a": "a + 1"}) == ["a", "a"]
    assert evaluation_order({"r": "x / y", "s": "r * 2", "x": None, "y": None}) == ["r", "s"]
