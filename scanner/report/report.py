"""The morning report: what is new since the last run and why, grouped by network, highest risk first.

`build_report(...)` returns one JSON-ready document (its shape is pinned by
tests/report/data/report_shape.json); `render_text`, `render_csv` and `scanner.report.html` turn it into
a terminal table, CSV rows or a self-contained HTML page. The table and HTML open with the last scan
(`scanner.report.last_scan`: when it ran, how it ended, which sources failed or degraded), before any
ad; JSON carries it as `last_scan`; CSV stays rows only.

Which ads are listed: ads with activity since `--since` (new, changed, removed, or flagged since)
that are flagged now or match a watchlist entry (`include_unflagged` lists the rest too), whose score
reaches `--min-score`, in the `--category` and `--region` asked for.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from scanner.clock import utcnow
from scanner.db.models import Ad, AdVersion, Assessment, Link, Network, ScanRun
from scanner.errors import ConfigError, InputError
from scanner.places import Region
from scanner.report import queries, watch
from scanner.report.last_scan import last_scan, last_scan_lines
from scanner.report.render import Output, cell
from scanner.settings import Settings

CATEGORIES = ("trafficking", "licensing")
LINE_STYLES = {"ok": "green", "warning": "bold yellow", "error": "bold red"}
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


def _region(name: str) -> Region:
    """The municipalities of a --region (a municipality, province, police unit or safety region)."""
    try:
        return Region([name])
    except ConfigError as exc:
        raise InputError(exc.message, context="--region", hint=exc.hint) from None


def _in_region(ad: dict[str, Any], features: dict[str, Any] | None, region: Region) -> bool:
    """In the region: the ad's municipality (resolved by the crawl), else a municipality its text names."""
    if ad["city"] in region.municipalities:
        return True
    places = (features or {}).get("places", []) or []
    return any(isinstance(place, dict) and place.get("municipality") in region.municipalities for place in places)


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
    """The report document: summary counts, then groups of ads (one per network, or a lone ad)."""
    since = queries.parse_since(session, report_filter.since)
    min_score = settings.report.min_score if report_filter.min_score is None else report_filter.min_score
    active_ids = _active_ad_ids(session, since)
    region = _region(report_filter.region) if report_filter.region else None
    # an ad whose place is not resolved yet is held: not reported, so never reported as in the region
    ads = [
        ad
        for chunk in queries.chunks(active_ids)
        for ad in session.scalars(select(Ad).where(Ad.id.in_(chunk), Ad.place_held_since.is_(None)))
    ]
    summaries = queries.ad_summaries(session, ads, snippet_chars=settings.report.snippet_chars, since=since)
    entries = watch.active_entries(session)
    watch_hits = watch.matches(session, ads, entries)
    features: dict[int, Any] = {}
    if report_filter.region:
        versions = queries.versions(session, [ad.current_version_id for ad in ads])
        features = {ad.id: versions[ad.current_version_id].features for ad in ads if ad.current_version_id in versions}

    listed: list[dict[str, Any]] = []
    for ad in summaries:
        ad["watch"] = watch_hits.get(ad["id"], [])
        if not (ad["flagged"] or ad["watch"] or report_filter.include_unflagged):
            continue
        if _score(ad, report_filter.category) < min_score and not ad["watch"]:
            continue
        if not _in_category(ad, report_filter.category):
            continue
        if region is not None and not _in_region(ad, features.get(ad["id"]), region):
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
        members.sort(key=lambda ad: (-_score(ad, report_filter.category), ad["id"]))
        if label is None:
            groups.extend(
                {"network": None, "risk_score": _score(ad, report_filter.category), "ads": [ad]} for ad in members
            )
            continue
        network = _network_json(session, networks[label], settings.report.snippet_chars)
        risk = max([_score(ad, report_filter.category) for ad in members] + [network["risk_score"] or 0.0])
        groups.append({"network": network, "risk_score": risk, "ads": members})
    groups.sort(key=lambda group: (-group["risk_score"], group["ads"][0]["id"]))

    changes = [ad["change"] for ad in summaries]
    last_run = queries.last_completed_run(session)
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
        "summary": {
            "new": changes.count("new"),
            "changed": changes.count("changed"),
            "removed": changes.count("removed"),
            "newly_flagged_ads": sum(1 for ad in summaries if ad["newly_flagged"]),
            "newly_flagged_networks": _newly_flagged_networks(session, since),
            "watchlist_hits": sum(1 for ad in summaries if ad["watch"]),
            "listed_ads": len(listed),
            "groups": len(groups),
            "total_ads": session.scalar(select(func.count()).select_from(Ad)) or 0,
        },
        "groups": groups,
    }


def _newly_flagged_networks(session: Session, since: datetime | None) -> int:
    query = select(Assessment.network_id).where(
        Assessment.network_id.is_not(None), Assessment.ad_id.is_(None), Assessment.flagged.is_(True)
    )
    now_flagged = set(session.scalars(query.where(Assessment.created_at >= since) if since else query))
    before = set(session.scalars(query.where(Assessment.created_at < since))) if since else set()
    return len(now_flagged - before)


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
    """One row per listed ad; lists joined with `;`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for group in document["groups"]:
        for ad in group["ads"]:
            writer.writerow(
                [
                    ad["network"] or "",
                    ad["id"],
                    ad["change"],
                    ad["risk_score"],
                    ad["licensing_score"],
                    ad["flagged"],
                    ad["newly_flagged"],
                    ad["underage"],
                    ad["city"] or "",
                    ad["source"],
                    ad["url"],
                    ";".join(ad["phones"]),
                    ";".join(hit["rule_id"] for hit in ad["indicators"]),
                    ";".join(f"{entry['kind']}:{entry['value']}" for entry in ad["watch"]),
                ]
            )
    return out.getvalue()


def _timeline(movement: list[dict[str, Any]]) -> str:
    return " → ".join(f"{day['date'][5:]} {'/'.join(day['cities'])}" for day in movement)


def render_text(document: dict[str, Any], out: Output, *, top: int = 3) -> None:
    """The report for a person: summary line, then each group with its ads, top indicators and evidence."""
    summary = document["summary"]
    for severity, text in last_scan_lines(document["last_scan"]):
        out.line(text, style=LINE_STYLES[severity])
    out.write()
    out.heading(f"Report since {document['since'] or 'the beginning'} (generated {document['generated_at']})")
    out.line(
        f"{summary['new']} new, {summary['changed']} changed, {summary['removed']} removed ads; "
        f"{summary['newly_flagged_ads']} newly flagged ads, {summary['newly_flagged_networks']} newly flagged "
        f"networks; {summary['watchlist_hits']} watchlist hits. Listed: {summary['listed_ads']} ads in "
        f"{summary['groups']} groups."
    )
    out.line("A flag is a signal for a trained person to look at, never a decision.", style="dim")
    for group in document["groups"]:
        out.write()
        network = group["network"]
        if network:
            out.heading(
                f"{network['label']}  risk {group['risk_score']:.0f}  {network['size']} ads  "
                f"phones: {', '.join(network['phones']) or '-'}"
            )
            if network["movement"]:
                out.line(f"  movement: {_timeline(network['movement'])}", style="cyan")
            for hit in network["indicators"][:top]:
                out.line(f"  network: {hit['rule_id']} ({hit['weight']:+.0f}) {hit['explanation']}")
        else:
            out.heading(f"ad {group['ads'][0]['id']} (no network)  risk {group['risk_score']:.0f}")
        for ad in group["ads"]:
            _ad_text(ad, out, top)


def _ad_text(ad: dict[str, Any], out: Output, top: int) -> None:
    marks = [ad["change"]]
    if ad["newly_flagged"]:
        marks.append("NEWLY FLAGGED")
    if ad["underage"]:
        marks.append("POSSIBLY UNDERAGE")
    style = "bold red" if ad["underage"] else "bold"
    out.line(
        f"  #{ad['id']} [{', '.join(marks)}] risk {cell(ad['risk_score'])} licensing {cell(ad['licensing_score'])} "
        f"{ad['city'] or '?'} · {ad['source']} · {ad['title']}",
        style=style,
    )
    out.line(f"     {ad['url']}  phones: {', '.join(ad['phones']) or '-'}", style="dim")
    for entry in ad["watch"]:
        out.line(f"     WATCHLIST: {entry['kind']} {entry['value']} {entry['note']}".rstrip(), style="bold magenta")
    for hit in ad["indicators"][:top]:
        out.line(f"     {hit['rule_id']} ({hit['category']}, {hit['weight']:+.0f}): {hit['explanation']}")
        for span in hit["evidence"][:1]:
            out.evidence("       “", span["before"], span["text"], span["after"] + "”")
    if len(ad["indicators"]) > top:
        out.line(f"     … {len(ad['indicators']) - top} more: scanner show ad {ad['id']}", style="dim")
