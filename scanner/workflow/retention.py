"""Retention: delete the ads the retention settings no longer allow to keep, and record it.

The rules (settings `retention.*`, documented in docs/investigators.md):

- an ad never flagged, and not under review, is purged `unflagged_days` after it was last seen;
- an ad that was flagged (itself, or as a member of a flagged network) but never reviewed is purged
  `flagged_days` after it was last seen;
- an ad whose latest review is an open label (trafficking-suspect, illegal-prostitution, unsure) is
  kept while it is under review; a closing label (benign, spam-scam) lets it go after `unflagged_days`;
- an ad held because its place could not be resolved (`ads.place_held_since`) is purged when it is
  still held `unresolved_place_days` after the hold began: it cannot be shown to be in the region;
- reviews are never purged: they carry a snapshot of what they label.

Deleting an ad removes its versions, sightings, photo and identifier links, links, network
memberships, indicator hits and assessments (foreign keys cascade). Identifiers and photos no ad
uses any more, networks left without members, and the identity judgements that name the ad go too.
The counts are written to the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Delete, delete, exists, func, select
from sqlalchemy.orm import Session

from scanner.clock import utcnow
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
from scanner.settings import RetentionSettings
from scanner.workflow import audit
from scanner.workflow.review import OPEN_LABELS, latest_labels

CHUNK = 500  # ids per statement: below every database's bound-parameter limit


@dataclass
class PurgeStats:
    ads: int = 0
    versions: int = 0
    sightings: int = 0
    identifiers: int = 0
    photos: int = 0
    networks: int = 0
    unresolved_places: int = 0  # of the ads: held too long with a place nobody could resolve
    kept_under_review: int = 0
    dry_run: bool = False
    ad_ids: list[int] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["ad_ids"]
        return data


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _flagged_ad_ids(session: Session, candidates: list[int]) -> set[int]:
    flagged: set[int] = set()
    for chunk in _chunks(candidates):
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
    for chunk in _chunks(candidates):
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
    for chunk in _chunks(held):
        held_labels.update(latest_labels(session, chunk))
    purge += [ad_id for ad_id in held if held_labels.get(ad_id) not in OPEN_LABELS]
    return sorted(set(purge)), kept


def held_too_long(session: Session, retention: RetentionSettings, now: datetime) -> list[int]:
    """Ads held for a place nobody could resolve, longer than retention.unresolved_place_days."""
    cutoff = now - timedelta(days=retention.unresolved_place_days)
    return list(session.scalars(select(Ad.id).where(Ad.place_held_since <= cutoff).order_by(Ad.id)))


def _count(session: Session, column: Any, ids: Iterable[int]) -> int:
    total = 0
    for chunk in _chunks(list(ids)):
        total += session.scalar(select(func.count()).where(column.in_(chunk))) or 0
    return total


def _ids_of(session: Session, column: Any, key: Any, ad_ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(ad_ids):
        found.update(session.scalars(select(column).where(key.in_(chunk)).distinct()).all())
    return found


def _deleted(session: Session, statement: Delete) -> int:
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount


def delete_ads(session: Session, ad_ids: Sequence[int], stats: PurgeStats) -> None:
    """Delete the ads, then the identifiers, photos and networks that only they used."""
    identifier_ids = _ids_of(session, AdIdentifier.identifier_id, AdIdentifier.ad_id, ad_ids)
    photo_ids = _ids_of(session, AdPhoto.photo_id, AdPhoto.ad_id, ad_ids)
    network_ids = _ids_of(session, NetworkMember.network_id, NetworkMember.ad_id, ad_ids)
    for chunk in _chunks(ad_ids):
        session.execute(delete(Ad).where(Ad.id.in_(chunk)))
    for chunk in _chunks(sorted(identifier_ids)):
        stats.identifiers += _deleted(
            session,
            delete(Identifier).where(
                Identifier.id.in_(chunk), ~exists().where(AdIdentifier.identifier_id == Identifier.id)
            ),
        )
    for chunk in _chunks(sorted(photo_ids)):
        stats.photos += _deleted(
            session, delete(Photo).where(Photo.id.in_(chunk), ~exists().where(AdPhoto.photo_id == Photo.id))
        )
    for chunk in _chunks(sorted(network_ids)):
        stats.networks += _deleted(
            session,
            delete(Network).where(Network.id.in_(chunk), ~exists().where(NetworkMember.network_id == Network.id)),
        )
    # what linking decided about their phones and pictures names them too; the next linking run decides anew
    gone = set(ad_ids)
    judged = session.execute(select(IdentityJudgement.id, IdentityJudgement.facts)).all()
    stale = [row_id for row_id, facts in judged if gone.intersection((facts or {}).get("ad_ids", []))]
    for chunk in _chunks(stale):
        session.execute(delete(IdentityJudgement).where(IdentityJudgement.id.in_(chunk)))


def purge(
    db: Database,
    retention: RetentionSettings,
    *,
    actor: str,
    purpose: str = "",
    command: str = "purge",
    now: datetime | None = None,
    dry_run: bool = False,
) -> PurgeStats:
    """Apply the retention settings; returns what was (or, with dry_run, would be) deleted."""
    now = now or utcnow()
    with db.session() as session:
        ad_ids, kept = purgeable_ads(session, retention, now)
        stats = PurgeStats(ads=len(ad_ids), kept_under_review=kept, dry_run=dry_run, ad_ids=ad_ids)
        stats.unresolved_places = len(held_too_long(session, retention, now))
        stats.versions = _count(session, AdVersion.ad_id, ad_ids)
        stats.sightings = _count(session, Sighting.ad_id, ad_ids)
        if not dry_run:
            delete_ads(session, ad_ids, stats)
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
