"""The linking stage on the database: read ads, link them, write links and networks, keep ids stable.

`run_linking` reads each ad's current version (text, `fields["name"]`), its identifiers (phone,
email, handle, licence; written by the extraction stage), its photo hashes (written by the crawler)
and its sightings, runs the pure core (scanner.link.core) and writes back only what changed:

- links (one row per pair and kind, `ad_a_id < ad_b_id`) are inserted, updated or deleted by diff;
- networks keep their label when their membership largely continues (scanner.link.networks), get a
  new label otherwise, and are dissolved (`dissolved_at`) when they no longer form;
- `link_state` keeps a fingerprint of each ad's linking inputs and its MinHash signature, so a nightly
  run computes signatures only for new and changed ads. The candidate searches over identifiers,
  photos and signatures are vectorised and run over all ads, so the incremental result is the
  same as `rebuild=True`, which drops the cached signatures and recomputes every ad.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from scanner.clock import utcnow
from scanner.db.models import (
    Ad,
    AdIdentifier,
    AdPhoto,
    AdVersion,
    Identifier,
    IdentityJudgement,
    Link,
    LinkState,
    Network,
    NetworkMember,
    Photo,
    Sighting,
    Source,
)
from scanner.db.session import Database
from scanner.errors import NotFoundError
from scanner.link.core import link_records
from scanner.link.movement import Movement, movement_from_sightings
from scanner.link.networks import label_number, match_labels
from scanner.link.records import GROUP_KINDS, AdRecord, Judgement, LinkEdge, LinkResult, PhotoHash, Signature
from scanner.settings import Settings

log = logging.getLogger("scanner.link")
IDENTIFIER_KINDS = ("phone", "email", "handle", "license")


@dataclass
class LinkStats:
    ads: int = 0
    changed_ads: int = 0
    links_added: int = 0
    links_updated: int = 0
    links_removed: int = 0
    networks_active: int = 0
    networks_new: int = 0
    networks_continued: int = 0
    networks_dissolved: int = 0
    business_groups: int = 0
    duo_pairs: int = 0
    judgements: dict[str, int] = field(default_factory=dict)  # verdict -> identifiers judged so
    seconds: float = 0.0
    core: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_records(session: Session) -> list[AdRecord]:
    """One AdRecord per ad that has a current version and a resolved place, in ad id order."""
    parts: dict[int, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    rows = session.execute(
        select(AdIdentifier.ad_id, Identifier.kind, Identifier.value)
        .join(Identifier, Identifier.id == AdIdentifier.identifier_id)
        .where(Identifier.kind.in_(IDENTIFIER_KINDS))
        .order_by(AdIdentifier.ad_id, Identifier.kind, Identifier.value)
    )
    for ad_id, kind, value in rows:
        parts[ad_id][kind].append(value)
    photo_rows = session.execute(
        select(AdPhoto.ad_id, Photo.phash, Photo.phash_mirror)
        .join(Photo, Photo.id == AdPhoto.photo_id)
        .where(Photo.phash.is_not(None))
        .order_by(AdPhoto.ad_id, Photo.phash)
    )
    for ad_id, phash, mirror in photo_rows:
        if phash:
            parts[ad_id]["photos"].append(PhotoHash(int(phash, 16), int(mirror, 16) if mirror else None))
    for ad_id, seen_at, city in session.execute(
        select(Sighting.ad_id, Sighting.seen_at, Sighting.city).order_by(Sighting.ad_id, Sighting.seen_at)
    ):
        if city:
            parts[ad_id]["sightings"].append((seen_at.date(), city))
    records = []
    versions = session.execute(
        select(Ad.id, Ad.city, Source.name, AdVersion.title, AdVersion.text, AdVersion.fields)
        .join(AdVersion, AdVersion.id == Ad.current_version_id)
        .join(Source, Source.id == Ad.source_id)
        .where(Ad.place_held_since.is_(None))  # an ad whose place is not resolved yet is not linked
        .order_by(Ad.id)
    )
    for ad_id, city, source, title, text, fields in versions:
        own = parts.get(ad_id, {})
        name = (fields or {}).get("name") or ""
        records.append(
            AdRecord(
                ad_id=ad_id,
                phones=tuple(own.get("phone", ())),
                emails=tuple(own.get("email", ())),
                handles=tuple(own.get("handle", ())),
                photos=tuple(own.get("photos", ())),
                text=f"{title}\n{text}" if title else text,
                name=str(name),
                city=city,
                sightings=tuple(own.get("sightings", ())),
                license_numbers=tuple(own.get("license", ())),
                source=source,
            )
        )
    return records


def fingerprint(record: AdRecord, settings: Settings) -> str:
    """Hash of what decides an ad's links and its cached signature (not its sightings: they feed movement)."""
    text_setup = (settings.linking.text_num_perm, settings.linking.text_shingle_words)
    payload = repr((record.phones, record.emails, record.handles, record.photos, record.text, record.name, text_setup))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def run_linking(db: Database, settings: Settings, *, rebuild: bool = False, now: datetime | None = None) -> LinkStats:
    """Link all ads and store links and networks; only new and changed ads get new text signatures."""
    started = time.perf_counter()
    now = now or utcnow()
    stats = LinkStats()
    with db.session() as session:
        records = load_records(session)
        states = {state.ad_id: state for state in session.scalars(select(LinkState))}
        prints = {record.ad_id: fingerprint(record, settings) for record in records}
        cached: dict[int, Signature] = {}
        if not rebuild:
            for ad_id, state in states.items():
                if prints.get(ad_id) == state.fingerprint and state.signature is not None:  # b"": too short
                    cached[ad_id] = np.frombuffer(state.signature, dtype=np.uint32)
        unchanged = {ad for ad, state in states.items() if prints.get(ad) == state.fingerprint}
        stats.ads = len(records)
        stats.changed_ads = len(records) - len(unchanged & set(prints))
        result = link_records(records, settings.linking, cached_signatures=cached)
        _write_state(session, states, prints, result, now)
        _write_links(session, result.links, now, stats)
        _write_judgements(session, result.judgements, now)
        _write_networks(session, result, now, stats)
        stats.core = result.stats
        stats.judgements = dict(result.stats.get("judgements", {}))
    stats.seconds = round(time.perf_counter() - started, 3)
    log.info(
        "linked %d ads (%d changed): +%d/~%d/-%d links, %d networks (%d new, %d dissolved), "
        "%d business groups, %d duo pairs",
        stats.ads,
        stats.changed_ads,
        stats.links_added,
        stats.links_updated,
        stats.links_removed,
        stats.networks_active,
        stats.networks_new,
        stats.networks_dissolved,
        stats.business_groups,
        stats.duo_pairs,
    )
    return stats


def _write_state(
    session: Session, states: dict[int, LinkState], prints: dict[int, str], result: LinkResult, now: datetime
) -> None:
    fresh: list[dict[str, Any]] = []
    for ad_id, digest in prints.items():
        signature = result.signatures.get(ad_id)
        # An empty signature records "too short to compare", so that is not recomputed either.
        blob = signature.astype(np.uint32).tobytes() if signature is not None else None
        state = states.get(ad_id)
        if state is None:
            fresh.append({"ad_id": ad_id, "fingerprint": digest, "signature": blob, "updated_at": now})
        elif state.fingerprint != digest or state.signature != blob:
            state.fingerprint, state.signature, state.updated_at = digest, blob, now
    for start in range(0, len(fresh), 5000):
        session.execute(insert(LinkState), fresh[start : start + 5000])
    gone = [ad_id for ad_id in states if ad_id not in prints]
    if gone:
        session.execute(delete(LinkState).where(LinkState.ad_id.in_(gone)))


def _write_links(session: Session, links: list[LinkEdge], now: datetime, stats: LinkStats) -> None:
    existing = {(link.ad_a_id, link.ad_b_id, link.kind): link for link in session.scalars(select(Link))}
    wanted = {(link.ad_a, link.ad_b, link.kind): link for link in links}
    fresh: list[dict[str, Any]] = []
    for key, edge in wanted.items():
        row = existing.get(key)
        if row is None:
            fresh.append(
                {
                    "ad_a_id": edge.ad_a,
                    "ad_b_id": edge.ad_b,
                    "kind": edge.kind,
                    "strength": edge.strength,
                    "evidence": edge.evidence,
                    "created_at": now,
                }
            )
        elif row.strength != edge.strength or row.evidence != edge.evidence:
            row.strength, row.evidence = edge.strength, edge.evidence
            stats.links_updated += 1
    for start in range(0, len(fresh), 5000):
        session.execute(insert(Link), fresh[start : start + 5000])
    stats.links_added = len(fresh)
    stale = [row.id for key, row in existing.items() if key not in wanted]
    for start in range(0, len(stale), 500):
        session.execute(delete(Link).where(Link.id.in_(stale[start : start + 500])))
    stats.links_removed = len(stale)


def _write_judgements(session: Session, judgements: list[Judgement], now: datetime) -> None:
    """Store each judgement with its reason; rows change only when a verdict, reason or fact changes."""
    existing = {(row.kind, row.value): row for row in session.scalars(select(IdentityJudgement))}
    fresh: list[dict[str, Any]] = []
    wanted: set[tuple[str, str]] = set()
    for judgement in judgements:
        key = (judgement.kind, judgement.value[:300])
        wanted.add(key)
        facts = {**judgement.facts, "ad_ids": list(judgement.ads)}
        row = existing.get(key)
        if row is None:
            fresh.append(
                {
                    "kind": key[0],
                    "value": key[1],
                    "verdict": judgement.verdict,
                    "reason": judgement.reason,
                    "facts": facts,
                    "decided_at": now,
                }
            )
        elif (row.verdict, row.reason, row.facts) != (judgement.verdict, judgement.reason, facts):
            row.verdict, row.reason, row.facts, row.decided_at = judgement.verdict, judgement.reason, facts, now
    for start in range(0, len(fresh), 5000):
        session.execute(insert(IdentityJudgement), fresh[start : start + 5000])
    stale = [row.id for key, row in existing.items() if key not in wanted]
    for start in range(0, len(stale), 500):
        session.execute(delete(IdentityJudgement).where(IdentityJudgement.id.in_(stale[start : start + 500])))


def _write_networks(session: Session, result: LinkResult, now: datetime, stats: LinkStats) -> None:
    active = {
        network.label: network for network in session.scalars(select(Network).where(Network.dissolved_at.is_(None)))
    }
    members: dict[int, set[int]] = defaultdict(set)
    for network_id, ad_id in session.execute(select(NetworkMember.network_id, NetworkMember.ad_id)):
        members[network_id].add(ad_id)
    used: dict[str, list[str]] = defaultdict(list)
    for kind, label in session.execute(select(Network.kind, Network.label)):
        used[kind].append(label)
    for kind in GROUP_KINDS:
        groups = [group for group in result.networks if group.kind == kind]
        previous = {label: frozenset(members[network.id]) for label, network in active.items() if network.kind == kind}
        highest = max((label_number(label) for label in used[kind]), default=0)
        assigned, dissolved = match_labels(
            [frozenset(group.members) for group in groups], previous, highest_used=highest, kind=kind
        )
        for position, group in enumerate(groups):
            label = assigned[position]
            network = active.get(label)
            if network is None:
                network = Network(label=label, kind=kind, size=0, created_at=now, updated_at=now, summary={})
                session.add(network)
                session.flush()
                if kind == "network":
                    stats.networks_new += 1
            elif kind == "network":
                stats.networks_continued += 1
            wanted = set(group.members)
            current = members.get(network.id, set())
            for ad_id in sorted(wanted - current):
                session.add(NetworkMember(network_id=network.id, ad_id=ad_id, added_at=now))
            if current - wanted:
                session.execute(
                    delete(NetworkMember).where(
                        NetworkMember.network_id == network.id, NetworkMember.ad_id.in_(sorted(current - wanted))
                    )
                )
            summary = {**group.summary, "label": label}
            if network.size != len(wanted) or network.summary != summary:
                network.size, network.summary, network.updated_at = len(wanted), summary, now
        for label in dissolved:
            active[label].dissolved_at = now
            active[label].updated_at = now
        if kind == "network":
            stats.networks_dissolved = len(dissolved)
            stats.networks_active = len(groups)
        elif kind == "business":
            stats.business_groups = len(groups)
        else:
            stats.duo_pairs = len(groups)


def _movement_of_ads(session: Session, ad_ids: list[int]) -> Movement:
    sightings: list[tuple[date, str | None]] = []
    for start in range(0, len(ad_ids), 500):
        rows = session.execute(
            select(Sighting.seen_at, Sighting.city).where(Sighting.ad_id.in_(ad_ids[start : start + 500]))
        )
        sightings.extend((seen_at.date(), city) for seen_at, city in rows)
    return movement_from_sightings(sightings)


def movement_for_phone(db: Database, e164: str) -> Movement:
    """Where the ads with this phone number (E.164) were seen, day by day."""
    with db.session() as session:
        ad_ids = list(
            session.scalars(
                select(AdIdentifier.ad_id)
                .join(Identifier, Identifier.id == AdIdentifier.identifier_id)
                .where(Identifier.kind == "phone", Identifier.value == e164)
            )
        )
        if not ad_ids:
            raise NotFoundError(
                "no ad with this phone number", context="phone", hint="write the number as +31612345678"
            )
        return _movement_of_ads(session, sorted(ad_ids))


def movement_for_network(db: Database, network_id: int | str) -> Movement:
    """Where the ads of a network (its id or its label, e.g. N-000001) were seen, day by day."""
    with db.session() as session:
        if isinstance(network_id, str):
            found = session.scalar(select(Network.id).where(Network.label == network_id))
        else:
            found = session.scalar(select(Network.id).where(Network.id == network_id))
        if found is None:
            raise NotFoundError(
                f"no network {network_id}", context="network", hint="list networks with: scanner link --list"
            )
        ad_ids = sorted(session.scalars(select(NetworkMember.ad_id).where(NetworkMember.network_id == found)))
        return _movement_of_ads(session, ad_ids)
