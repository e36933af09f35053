"""Quality gate of the extraction stage on the held-out evaluation sets (tests/extract/eval/).

Two sets: ads.jsonl (Dutch sites) and foreign.jsonl (English and other-language ads on Dutch, Belgian,
US, UK and Canadian sites). Pinned constants are the control, in the manner of trafilatura's eval gate:
- SET_SHA256 and FOREIGN_SET_SHA256: the hashes of the sets, so that a set cannot change by accident
  (a relabelled line would move the figures without anyone noticing). Changing a set means updating
  its hash here, in a reviewed change, with the reason in tests/extract/eval/README.md.
- FLOORS: per-field micro precision and recall floors, set a little under the figures measured when
  they were pinned. Raise them when the extractor improves. LOWERING A FLOOR NEEDS A REVIEWED REASON
  in the change that lowers it (which cases got worse and why that is acceptable); never lower one
  just to make this test pass.

The targets of issue #5 are in score.TARGETS; the floors may be below them while the extractor catches up.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from typing import Any

import phonenumbers
import pytest

from tests.extract.eval.score import (
    FIELDS,
    SET_PATH,
    SETS,
    Case,
    FieldScore,
    load_set,
    score,
    score_baseline,
    set_sha256,
)

SET_SHA256 = "dec05c7a9c071185980070923094f4255a0acb5a2f1c9cc8c385ec4a6184f226"
# written and pinned before the extraction changes of issue #17; scored only at the end of that work
FOREIGN_SET_SHA256 = "82e575156515586402a4894c041b384f7ab2939d2823d6cc4b61f7fbbab045c4"

# field: (precision floor, recall floor). Lowering one needs a reviewed reason (see the docstring).
FLOORS: dict[str, tuple[float, float]] = {
    # measured 1.000 / 0.991 with extract-1.5 (extract-1.1: 0.994 / 0.979; extract-1.0: 0.980 / 0.909)
    "phones": (0.99, 0.98),
    # measured 0.994 / 0.962 with extract-1.4 and extract-1.5 (extract-1.3: 0.994 / 0.884; extract-1.0: 0.982 / 0.468)
    "ages": (0.97, 0.94),
    # measured 0.995 / 0.976 with extract-1.5 (extract-1.4: 0.995 / 0.974)
    "cities": (0.97, 0.96),
    # measured 0.996 / 0.978 with extract-1.5 (extract-1.4: 0.996 / 0.967)
    "prices": (0.97, 0.96),
}
# The foreign evaluation set, judged once at the end of issue #17 with extract-1.5 (before: extract-1.4), measured
# figures in the comments; the targets are phones 0.97 / 0.95 above the phonenumbers matcher, prices, ages
# and handles 0.90 / 0.90.
FOREIGN_FLOORS: dict[str, tuple[float, float]] = {
    "phones": (0.98, 0.98),  # 0.995 / 0.995 (extract-1.4: 0.914 / 0.573; phonenumbers matcher 0.947 / 0.768)
    "ages": (0.98, 0.93),  # 1.000 / 0.947 (0.993 / 0.825)
    "cities": (0.98, 0.98),  # 1.000 / 1.000 (1.000 / 0.877)
    "prices": (0.96, 0.95),  # 0.980 / 0.965 (0.729 / 0.600)
    "handles": (0.97, 0.97),  # 1.000 / 1.000 (0.875 / 0.519)
    "emails": (0.80, 0.97),  # 0.833 / 1.000 (0.500 / 0.400); 6 labels: one error moves precision by 0.17
}
# The development set is what the extractor was tuned on (all 1.000 with extract-1.5): a drop shows a regression.
FOREIGN_DEV_FLOORS: dict[str, tuple[float, float]] = {name: (0.98, 0.98) for name in FOREIGN_FLOORS}
FOREIGN_DEV_FLOORS["emails"] = (0.8, 0.8)


PERIODS = {"15min", "half_hour", "hour", "night", None}


@pytest.fixture(scope="module")
def scores() -> dict[str, FieldScore]:
    return score(load_set())


def test_set_is_the_pinned_one() -> None:
    assert set_sha256() == SET_SHA256, (
        "tests/extract/eval/ads.jsonl changed. If that was deliberate, update SET_SHA256 and say why "
        "in tests/extract/eval/README.md; otherwise restore the file."
    )


def test_foreign_set_is_the_pinned_one() -> None:
    assert set_sha256(SETS["foreign"]) == FOREIGN_SET_SHA256, (
        "tests/extract/eval/foreign.jsonl changed. If that was deliberate, update FOREIGN_SET_SHA256 and say why "
        "in tests/extract/eval/README.md; otherwise restore the file."
    )


CURRENCIES = {"NL": "EUR", "BE": "EUR", "US": "USD", "GB": "GBP", "CA": "CAD"}
HANDLE_KINDS = {"telegram", "snapchat", "instagram", "onlyfans", "twitter", "kik"}


@pytest.mark.parametrize(("name", "prefix"), [("foreign", "fe"), ("foreign-dev", "fd")])
def test_foreign_sets_are_well_formed(name: str, prefix: str) -> None:
    records = [json.loads(line) for line in SETS[name].read_text(encoding="utf-8").splitlines()]
    assert len(records) >= 150
    assert [record["id"] for record in records] == [f"{prefix}-{number:03d}" for number in range(1, len(records) + 1)]
    for record in records:
        assert record["site"] in CURRENCIES, record["id"]
        assert set(record) >= {"phones", "ages", "cities", "prices", "handles", "emails"}, record["id"]
        for phone in record["phones"]:
            parsed = phonenumbers.parse(phone, None)
            assert phonenumbers.is_valid_number(parsed), (record["id"], "invalid phone label")
            assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == phone, record["id"]
        assert all(isinstance(age, int) and 18 <= age < 100 for age in record["ages"]), record["id"]
        for price in record["prices"]:
            assert isinstance(price["amount"], float) and price["amount"] > 0, record["id"]
            # every price in these sets is in the currency of the site's country
            assert price["currency"] == CURRENCIES[record["site"]] and price["per"] in PERIODS, record["id"]
        for handle in record["handles"]:
            assert handle["kind"] in HANDLE_KINDS and handle["value"] == handle["value"].lower(), record["id"]
        if record["site"] not in ("NL", "BE"):
            assert record["cities"] == [], (record["id"], "cities are labelled for Dutch and Belgian places only")
    # the two sets share no text: the evaluation set stays unseen while tuning on the development set
    if name == "foreign-dev":
        held_out = {json.loads(line)["text"] for line in SETS["foreign"].read_text(encoding="utf-8").splitlines()}
        assert held_out.isdisjoint(record["text"] for record in records)


def test_set_is_well_formed() -> None:
    records = [json.loads(line) for line in SET_PATH.read_text(encoding="utf-8").splitlines()]
    assert len(records) >= 300
    assert [record["id"] for record in records] == [f"ev-{number:03d}" for number in range(1, len(records) + 1)]
    for record in records:
        assert record["lang"] in {"nl", "en", "mixed", "other"}, record["id"]
        for phone in record["phones"]:
            parsed = phonenumbers.parse(phone, None)
            assert phonenumbers.is_valid_number(parsed), (record["id"], "invalid phone label")
            assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == phone, record["id"]
        assert all(isinstance(age, int) and 18 <= age < 100 for age in record["ages"]), record["id"]
        for price in record["prices"]:
            assert isinstance(price["amount"], float) and price["amount"] > 0, record["id"]
            assert price["currency"] == "EUR" and price["per"] in PERIODS, record["id"]


@pytest.mark.parametrize("name", FIELDS)
def test_field_meets_its_floors(scores: dict[str, FieldScore], name: str) -> None:
    result = scores[name]
    precision_floor, recall_floor = FLOORS[name]
    hint = f"run `python -m tests.extract.eval.score --misses --field {name}` to see the {len(result.misses)} misses"
    assert result.precision >= precision_floor, f"{name} precision {result.precision:.3f} < {precision_floor}; {hint}"
    assert result.recall >= recall_floor, f"{name} recall {result.recall:.3f} < {recall_floor}; {hint}"


@pytest.mark.parametrize(("name", "floors"), [("foreign", FOREIGN_FLOORS), ("foreign-dev", FOREIGN_DEV_FLOORS)])
def test_foreign_set_meets_its_floors(name: str, floors: dict[str, tuple[float, float]]) -> None:
    scores = score(load_set(SETS[name]))
    assert set(scores) == set(floors)
    for field_name, result in scores.items():
        precision_floor, recall_floor = floors[field_name]
        hint = f"run `python -m tests.extract.eval.score --set {name} --misses --field {field_name}`"
        assert result.precision >= precision_floor, f"{name} {field_name} precision {result.precision:.3f}; {hint}"
        assert result.recall >= recall_floor, f"{name} {field_name} recall {result.recall:.3f}; {hint}"


def test_extractor_beats_the_phonenumbers_matcher_on_the_foreign_set() -> None:
    cases = load_set(SETS["foreign"])
    ours, baseline = score(cases)["phones"], score_baseline(cases)
    assert ours.precision > baseline.precision and ours.recall > baseline.recall


def test_scorer_counts_per_field_as_sets() -> None:
    def case(case_id: str, phones: set[str], ages: set[int]) -> Case:
        expected: dict[str, frozenset[Hashable]] = {name: frozenset() for name in FIELDS}
        expected["phones"], expected["ages"] = frozenset(phones), frozenset(ages)
        return Case(id=case_id, lang="nl", category=(), text=case_id, expected=expected, notes="")

    cases = [case("a", {"+31612345678"}, {23}), case("b", {"+31698765432"}, {21, 25})]
    answers: dict[str, dict[str, Any]] = {
        "a": {
            "phones": ["+31612345678", "+31612345678"],
            "ages": [23, 99],
            "prices": [{"amount": 80, "currency": "EUR"}],
        },
        "b": {"ages": [25]},
    }
    result = score(cases, lambda text, region: answers[text])
    phones, ages, prices = result["phones"], result["ages"], result["prices"]
    assert (phones.true_positives, phones.false_positives, phones.false_negatives) == (1, 0, 1)
    assert (ages.true_positives, ages.false_positives, ages.false_negatives) == (2, 1, 1)
    assert (prices.false_positives, prices.precision, prices.recall) == (1, 0.0, 1.0)
    assert ages.misses == [("a", [], [99]), ("b", [21], [])]
