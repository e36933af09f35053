"""Investigators' labels: store a review with a snapshot of what it labels, and the review queue.

A review is a human decision about an ad (or a network): one of `LABELS` with a note. It carries a
copy of what was labelled (title, text, scores, indicator ids) so it survives a purge of the ad and
still trains the model. Reviews are never purged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanner.clock import utcnow
from scanner.db.models import Ad, AdVersion, Assessment, IndicatorHit, Network, NetworkMember, Review
from scanner.errors import InputError, NotFoundError

LABELS = ("trafficking-suspect", "illegal-prostitution", "benign", "spam-scam", "unsure")
# Labels that keep a case open: the ad stays in the database (retention) until someone closes it
# with a closing label.
OPEN_LABELS = frozenset({"trafficking-suspect", "illegal-prostitution", "unsure"})


def check_label(label: str) -> str:
    if label not in LABELS:
        raise InputError(f"unknown review label {label!r}", context="--label", hint=f"one of: {', '.join(LABELS)}")
    return label


def _latest_assessment(
    session: Session, *, ad_id: int | None = None, network_id: int | None = None
) -> Assessment | None:
    query = select(Assessment).order_by(Assessment.id.desc()).limit(1)
    query = (
        query.where(Assessment.ad_id == ad_id)
        if ad_id is not None
        else query.where(Assessment.network_id == network_id)
    )
    return session.scalars(query).first()


def _ad_snapshot(session: Session, ad: Ad) -> dict[str, Any]:
    version = session.get(AdVersion, ad.current_version_id) if ad.current_version_id else None
    assessment = _latest_assessment(session, ad_id=ad.id)
    rules = session.scalars(select(IndicatorHit.rule_id).where(IndicatorHit.ad_id == ad.id).distinct()).all()
    return {
        "kind": "ad",
        "ad_id": ad.id,
        "source": ad.source.name,
        "external_id": ad.external_id,
        "url": ad.url,
        "city": ad.city,
        "title": version.title if version else "",
        "text": version.text if version else "",
        "features": version.features if version else None,
        "risk_score": assessment.risk_score if assessment else None,
        "licensing_score": assessment.licensing_score if assessment else None,
        "flagged": assessment.flagged if assessment else None,
        "rules": sorted(rules),
    }


def add_review(
    session: Session,
    *,
    ad_id: int | None = None,
    network_label: str | None = None,
    label: str,
    note: str,
    reviewer: str,
    now: datetime | None = None,
) -> Review:
    """Store one review of an ad or a network, with its snapshot."""
    check_label(label)
    if ad_id is not None:
        ad = session.get(Ad, ad_id)
        if ad is None:
            raise NotFoundError(f"no ad with id {ad_id}", context="review", hint="find ids with `scanner report`")
        review = Review(ad_id=ad.id, snapshot=_ad_snapshot(session, ad))
    else:
        network = session.scalars(select(Network).where(Network.label == network_label)).first()
        if network is None:
            raise NotFoundError(f"no network {network_label}", context="review", hint="labels look like N-000123")
        members = session.scalars(select(NetworkMember.ad_id).where(NetworkMember.network_id == network.id)).all()
        assessment = _latest_assessment(session, network_id=network.id)
        review = Review(
            network_id=network.id,
            snapshot={
                "kind": "network",
                "label": network.label,
                "ad_ids": sorted(members),
                "summary": network.summary,
                "risk_score": assessment.risk_score if assessment else None,
            },
        )
    review.label = label
    review.note = note
    review.reviewer = reviewer
    review.created_at = now or utcnow()
    session.add(review)
    session.flush()
    return review


def latest_labels(session: Session, ad_ids: list[int] | None = None) -> dict[int, str]:
    """The most recent review label of each reviewed ad."""
    query = select(Review.ad_id, Review.label).where(Review.ad_id.is_not(None)).order_by(Review.id)
    if ad_ids is not None:
        query = query.where(Review.ad_id.in_(ad_ids))
    return {ad_id: label for ad_id, label in session.execute(query) if ad_id is not None}
