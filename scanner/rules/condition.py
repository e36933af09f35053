"""The `condition:` of a rule: selection names combined with all / any / not.

Written in YAML as a selection name, or a mapping with one key:

    condition:
      all:
        - unsafe
        - not: negated_context

Parsing reports every mistake at its line (unknown names with "did you mean", wrong shapes);
evaluation is lazy, so a selection is only matched when the answer depends on it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from scanner.yamlfile import LocatedYAML, PathKey, Problem

OPERATORS = ("all", "any", "not")


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class NotOf:
    part: Condition


Condition = Ref | AllOf | AnyOf | NotOf


def names(condition: Condition) -> Iterator[str]:
    """Every selection name the condition uses."""
    if isinstance(condition, Ref):
        yield condition.name
    elif isinstance(condition, NotOf):
        yield from names(condition.part)
    else:
        for part in condition.parts:
            yield from names(part)


def supporting(condition: Condition) -> Iterator[str]:
    """The selection names that speak for the rule when they match: every name not under a `not`."""
    if isinstance(condition, Ref):
        yield condition.name
    elif not isinstance(condition, NotOf):
        for part in condition.parts:
            yield from supporting(part)


def evaluate(condition: Condition, matched: Callable[[str], bool]) -> bool:
    if isinstance(condition, Ref):
        return matched(condition.name)
    if isinstance(condition, NotOf):
        return not evaluate(condition.part, matched)
    if isinstance(condition, AllOf):
        return all(evaluate(part, matched) for part in condition.parts)
    return any(evaluate(part, matched) for part in condition.parts)


def describe(condition: Condition) -> str:
    if isinstance(condition, Ref):
        return condition.name
    if isinstance(condition, NotOf):
        return f"not {describe(condition.part)}"
    joiner = " and " if isinstance(condition, AllOf) else " or "
    return "(" + joiner.join(describe(part) for part in condition.parts) + ")"


def default_condition(selections: list[str]) -> Condition:
    """Without a condition, every selection must match."""
    if len(selections) == 1:
        return Ref(selections[0])
    return AllOf(tuple(Ref(name) for name in selections))


class ConditionParser:
    """Turns the YAML value of `condition:` into a `Condition`, collecting problems on the way."""

    def __init__(self, document: LocatedYAML, selections: list[str]) -> None:
        self.document = document
        self.selections = selections
        self.problems: list[Problem] = []

    def parse(self, raw: Any, where: PathKey = ("condition",)) -> Condition | None:
        if isinstance(raw, str):
            return self._ref(raw.strip(), where)
        if isinstance(raw, dict) and len(raw) == 1:
            operator, value = next(iter(raw.items()))
            inner = (*where, operator)
            if operator == "not":
                part = self.parse(value, inner)
                return NotOf(part) if part else None
            if operator in ("all", "any"):
                if not isinstance(value, list) or not value:
                    self._problem(inner, f"'{operator}:' needs a list of selection names or conditions", "- name")
                    return None
                parts = [self.parse(item, (*inner, index)) for index, item in enumerate(value)]
                if any(part is None for part in parts):
                    return None
                kept = tuple(part for part in parts if part is not None)
                return AllOf(kept) if operator == "all" else AnyOf(kept)
            close = difflib.get_close_matches(str(operator), OPERATORS, n=1)
            fix = f"did you mean '{close[0]}'?" if close else "use all:, any: or not:"
            self._problem(inner, f"unknown condition operator '{operator}'", fix)
            return None
        self._problem(
            where,
            "a condition is a selection name or one of all: [...], any: [...], not: ...",
            "write e.g. 'condition: {any: [first, second]}'",
        )
        return None

    def _ref(self, name: str, where: PathKey) -> Condition | None:
        if name in self.selections:
            return Ref(name)
        if " " in name:
            fix = "write combinations as all: / any: / not: lists, not as text with 'and' / 'or'"
        else:
            close = difflib.get_close_matches(name, self.selections, n=1)
            fix = f"did you mean '{close[0]}'?" if close else f"selections of this rule: {', '.join(self.selections)}"
        self._problem(where, f"the condition names '{name}', which is not a selection under match:", fix)
        return None

    def _problem(self, where: PathKey, message: str, fix: str) -> None:
        position = self.document.position(where)
        self.problems.append(
            Problem(
                "R013",
                message,
                str(self.document.path),
                position.line,
                position.column,
                self.document.snippet(position.line),
                fix,
            )
        )
