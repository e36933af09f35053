"""Score `scanner.extract.extract` against the held-out evaluation set (ads.jsonl next to this file).

Per field (phones, ages, cities, prices) every ad gives a set of expected values and a set of found
values; micro precision and recall add up the true positives, false positives and false negatives of
all ads. The set is synthetic (made-up ads and numbers), so printing the misses is safe.

    python -m tests.extract.eval.score            # the table
    python -m tests.extract.eval.score --misses   # plus every miss with its ad id
    python -m tests.extract.eval.score --misses --field prices
    python -m tests.extract.eval.score --lang en --category ph-lookalike   # a subset only

tests/extract/test_eval_gate.py pins the hash of the set and the floors.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SET_PATH = Path(__file__).with_name("ads.jsonl")
FIELDS = ("phones", "ages", "cities", "prices")
# Issue #5: what the extractor should reach, as (precision, recall). The gate's floors may be lower.
TARGETS: dict[str, tuple[float, float]] = {
    "phones": (0.98, 0.95),
    "ages": (0.95, 0.90),
    "cities": (0.95, 0.90),
    "prices": (0.90, 0.85),
}

Extractor = Callable[[str], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """One labelled ad."""

    id: str
    lang: str
    category: tuple[str, ...]
    text: str
    expected: dict[str, frozenset[Hashable]]
    notes: str


@dataclass
class FieldScore:
    """Counts for one field over the whole set, and the ads where it went wrong."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    misses: list[tuple[str, list[Hashable], list[Hashable]]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def set_sha256(path: Path = SET_PATH) -> str:
    """SHA-256 of the set's bytes: the gate pins it so that any change of the set is deliberate."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def price_key(price: dict[str, Any]) -> tuple[float, str, str | None]:
    """A price as a comparable value; amounts are compared to the cent."""
    return (round(float(price["amount"]), 2), str(price["currency"]), price.get("per"))


def _values(record: dict[str, Any], name: str) -> frozenset[Hashable]:
    items = record.get(name) or []
    if name == "prices":
        return frozenset(price_key(item) for item in items)
    if name == "ages":
        return frozenset(int(item) for item in items)
    return frozenset(str(item) for item in items)


def load_set(path: Path = SET_PATH) -> list[Case]:
    """Read the labelled ads, one JSON object a line."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        cases.append(
            Case(
                id=record["id"],
                lang=record["lang"],
                category=tuple(record["category"]),
                text=record["text"],
                expected={name: _values(record, name) for name in FIELDS},
                notes=record.get("notes", ""),
            )
        )
    return cases


def default_extractor() -> Extractor:
    """The extractor under test, seen only through its public JSON shape."""
    from scanner.extract import extract

    return lambda text: extract(text, {}).to_json()


def score(cases: Iterable[Case], extractor: Extractor | None = None) -> dict[str, FieldScore]:
    """Run the extractor over every ad and count per field."""
    run = extractor or default_extractor()
    scores = {name: FieldScore() for name in FIELDS}
    for case in cases:
        found_record = run(case.text)
        for name in FIELDS:
            expected = case.expected[name]
            found = _values(found_record, name)
            result = scores[name]
            result.true_positives += len(expected & found)
            result.false_positives += len(found - expected)
            result.false_negatives += len(expected - found)
            if expected != found:
                result.misses.append((case.id, sorted(expected - found, key=repr), sorted(found - expected, key=repr)))
    return scores


def format_table(scores: dict[str, FieldScore]) -> str:
    """A plain-text table: one row per field, with the issue's target and whether it is met."""
    lines = [f"{'field':<8} {'precision':>9} {'recall':>7} {'f1':>6} {'tp':>5} {'fp':>5} {'fn':>5}  target (P/R)"]
    for name, result in scores.items():
        precision_target, recall_target = TARGETS[name]
        met = result.precision >= precision_target and result.recall >= recall_target
        lines.append(
            f"{name:<8} {result.precision:>9.3f} {result.recall:>7.3f} {result.f1:>6.3f} "
            f"{result.true_positives:>5} {result.false_positives:>5} {result.false_negatives:>5}  "
            f"{precision_target:.2f}/{recall_target:.2f} {'met' if met else 'not met'}"
        )
    return "\n".join(lines)


def format_misses(scores: dict[str, FieldScore], cases: Sequence[Case], only: str | None = None) -> str:
    """Every ad where a field differs: what was missed (-) and what was found wrongly (+)."""
    notes = {case.id: case.notes for case in cases}
    lines = []
    for name, result in scores.items():
        if only and name != only:
            continue
        for case_id, missed, extra in result.misses:
            lines.append(f"{case_id} {name}: -{missed} +{extra}  ({notes[case_id]})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the extractor on the held-out evaluation set.")
    parser.add_argument("--misses", action="store_true", help="list every ad where a field differs")
    parser.add_argument("--field", choices=FIELDS, help="list misses of this field only")
    parser.add_argument("--lang", choices=("nl", "en", "mixed", "other"), help="score the ads of one language only")
    parser.add_argument("--category", help="score the ads with this hard-case tag only (e.g. ph-lookalike)")
    args = parser.parse_args(argv)
    cases = [
        case
        for case in load_set()
        if (args.lang is None or case.lang == args.lang) and (args.category is None or args.category in case.category)
    ]
    scores = score(cases)
    print(f"{len(cases)} ads, set sha256 {set_sha256()}")
    print(format_table(scores))
    if args.misses:
        print(format_misses(scores, cases, args.field))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
