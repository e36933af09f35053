"""The "start here" block at the top of the report: what an investigator must see in the first minute.

In this order, each item with one line of why:

1. the last scan (`scanner.investigate.last_scan`): did it run, completely;
2. the model behind the scores, with its card's warning (synthetic, or trained on few labels);
3. possible minors: every ad still online whose newest score escalates it as possibly underage and that
   nobody has reviewed since (a review of the ad itself, made after its escalation), the ones escalated
   since the report's start first and marked new: an escalation stays here until a person has looked
   at it;
4. watchlist hits among the ads listed;
5. networks flagged for the first time since the report's start.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scanner.db.models import Ad, Assessment, Network, Review
from scanner.investigate import queries
from scanner.investigate.region import RegionFilter


def current_model(session: Session) -> dict[str, Any] | None:
    """The model of the newest score: its version and its card's warning; None when scores use the rules only."""
    newest = session.scalars(select(Assessment).order_by(Assessment.id.desc()).limit(1)).first()
    if newest is None or newest.model_probability is None:
        return None
    stored = (newest.explanation or {}).get("model") or {}
    return {"version": stored.get("version") or newest.model_version, "warning": stored.get("warning")}


def possible_minors(session: Session, since: datetime | None, region: RegionFilter) -> list[dict[str, Any]]:
    """Live ads whose newest score is an underage escalation and that nobody reviewed since it was first
    escalated (a review of the ad itself: reviewing its network earlier hides no new minor); new ones first."""
    escalated = sorted(
        {ad_id for ad_id in session.scalars(select(Assessment.ad_id).where(Assessment.underage.is_(True))) if ad_id}
    )
    latest = queries.latest_assessments(session, escalated)
    first_escalated: dict[int, datetime] = {}
    for chunk in queries.chunks(escalated):
        for ad_id, at in session.execute(
            select(Assessment.ad_id, func.min(Assessment.created_at))
            .where(Assessment.ad_id.in_(chunk), Assessment.underage.is_(True))
            .group_by(Assessment.ad_id)
        ):
            if ad_id is not None:
                first_escalated[ad_id] = at
    reviewed: set[int] = set()
    for chunk in queries.chunks(escalated):
        for ad_id, at in session.execute(select(Review.ad_id, Review.created_at).where(Review.ad_id.in_(chunk))):
            if ad_id is not None and at >= first_escalated[ad_id]:
                reviewed.add(ad_id)
    wanted = [ad_id for ad_id in escalated if latest[ad_id].underage and ad_id not in reviewed]
    ads = region.ads(
        session,
        [
            ad
            for chunk in queries.chunks(wanted)
            for ad in session.scalars(select(Ad).where(Ad.id.in_(chunk), Ad.removed_at.is_(None)))
        ],
    )
    hits = queries.ad_hits(session, [ad.id for ad in ads])
    networks = queries.current_networks(session, [ad.id for ad in ads])
    found = []
    for ad in ads:
        why = next((hit.explanation for hit in hits.get(ad.id, []) if hit.category == "underage"), "")
        network = networks.get(ad.id)
        found.append(
            {
                "id": ad.id,
                "new": since is None or first_escalated[ad.id] >= since,
                "city": ad.city,
                "network": network.label if network else None,
                "url": ad.url,
                "why": why or "an underage rule fired (see scanner show ad)",
            }
        )
    return sorted(found, key=lambda minor: (not minor["new"], minor["id"]))


def newly_flagged_networks(session: Session, since: datetime | None, region: RegionFilter) -> list[dict[str, Any]]:
    """Networks whose first flagged score came since `since` (with a member in the region), highest risk
    first, each with its strongest rule."""
    flagged = select(Assessment.network_id).where(
        Assessment.network_id.is_not(None), Assessment.ad_id.is_(None), Assessment.flagged.is_(True)
    )
    now = set(session.scalars(flagged.where(Assessment.created_at >= since) if since else flagged))
    before = set(session.scalars(flagged.where(Assessment.created_at < since))) if since else set()
    ids = sorted(network_id for network_id in now - before if network_id is not None)
    assessments = queries.latest_network_assessments(session, ids)
    found = []
    for network in session.scalars(select(Network).where(Network.id.in_(ids))) if ids else []:
        member_ids = queries.network_member_ids(session, network.id)
        if not region.ads(session, session.scalars(select(Ad).where(Ad.id.in_(member_ids)))):
            continue
        assessment = assessments.get(network.id)
        rules = ((assessment.explanation or {}).get("rules") or []) if assessment else []
        strongest = max(rules, key=_why_first, default=None)
        found.append(
            {
                "label": network.label,
                "risk_score": round(assessment.risk_score, 1) if assessment else None,
                "size": len(member_ids),
                "why": f"{strongest['rule_id']}: {strongest['explanation']}" if strongest else "",
            }
        )
    return sorted(found, key=lambda item: (-(item["risk_score"] or 0.0), item["label"]))


def _why_first(rule: dict[str, Any]) -> tuple[int, float]:
    """Which rule says best why a network was flagged: an escalation, else the strongest trafficking sign."""
    rank = {"underage": 2, "trafficking": 1}.get(str(rule.get("category")), 0)
    return rank, float(rule.get("weight") or 0.0)


def watchlist_hits(listed: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The listed ads that match a watchlist entry, with the entries they match."""
    return [
        {
            "id": ad["id"],
            "network": ad["network"],
            "city": ad["city"],
            "change": ad["change"],
            "entries": ad["watch"],
        }
        for ad in listed
        if ad["watch"]
    ]


def start_here(
    session: Session, since: datetime | None, listed: Sequence[dict[str, Any]], region: RegionFilter
) -> dict[str, Any]:
    return {
        "model": current_model(session),
        "possible_minors": possible_minors(session, since, region),
        "watchlist_hits": watchlist_hits(listed),
        "newly_flagged_networks": newly_flagged_networks(session, since, region),
    }
