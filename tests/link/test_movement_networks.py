"""Movement (stays, moves, windows, travelling together) and stable network labels."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scanner.link.movement import co_moving_pairs, movement_from_sightings
from scanner.link.networks import match_labels

DAY = date(2026, 1, 1)


def days(start: int, count: int, city: str) -> list[tuple[date, str]]:
    return [(DAY + timedelta(days=start + n), city) for n in range(count)]


def test_stays_moves_windows_and_first_last_seen() -> None:
    sightings = days(0, 3, "Utrecht") + days(3, 2, "Breda") + days(10, 2, "Zwolle") + days(40, 1, "Utrecht")
    movement = movement_from_sightings(sightings)
    assert [(stay.city, stay.days) for stay in movement.stays] == [
        ("Utrecht", 3),
        ("Breda", 2),
        ("Zwolle", 2),
        ("Utrecht", 1),
    ]
    assert [(move.origin, move.destination, move.days_between) for move in movement.moves] == [
        ("Utrecht", "Breda", 1),
        ("Breda", "Zwolle", 6),
        ("Zwolle", "Utrecht", 29),
    ]
    assert movement.max_cities_14d == 3 and movement.max_cities_30d == 3
    assert movement.first_last["Utrecht"] == (DAY, DAY + timedelta(days=40))
    shown = movement.as_dict()
    assert shown["cities"]["Breda"] == {"first_seen": "2026-01-04", "last_seen": "2026-01-05"}
    assert shown["mean_stay_days"] == pytest.approx((3 + 2 + 2) / 3, abs=0.01)


def test_groups_arriving_together_co_move_and_a_chance_crossing_does_not() -> None:
    tour = days(0, 2, "A") + days(2, 3, "B") + days(5, 2, "C") + days(7, 2, "D")
    same = days(0, 2, "A") + days(3, 2, "B") + days(5, 2, "C") + days(7, 2, "D")  # arrives one day later in B
    crossing = days(0, 2, "A") + days(20, 3, "B") + days(30, 2, "C") + days(40, 2, "E")
    static = days(0, 30, "A")
    movements = [movement_from_sightings(s) for s in (tour, same, crossing, static)]
    pairs = co_moving_pairs(movements, 3)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]
    assert pairs[0][2] == ["A", "B", "C", "D"]


def test_labels_continue_split_and_dissolve_and_numbers_are_never_reused() -> None:
    previous = {"N-000001": frozenset({1, 2, 3, 4}), "N-000002": frozenset({10, 11}), "N-000003": frozenset({20, 21})}
    groups = [frozenset({1, 2, 3, 5}), frozenset({4, 6, 7, 8, 9}), frozenset({10, 11, 12})]
    labels, dissolved = match_labels(groups, previous, highest_used=7)
    assert labels == {0: "N-000001", 1: "N-000008", 2: "N-000002"}
    assert dissolved == ["N-000003"]
