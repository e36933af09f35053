"""The morning report: what is new since the last run and why, grouped by network.

`build_report(...)` returns one JSON-ready document (its shape is pinned by
tests/investigate/data/report_shape.json); `scanner.investigate.text`, `render_csv` and `scanner.investigate.html`
turn it into a terminal table, CSV rows or a self-contained HTML page. The table and HTML open with
the "start here" block (`scanner.investigate.start`: the last scan, the model, possible minors, watchlist
hits, newly flagged networks), before any group; JSON carries it as `last_scan` and `start_here`; CSV
stays rows only.

Which ads are listed: ads with activity since `--since` (new, changed, removed, or flagged since)
that are flagged now or match a watchlist entry (`include_unflagged` lists the rest too), whose score
reaches `--min-score`, in the `--category` and `--region` asked for (`scanner.investigate.region`). Groups
with a possible minor come first, then those with a watchlist hit, then the highest score. Each ad
and network carries its risk and licensing scores apart, with the rules' and the model's parts
(`scanner.investigate.scores`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from scanner.clock import utcnow
from scanner.db.models import Ad, AdVersion, Assessment, Link, Network, ScanRun
from scanner.investigate import queries, watch
from scanner.investigate.last_scan import last_scan
from scanner.investigate.region import RegionFilter
from scanner.investigate.scores import score_json
from scanner.investigate.spreadsheet import to_csv
from scanner.investigate.start import start_here
from scanner.settings import Settings

CATEGORIES = ("trafficking", "licensing")
FORMATS = ("table", "json", "csv", "html")


@dataclass(frozen=True)
class ReportFilter:
    since: str | None = "last-run"
    min_score: float | None = None
    category: str | None = None
    region: str | None = None
    include_unflagged: bool = False


def _active_ad_ids(session: Session, since: datetime | None) -> list[int]:
    """Ads with something new since `since`: first seen, a new version, removed, or flagged for the first time."""
    if since is None:
        return list(session.scalars(select(Ad.id).order_by(Ad.id)))
    ids: set[int] = set(
        session.scalars(select(Ad.id).where(or_(Ad.first_seen_at >= since, Ad.removed_at >= since))).all()
    )
    ids.update(session.scalars(select(AdVersion.ad_id).where(AdVersion.fetched_at >= since).distinct()).all())
    flagged_now = [
        ad_id
        for ad_id in session.scalars(
            select(Assessment.ad_id).where(Assessment.created_at >= since, Assessment.flagged.is_(True)).distinct()
        )
        if ad_id is not None
    ]
    ids.update(set(flagged_now) - queries.flagged_before(session, flagged_now, since))
    return sorted(ids)


def _score(ad: dict[str, Any], category: str | None) -> float:
    risk, licensing = ad["risk_score"] or 0.0, ad["licensing_score"] or 0.0
    if category == "trafficking":
        return float(risk)
    if category == "licensing":
        return float(licensing)
    return float(max(risk, licensing))


def _in_category(ad: dict[str, Any], category: str | None) -> bool:
    if category is None:
        return True
    wanted = {"trafficking": {"trafficking", "underage"}, "licensing": {"licensing"}}[category]
    return any(hit["category"] in wanted for hit in ad["indicators"]) or _score(ad, category) > 0


def _network_json(session: Session, network: Network, snippet_chars: int) -> dict[str, Any]:
    member_ids = queries.network_member_ids(session, network.id)
    assessment = queries.latest_network_assessments(session, [network.id]).get(network.id)
    phones = sorted({phone for values in queries.identifiers(session, member_ids).values() for phone in values})
    return {
        "label": network.label,
        "size": len(member_ids),
        "created_at": queries.iso(network.created_at),
        "risk_score": round(assessment.risk_score, 1) if assessment else None,
        "licensing_score": round(assessment.licensing_score, 1) if assessment else None,
        "score": score_json(assessment),
        "flagged": bool(assessment and assessment.flagged),
        "phones": phones,
        "cities": sorted(
            {str(day_city) for day in queries.movement(session, member_ids) for day_city in day["cities"]}
        ),
        "indicators": [queries.hit_json(hit, None, snippet_chars) for hit in queries.network_hits(session, network.id)],
        "movement": queries.movement(session, member_ids),
        "graph": graph(session, member_ids),
    }


def graph(session: Session, ad_ids: Sequence[int]) -> dict[str, Any]:
    """Nodes (ads) and edges (links) among the given ads, for the network picture."""
    wanted = set(ad_ids)
    edges = []
    for chunk in queries.chunks(sorted(wanted)):
        for link in session.scalars(select(Link).where(Link.ad_a_id.in_(chunk))):
            if link.ad_b_id in wanted:
                edges.append({"a": link.ad_a_id, "b": link.ad_b_id, "kind": link.kind, "strength": link.strength})
    ads = {
        ad.id: ad
        for chunk in queries.chunks(sorted(wanted))
        for ad in session.scalars(select(Ad).where(Ad.id.in_(chunk)))
    }
    nodes = [{"id": ad_id, "city": ads[ad_id].city if ad_id in ads else None} for ad_id in sorted(wanted)]
    return {"nodes": nodes, "edges": sorted(edges, key=lambda edge: (edge["a"], edge["b"], edge["kind"]))}


def build_report(
    session: Session, settings: Settings, report_filter: ReportFilter, *, now: datetime | None = None
) -> dict[str, Any]:
    """The report document: the start-here block, summary counts, then groups of ads (a network, or a lone ad)."""
    since = queries.parse_since(session, report_filter.since)
    min_score = settings.report.min_score if report_filter.min_score is None else report_filter.min_score
    region = RegionFilter.named(report_filter.region)
    active_ids = _active_ad_ids(session, since)
    ads = region.ads(
        session,
        [ad for chunk in queries.chunks(active_ids) for ad in session.scalars(select(Ad).where(Ad.id.in_(chunk)))],
    )
    summaries = queries.ad_summaries(session, ads, snippet_chars=settings.report.snippet_chars, since=since)
    entries = watch.active_entries(session)
    watch_hits = watch.matches(session, ads, entries)

    listed: list[dict[str, Any]] = []
    for ad in summaries:
        ad["watch"] = watch_hits.get(ad["id"], [])
        if not (ad["flagged"] or ad["watch"] or report_filter.include_unflagged):
            continue
        if _score(ad, report_filter.category) < min_score and not ad["watch"]:
            continue
        if not _in_category(ad, report_filter.category):
            continue
        listed.append(ad)

    grouped: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for ad in listed:
        grouped[ad["network"]].append(ad)
    networks = {
        network.label: network
        for network in session.scalars(select(Network).where(Network.label.in_([label for label in grouped if label])))
    }
    groups: list[dict[str, Any]] = []
    for label, members in grouped.items():
        members.sort(key=lambda ad: _order(ad["underage"], ad["watch"], _score(ad, report_filter.category), ad["id"]))
        if label is None:
            groups.extend(_group(None, [ad], report_filter.category) for ad in members)
        else:
            network = _network_json(session, networks[label], settings.report.snippet_chars)
            groups.append(_group(network, members, report_filter.category))
    groups.sort(key=lambda group: _order(group["underage"], group["watch"], group["priority"], group["ads"][0]["id"]))

    changes = [ad["change"] for ad in summaries]
    last_run = queries.last_completed_run(session)
    start = start_here(session, since, listed, region)
    return {
        "generated_at": queries.iso(now or utcnow()),
        "since": queries.iso(since),
        "filters": {
            "min_score": min_score,
            "category": report_filter.category,
            "region": report_filter.region,
            "include_unflagged": report_filter.include_unflagged,
        },
        "last_scan": last_scan(session, now=now),
        "last_run": _run_json(last_run),
        "start_here": start,
        "summary": {
            "new": changes.count("new"),
            "changed": changes.count("changed"),
            "removed": changes.count("removed"),
            "newly_flagged_ads": sum(1 for ad in summaries if ad["newly_flagged"]),
            "newly_flagged_networks": len(start["newly_flagged_networks"]),
            "possible_minors": len(start["possible_minors"]),
            "watchlist_hits": sum(1 for ad in summaries if ad["watch"]),
            "listed_ads": len(listed),
            "groups": len(groups),
            "total_ads": session.scalar(select(func.count()).select_from(Ad)) or 0,
        },
        "groups": groups,
    }


def _order(underage: bool, watched: Any, score: float, first_id: int) -> tuple[bool, bool, float, int]:
    """Possible minors first, then watchlist hits, then the highest score."""
    return (not underage, not watched, -score, first_id)


def _group(network: dict[str, Any] | None, members: list[dict[str, Any]], category: str | None) -> dict[str, Any]:
    """A network with its listed ads, or a lone ad: the highest risk and licensing scores of both, kept apart."""
    own = [] if network is None else [network]
    return {
        "network": network,
        "risk_score": max((item["risk_score"] or 0.0 for item in [*members, *own]), default=0.0),
        "licensing_score": max((item["licensing_score"] or 0.0 for item in [*members, *own]), default=0.0),
        "priority": max([_score(ad, category) for ad in members] + [item["risk_score"] or 0.0 for item in own]),
        "underage": any(ad["underage"] for ad in members),
        "watch": any(ad["watch"] for ad in members),
        "ads": members,
    }


def _run_json(run: ScanRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "id": run.id,
        "started_at": queries.iso(run.started_at),
        "finished_at": queries.iso(run.finished_at),
        "ruleset_hash": run.ruleset_hash,
        "model_version": run.model_version,
    }


def report_ad_ids(document: dict[str, Any]) -> list[int]:
    return [ad["id"] for group in document["groups"] for ad in group["ads"]]


CSV_COLUMNS = (
    "network",
    "id",
    "change",
    "risk_score",
    "licensing_score",
    "model_probability",
    "flagged",
    "newly_flagged",
    "underage",
    "city",
    "source",
    "url",
    "phones",
    "indicators",
    "watch",
)


def render_csv(document: dict[str, Any]) -> str:
    """One row per listed ad; lists joined with `;`, text neutralised against formulas (`report.spreadsheet`)."""
    rows = [
        [
            ad["network"] or "",
            ad["id"],
            ad["change"],
            ad["risk_score"],
            ad["licensing_score"],
            ad["model_probability"],
            ad["flagged"],
            ad["newly_flagged"],
            ad["underage"],
            ad["city"] or "",
            ad["source"],
            ad["url"],
            ad["phones"],
            [hit["rule_id"] for hit in ad["indicators"]],
            [f"{entry['kind']}:{entry['value']}" for entry in ad["watch"]],
        ]
        for group in document["groups"]
        for ad in group["ads"]
    ]
    return to_csv(CSV_COLUMNS, rows, phone_columns={"phones"})
