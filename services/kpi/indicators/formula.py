"""Indicator formulas: a tiny, safe expression language (no ``eval``).

Grammar::

    expr   := term (("+" | "-") term)*
    term   := factor (("*" | "/") factor)*
    factor := ("+" | "-") factor | NUMBER | CODE | "(" expr ")"

``CODE`` is an indicator code (``[a-z_][a-z0-9_]*``). Parsing yields a small tree that is
walked to evaluate; division by zero and missing inputs give ``None`` (no value), never an
exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

MAX_LENGTH = 500
MAX_DEPTH = 50

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(.))")


class FormulaError(ValueError):
    pass


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Ref:
    code: str


@dataclass(frozen=True)
class Neg:
    operand: Node


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Node
    right: Node


Node = Num | Ref | Neg | BinOp


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # only trailing whitespace is left
            break
        number, name, other = m.groups()
        if number is not None:
            out.append(("num", number))
        elif name is not None:
            out.append(("ref", name))
        elif other in "+-*/()":
            out.append(("op", other))
        else:
            raise FormulaError(f"unexpected character '{other}' at position {m.start(3) + 1}")
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise FormulaError("the formula ends too early")
        self.i += 1
        return tok

    def expr(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise FormulaError("the formula is nested too deeply")
        node = self.term(depth)
        while (tok := self.peek()) is not None and tok in (("op", "+"), ("op", "-")):
            self.i += 1
            node = BinOp(tok[1], node, self.term(depth))
        return node

    def term(self, depth: int) -> Node:
        node = self.factor(depth)
        while (tok := self.peek()) is not None and tok in (("op", "*"), ("op", "/")):
            self.i += 1
            node = BinOp(tok[1], node, self.factor(depth))
        return node

    def factor(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise FormulaError("the formula is nested too deeply")
        kind, text = self.take()
        if kind == "num":
            return Num(float(text))
        if kind == "ref":
            return Ref(text)
        if text == "-":
            return Neg(self.factor(depth + 1))
        if text == "+":
            return self.factor(depth + 1)
        if text == "(":
            node = self.expr(depth + 1)
            if self.take() != ("op", ")"):
                raise FormulaError("a '(' is not closed")
            return node
        raise FormulaError(f"unexpected '{text}'")


def parse(text: str) -> Node:
    """Parse a formula; :class:`FormulaError` says what is wrong with it."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("the formula is empty")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters")
    parser = _Parser(_tokens(text))
    node = parser.expr(0)
    extra = parser.peek()
    if extra is not None:
        raise FormulaError(f"unexpected '{extra[1]}' after the end of the expression")
    return node


def references(node: Node) -> set[str]:
    """The indicator codes a formula reads."""
    if isinstance(node, Ref):
        return {node.code}
    if isinstance(node, Neg):
        return references(node.operand)
    if isinstance(node, BinOp):
        return references(node.left) | references(node.right)
    return set()


def evaluate(node: Node, lookup: Callable[[str], float | None] | Mapping[str, float | None]) -> float | None:
    """The formula's value, or None when an input is missing or a division is by zero."""
    get = lookup.get if isinstance(lookup, Mapping) else lookup
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Ref):
        v = get(node.code)
        return None if v is None else float(v)
    if isinstance(node, Neg):
        v = evaluate(node.operand, get)
        return None if v is None else -v
    left, right = evaluate(node.left, get), evaluate(node.right, get)
    if left is None or right is None:
        return None
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if right == 0:
        return None
    return left / right


def find_cycle(formulas: Mapping[str, str | None]) -> list[str] | None:
    """A dependency cycle among indicator formulas (as a list of codes), or None."""
    deps = {code: (references(parse(f)) if f else set()) for code, f in formulas.items()}
    state: dict[str, int] = {}  # 1 visiting, 2 done
    stack: list[str] = []

    def visit(code: str) -> list[str] | None:
        state[code] = 1
        stack.append(code)
        for dep in sorted(deps.get(code, ())):
            if state.get(dep) == 1:
                return [*stack[stack.index(dep):], dep]
            if state.get(dep) is None and dep in deps:
                found = visit(dep)
                if found:
                    return found
        stack.pop()
        state[code] = 2
        return None

    for code in sorted(deps):
        if state.get(code) is None:
            found = visit(code)
            if found:
                return found
    return None


def evaluation_order(formulas: Mapping[str, str | None]) -> list[str]:
    """Derived indicator codes ordered so every formula's inputs come first (assumes no cycle)."""
    deps = {code: references(parse(f)) for code, f in formulas.items() if f}
    order: list[str] = []
    seen: set[str] = set()

    def visit(code: str) -> None:
        if code in seen:
            return
        seen.add(code)
        for dep in sorted(deps.get(code, ())):
            visit(dep)
        if code in deps:
            order.append(code)

    for code in sorted(deps):
        visit(code)
    return order
