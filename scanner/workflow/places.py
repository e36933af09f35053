"""Ads held for an unresolved place: released when their text names a known place, refused when it lies outside.

The crawl holds an ad whose place field (and listing city) the place resolver cannot read
(scanner.crawl.region). After extraction, its text may say where it is ("Ik ontvang in Haarlem"):
the first place the ad names as where it is (its place field first, then its text; reference points
such as "10 min van Utrecht" and districts named after their town do not count) decides.

- inside the region: the hold ends; the ad gets its municipality, and its sightings too;
- outside: the ad is deleted, as the crawl would have refused it (data minimisation), and its page is
  marked as the crawl marks refused pages, so it is not stored again while it does not change;
- nothing known: it stays held, is counted, and the purge deletes it when the hold ends
  (`retention.unresolved_place_days`).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from scanner.clock import utcnow
from scanner.db import audit
from scanner.db.models import Ad, AdVersion, HttpCacheEntry, Sighting, Source
from scanner.db.session import Database
from scanner.errors import SourceError
from scanner.places import Region
from scanner.settings import Settings
from scanner.workflow.retention import apply_plan, plan_deletion

log = logging.getLogger("scanner.workflow")


@dataclass
class HoldStats:
    held: int = 0  # ads still held after this step
    released: int = 0  # their text named a place inside the region
    refused: int = 0  # their text named a place outside the region: deleted

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def named_municipality(features: Any) -> str | None:
    """The municipality an ad says it is in: its place field's place first, then the first place of its text."""
    places = features.get("places") if isinstance(features, dict) else None
    candidates = [
        place
        for place in places or []
        if isinstance(place, dict) and not place.get("reference") and not place.get("district")
    ]
    candidates.sort(key=lambda place: not (place.get("span") or {}).get("field"))
    return next((str(place["municipality"]) for place in candidates if place.get("municipality")), None)


def _remember_outside(session: Session, url: str, region: Region) -> None:
    """Mark the ad's page as outside the region, as the crawl marks the ads it refuses: while the page does
    not change, the next crawls answer it from the cache instead of storing the ad again."""
    entry = session.get(HttpCacheEntry, url)
    if entry is not None:
        entry.meta = {**(entry.meta or {}), "outside_region": sorted(region.names)}


def _regions(settings: Settings) -> dict[str, Region]:
    """Each source's region (its own, else municipality.region), by source name."""
    from scanner.crawl import load_sources

    default = settings.municipality.region
    try:
        configs = load_sources(Path(settings.paths.sources_dir))
    except SourceError:
        configs = []  # the crawl stage reported it; the default region still applies
    regions = {config.name: Region(config.region if config.region is not None else default) for config in configs}
    regions[""] = Region(default)
    return regions


def settle_held_places(
    db: Database, settings: Settings, *, actor: str, purpose: str = "", now: datetime | None = None
) -> HoldStats:
    """Release or refuse the held ads whose text names a known place; count those still held."""
    now = now or utcnow()
    stats = HoldStats()
    with db.session() as session:
        rows = session.execute(
            select(Ad.id, Ad.url, Source.name, AdVersion.features)
            .join(Source, Source.id == Ad.source_id)
            .outerjoin(AdVersion, AdVersion.id == Ad.current_version_id)
            .where(Ad.place_held_since.is_not(None))
            .order_by(Ad.id)
        ).all()
        if not rows:
            return stats
        regions = _regions(settings)
        refused: list[int] = []
        refused_urls: set[str] = set()
        for ad_id, url, source, features in rows:
            municipality = named_municipality(features)
            if municipality is None:
                stats.held += 1
                continue
            region = regions.get(source, regions[""])
            if region.keeps_everything or municipality in region.municipalities:
                session.execute(update(Ad).where(Ad.id == ad_id).values(city=municipality, place_held_since=None))
                session.execute(
                    update(Sighting).where(Sighting.ad_id == ad_id, Sighting.city.is_(None)).values(city=municipality)
                )
                stats.released += 1
            else:
                refused.append(ad_id)
                refused_urls.add(url)
                _remember_outside(session, url, region)
        if refused:
            plan = plan_deletion(session, refused, redact_benign_reviews=settings.retention.redact_benign_reviews)
            # Their pages stay cached as outside the region, as the crawl keeps the pages it refuses.
            plan.cache_urls = [url for url in plan.cache_urls if url not in refused_urls]
            apply_plan(session, plan, settings.linking)
            stats.refused = len(refused)
            audit.record(
                session,
                actor=actor,
                command="scan",
                action="purge",
                purpose=purpose,
                details={"reason": "held ad whose text places it outside the region", "ads": len(refused)},
                now=now,
            )
    log.info("held places: %d released, %d refused, %d still held", stats.released, stats.refused, stats.held)
    return stats
