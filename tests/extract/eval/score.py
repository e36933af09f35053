"""Score `scanner.extract.extract` against the labelled ad sets, beside the `phonenumbers` matcher.

Three sets, one JSON object a line (README.md next to this file describes them and their labels):

- `dutch`: eval/ads.jsonl, the held-out set of Dutch-site ads (phones, ages, cities, prices);
- `foreign`: eval/foreign.jsonl, the held-out set of English and other-language ads on Dutch, Belgian,
  US, UK and Canadian sites (also handles and e-mails, prices in their own currency);
- `foreign-dev`: ../data/foreign_dev.jsonl, the development set written like `foreign`, to tune on.

Each ad is extracted with `extract.default_region` set to the region of its site (`site`, NL when
absent), as a team in that country would configure it. Per field every ad gives a set of expected and
a set of found values; micro precision and recall add up the true and false positives and false
negatives of all ads. The baseline row runs `phonenumbers.PhoneNumberMatcher` (leniency VALID) on the
same text with the same region. The sets are synthetic (made-up ads and numbers), so printing the
misses is safe.

    python -m tests.extract.eval.score                         # the Dutch set
    python -m tests.extract.eval.score --set foreign-dev --misses --field phones
    python -m tests.extract.eval.score --set foreign --lang en --category ph-us

tests/extract/test_eval_gate.py pins the hashes of the held-out sets and the floors.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import phonenumbers

HERE = Path(__file__).resolve().parent
SETS: dict[str, Path] = {
    "dutch": HERE / "ads.jsonl",
    "foreign": HERE / "foreign.jsonl",
    "foreign-dev": HERE.parent / "data" / "foreign_dev.jsonl",
}
SET_PATH = SETS["dutch"]
FIELDS = ("phones", "ages", "cities", "prices")
# The foreign sets also label handles and e-mails.
ALL_FIELDS = (*FIELDS, "handles", "emails")
# Issue #5 for the Dutch set, issue #17 for the foreign ones: (precision, recall) to reach.
TARGETS: dict[str, tuple[float, float]] = {
    "phones": (0.98, 0.95),
    "ages": (0.95, 0.90),
    "cities": (0.95, 0.90),
    "prices": (0.90, 0.85),
    "handles": (0.90, 0.90),
    "emails": (0.90, 0.90),
}
FOREIGN_TARGETS: dict[str, tuple[float, float]] = {
    **TARGETS,
    "phones": (0.97, 0.95),
    "ages": (0.90, 0.90),
    "prices": (0.90, 0.90),
}

Extractor = Callable[[str, str], dict[str, Any]]  # (text, site region) -> the JSON shape of `scanner extract`


@dataclass(frozen=True)
class Case:
    """One labelled ad."""

    id: str
    lang: str
    category: tuple[str, ...]
    text: str
    expected: dict[str, frozenset[Hashable]]
    notes: str
    site: str = "NL"


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

    def add(self, case_id: str, expected: frozenset[Hashable], found: frozenset[Hashable]) -> None:
        self.true_positives += len(expected & found)
        self.false_positives += len(found - expected)
        self.false_negatives += len(expected - found)
        if expected != found:
            self.misses.append((case_id, sorted(expected - found, key=repr), sorted(found - expected, key=repr)))


def set_sha256(path: Path = SET_PATH) -> str:
    """SHA-256 of a set's bytes: the gate pins it so that any change of the set is deliberate."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def price_key(price: dict[str, Any]) -> tuple[float, str, str | None]:
    """A price as a comparable value; amounts are compared to the cent."""
    return (round(float(price["amount"]), 2), str(price["currency"]), price.get("per"))


def handle_key(handle: dict[str, Any]) -> str:
    return f"{handle['kind']}:{str(handle['value']).lower()}"


def _values(record: dict[str, Any], name: str) -> frozenset[Hashable]:
    items = record.get(name) or []
    if name == "prices":
        return frozenset(price_key(item) for item in items)
    if name == "ages":
        return frozenset(int(item) for item in items)
    if name == "handles":
        return frozenset(handle_key(item) for item in items)
    if name == "emails":
        return frozenset(str(item).lower() for item in items)
    return frozenset(str(item) for item in items)


def load_set(path: Path = SET_PATH) -> list[Case]:
    """Read the labelled ads, one JSON object a line; a field is labelled when its key is present."""
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
                expected={name: _values(record, name) for name in ALL_FIELDS if name in record},
                notes=record.get("notes", ""),
                site=record.get("site", "NL"),
            )
        )
    return cases


@cache
def _settings_for(region: str) -> Any:
    from scanner.settings import ExtractSettings, Settings

    return Settings(extract=ExtractSettings(default_region=region))


def default_extractor() -> Extractor:
    """The extractor under test, seen only through its public JSON shape, set up for the ad's site."""
    from scanner.extract import extract

    return lambda text, region: extract(text, {}, settings=_settings_for(region)).to_json()


def baseline_phones(text: str, region: str) -> dict[str, Any]:
    """What `phonenumbers`' own matcher finds (leniency VALID), in the extractor's JSON shape."""
    found = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    e164 = phonenumbers.PhoneNumberFormat.E164
    return {"phones": [phonenumbers.format_number(match.number, e164) for match in found]}


def score(cases: Iterable[Case], extractor: Extractor | None = None) -> dict[str, FieldScore]:
    """Run the extractor (the text and the site's region in, the JSON shape out) over every ad and count per
    labelled field; without one, the extractor under test runs with the site's region."""
    run = extractor or default_extractor()
    scores: dict[str, FieldScore] = {}
    for case in cases:
        found_record = run(case.text, case.site)
        for name, expected in case.expected.items():
            scores.setdefault(name, FieldScore()).add(case.id, expected, _values(found_record, name))
    return {name: scores[name] for name in ALL_FIELDS if name in scores}


def score_baseline(cases: Iterable[Case]) -> FieldScore:
    """Phones of the `phonenumbers` matcher on the same ads and regions."""
    return score(cases, baseline_phones)["phones"]


def format_table(
    scores: dict[str, FieldScore],
    baseline: FieldScore | None = None,
    targets: dict[str, tuple[float, float]] = TARGETS,
) -> str:
    """A plain-text table: one row per field with its target, and the baseline under the phones."""
    lines = [f"{'field':<9} {'precision':>9} {'recall':>7} {'f1':>6} {'tp':>5} {'fp':>5} {'fn':>5}  target (P/R)"]
    for name, result in scores.items():
        precision_target, recall_target = targets[name]
        met = result.precision >= precision_target and result.recall >= recall_target
        lines.append(
            f"{name:<9} {result.precision:>9.3f} {result.recall:>7.3f} {result.f1:>6.3f} "
            f"{result.true_positives:>5} {result.false_positives:>5} {result.false_negatives:>5}  "
            f"{precision_target:.2f}/{recall_target:.2f} {'met' if met else 'not met'}"
        )
        if name == "phones" and baseline is not None:
            lines.append(
                f"{'  baseline':<9} {baseline.precision:>9.3f} {baseline.recall:>7.3f} {baseline.f1:>6.3f} "
                f"{baseline.true_positives:>5} {baseline.false_positives:>5} {baseline.false_negatives:>5}  "
                "phonenumbers.PhoneNumberMatcher"
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
    parser = argparse.ArgumentParser(description="Score the extractor on a labelled ad set.")
    parser.add_argument("--set", choices=sorted(SETS), default="dutch", help="which set to score (default dutch)")
    parser.add_argument("--misses", action="store_true", help="list every ad where a field differs")
    parser.add_argument("--field", choices=ALL_FIELDS, help="list misses of this field only")
    parser.add_argument("--lang", help="score the ads of one language only (nl, en, mixed, ro, ...)")
    parser.add_argument("--site", help="score the ads of one site region only (NL, BE, US, GB, CA)")
    parser.add_argument("--category", help="score the ads with this hard-case tag only (e.g. ph-lookalike)")
    args = parser.parse_args(argv)
    path = SETS[args.set]
    cases = [
        case
        for case in load_set(path)
        if (args.lang is None or case.lang == args.lang)
        and (args.site is None or case.site == args.site.upper())
        and (args.category is None or args.category in case.category)
    ]
    scores = score(cases)
    print(f"{args.set}: {len(cases)} ads, set sha256 {set_sha256(path)}")
    print(format_table(scores, score_baseline(cases), TARGETS if args.set == "dutch" else FOREIGN_TARGETS))
    if args.misses:
        print(format_misses(scores, cases, args.field))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
