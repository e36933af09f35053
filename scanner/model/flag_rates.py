"""Flag rates per group at night, when there is no ground truth: who gets flagged more than the rest?

`flag_rates(session, settings.fairness)` takes every live ad with a score (its newest assessment) and
gives, per ad language, site and region (province), the share flagged, and, among the ads a person
reviewed as benign or as a suspect, the false-positive rate (the share of benign ads flagged). A
group stands out when its rate is more than `fairness.max_rate_ratio` times that of the other ads,
for groups of at least `fairness.min_group_ads` ads (`scanner.model.fairness`). The scan summary
stores the result and prints `flag_rate_lines`; the warnings also go to the log (group names and
counts only).

A higher flag rate is not proof of unfairness (one site may simply carry more controlled ads), but
it is where a person must look first: why does this group get flagged more, and are those flags
right?
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scanner.db.models import Ad, AdVersion, Assessment, Source
from scanner.model.dataset import labels_from_reviews
from scanner.model.fairness import compare_groups, rate_text, warnings_of
from scanner.settings import FairnessSettings

log = logging.getLogger("scanner.model")

DIMENSIONS = ("language", "site", "region")


def _groups_of(features: Any, site: str) -> dict[str, str]:
    features = features if isinstance(features, dict) else {}
    languages = features.get("languages")
    places = features.get("places")
    province = (
        places[0].get("province") if isinstance(places, list) and places and isinstance(places[0], dict) else None
    )
    return {
        "language": str(languages[0]) if isinstance(languages, list) and languages else "unknown",
        "site": site,
        "region": str(province) if province else "unknown",
    }


def flag_rates(session: Session, fairness: FairnessSettings) -> dict[str, Any]:
    """Flag rates of live ads and false-positive rates of reviewed ads, per language, site and region."""
    newest = (
        select(func.max(Assessment.id))
        .where(Assessment.ad_id.is_not(None))
        .group_by(Assessment.ad_id)
        .scalar_subquery()
    )
    query = (
        select(Ad.id, Source.name, AdVersion.features, Assessment.flagged)
        .join(Source, Source.id == Ad.source_id)
        .join(AdVersion, AdVersion.id == Ad.current_version_id)
        .join(Assessment, Assessment.ad_id == Ad.id)
        .where(Ad.removed_at.is_(None), Assessment.id.in_(newest))
    )
    ads = [
        (ad_id, _groups_of(features, site), bool(flagged)) for ad_id, site, features, flagged in session.execute(query)
    ]
    labels = labels_from_reviews(session)
    benign = [(groups, flagged) for ad_id, groups, flagged in ads if labels.get(ad_id) == 0]
    result: dict[str, Any] = {
        "ads": len(ads),
        "max_rate_ratio": fairness.max_rate_ratio,
        "min_group_ads": fairness.min_group_ads,
        "flag_rate": {},
        "reviewed_benign": len(benign),
        "false_positive_rate": {},
        "warnings": [],
    }
    for dimension in DIMENSIONS:
        ratio, size = fairness.max_rate_ratio, fairness.min_group_ads
        flags = compare_groups([g[dimension] for _, g, _ in ads], [f for _, _, f in ads], max_ratio=ratio, min_ads=size)
        errors = compare_groups(
            [g[dimension] for g, _ in benign], [f for _, f in benign], max_ratio=ratio, min_ads=size
        )
        result["flag_rate"][dimension] = flags
        result["false_positive_rate"][dimension] = errors
        result["warnings"] += warnings_of("live ads", dimension, flags, "flag rate")
        result["warnings"] += warnings_of("ads reviewed as benign", dimension, errors, "false-positive rate")
    for warning in result["warnings"]:
        log.warning("group stands out: %s", warning)
    return result


def flag_rate_lines(rates: Mapping[str, Any]) -> list[str]:
    """The summary lines: the flag rate of every group big enough to compare, then the warnings."""
    if not rates or not rates.get("ads"):
        return []
    lines = []
    for key, title in (("flag_rate", "flag rate"), ("false_positive_rate", "false-positive rate of benign reviews")):
        parts = []
        for dimension, groups in rates.get(key, {}).items():
            shown = [f"{name} {rate_text(group)}" for name, group in groups.items() if group.get("compared")]
            if shown:
                parts.append(f"{dimension} " + "; ".join(shown))
        if parts:
            lines.append(f"{title} per group of {rates['min_group_ads']}+ ads: " + " | ".join(parts))
    if not lines:
        lines.append(f"flag rate per group: no group of {rates['min_group_ads']}+ ads to compare yet")
    lines += [f"WARNING {warning}" for warning in rates.get("warnings", [])]
    return lines
