"""Human oversight in figures: how many flags a person reviewed, how soon, and how often they disagreed.

What an auditor asks of a risk score used on people (AI Act art. 14, AVG art. 22): is every flag
looked at by a person, and does that person decide, or follow the score? From the assessments and
the reviews in the database:

- **reviewed share**: the ads (and networks) ever flagged that a person reviewed; an ad counts as
  reviewed when it, or the network it belongs to, has a review;
- **time from flag to review**: from an ad's first flag to the first review after it (median, 90th
  percentile, longest), in hours;
- **disagreement with the score**: of the reviews with a trafficking label (trafficking-suspect or
  benign) of an ad or network that had a score before the review, the share whose label goes against
  the flag in force then: flagged but benign, or not flagged but a suspect. A reviewer who never
  disagrees may be following the score rather than checking it;
- **disagreement between reviewers**: of the ads and networks reviewed by two or more people, the
  share where their newest labels differ.

Rates carry a 95% Wilson interval (`scanner.model.fairness`). Ads that were purged take their
assessments with them, so the figures cover the ads still in the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scanner.db.models import Assessment, NetworkMember, Review
from scanner.model.dataset import NEGATIVE_LABELS, POSITIVE_LABELS
from scanner.model.fairness import Rate, rate_text

Subject = tuple[str, int]  # ("ad", id) or ("network", id)


def _first_flags(session: Session) -> dict[Subject, datetime]:
    flags: dict[Subject, datetime] = {}
    for kind, column, scope in (
        ("ad", Assessment.ad_id, Assessment.ad_id.is_not(None)),
        ("network", Assessment.network_id, Assessment.ad_id.is_(None) & Assessment.network_id.is_not(None)),
    ):
        query = (
            select(column, func.min(Assessment.created_at)).where(scope, Assessment.flagged.is_(True)).group_by(column)
        )
        for owner, first in session.execute(query):
            if owner is not None:
                flags[(kind, owner)] = first
    return flags


def _reviews(session: Session) -> dict[Subject, list[tuple[datetime, str, str]]]:
    """Reviews per subject, oldest first: (time, label, reviewer)."""
    found: dict[Subject, list[tuple[datetime, str, str]]] = defaultdict(list)
    query = select(Review.ad_id, Review.network_id, Review.created_at, Review.label, Review.reviewer).order_by(
        Review.created_at, Review.id
    )
    for ad_id, network_id, at, label, reviewer in session.execute(query):
        if ad_id is not None:
            found[("ad", ad_id)].append((at, label, reviewer))
        elif network_id is not None:
            found[("network", network_id)].append((at, label, reviewer))
    return found


def _networks_of(session: Session, ad_ids: Iterable[int]) -> dict[int, list[int]]:
    wanted = sorted(set(ad_ids))
    networks: dict[int, list[int]] = defaultdict(list)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for ad_id, network_id in session.execute(
            select(NetworkMember.ad_id, NetworkMember.network_id).where(NetworkMember.ad_id.in_(chunk))
        ):
            networks[ad_id].append(network_id)
    return networks


def _flag_in_force(session: Session, subject: Subject, at: datetime) -> bool | None:
    """Whether the subject was flagged by its newest assessment made at or before `at`; None without one."""
    column = Assessment.ad_id if subject[0] == "ad" else Assessment.network_id
    query = select(Assessment.flagged).where(column == subject[1], Assessment.created_at <= at)
    if subject[0] == "network":
        query = query.where(Assessment.ad_id.is_(None))
    return session.scalars(query.order_by(Assessment.created_at.desc(), Assessment.id.desc()).limit(1)).first()


def _hours(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"count": 0}
    array = np.asarray(values, dtype=float)
    return {
        "count": len(values),
        "median": round(float(np.median(array)), 1),
        "p90": round(float(np.percentile(array, 90)), 1),
        "max": round(float(array.max()), 1),
    }


def oversight_figures(session: Session) -> dict[str, Any]:
    """The oversight figures of the database (see the module docstring)."""
    flags = _first_flags(session)
    reviews = _reviews(session)
    flagged_ads = [owner for kind, owner in flags if kind == "ad"]
    networks_of = _networks_of(session, flagged_ads)
    reviewed: dict[str, int] = {"ad": 0, "network": 0}
    waits: list[float] = []
    for (kind, owner), first_flag in flags.items():
        own = list(reviews.get((kind, owner), []))
        if kind == "ad":
            for network_id in networks_of.get(owner, []):
                own += reviews.get(("network", network_id), [])
        if not own:
            continue
        reviewed[kind] += 1
        after = [at for at, _label, _reviewer in own if at >= first_flag]
        if after:
            waits.append((min(after) - first_flag).total_seconds() / 3600.0)
    counted = {kind: sum(1 for k, _ in flags if k == kind) for kind in ("ad", "network")}
    return {
        "flagged_ads_reviewed": Rate(reviewed["ad"], counted["ad"]).as_dict(),
        "flagged_networks_reviewed": Rate(reviewed["network"], counted["network"]).as_dict(),
        "hours_from_flag_to_review": _hours(waits),
        "reviews": sum(len(items) for items in reviews.values()),
        "reviews_by_label": dict(
            sorted(_count(label for items in reviews.values() for _at, label, _reviewer in items).items())
        ),
        "reviewers": len({reviewer for items in reviews.values() for _at, _label, reviewer in items}),
        "disagreement_with_score": _score_disagreement(session, reviews),
        "disagreement_between_reviewers": _reviewer_disagreement(reviews),
    }


def _count(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for value in values:
        counts[value] += 1
    return dict(counts)


def _score_disagreement(session: Session, reviews: Mapping[Subject, list[tuple[datetime, str, str]]]) -> dict[str, Any]:
    flagged_benign = unflagged_suspect = compared = 0
    for subject, items in reviews.items():
        for at, label, _reviewer in items:
            if label not in POSITIVE_LABELS | NEGATIVE_LABELS:
                continue  # licensing, unsure and spam labels say nothing about the risk score
            flagged = _flag_in_force(session, subject, at)
            if flagged is None:
                continue  # reviewed before any score: nothing to agree or disagree with
            compared += 1
            if flagged and label in NEGATIVE_LABELS:
                flagged_benign += 1
            elif not flagged and label in POSITIVE_LABELS:
                unflagged_suspect += 1
    return {
        "disagreed": Rate(flagged_benign + unflagged_suspect, compared).as_dict(),
        "flagged_but_benign": flagged_benign,
        "not_flagged_but_suspect": unflagged_suspect,
    }


def _reviewer_disagreement(reviews: Mapping[Subject, list[tuple[datetime, str, str]]]) -> dict[str, Any]:
    several = disagreed = 0
    for items in reviews.values():
        newest: dict[str, str] = {}
        for _at, label, reviewer in items:
            newest[reviewer] = label
        if len(newest) >= 2:
            several += 1
            disagreed += len(set(newest.values())) > 1
    return {"disagreed": Rate(disagreed, several).as_dict()}


def oversight_lines(figures: Mapping[str, Any]) -> list[str]:
    """The figures as sentences, for `scanner audit`, the card and the AI Act documentation."""
    hours = figures.get("hours_from_flag_to_review", {})
    if hours.get("count"):
        wait = (
            f"time from flag to review: median {hours['median']} h, 90th percentile {hours['p90']} h, "
            f"longest {hours['max']} h ({hours['count']} reviews after a flag)"
        )
    else:
        wait = "time from flag to review: no review after a flag yet"
    score = figures.get("disagreement_with_score", {})
    labels = ", ".join(f"{label} {count}" for label, count in figures.get("reviews_by_label", {}).items())
    ads = rate_text(figures.get("flagged_ads_reviewed", {}), "no flags yet")
    networks = rate_text(figures.get("flagged_networks_reviewed", {}), "no flags yet")
    between = rate_text(figures.get("disagreement_between_reviewers", {}).get("disagreed", {}), "none reviewed twice")
    return [
        f"flagged ads reviewed by a person: {ads}",
        f"flagged networks reviewed by a person: {networks}",
        wait,
        f"reviews: {figures.get('reviews', 0)} by {figures.get('reviewers', 0)} reviewers"
        + (f" ({labels})" if labels else ""),
        f"reviewers disagreed with the score: {rate_text(score.get('disagreed', {}), 'no review of a scored ad yet')}; "
        f"flagged but benign {score.get('flagged_but_benign', 0)}, "
        f"not flagged but a suspect {score.get('not_flagged_but_suspect', 0)}",
        f"reviewers disagreed with each other: {between} of the ads and networks reviewed by two or more",
    ]
