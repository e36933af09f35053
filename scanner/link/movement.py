"""Movement: the cities a phone or a network was seen in over time, and how fast it moves on.

Input is sightings, (day, city) pairs from nightly scans. Each day gets one place (the city seen most
that day), consecutive days in one city form a stay, and a change of city between stays is a move.
A group that is in a new city every few days (indicator N2 in docs) shows many distinct cities in a
14- or 30-day window and short stays. Movement is evidence for a person to weigh, not a verdict:
touring independent workers move too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any


@dataclass(frozen=True, slots=True)
class Stay:
    city: str
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True, slots=True)
class Move:
    origin: str
    destination: str
    left: date  # last day seen in the origin
    arrived: date  # first day seen in the destination
    stay_days: int  # days spent in the origin before moving

    @property
    def days_between(self) -> int:
        return (self.arrived - self.left).days


@dataclass(slots=True)
class Movement:
    stays: list[Stay] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    cities_by_date: dict[date, list[str]] = field(default_factory=dict)
    first_last: dict[str, tuple[date, date]] = field(default_factory=dict)
    max_cities_14d: int = 0
    max_cities_30d: int = 0

    @property
    def distinct_cities(self) -> int:
        return len(self.first_last)

    @property
    def mean_stay_days(self) -> float:
        """Average days in one city before moving on (0 when it never moved)."""
        if not self.moves:
            return 0.0
        return round(sum(move.stay_days for move in self.moves) / len(self.moves), 2)

    @property
    def moves_per_week(self) -> float:
        if not self.stays:
            return 0.0
        span = (self.stays[-1].last - self.stays[0].first).days + 1
        return round(len(self.moves) * 7 / span, 3)

    def as_dict(self) -> dict[str, Any]:
        """JSON shape stored in a network's summary and printed by reports."""
        return {
            "distinct_cities": self.distinct_cities,
            "max_cities_14d": self.max_cities_14d,
            "max_cities_30d": self.max_cities_30d,
            "moves": [
                {
                    "from": move.origin,
                    "to": move.destination,
                    "left": move.left.isoformat(),
                    "arrived": move.arrived.isoformat(),
                    "days_between": move.days_between,
                    "stay_days": move.stay_days,
                }
                for move in self.moves
            ],
            "mean_stay_days": self.mean_stay_days,
            "moves_per_week": self.moves_per_week,
            "cities": {
                city: {"first_seen": first.isoformat(), "last_seen": last.isoformat()}
                for city, (first, last) in sorted(self.first_last.items(), key=lambda item: item[1])
            },
            "cities_by_date": {day.isoformat(): cities for day, cities in sorted(self.cities_by_date.items())},
        }


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def max_distinct_in_window(days: dict[date, set[str]], window_days: int) -> int:
    """Most distinct cities seen within any `window_days` consecutive days."""
    ordered = sorted(days)
    best = 0
    start = 0
    for end, day in enumerate(ordered):
        while ordered[start] <= day - timedelta(days=window_days):
            start += 1
        cities = set().union(*(days[ordered[i]] for i in range(start, end + 1)))
        best = max(best, len(cities))
    return best


def movement_from_sightings(sightings: Iterable[tuple[date | datetime, str | None]]) -> Movement:
    """Stays, moves, windows and first/last seen per city from (day, city) sightings."""
    per_day: dict[date, Counter[str]] = defaultdict(Counter)
    for seen, city in sightings:
        if city:
            per_day[_as_date(seen)][city] += 1
    movement = Movement()
    if not per_day:
        return movement
    days_cities = {day: set(counter) for day, counter in per_day.items()}
    movement.cities_by_date = {day: sorted(cities) for day, cities in sorted(days_cities.items())}
    for day, cities in sorted(days_cities.items()):
        for city in cities:
            first, last = movement.first_last.get(city, (day, day))
            movement.first_last[city] = (min(first, day), max(last, day))
    for day in sorted(per_day):
        counter = per_day[day]
        city = min(counter, key=lambda name: (-counter[name], name))
        if movement.stays and movement.stays[-1].city == city:
            movement.stays[-1] = Stay(city, movement.stays[-1].first, day)
            continue
        if movement.stays:
            previous = movement.stays[-1]
            movement.moves.append(Move(previous.city, city, previous.last, day, previous.days))
        movement.stays.append(Stay(city, day, day))
    movement.max_cities_14d = max_distinct_in_window(days_cities, 14)
    movement.max_cities_30d = max_distinct_in_window(days_cities, 30)
    return movement


def shared_stays(first: Movement, second: Movement, max_lag_days: int = 1) -> list[str]:
    """Cities both arrived in within `max_lag_days` of each other, in order of the first's visits."""
    cities: list[str] = []
    for stay in first.stays:
        if stay.city in cities:
            continue
        for other in second.stays:
            if other.city == stay.city and abs((other.first - stay.first).days) <= max_lag_days:
                cities.append(stay.city)
                break
    return cities


def co_moving_pairs(movements: Sequence[Movement], min_cities: int) -> list[tuple[int, int, list[str]]]:
    """Index pairs (i < j) of movements that arrived in the same cities on (about) the same days.

    Groups of one operator travel together: they arrive in each city within a day of each other.
    Independent workers rarely visit three cities in a row, and two unrelated groups may cross paths
    in a city or two, so a pair must share at least `min_cities` arrivals and most of the smaller
    group's cities.
    """
    by_city: dict[str, set[int]] = defaultdict(set)
    eligible = [index for index, movement in enumerate(movements) if movement.distinct_cities >= min_cities]
    for index in eligible:
        for city in movements[index].first_last:
            by_city[city].add(index)
    pairs: list[tuple[int, int, list[str]]] = []
    for index in eligible:
        counts: Counter[int] = Counter()
        for city in movements[index].first_last:
            counts.update(other for other in by_city[city] if other > index)
        for other, common in sorted(counts.items()):
            if common < min_cities:
                continue
            cities = shared_stays(movements[index], movements[other])
            smaller = min(movements[index].distinct_cities, movements[other].distinct_cities)
            if len(cities) >= min_cities and len(cities) * 4 >= smaller * 3:
                pairs.append((index, other, cities))
    return pairs
