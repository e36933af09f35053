"""The numbers of a demo world, computed from its ground truth (docs/demo-world.md prints them).

`world_stats(world)` returns plain data; `stats_markdown(stats)` renders it as the Markdown tables of
the documentation, so the figures there are generated, never typed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from statistics import mean
from typing import Any

from scanner.lab.demo.phones import STYLES
from scanner.lab.demo.records import INDICATOR_FAMILIES, TruthRecord
from scanner.lab.demo.world import World

CLASSES = ("independent", "network", "agency")
TRAP_KINDS = ("time", "date", "postcode", "height", "measurement", "licence", "ad_id", "kvk", "weight")


def _share(records: list[TruthRecord], test: Any) -> float:
    return round(100 * sum(1 for record in records if test(record)) / len(records), 1) if records else 0.0


def world_stats(world: World) -> dict[str, Any]:
    truth = world.truth()
    by_class: dict[str, list[TruthRecord]] = {cls: [r for r in truth if r.cls == cls] for cls in CLASSES}
    live = [len(world.ads_on(day)) for day in world.days]
    live_by_class: dict[str, list[int]] = defaultdict(list)
    for day in world.days:
        counts: Counter[str] = Counter(record.cls for record in world.truth_on(day).values())
        for cls in CLASSES:
            live_by_class[cls].append(counts[cls])
    networks: dict[str, list[TruthRecord]] = defaultdict(list)
    agencies: dict[str, list[TruthRecord]] = defaultdict(list)
    for record in truth:
        if record.network_id:
            networks[record.network_id].append(record)
        if record.agency_id:
            agencies[record.agency_id].append(record)

    def group_summary(groups: dict[str, list[TruthRecord]]) -> dict[str, Any]:
        return {
            name: {
                "ads": len(records),
                "women": len({r.person_id for r in records}),
                "phones": len({p for r in records for p in r.phones}),
                "cities": len({c for r in records for c in r.cities}),
                "names": len({n for r in records for n in r.names}),
            }
            for name, records in sorted(groups.items())
        }

    return {
        "seed": world.config.seed,
        "days": world.config.days,
        "ads": len(truth),
        "ads_by_class": {cls: len(records) for cls, records in by_class.items()},
        "ads_by_site": dict(Counter(record.site for record in truth)),
        "live_per_day": {"min": min(live), "mean": round(mean(live), 1), "max": max(live)},
        "live_share_by_class": {cls: round(100 * sum(live_by_class[cls]) / max(1, sum(live)), 1) for cls in CLASSES},
        "advertisers": {
            "independent": len({r.advertiser_id for r in by_class["independent"]}),
            "network": len(networks),
            "agency": len(agencies),
        },
        "networks": group_summary(networks),
        "agencies": group_summary(agencies),
        "indicators": {
            family: {cls: _share(records, lambda r, f=family: f in r.indicators) for cls, records in by_class.items()}
            for family in INDICATOR_FAMILIES
        },
        "obscurity": {
            f"level {level}": {
                cls: _share(records, lambda r, lv=level: bool(r.phones) and r.phone_obscurity == lv)
                for cls, records in by_class.items()
            }
            for level in range(4)
        },
        "phone_styles": {
            style: {cls: _share(records, lambda r, s=style: s in r.phone_styles) for cls, records in by_class.items()}
            for style in STYLES
        },
        "no_phone_in_text": {cls: _share(records, lambda r: not r.phone_styles) for cls, records in by_class.items()},
        "traps": {
            trap: {cls: _share(records, lambda r, t=trap: t in r.traps) for cls, records in by_class.items()}
            for trap in TRAP_KINDS
        },
        "relocating": {cls: _share(records, lambda r: len(r.cities) > 1) for cls, records in by_class.items()},
        "possible_minors": _minors(truth),
    }


def _minors(truth: list[TruthRecord]) -> dict[str, Any]:
    """The ads that state an age under 18 somewhere (a field or the text), and whose they are."""
    young = [record for record in truth if any(age < 18 for age in record.ages)]
    return {
        "ads": len(young),
        "people": len({record.person_id for record in young}),
        "networks": sorted({record.network_id or record.agency_id or "independent" for record in young}),
        "ages": sorted({age for record in young for age in record.ages}),
        "first_day": min((day for record in young for day in record.days_visible), default=None),
    }


def _minors_line(minors: dict[str, Any]) -> str:
    if not minors["ads"]:
        return "No ad states an age under 18."
    return (
        f"{minors['ads']} ad keys of {minors['people']} girls in {', '.join(minors['networks'])} state an age under 18 "
        f"(all ages their ads state: {', '.join(map(str, minors['ages']))}; the site's age field says 18 or more, "
        f"the text less); the first is online on day {minors['first_day']}."
    )


def _table(title: str, rows: dict[str, dict[str, float]], unit: str = "%") -> list[str]:
    lines = [f"| {title} | " + " | ".join(CLASSES) + " |", "|---|" + "---:|" * len(CLASSES)]
    for name, values in rows.items():
        lines.append(f"| {name} | " + " | ".join(f"{values[cls]}{unit}" for cls in CLASSES) + " |")
    return lines


def stats_markdown(stats: dict[str, Any]) -> str:
    """The statistics as the Markdown section of docs/demo-world.md."""
    by_class = stats["ads_by_class"]
    live = stats["live_per_day"]
    lines = [
        f"Seed {stats['seed']}, {stats['days']} days. Shares are of ad keys in each class "
        "(an ad counts once over all its days).",
        "",
        "| | independent | network | agency | all |",
        "|---|---:|---:|---:|---:|",
        "| advertisers | " + " | ".join(str(stats["advertisers"][c]) for c in CLASSES) + " | |",
        "| ad keys | " + " | ".join(str(by_class[c]) for c in CLASSES) + f" | {stats['ads']} |",
        "| share of live ads per day | "
        + " | ".join(f"{stats['live_share_by_class'][c]}%" for c in CLASSES)
        + " | 100% |",
        "",
        f"Live ads per day over both sites: {live['min']} to {live['max']} (mean {live['mean']}). "
        + ", ".join(f"{site}: {count} keys" for site, count in sorted(stats["ads_by_site"].items()))
        + ".",
        "",
        "### Indicator families written into the ads",
        "",
        *_table("family", stats["indicators"]),
        "",
        "### How the phone number is written",
        "",
        "Obscurity levels (ads that show a number at all):",
        "",
        *_table("obscurity", stats["obscurity"]),
        "",
        "Writing styles of numbers in the text (an ad may use several):",
        "",
        *_table("style", stats["phone_styles"]),
        *["| no number in the text | " + " | ".join(f"{stats['no_phone_in_text'][c]}%" for c in CLASSES) + " |"],
        "",
        "### Numbers that are not phone numbers",
        "",
        *_table("trap", stats["traps"]),
        "",
        "### Possible minors",
        "",
        _minors_line(stats["possible_minors"]),
        "",
        "### Networks and agencies",
        "",
        "Ads whose city changed during their life: "
        + ", ".join(f"{cls} {stats['relocating'][cls]}%" for cls in CLASSES)
        + ".",
        "",
        "| group | ads | women | phones | cities | names |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind in ("networks", "agencies"):
        for name, row in stats[kind].items():
            lines.append(
                f"| {name} | {row['ads']} | {row['women']} | {row['phones']} | {row['cities']} | {row['names']} |"
            )
    return "\n".join(lines) + "\n"
