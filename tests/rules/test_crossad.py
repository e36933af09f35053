"""Counting distinct values of a group inside a sliding time window."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from scanner.rules.crossad import Membership, busiest_window, describe_values, find_groups
from scanner.rules.model import Group

DAY0 = datetime(2026, 1, 1)


def rows(*seen: tuple[str, int, int]) -> list[Membership]:
    """(value, first day, last day) per row, all in group "g", one ad per row."""
    return [
        Membership("g", index, value, DAY0 + timedelta(days=first), DAY0 + timedelta(days=last))
        for index, (value, first, last) in enumerate(seen)
    ]


@pytest.mark.parametrize(
    ("seen", "days", "count"),
    [
        ([("a", 1, 1), ("b", 5, 5), ("c", 20, 20)], 30, 3),
        ([("a", 1, 1), ("b", 40, 40), ("c", 80, 80)], 30, 1),
        ([("a", 1, 1), ("b", 31, 31)], 30, 2),  # the window holds both ends
        ([("a", 1, 1), ("b", 32, 32)], 30, 1),
        ([("a", 1, 60), ("b", 50, 50), ("c", 55, 55)], 10, 3),  # a long-lived ad overlaps later ones
        ([("a", 1, 1), ("a", 2, 2), ("a", 3, 3)], 30, 1),  # one value counts once
    ],
)
def test_busiest_window(seen: list[tuple[str, int, int]], days: int, count: int) -> None:
    assert busiest_window(rows(*seen), days)[0] == count


def test_findings_list_the_ads_and_values_inside_the_window() -> None:
    group = Group(by="phone", count="names", at_least=2, within_days=14)
    data = rows(("Anna", 1, 1), ("Bella", 3, 3), ("Cleo", 60, 60))
    [finding] = find_groups(data, group)
    assert finding.count == 2 and finding.values == ["Anna", "Bella"] and finding.ad_ids == [0, 1]


def test_phone_numbers_are_never_shown() -> None:
    group = Group(by="photo", count="phones", at_least=2)
    assert describe_values(group, ["+31612345678", "+31687654321"]) == "2 phones"
