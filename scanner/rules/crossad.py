"""Rules over groups of ads: count distinct names, cities, phones or ads of a group in a time window.

A group is every ad that shares one thing (a phone, an e-mail, a photo cluster, a text template, a
network). Each member contributes `Membership` rows: the value counted (a name, a city, a phone id)
and the days it was seen. A rule fires on a group when some window of `within_days` days overlaps the
sightings of at least `at_least` distinct values. The answer per group is one sweep over the interval
ends (O(n log n)); groups with fewer distinct values than needed are skipped before the sweep.

A group that looks like a licensed business (at least half of the ads in its window show a licence
number, the test the linking stage uses for `looks_licensed`) weighs the rule's `licensed_factor` of
its weight, or gives no hit when that is 0: an escort agency with one phone for several workers is
what the municipality licensed, not a sign of control.

The same functions run the examples of `scanner rules test` (in memory, `members.evaluate_example`)
and the nightly run over the database (rows fetched in batched SQL queries by `store.py`). A group
rule with a member filter counts only the ads its `match:` accepts (`members.py`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Set
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from scanner.rules.engine import CompiledRule, Hit, fill_template
from scanner.rules.model import Group, GroupAdExample

EXAMPLE_EPOCH = datetime(2026, 1, 1, 12)
SHOWN_VALUES = 8


class Membership(NamedTuple):
    """One counted value of one ad of a group, seen from `start` to `end` (a tuple: millions are made)."""

    group: Hashable
    ad_id: int
    value: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class GroupFinding:
    """A group whose count reached the threshold, with the ads and values inside the busiest window."""

    group: Hashable
    count: int
    values: list[str]
    ad_ids: list[int]
    window_start: datetime
    window_end: datetime


def busiest_window(rows: list[Membership], days: int) -> tuple[int, datetime]:
    """The most distinct values any window of `days` days overlaps, and where that window starts."""
    span = timedelta(days=days)
    events: list[tuple[datetime, int, str]] = []
    for row in rows:
        # A window [t, t + span] overlaps [start, end] exactly when t lies in [start - span, end].
        events.append((row.start - span, 0, row.value))
        events.append((row.end, 1, row.value))
    events.sort(key=lambda event: (event[0], event[1]))
    active: Counter[str] = Counter()
    best, best_at = 0, events[0][0] if events else EXAMPLE_EPOCH
    for at, kind, value in events:
        if kind == 0:
            active[value] += 1
            if active[value] == 1 and len(active) > best:
                best, best_at = len(active), at
        else:
            active[value] -= 1
            if active[value] == 0:
                del active[value]
    return best, best_at


def find_groups(memberships: Iterable[Membership], group: Group) -> list[GroupFinding]:
    by_group: dict[Hashable, list[Membership]] = defaultdict(list)
    for row in memberships:
        by_group[row.group].append(row)
    return find_in_groups(by_group, group)


def find_in_groups(by_group: Mapping[Hashable, list[Membership]], group: Group) -> list[GroupFinding]:
    """The groups whose count reaches `group.at_least`; groups with too few values overall are skipped first."""
    findings = []
    for key, rows in by_group.items():
        if len({row.value for row in rows}) < group.at_least:
            continue
        count, start = busiest_window(rows, group.within_days)
        if count < group.at_least:
            continue
        end = start + timedelta(days=group.within_days)
        inside = [row for row in rows if row.start <= end and row.end >= start]
        findings.append(
            GroupFinding(
                group=key,
                count=count,
                values=sorted({row.value for row in inside}),
                ad_ids=sorted({row.ad_id for row in inside}),
                window_start=start,
                window_end=end,
            )
        )
    return findings


def fact_sentence(group: Group, finding: GroupFinding) -> str:
    """The cross-ad fact a group hit rests on, as a sentence (the ads it rests on are stored beside it)."""
    counted = f"{finding.count} {group.count}"
    if group.count in ("names", "cities"):
        counted += f" ({describe_values(group, finding.values)})"
    return f"{counted} share one {group.by} within {group.within_days} days"


def describe_values(group: Group, values: list[str]) -> str:
    """The counted values as shown to an investigator: names and cities, never phone numbers."""
    if group.count in ("phones", "ads"):
        return f"{len(values)} {group.count}"
    shown = ", ".join(values[:SHOWN_VALUES])
    return shown + (f" and {len(values) - SHOWN_VALUES} more" if len(values) > SHOWN_VALUES else "")


def is_licensed(finding: GroupFinding, licensed_ads: Set[int], licensed_groups: Set[Hashable] = frozenset()) -> bool:
    """A licensed business: a group marked so (a network linking found licensed), or one where at least half
    of the ads in the window show a licence number."""
    if finding.group in licensed_groups:
        return True
    return 2 * sum(1 for ad_id in finding.ad_ids if ad_id in licensed_ads) >= len(finding.ad_ids) > 0


def rate_findings(
    rule: CompiledRule,
    findings: Iterable[GroupFinding],
    licensed_ads: Set[int],
    licensed_groups: Set[Hashable] = frozenset(),
) -> list[tuple[GroupFinding, bool]]:
    """Each finding with whether it looks licensed; licensed ones dropped when the rule's licensed_factor is 0."""
    rated = [(finding, is_licensed(finding, licensed_ads, licensed_groups)) for finding in findings]
    if rule.rule.licensed_factor == 0:
        return [(finding, licensed) for finding, licensed in rated if not licensed]
    return rated


def group_hit(
    rule: CompiledRule, finding: GroupFinding, *, licensed: bool = False, found: Mapping[str, str] | None = None
) -> Hit:
    """The hit of one finding; `found` fills the placeholders of a member filter's selections."""
    group = rule.rule.group
    assert group is not None
    values = describe_values(group, finding.values)
    filled = {
        **(found or {}),
        "count": str(finding.count),
        "at_least": str(group.at_least),
        "within_days": str(group.within_days),
        "by": group.by,
        "values": values,
    }
    evidence = {
        "start": None,
        "end": None,
        "text": fact_sentence(group, finding),
        "field": "group",
        "ad_ids": finding.ad_ids,
        "window": [finding.window_start.isoformat(), finding.window_end.isoformat()],
        "licensed": licensed,
    }
    return Hit(
        rule_id=rule.id,
        rule_version=rule.rule.version,
        category=rule.rule.category,
        weight=rule.licensed_weight(licensed),
        severity=rule.rule.severity,
        confidence=rule.rule.confidence,
        explanation=fill_template(rule.rule.explanation, filled) + rule.licensed_note(licensed),
        evidence=[evidence],
    )


def example_memberships(group: Group, ads: list[GroupAdExample]) -> list[Membership]:
    """The membership rows of a group example: ad number i, seen from `day` to `last_day`."""
    rows = []
    for index, ad in enumerate(ads):
        key = getattr(ad, group.by)
        value = (
            str(index)
            if group.count == "ads"
            else getattr(ad, {"names": "name", "cities": "city", "phones": "phone"}[group.count])
        )
        if key is None or value is None:
            continue
        start = EXAMPLE_EPOCH + timedelta(days=ad.day)
        end = EXAMPLE_EPOCH + timedelta(days=ad.last_day if ad.last_day is not None else ad.day)
        rows.append(Membership(key, index, str(value), start, end))
    return rows
