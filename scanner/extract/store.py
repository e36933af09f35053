"""Run the extraction over stored ad versions and keep what it found.

`extract_pending(db, settings)` reads every ad version whose features are missing or were made by
another `EXTRACTOR_VERSION`, extracts `title + "\\n" + text` with the version's site fields (so
spans are offsets into that joined text, or into the field named by the span), and stores:

- `ad_versions.features` (the JSON of `scanner extract`) and `ad_versions.extractor_version`;
- `identifiers` (phone: E.164, email, handle: "kind:value", license) and `ad_identifiers` with
  where the identifier was found (field before text before link), the lowest obscurity seen, and
  the first and last time it was seen;
- `ads.city`: the municipality of the ad's current version (resolved by scanner.places), the site's
  city field first, else the first place named in the text.

It works in batches, one transaction each, so a killed run loses at most one batch and a second
run finds nothing left to do.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, tuple_
from sqlalchemy.orm import Session

from scanner.clock import utcnow
from scanner.db.models import Ad, AdIdentifier, AdVersion, Identifier
from scanner.db.session import Database
from scanner.extract.features import EXTRACTOR_VERSION, extract
from scanner.extract.spans import joined_text
from scanner.places import lookup
from scanner.settings import Settings

log = logging.getLogger("scanner.extract")

BATCH_SIZE = 200
_FOUND_IN_RANK = {"field": 0, "text": 1, "link": 2}


def identifiers_of(features: dict[str, Any]) -> dict[tuple[str, str], tuple[str, int]]:
    """(kind, value) -> (found_in, obscurity) for every identifier in one extraction."""
    found: dict[tuple[str, str], tuple[str, int]] = {}

    def add(kind: str, value: str, found_in: str = "text", obscurity: int = 0) -> None:
        key = (kind, value[:300])
        known = found.get(key)
        if known is not None:
            found_in = min(found_in, known[0], key=lambda name: _FOUND_IN_RANK.get(name, 3))
            obscurity = min(obscurity, known[1])
        found[key] = (found_in, obscurity)

    for detail in features.get("phone_details") or []:
        add("phone", detail["e164"], detail.get("found_in", "text"), int(detail.get("obscurity") or 0))
    for email in features.get("emails") or []:
        add("email", email)
    for handle in features.get("handles") or []:
        add("handle", f"{handle['kind']}:{handle['value']}")
    for number in features.get("license_numbers") or []:
        add("license", number)
    return found


def _identifier_ids(session: Session, keys: set[tuple[str, str]], now: datetime) -> dict[tuple[str, str], int]:
    ids: dict[tuple[str, str], int] = {}
    wanted = sorted(keys)
    for offset in range(0, len(wanted), 400):
        chunk = wanted[offset : offset + 400]
        rows = session.execute(
            select(Identifier.id, Identifier.kind, Identifier.value).where(
                tuple_(Identifier.kind, Identifier.value).in_(chunk)
            )
        )
        ids.update({(kind, value): identifier_id for identifier_id, kind, value in rows})
    for kind, value in wanted:
        if (kind, value) not in ids:
            identifier = Identifier(kind=kind, value=value, created_at=now)
            session.add(identifier)
            session.flush()
            ids[(kind, value)] = identifier.id
    return ids


def _store_batch(session: Session, versions: list[AdVersion], settings: Settings, now: datetime) -> None:
    per_version: list[tuple[AdVersion, dict[tuple[str, str], tuple[str, int]], list[str]]] = []
    for version in versions:
        extraction = extract(joined_text(version.title, version.text), version.fields or {}, settings=settings)
        features = extraction.to_json(id=version.id)
        version.features = features
        version.extractor_version = EXTRACTOR_VERSION
        per_version.append((version, identifiers_of(features), extraction.cities))
    ids = _identifier_ids(session, {key for _, found, _ in per_version for key in found}, now)
    ad_ids = {version.ad_id for version in versions}
    links = {
        (link.ad_id, link.identifier_id): link
        for link in session.scalars(select(AdIdentifier).where(AdIdentifier.ad_id.in_(ad_ids)))
    }
    ads = {ad.id: ad for ad in session.scalars(select(Ad).where(Ad.id.in_(ad_ids)))}
    for version, found, cities in per_version:
        seen = version.fetched_at or now
        for key, (found_in, obscurity) in found.items():
            identifier_id = ids[key]
            link = links.get((version.ad_id, identifier_id))
            if link is None:
                link = AdIdentifier(
                    ad_id=version.ad_id,
                    identifier_id=identifier_id,
                    found_in=found_in,
                    obscurity=obscurity,
                    first_seen_at=seen,
                    last_seen_at=seen,
                )
                session.add(link)
                links[(version.ad_id, identifier_id)] = link
                continue
            if _FOUND_IN_RANK.get(found_in, 3) < _FOUND_IN_RANK.get(link.found_in, 3):
                link.found_in = found_in
            link.obscurity = min(link.obscurity, obscurity)
            link.first_seen_at = min(link.first_seen_at, seen)
            link.last_seen_at = max(link.last_seen_at, seen)
        ad = ads.get(version.ad_id)
        place = lookup(cities[0]) if cities else None
        if ad is not None and place is not None and ad.current_version_id in (None, version.id):
            ad.city = place.municipality  # one town is one city, however the ad writes it


def extract_pending(db: Database, settings: Settings, *, now: datetime | None = None) -> int:
    """Extract every ad version that has no features from this extractor version; returns how many."""
    moment = now or utcnow()
    done = 0
    last_id = 0
    while True:
        with db.session() as session:
            versions = list(
                session.scalars(
                    select(AdVersion)
                    .where(
                        AdVersion.id > last_id,
                        or_(
                            AdVersion.features.is_(None),
                            AdVersion.extractor_version.is_(None),
                            AdVersion.extractor_version != EXTRACTOR_VERSION,
                        ),
                    )
                    .order_by(AdVersion.id)
                    .limit(BATCH_SIZE)
                )
            )
            if not versions:
                break
            _store_batch(session, versions, settings, moment)
            last_id = versions[-1].id
            done += len(versions)
        log.info("extracted %d ad versions (up to id %d)", done, last_id)
    return done
