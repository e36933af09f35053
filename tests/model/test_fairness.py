"""Rates per group with Wilson intervals, compared with the rest: the arithmetic behind every fairness figure."""

from __future__ import annotations

import pytest

from scanner.model.fairness import compare_groups, error_rates, max_ratio_between, rate_text, wilson_interval

# (count, total, low, high): Wilson score intervals at 95%, as published tables give them.
WILSON = [
    (0, 10, 0.0, 0.2775),
    (3, 40, 0.0258, 0.1986),
    (50, 100, 0.4038, 0.5962),
    (10, 10, 0.7225, 1.0),
    (1, 273, 0.0006, 0.0205),
]


@pytest.mark.parametrize(("count", "total", "low", "high"), WILSON)
def test_wilson_interval(count: int, total: int, low: float, high: float) -> None:
    found = wilson_interval(count, total)
    assert found == pytest.approx((low, high), abs=1e-4)


def test_a_group_that_stands_out_against_the_rest() -> None:
    values = ["en"] * 40 + ["nl"] * 60 + ["ro"] * 5
    hits = [i < 12 for i in range(40)] + [i < 6 for i in range(60)] + [True] * 5
    groups = compare_groups(values, hits, max_ratio=1.25, min_ads=30)
    en, nl, ro = groups["en"], groups["nl"], groups["ro"]
    assert (en["count"], en["total"], en["rate"]) == (12, 40, 0.3)
    assert (en["rest"]["count"], en["rest"]["total"]) == (11, 65)  # nl and ro together
    assert en["ratio"] == pytest.approx(0.3 / (11 / 65), abs=1e-3) and en["stands_out"]
    assert not nl["stands_out"] and nl["ratio"] < 1
    assert not ro["compared"] and not ro["stands_out"], "5 ads are too few to compare, however high the rate"
    assert "12 of 40 (30.0%, 95% CI" in rate_text(en)


def test_the_factor_is_a_boundary() -> None:
    values = ["a"] * 100 + ["b"] * 100
    hits = [i < 25 for i in range(100)] + [i < 20 for i in range(100)]  # 25% against 20%: exactly 1.25x
    assert not compare_groups(values, hits, max_ratio=1.25, min_ads=30)["a"]["stands_out"]
    assert compare_groups(values, hits, max_ratio=1.2, min_ads=30)["a"]["stands_out"]


def test_no_flags_at_all_is_no_difference_and_flags_in_one_group_only_stand_out() -> None:
    none = compare_groups(["a"] * 40 + ["b"] * 40, [False] * 80, max_ratio=1.25, min_ads=30)
    assert none["a"]["ratio"] == 1.0 and not none["a"]["stands_out"] and max_ratio_between(none) == 1.0
    one = compare_groups(["a"] * 40 + ["b"] * 40, [True] + [False] * 79, max_ratio=1.25, min_ads=30)
    assert one["a"]["only_this_group"] and one["a"]["ratio"] is None and one["a"]["stands_out"]
    assert max_ratio_between(one) is None


def test_error_rates_per_class_of_negatives() -> None:
    labels = [1] * 10 + [0] * 120
    flagged = [True] * 10 + [True] * 6 + [False] * 54 + [False] * 60
    classes = ["network"] * 10 + ["independent"] * 60 + ["agency"] * 60
    languages = ["en"] * 10 + ["en"] * 30 + ["nl"] * 30 + ["nl"] * 60
    rates = error_rates(labels, flagged, {"language": languages}, classes, max_ratio=1.25, min_ads=30)
    populations = rates["populations"]
    assert set(populations) == {"negatives", "independent", "agency"}, "positives are no population"
    assert populations["negatives"]["overall"]["count"] == 6 and populations["negatives"]["overall"]["total"] == 120
    independent = populations["independent"]["by_language"]
    assert (independent["en"]["count"], independent["en"]["total"]) == (6, 30)
    assert independent["en"]["only_this_group"] and independent["en"]["stands_out"]
    assert any(
        warning.startswith("false-positive rate of independent, language en: 6 of 30") for warning in rates["warnings"]
    )
