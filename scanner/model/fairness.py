"""Rates per group with their uncertainty, and the warning when one group's rate stands out.

Used for the false-positive rates in the model card and `scanner model evaluate` (the share of
negatives the full score flags, per ad language, site and region, per true class where it is known)
and for the flag rates of the nightly summary (`scanner.model.flag_rates`).

One definition throughout: a group is compared with **the rest** (every other ad of the same
dimension), and it stands out when its rate is more than `fairness.max_rate_ratio` (default 1.25,
the "four-fifths" rule of thumb turned round) times the rate of the rest. Both the group and the rest
need `fairness.min_group_ads` ads; smaller groups are listed but not compared. Every rate carries a
95% Wilson score interval, which stays inside 0..1 and is honest about small counts (3 of 40 is
7.5%, but anything from 2.6% to 19.9%).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Z_95 = 1.959963984540054  # the normal quantile of a two-sided 95% interval


def wilson_interval(count: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion `count / total` (0..1 for no trials)."""
    if total <= 0:
        return 0.0, 1.0
    share = count / total
    denominator = 1 + z * z / total
    centre = (share + z * z / (2 * total)) / denominator
    half = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Rate:
    count: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.count / self.total if self.total else None

    def as_dict(self) -> dict[str, Any]:
        low, high = wilson_interval(self.count, self.total)
        rate = self.rate
        return {
            "count": self.count,
            "total": self.total,
            "rate": None if rate is None else round(rate, 4),
            "ci95": [round(low, 4), round(high, 4)],
        }


def rate_text(data: Mapping[str, Any], empty: str = "no ads") -> str:
    """'3 of 40 (7.5%, 95% CI 2.6-19.9%)' from a `Rate.as_dict()`; `empty` when there is nothing to count."""
    if not data.get("total"):
        return empty
    low, high = data["ci95"]
    return f"{data['count']} of {data['total']} ({data['rate']:.1%}, 95% CI {low:.1%}-{high:.1%})"


def ratio(group: Rate, rest: Rate) -> float | None:
    """The group's rate over the rest's: inf when only the group has any, 1.0 when neither has."""
    if group.rate is None or rest.rate is None:
        return None
    if rest.rate == 0:
        return math.inf if group.rate > 0 else 1.0
    return group.rate / rest.rate


def compare_groups(
    values: Sequence[str], hits: Sequence[bool], *, max_ratio: float, min_ads: int
) -> dict[str, dict[str, Any]]:
    """Per value of `values` (an ad language, a site, ...): the rate of `hits`, the rate of the rest,
    their ratio, and whether the group stands out. Sorted by group name."""
    members: dict[str, list[bool]] = defaultdict(list)
    for value, hit in zip(values, hits, strict=True):
        members[value].append(bool(hit))
    total, flagged = len(values), sum(bool(hit) for hit in hits)
    result: dict[str, dict[str, Any]] = {}
    for value, group_hits in sorted(members.items()):
        group = Rate(sum(group_hits), len(group_hits))
        rest = Rate(flagged - group.count, total - group.total)
        comparable = group.total >= min_ads and rest.total >= min_ads
        found = ratio(group, rest) if comparable else None
        unbounded = found is not None and math.isinf(found)
        result[value] = {
            **group.as_dict(),
            "rest": rest.as_dict(),
            # JSON has no infinity: a group flagged where the rest never is has no ratio, and says so.
            "ratio": None if found is None or unbounded else round(found, 3),
            "only_this_group": unbounded,
            "compared": comparable,
            "stands_out": bool(comparable and found is not None and found > max_ratio),
        }
    return result


def ratio_text(group: Mapping[str, Any]) -> str:
    if not group.get("compared"):
        return "too few ads to compare"
    if group.get("only_this_group"):
        return "none of the rest"
    return f"{group['ratio']:.2f}x the rest"


def warnings_of(population: str, dimension: str, groups: Mapping[str, Mapping[str, Any]], what: str) -> list[str]:
    """One line per group that stands out: '<what> of independents, language en: ... vs ... of the rest'."""
    lines = []
    for name, group in groups.items():
        if group.get("stands_out"):
            lines.append(
                f"{what} of {population}, {dimension} {name}: {rate_text(group)}, "
                f"against {rate_text(group['rest'])} of the rest ({ratio_text(group)})"
            )
    return lines


def max_ratio_between(groups: Mapping[str, Mapping[str, Any]]) -> float | None:
    """The largest rate of the compared groups over the smallest: how far apart the groups are (1.0
    when none is flagged; None with fewer than two compared groups, or when only some have flags)."""
    rates = [group["rate"] for group in groups.values() if group.get("compared") and group.get("rate") is not None]
    if len(rates) < 2:
        return None
    low, high = min(rates), max(rates)
    if high == 0:
        return 1.0
    return None if low == 0 else round(high / low, 3)


def error_rates(
    labels: Sequence[int],
    flagged: Sequence[bool],
    dimensions: Mapping[str, Sequence[str]],
    classes: Sequence[str] | None,
    *,
    max_ratio: float,
    min_ads: int,
) -> dict[str, Any]:
    """False-positive rates (flagged negatives / negatives) overall and per group of each dimension,
    for all negatives and, when the true class is known, for each class of negatives (independent,
    agency); with the warnings of the groups that stand out."""
    populations: dict[str, list[int]] = {"negatives": [i for i, label in enumerate(labels) if label == 0]}
    if classes is not None:
        for cls in sorted({classes[i] for i in populations["negatives"]}):
            populations[cls] = [i for i in populations["negatives"] if classes[i] == cls]
    result: dict[str, Any] = {
        "what": "false-positive rate: the share of negatives that the score flags",
        "max_rate_ratio": max_ratio,
        "min_group_ads": min_ads,
        "populations": {},
        "warnings": [],
    }
    for population, indices in populations.items():
        hits = [bool(flagged[i]) for i in indices]
        section: dict[str, Any] = {"overall": Rate(sum(hits), len(hits)).as_dict()}
        for dimension, values in dimensions.items():
            groups = compare_groups([values[i] for i in indices], hits, max_ratio=max_ratio, min_ads=min_ads)
            section[f"by_{dimension}"] = groups
            section[f"max_ratio_by_{dimension}"] = max_ratio_between(groups)
            result["warnings"] += warnings_of(population, dimension, groups, "false-positive rate")
        result["populations"][population] = section
    return result
