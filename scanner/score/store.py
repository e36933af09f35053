"""Score every ad and network and store the explained assessments; pick what to review next.

`score_all` reads each ad's current version, its indicator hits (and those of its network), runs the
model when one is configured and combines both by `scanner.score.combine`. It writes one assessment
per ad and per network for the scan run, replacing any assessment of the same ad or network in the
same run, so running it twice stores nothing new.

With `model.rules_only` set the score uses the rules only and the assessments record no model
version. Otherwise a `model.path` that names no file, and a model file that is untrusted, tampered
with or incompatible, are refused (`ModelError`): silently falling back would hide that scores
changed meaning.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from scanner.clock import utcnow
from scanner.db.models import Ad, AdVersion, Assessment, IndicatorHit, Network, NetworkMember, Review, live_networks
from scanner.db.session import Database
from scanner.errors import ModelError
from scanner.model.dataset import AdRecord, load_records
from scanner.model.features import regional_medians
from scanner.model.io import load_model, resolve_model_path
from scanner.model.predict import LoadedModel
from scanner.score.combine import Score, combine
from scanner.score.model_part import TOP_FEATURES, model_warning, strongest
from scanner.settings import Settings

log = logging.getLogger("scanner.score")

BATCH = 500


@dataclass
class ScoreStats:
    ads: int = 0
    networks: int = 0
    flagged: int = 0
    underage: int = 0
    model_version: str | None = None
    model_warning: str | None = None  # from the model card: synthetic, or trained on few labels
    ruleset_hash: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class _Scored:
    record: AdRecord
    probability: float | None
    top_features: list[dict[str, Any]] = field(default_factory=list)


def configured_model(settings: Settings) -> LoadedModel | None:
    """The model of `model.path`, or None when `model.rules_only` is set; a missing file is a ModelError."""
    if settings.model.rules_only:
        log.info("model.rules_only is set: scoring with the rules only")
        return None
    return load_model(model_file(settings), extra_trusted=settings.model.trusted_types)


def model_file(settings: Settings) -> Path:
    """The file `model.path` names; ModelError (exit 8) when it names none, so a typo is never silent."""
    path = resolve_model_path(settings.model.path)
    if path is None:
        problem = f"no model file at {settings.model.path!r}" if settings.model.path else "model.path is empty"
        raise ModelError(
            problem,
            context="model.path",
            hint="fix model.path (read from the working directory, then the scanner checkout), train one with "
            "`scanner model train`, or set model.rules_only = true to score with the rules only",
        )
    return path


def _price_baseline(session: Session) -> dict[str, float]:
    """Regional median prices over every current ad, so scoring a few ads compares them to the whole market."""
    query = select(AdVersion.features).join(Ad, Ad.current_version_id == AdVersion.id)
    records = [
        AdRecord(ad_id=None, site="", city=None, title="", text="", features=features, group="-")
        for features in session.scalars(query)
        if isinstance(features, dict)
    ]
    return regional_medians(records)


def _latest_ruleset_hash(session: Session) -> str | None:
    return session.scalars(select(IndicatorHit.ruleset_hash).order_by(IndicatorHit.id.desc()).limit(1)).first()


def _targets(session: Session, ad_ids: Collection[int] | None) -> tuple[set[int] | None, set[int] | None]:
    """The ads to score and the networks to score (None: all), and so the ads whose records are needed."""
    if ad_ids is None:
        return None, None
    networks = set(
        session.scalars(
            select(NetworkMember.network_id)
            .join(Network, Network.id == NetworkMember.network_id)
            .where(NetworkMember.ad_id.in_(list(ad_ids)), live_networks())
        )
    )
    return set(ad_ids), networks


def _predict(model: LoadedModel | None, records: Sequence[AdRecord], medians: dict[str, float]) -> list[_Scored]:
    if model is None:
        return [_Scored(record, None) for record in records]
    scored: list[_Scored] = []
    for start in range(0, len(records), BATCH):
        chunk = records[start : start + BATCH]
        rows = model.rows(chunk, medians)  # masked as the model's training data was
        probabilities = model.probabilities(rows)
        explained = model.explain(rows, top=TOP_FEATURES, both_ways=True)
        scored += [
            _Scored(record, float(p), features)
            for record, p, features in zip(chunk, probabilities, explained, strict=True)
        ]
    return scored


def _network_features(members: Sequence[_Scored]) -> list[dict[str, Any]]:
    """The features that moved the member ads most, either way, averaged over the members."""
    totals: dict[str, float] = defaultdict(float)
    for member in members:
        for feature in member.top_features:
            totals[feature["name"]] += feature["contribution"]
    averaged = [{"name": name, "contribution": round(total / len(members), 4)} for name, total in totals.items()]
    return strongest(averaged)


def _assessment(
    score: Score, *, model: LoadedModel | None, run: int | None, now: datetime, ruleset: str | None
) -> Assessment:
    return Assessment(
        scan_run_id=run,
        created_at=now,
        risk_score=score.risk,
        licensing_score=score.licensing,
        underage=score.underage,
        flagged=score.flagged,
        model_version=model.version if model is not None else None,
        model_probability=None if score.probability is None else round(score.probability, 6),
        ruleset_hash=ruleset,
        explanation=score.explanation,
    )


def _count(stats: ScoreStats, score: Score) -> None:
    stats.flagged += int(score.flagged)
    stats.underage += int(score.underage)


def score_all(
    db: Database,
    settings: Settings,
    *,
    scan_run_id: int | None = None,
    ad_ids: Collection[int] | None = None,
    now: datetime | None = None,
) -> ScoreStats:
    """Store an explained assessment for each live ad (or those in `ad_ids`) and each network they are in."""
    model = configured_model(settings)
    now = now or utcnow()
    stats = ScoreStats(model_version=model.version if model is not None else None)
    stats.model_warning = model_warning(model.card, settings.model) if model is not None else None
    shown = {"model_version": stats.model_version, "model_warning": stats.model_warning}
    with db.session() as session:
        wanted_ads, wanted_networks = _targets(session, ad_ids)
        membership: dict[int, list[int]] = defaultdict(list)
        query = (
            select(NetworkMember.network_id, NetworkMember.ad_id)
            .join(Network, Network.id == NetworkMember.network_id)
            .where(live_networks())
        )
        if wanted_networks is not None:
            query = query.where(NetworkMember.network_id.in_(list(wanted_networks)))
        for network_id, ad_id in session.execute(query):
            membership[network_id].append(ad_id)
        needed = None if wanted_ads is None else wanted_ads | {ad for ads in membership.values() for ad in ads}
        records = load_records(session, needed, live_only=ad_ids is None)
        medians = regional_medians(records) if ad_ids is None else _price_baseline(session)
        stats.ruleset_hash = _latest_ruleset_hash(session)
    scored = _predict(model, records, medians)
    by_ad = {item.record.ad_id: item for item in scored}
    ad_items = [item for item in scored if wanted_ads is None or item.record.ad_id in wanted_ads]
    for start in range(0, len(ad_items), BATCH):
        with db.session() as session:
            chunk = ad_items[start : start + BATCH]
            ids = [item.record.ad_id for item in chunk]
            session.execute(
                delete(Assessment).where(
                    Assessment.ad_id.in_(ids),
                    Assessment.scan_run_id.is_(None) if scan_run_id is None else Assessment.scan_run_id == scan_run_id,
                )
            )
            for item in chunk:
                score = combine(
                    item.record.hits, item.probability, settings.score, top_features=item.top_features, **shown
                )
                assessment = _assessment(score, model=model, run=scan_run_id, now=now, ruleset=stats.ruleset_hash)
                assessment.ad_id = item.record.ad_id
                session.add(assessment)
                _count(stats, score)
                stats.ads += 1
    with db.session() as session:
        for network_id, member_ids in sorted(membership.items()):
            members = [by_ad[ad_id] for ad_id in member_ids if ad_id in by_ad]
            if not members:
                continue
            hits = [hit for member in members for hit in member.record.hits]
            probabilities = [m.probability for m in members if m.probability is not None]
            probability = sum(probabilities) / len(probabilities) if probabilities else None
            score = combine(hits, probability, settings.score, top_features=_network_features(members), **shown)
            session.execute(
                delete(Assessment).where(
                    Assessment.network_id == network_id,
                    Assessment.ad_id.is_(None),
                    Assessment.scan_run_id.is_(None) if scan_run_id is None else Assessment.scan_run_id == scan_run_id,
                )
            )
            assessment = _assessment(score, model=model, run=scan_run_id, now=now, ruleset=stats.ruleset_hash)
            assessment.network_id = network_id
            assessment.explanation = {**score.explanation, "members": len(members)}
            session.add(assessment)
            _count(stats, score)
            stats.networks += 1
    log.info(
        "scored %d ads and %d networks, %d flagged, %d underage escalations (model %s)",
        stats.ads,
        stats.networks,
        stats.flagged,
        stats.underage,
        stats.model_version or "none: rules only",
    )
    return stats


@dataclass(frozen=True)
class QueueItem:
    ad_id: int
    reason: str  # underage | highest risk | uncertain
    risk_score: float
    licensing_score: float
    model_probability: float | None
    flagged: bool
    underage: bool


def _latest_ad_assessments(session: Session) -> list[Assessment]:
    newest = select(func.max(Assessment.id)).where(Assessment.ad_id.is_not(None)).group_by(Assessment.ad_id)
    return list(session.scalars(select(Assessment).where(Assessment.id.in_(newest))))


def review_queue(db: Database, settings: Settings, limit: int = 20) -> list[QueueItem]:
    """What to review next: possible minors first, then the highest risks and the ads whose label would
    teach the model most (probability nearest 0.5), alternating. Ads already reviewed are left out."""
    with db.session() as session:
        reviewed = set(session.scalars(select(Review.ad_id).where(Review.ad_id.is_not(None))))
        reviewed_networks = select(Review.network_id).where(Review.network_id.is_not(None))
        reviewed |= set(
            session.scalars(select(NetworkMember.ad_id).where(NetworkMember.network_id.in_(reviewed_networks)))
        )
        live = set(session.scalars(select(Ad.id).where(Ad.removed_at.is_(None))))
        candidates = [a for a in _latest_ad_assessments(session) if a.ad_id in live and a.ad_id not in reviewed]

    def item(assessment: Assessment, reason: str) -> QueueItem:
        assert assessment.ad_id is not None
        return QueueItem(
            ad_id=assessment.ad_id,
            reason=reason,
            risk_score=assessment.risk_score,
            licensing_score=assessment.licensing_score,
            model_probability=assessment.model_probability,
            flagged=assessment.flagged,
            underage=assessment.underage,
        )

    by_risk = sorted(candidates, key=lambda a: (-a.risk_score, a.ad_id or 0))
    uncertain = sorted(
        (a for a in candidates if a.model_probability is not None),
        key=lambda a: (abs(a.model_probability - 0.5) if a.model_probability is not None else 1.0, a.ad_id or 0),
    )
    queue: list[QueueItem] = [item(a, "underage") for a in by_risk if a.underage][:limit]
    chosen = {entry.ad_id for entry in queue}
    risky, unsure = iter(by_risk), iter(uncertain)
    sources = [(risky, "highest risk"), (unsure, "uncertain")]
    turn = 0
    while len(queue) < limit and sources:
        source, reason = sources[turn % len(sources)]
        pick = next((a for a in source if a.ad_id not in chosen), None)
        if pick is None:
            sources.remove((source, reason))
            continue
        entry = item(pick, reason)
        queue.append(entry)
        chosen.add(entry.ad_id)
        turn += 1
    return queue
