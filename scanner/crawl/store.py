"""What the crawler writes to the database, in batches, each batch one transaction.

Workers never touch the database: they hand `Outcome`s to the writer, which applies a batch of them
in order in one transaction together with the frontier status of the URLs they came from. So a
killed run loses only the batch in flight, whose URLs are still `pending` in the frontier and are
fetched again on resume: nothing is stored twice (sightings, versions and photos are unique) and
nothing is skipped.

Ads: one row per (source, external id); a new `ad_versions` row only when the content hash of title,
text and fields changed (a return to an earlier content points `current_version_id` back at it); a
sighting per ad per run; an ad that comes back has `removed_at` cleared. At the end of a source's
crawl, ads not sighted get `missing_scans` + 1 and `removed_at` once it reaches
crawl.removed_after_scans; they are kept as evidence.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from scanner.clock import utcnow
from scanner.crawl.imagehashes import PhotoHashes
from scanner.crawl.parse import AdRecord
from scanner.crawl.region import RegionFilter
from scanner.crawl.sourcefile import SourceConfig
from scanner.crawl.stats import CrawlStats, SourceStats
from scanner.db import Database
from scanner.db.models import (
    Ad,
    AdPhoto,
    AdVersion,
    FrontierEntry,
    HttpCacheEntry,
    Photo,
    ScanRun,
    Sighting,
    Source,
)


@dataclass(frozen=True)
class WorkItem:
    source: str
    url: str
    kind: str  # listing | ad | photo
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class CacheRecord:
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    meta: dict[str, Any] | None = None


@dataclass
class KnownAd:
    id: int
    content_hash: str | None


@dataclass
class SourceState:
    config: SourceConfig
    id: int
    region: RegionFilter
    known_ads: dict[str, KnownAd] = field(default_factory=dict)
    failed_listings: int = 0


@dataclass
class Outcome:
    """The result of one frontier entry, applied by the writer in one go."""

    item: WorkItem
    status: str = "done"  # done | failed
    error: str | None = None
    discovered: list[WorkItem] = field(default_factory=list)
    cache: tuple[str, CacheRecord] | None = None
    seen: list[tuple[str, str, str | None]] = field(default_factory=list)  # (external id, listing url, city)
    ad: AdRecord | None = None
    photo: tuple[PhotoHashes | None, str | None, bytes | None] | None = None  # hashes, error, bytes


class CrawlStore:
    def __init__(self, db: Database, run_id: int, now: datetime, removed_after: int, fetch_photos: bool = True) -> None:
        self.db = db
        self.fetch_photos = fetch_photos
        self.run_id = run_id
        self.now = now
        self.removed_after = removed_after
        self.sources: dict[str, SourceState] = {}
        self.cache: dict[str, CacheRecord] = {}
        self.frontier_urls: set[str] = set()
        self.sighted: set[int] = set()

    # ---- run and source setup ------------------------------------------------------------

    @staticmethod
    def open_run(db: Database, scan_run_id: int | None, now: datetime) -> tuple[int, CrawlStats, bool]:
        """The run to work in: a new crawl run, or the given one; with its stored stats and whether it resumes."""
        with db.session() as session:
            if scan_run_id is None:
                run = ScanRun(
                    kind="crawl",
                    status="running",
                    started_at=utcnow(),
                    heartbeat_at=utcnow(),
                    stats={},
                    host=socket.gethostname(),
                    pid=os.getpid(),
                )
                session.add(run)
                session.flush()
                return run.id, CrawlStats(), False
            existing = session.get(ScanRun, scan_run_id)
            if existing is None:
                from scanner.errors import NotFoundError

                raise NotFoundError(f"no scan run {scan_run_id}", context="crawl", hint="pass an existing run id")
            resumed = session.scalar(select(FrontierEntry.id).where(FrontierEntry.scan_run_id == scan_run_id).limit(1))
            return scan_run_id, CrawlStats.from_json((existing.stats or {}).get("crawl")), resumed is not None

    def add_source(self, config: SourceConfig, region: RegionFilter) -> SourceState:
        with self.db.session() as session:
            source = session.scalar(select(Source).where(Source.name == config.name))
            if source is None:
                source = Source(name=config.name, base_url=config.base_url, created_at=utcnow())
                session.add(source)
            source.base_url = config.base_url
            source.config_hash = config.config_hash
            session.flush()
            state = SourceState(config=config, id=source.id, region=region)
            rows = session.execute(
                select(Ad.id, Ad.external_id, AdVersion.content_hash)
                .outerjoin(AdVersion, AdVersion.id == Ad.current_version_id)
                .where(Ad.source_id == source.id)
            )
            state.known_ads = {external: KnownAd(ad_id, content_hash) for ad_id, external, content_hash in rows}
            state.failed_listings = (
                session.scalar(
                    select(FrontierEntry.id)
                    .where(
                        FrontierEntry.scan_run_id == self.run_id,
                        FrontierEntry.source_id == source.id,
                        FrontierEntry.kind == "listing",
                        FrontierEntry.status == "failed",
                    )
                    .limit(1)
                )
                is not None
            )
        self.sources[config.name] = state
        return state

    def load(self) -> list[WorkItem]:
        """The http cache, this run's sightings and frontier; returns its pending entries to resume."""
        names = {state.id: name for name, state in self.sources.items()}
        pending = []
        with self.db.session() as session:
            for url, etag, modified, content_hash, meta in session.execute(
                select(
                    HttpCacheEntry.url,
                    HttpCacheEntry.etag,
                    HttpCacheEntry.last_modified,
                    HttpCacheEntry.content_hash,
                    HttpCacheEntry.meta,
                )
            ):
                self.cache[url] = CacheRecord(etag, modified, content_hash, meta)
            self.sighted = set(session.scalars(select(Sighting.ad_id).where(Sighting.scan_run_id == self.run_id)))
            for source_id, url, kind, status, meta in session.execute(
                select(
                    FrontierEntry.source_id,
                    FrontierEntry.url,
                    FrontierEntry.kind,
                    FrontierEntry.status,
                    FrontierEntry.meta,
                )
                .where(FrontierEntry.scan_run_id == self.run_id)
                .order_by(FrontierEntry.id)
            ):
                self.frontier_urls.add(url)
                if status == "pending" and source_id in names:
                    pending.append(WorkItem(names[source_id], url, kind, dict(meta or {})))
        return pending

    # ---- applying outcomes ---------------------------------------------------------------

    def seed(self, items: list[WorkItem]) -> list[WorkItem]:
        """Add start URLs to the frontier; returns those that were not there yet."""
        fresh = self.claim(items)
        with self.db.session() as session:
            self._insert(session, fresh)
        return fresh

    def claim(self, items: list[WorkItem]) -> list[WorkItem]:
        """The items whose URL is new to this run's frontier, now marked as known.

        Pages are claimed on the event loop as soon as a listing is read, so they are fetched without
        waiting for the database; their rows are inserted with the listing's outcome, which the writer
        applies before any outcome of theirs. Photos are claimed by the writer, which knows their ads.
        """
        fresh = []
        for item in items:
            if item.url not in self.frontier_urls:
                self.frontier_urls.add(item.url)
                fresh.append(item)
        return fresh

    def _insert(self, session: Session, items: list[WorkItem]) -> None:
        for item in items:
            session.add(
                FrontierEntry(
                    scan_run_id=self.run_id,
                    source_id=self.sources[item.source].id,
                    url=item.url,
                    kind=item.kind,
                    status="pending",
                    meta=item.meta,
                    discovered_at=utcnow(),
                )
            )

    def apply(self, batch: list[Outcome], stats: CrawlStats, *, save_stats: bool = False) -> list[WorkItem]:
        """Apply outcomes in order in one transaction, counting into `stats`; returns new photos to fetch."""
        fresh: list[WorkItem] = []
        with self.db.session() as session:
            photo_urls = [url for outcome in batch if outcome.ad for url in outcome.ad.photos]
            known_photos = self._photo_ids(session, photo_urls)
            for outcome in batch:
                state = self.sources[outcome.item.source]
                source_stats = stats.source(state.config.name)
                self._insert(session, outcome.discovered)
                for external_id, listing_url, city in outcome.seen:
                    known = state.known_ads.get(external_id)
                    if known is not None:
                        self._sight(session, known.id, listing_url, city)
                        source_stats.unchanged_ads += 1
                if outcome.ad is not None:
                    fresh.extend(self._store_ad(session, state, outcome, known_photos, source_stats))
                if outcome.photo is not None:
                    self._store_photo(session, outcome.item, *outcome.photo)
                if outcome.cache is not None:
                    self._store_cache(session, *outcome.cache)
                session.execute(
                    update(FrontierEntry)
                    .where(FrontierEntry.scan_run_id == self.run_id, FrontierEntry.url == outcome.item.url)
                    .values(
                        status=outcome.status,
                        error=outcome.error,
                        done_at=utcnow(),
                        attempts=FrontierEntry.attempts + 1,
                    )
                )
                if outcome.status == "failed" and outcome.item.kind == "listing":
                    state.failed_listings += 1
            if save_stats:
                self._save_stats(session, stats)
        return fresh

    def _photo_ids(self, session: Session, urls: list[str]) -> dict[str, int]:
        if not urls:
            return {}
        return {
            url: photo_id
            for photo_id, url in session.execute(select(Photo.id, Photo.url).where(Photo.url.in_(set(urls))))
        }

    def _sight(self, session: Session, ad_id: int, listing_url: str, city: str | None) -> None:
        ad = session.get(Ad, ad_id)
        assert ad is not None
        ad.last_seen_at = self.now
        ad.missing_scans = 0
        ad.removed_at = None
        if ad_id not in self.sighted:
            self.sighted.add(ad_id)
            session.add(
                Sighting(
                    ad_id=ad_id,
                    scan_run_id=self.run_id,
                    seen_at=self.now,
                    listing_url=listing_url[:1000],
                    city=city or ad.city,
                )
            )

    def _store_ad(
        self,
        session: Session,
        state: SourceState,
        outcome: Outcome,
        known_photos: dict[str, int],
        stats: SourceStats,
    ) -> list[WorkItem]:
        record = outcome.ad
        assert record is not None
        listing_url = str(outcome.item.meta.get("listing_url", ""))
        listing_city = outcome.item.meta.get("city")
        if not state.region.contains(record.city or listing_city):
            stats.outside_region += 1
            return []
        content_hash = record.content_hash
        known = state.known_ads.get(record.external_id)
        if known is None:
            ad = Ad(
                source_id=state.id,
                external_id=record.external_id[:200],
                url=record.url[:1000],
                first_seen_at=self.now,
                last_seen_at=self.now,
                city=record.city,
            )
            session.add(ad)
            session.flush()
            known = KnownAd(ad.id, None)
            state.known_ads[record.external_id] = known
            stats.new_ads += 1
        else:
            found = session.get(Ad, known.id)
            assert found is not None
            ad = found
            if known.content_hash == content_hash:
                stats.unchanged_ads += 1
            else:
                stats.changed_ads += 1
        if known.content_hash != content_hash:
            version_id = session.scalar(
                select(AdVersion.id).where(AdVersion.ad_id == ad.id, AdVersion.content_hash == content_hash)
            )
            if version_id is None:
                version = AdVersion(
                    ad_id=ad.id,
                    scan_run_id=self.run_id,
                    content_hash=content_hash,
                    fetched_at=self.now,
                    title=record.title,
                    text=record.text,
                    fields=record.fields,
                )
                session.add(version)
                session.flush()
                version_id = version.id
            ad.current_version_id = version_id
            known.content_hash = content_hash
        ad.url = record.url[:1000]
        ad.city = record.city or ad.city
        self._sight(session, ad.id, listing_url, listing_city or record.city)
        photos = []
        for url in record.photos if self.fetch_photos else []:
            photo_id = known_photos.get(url)
            if photo_id is not None:
                self._link_photo(session, ad.id, photo_id)
            else:
                photos.append(WorkItem(state.config.name, url, "photo", {"ad_ids": [ad.id]}))
        fresh = self.claim(photos)
        self._insert(session, fresh)
        for item in photos:
            if item not in fresh:  # already in this run's frontier: the photo entry learns one more ad
                self._add_photo_owner(session, item.url, ad.id)
        return fresh

    def _add_photo_owner(self, session: Session, url: str, ad_id: int) -> None:
        entry = session.scalar(
            select(FrontierEntry).where(FrontierEntry.scan_run_id == self.run_id, FrontierEntry.url == url)
        )
        if entry is None:
            return
        if entry.status == "pending":
            owners = list((entry.meta or {}).get("ad_ids", []))
            if ad_id not in owners:
                entry.meta = {**(entry.meta or {}), "ad_ids": [*owners, ad_id]}
        else:
            photo_id = session.scalar(select(Photo.id).where(Photo.url == url))
            if photo_id is not None:
                self._link_photo(session, ad_id, photo_id)

    def _link_photo(self, session: Session, ad_id: int, photo_id: int) -> None:
        if session.get(AdPhoto, (ad_id, photo_id)) is None:
            session.add(AdPhoto(ad_id=ad_id, photo_id=photo_id, first_seen_at=self.now))

    def _store_photo(
        self, session: Session, item: WorkItem, hashes: PhotoHashes | None, error: str | None, content: bytes | None
    ) -> None:
        photo = session.scalar(select(Photo).where(Photo.url == item.url))
        if photo is None:
            photo = Photo(url=item.url[:1000], fetched_at=self.now)
            session.add(photo)
        photo.error = error
        photo.content = content
        if hashes is not None:
            photo.sha256, photo.phash, photo.dhash = hashes.sha256, hashes.phash, hashes.dhash
            photo.phash_mirror, photo.width, photo.height = hashes.phash_mirror, hashes.width, hashes.height
        session.flush()
        entry_meta = session.scalar(
            select(FrontierEntry.meta).where(FrontierEntry.scan_run_id == self.run_id, FrontierEntry.url == item.url)
        )
        for ad_id in (entry_meta or item.meta).get("ad_ids", []):
            self._link_photo(session, int(ad_id), photo.id)

    def _store_cache(self, session: Session, url: str, record: CacheRecord) -> None:
        self.cache[url] = record
        entry = session.get(HttpCacheEntry, url)
        if entry is None:
            entry = HttpCacheEntry(url=url, fetched_at=self.now)
            session.add(entry)
        entry.etag, entry.last_modified = record.etag, record.last_modified
        entry.content_hash, entry.meta = record.content_hash, record.meta
        entry.status, entry.fetched_at = 200, self.now

    def _save_stats(self, session: Session, stats: CrawlStats) -> None:
        run = session.get(ScanRun, self.run_id)
        assert run is not None
        run.stats = {**(run.stats or {}), "crawl": stats.to_json()}
        run.heartbeat_at = utcnow()

    # ---- end of a source and of the run --------------------------------------------------

    def finalize_source(self, name: str, stats: CrawlStats) -> None:
        """Count ads not sighted this run as missing, once per source and run; marks removed ones."""
        state = self.sources[name]
        source_stats = stats.source(name)
        if source_stats.finalized:
            return
        with self.db.session() as session:
            if state.failed_listings:
                source_stats.add_error(state.config.base_url, "some listing pages failed: no ad was marked missing")
            else:
                sighted = select(Sighting.ad_id).where(Sighting.scan_run_id == self.run_id)
                missing = session.scalars(
                    select(Ad).where(Ad.source_id == state.id, Ad.removed_at.is_(None), Ad.id.not_in(sighted))
                )
                for ad in missing:
                    ad.missing_scans += 1
                    if ad.missing_scans >= self.removed_after:
                        ad.removed_at = self.now
                        source_stats.removed_ads += 1
            source_stats.finalized = True
            self._save_stats(session, stats)

    def finish_run(self, stats: CrawlStats, status: str, *, owns_run: bool, error: str | None = None) -> None:
        with self.db.session() as session:
            self._save_stats(session, stats)
            if owns_run:
                run = session.get(ScanRun, self.run_id)
                assert run is not None
                run.status = status
                run.finished_at = utcnow()
                run.error = error
