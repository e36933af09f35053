"""Retention: delete the ads the retention settings no longer allow to keep, and all they leave behind.

The rules (settings `retention.*`, documented in docs/deploy.md):

- an ad never flagged, and not under review, is purged `unflagged_days` after it was last seen;
- an ad that was flagged (itself, or as a member of a flagged network) but never reviewed is purged
  `flagged_days` after it was last seen;
- an ad whose latest review is an open label (trafficking-suspect, illegal-prostitution, unsure) is
  kept while it is under review; a closing label (benign, spam-scam) lets it go after `unflagged_days`;
- reviews are never deleted: they carry a snapshot of what they label. Once its ad is gone, a review
  whose latest label is benign keeps label, reviewer and scores but loses the ad's text, phones, URL
  and the note (`redact_benign_reviews`);
- an ad held because its place could not be resolved (`ads.place_held_since`) is purged when it is
  still held `unresolved_place_days` after the hold began: it cannot be shown to be in the region.

Deleting an ad removes its versions, sightings, photo and identifier links, links, network
memberships, indicator hits and assessments (foreign keys cascade). Identifiers and photos only
purged ads used, networks left without members, and the identity judgements that name a purged ad
go too; so do the traces of the ads elsewhere (scanner.workflow.purge_derived). `plan_purge` computes
all of it once, and both the purge and its dry run report that plan, so the dry run's counts are the
purge's. The counts go to the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from scanner.clock import utcnow
from scanner.db import audit
from scanner.db.models import (
    Ad,
    AdIdentifier,
    AdPhoto,
    AdVersion,
    Assessment,
    Identifier,
    IdentityJudgement,
    Network,
    NetworkMember,
    Photo,
    Sighting,
)
from scanner.db.session import Database
from scanner.investigate.review import OPEN_LABELS, latest_labels
from scanner.settings import LinkingSettings, RetentionSettings
from scanner.workflow import purge_derived as derived
from scanner.workflow.purge_derived import chunks


@dataclass
class PurgeStats:
    ads: int = 0
    versions: int = 0
    sightings: int = 0
    identifiers: int = 0
    photos: int = 0
    networks: int = 0
    networks_updated: int = 0
    http_cache: int = 0
    frontier: int = 0
    scan_runs_cleaned: int = 0
    hits_cleaned: int = 0
    assessments_cleaned: int = 0
    reviews_redacted: int = 0
    judgements: int = 0  # identity judgements of linking that name a purged ad (decided anew next run)
    unresolved_places: int = 0  # of the ads: held too long with a place nobody could resolve
    kept_under_review: int = 0
    dry_run: bool = False
    ad_ids: list[int] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["ad_ids"]
        return data


@dataclass
class PurgePlan:
    """Everything one purge deletes or changes, by id, computed before anything changes."""

    ad_ids: list[int]
    kept_under_review: int
    versions: int
    sightings: int
    identifier_ids: list[int]
    photo_ids: list[int]
    network_ids: list[int]  # every member purged: deleted
    shrinking_network_ids: list[int]  # some members purged: summary recomputed
    urls: set[str]  # pages and photos of purged ads that nothing kept uses
    cache_urls: list[str]
    frontier_ids: list[int]
    scan_run_ids: list[int]
    hit_ids: list[int]
    assessment_ids: list[int]
    review_ids: list[int]
    judgement_ids: list[int]
    unresolved_places: int  # of ad_ids: held too long with a place nobody could resolve

    def stats(self, *, dry_run: bool) -> PurgeStats:
        return PurgeStats(
            ads=len(self.ad_ids),
            versions=self.versions,
            sightings=self.sightings,
            identifiers=len(self.identifier_ids),
            photos=len(self.photo_ids),
            networks=len(self.network_ids),
            networks_updated=len(self.shrinking_network_ids),
            http_cache=len(self.cache_urls),
            frontier=len(self.frontier_ids),
            scan_runs_cleaned=len(self.scan_run_ids),
            hits_cleaned=len(self.hit_ids),
            assessments_cleaned=len(self.assessment_ids),
            reviews_redacted=len(self.review_ids),
            judgements=len(self.judgement_ids),
            unresolved_places=self.unresolved_places,
            kept_under_review=self.kept_under_review,
            dry_run=dry_run,
            ad_ids=self.ad_ids,
        )


def _flagged_ad_ids(session: Session, candidates: list[int]) -> set[int]:
    flagged: set[int] = set()
    for chunk in chunks(candidates):
        flagged.update(
            ad_id
            for ad_id in session.scalars(
                select(Assessment.ad_id).where(Assessment.ad_id.in_(chunk), Assessment.flagged.is_(True)).distinct()
            )
            if ad_id is not None
        )
        # A member of a flagged network is flagged evidence too.
        flagged.update(
            session.scalars(
                select(NetworkMember.ad_id)
                .join(Assessment, Assessment.network_id == NetworkMember.network_id)
                .where(NetworkMember.ad_id.in_(chunk), Assessment.flagged.is_(True))
                .distinct()
            ).all()
        )
    return flagged


def purgeable_ads(session: Session, retention: RetentionSettings, now: datetime) -> tuple[list[int], int]:
    """Ids of the ads the retention settings say to delete now, and how many are kept under review."""
    unflagged_cutoff = now - timedelta(days=retention.unflagged_days)
    flagged_cutoff = now - timedelta(days=retention.flagged_days)
    latest_cutoff = max(unflagged_cutoff, flagged_cutoff)
    rows = session.execute(select(Ad.id, Ad.last_seen_at).where(Ad.last_seen_at < latest_cutoff).order_by(Ad.id)).all()
    candidates = [ad_id for ad_id, _ in rows]
    flagged = _flagged_ad_ids(session, candidates)
    labels: dict[int, str] = {}
    for chunk in chunks(candidates):
        labels.update(latest_labels(session, chunk))
    purge: list[int] = []
    kept = 0
    for ad_id, last_seen in rows:
        label = labels.get(ad_id)
        if label in OPEN_LABELS:
            kept += 1
            continue
        cutoff = flagged_cutoff if ad_id in flagged and label is None else unflagged_cutoff
        if last_seen < cutoff:
            purge.append(ad_id)
    held = held_too_long(session, retention, now)
    held_labels: dict[int, str] = {}
    for chunk in chunks(held):
        held_labels.update(latest_labels(session, chunk))
    purge += [ad_id for ad_id in held if held_labels.get(ad_id) not in OPEN_LABELS]
    return sorted(set(purge)), kept


def held_too_long(session: Session, retention: RetentionSettings, now: datetime) -> list[int]:
    """Ads held for a place nobody could resolve, longer than retention.unresolved_place_days."""
    cutoff = now - timedelta(days=retention.unresolved_place_days)
    return list(session.scalars(select(Ad.id).where(Ad.place_held_since <= cutoff).order_by(Ad.id)))


def _count(session: Session, column: Any, ids: Iterable[int]) -> int:
    total = 0
    for chunk in chunks(list(ids)):
        total += session.scalar(select(func.count()).where(column.in_(chunk))) or 0
    return total


def _only_theirs(session: Session, link_table: Any, key: Any, ad_ids: set[int]) -> list[int]:
    """Ids (identifiers, photos, networks) linked to the purged ads and to no other ad."""
    linked: set[int] = set()
    for chunk in chunks(sorted(ad_ids)):
        linked.update(session.scalars(select(key).where(link_table.ad_id.in_(chunk)).distinct()))
    shared: set[int] = set()
    for chunk in chunks(sorted(linked)):
        shared.update(
            owner
            for owner, ad_id in session.execute(select(key, link_table.ad_id).where(key.in_(chunk)))
            if ad_id not in ad_ids
        )
    return sorted(linked - shared)


def plan_purge(session: Session, retention: RetentionSettings, now: datetime) -> PurgePlan:
    """What a purge at `now` deletes and changes; nothing is changed here."""
    ad_ids, kept = purgeable_ads(session, retention, now)
    plan = plan_deletion(session, ad_ids, redact_benign_reviews=retention.redact_benign_reviews)
    plan.kept_under_review = kept
    plan.unresolved_places = len(set(ad_ids).intersection(held_too_long(session, retention, now)))
    return plan


def plan_deletion(session: Session, ad_ids: list[int], *, redact_benign_reviews: bool) -> PurgePlan:
    """What deleting these ads deletes and changes with them, as a purge would; nothing is changed here."""
    purged = set(ad_ids)
    photo_ids = _only_theirs(session, AdPhoto, AdPhoto.photo_id, purged)
    network_ids = _only_theirs(session, NetworkMember, NetworkMember.network_id, purged)
    gone_networks = set(network_ids)
    urls, ad_urls = derived.gone_urls(session, purged, set(photo_ids))
    return PurgePlan(
        ad_ids=sorted(purged),
        kept_under_review=0,
        versions=_count(session, AdVersion.ad_id, ad_ids),
        sightings=_count(session, Sighting.ad_id, ad_ids),
        identifier_ids=_only_theirs(session, AdIdentifier, AdIdentifier.identifier_id, purged),
        photo_ids=photo_ids,
        network_ids=network_ids,
        shrinking_network_ids=derived.find_shrinking_networks(session, purged, gone_networks),
        urls=urls,
        cache_urls=derived.find_cache_urls(session, urls, ad_urls),
        frontier_ids=derived.find_frontier_ids(session, urls),
        scan_run_ids=derived.find_scan_runs(session, urls),
        hit_ids=derived.find_group_hits(session, purged, gone_networks),
        assessment_ids=derived.find_assessments(session, purged, gone_networks),
        review_ids=derived.find_benign_reviews(session, purged, gone_networks) if redact_benign_reviews else [],
        judgement_ids=_judgements_naming(session, purged),
        unresolved_places=0,
    )


def _judgements_naming(session: Session, purged: set[int]) -> list[int]:
    """Linking's identity judgements that name a purged ad: the next linking run decides anew."""
    judged = session.execute(select(IdentityJudgement.id, IdentityJudgement.facts)).all()
    return sorted(row_id for row_id, facts in judged if purged.intersection((facts or {}).get("ad_ids", [])))


def apply_plan(session: Session, plan: PurgePlan, linking: LinkingSettings) -> None:
    """Delete and change exactly what the plan lists."""
    purged = set(plan.ad_ids)
    # Evidence of surviving rows is cleaned while it can still be read against the purged ids.
    derived.clean_hits(session, plan.hit_ids, purged)
    derived.clean_assessments(session, plan.assessment_ids, purged)
    derived.redact_reviews(session, plan.review_ids)
    derived.clean_scan_runs(session, plan.scan_run_ids, plan.urls)
    session.flush()
    for chunk in chunks(plan.ad_ids):
        session.execute(delete(Ad).where(Ad.id.in_(chunk)))
    for model, ids in ((Identifier, plan.identifier_ids), (Photo, plan.photo_ids), (Network, plan.network_ids)):
        for chunk in chunks(ids):
            session.execute(delete(model).where(model.id.in_(chunk)))
    derived.delete_cache(session, plan.cache_urls)
    derived.delete_frontier(session, plan.frontier_ids)
    for chunk in chunks(plan.judgement_ids):
        session.execute(delete(IdentityJudgement).where(IdentityJudgement.id.in_(chunk)))
    derived.refresh_network_summaries(session, plan.shrinking_network_ids, linking.link_min_strength)


def purge(
    db: Database,
    retention: RetentionSettings,
    *,
    actor: str,
    purpose: str = "",
    command: str = "purge",
    now: datetime | None = None,
    dry_run: bool = False,
    linking: LinkingSettings | None = None,
) -> PurgeStats:
    """Apply the retention settings; returns what was (or, with dry_run, would be) deleted and changed."""
    now = now or utcnow()
    with db.session() as session:
        plan = plan_purge(session, retention, now)
        if not dry_run:
            apply_plan(session, plan, linking or LinkingSettings())
        stats = plan.stats(dry_run=dry_run)
        audit.record(
            session,
            actor=actor,
            command=command,
            action="read" if dry_run else "purge",
            purpose=purpose,
            details={"retention": retention.model_dump(), **stats.as_dict()},
            now=now,
        )
    return stats
