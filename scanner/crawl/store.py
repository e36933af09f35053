"""What the crawler writes to the database, in batches, each batch one transaction.

Workers never touch the database: they hand `Outcome`s to the writer, which applies a batch of them
in order in one transaction together with the frontier status of the URLs they came from. So a
killed run loses only the batch in flight, whose URLs are still `pending` in the frontier and are
fetched again on resume: nothing is stored twice (sightings, versions and photos are unique) and
nothing is skipped.

Ads: one row per (source, external id); a new `ad_versions` row only when the content hash of title,
text and fields changed (a return to an earlier content points `current_version_id` back at it); a
sighting per ad per run; an ad that comes back has `removed_at` and its missing days cleared. Each
frontier entry keeps its outcome (done, failed with a failure class, gone), from which the end of a
source's crawl (`scanner.crawl.removal`) judges its health and which ads are missing or removed.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from scanner.clock import utcnow
from scanner.crawl.imagehashes import PhotoHashes
from scanner.crawl.parse import AdRecord
from scanner.crawl.region import RegionFilter
from scanner.crawl.removal import finish_source
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
from scanner.settings import CrawlSettings

FRONTIER = cast(Table, FrontierEntry.__table__)
ADS = cast(Table, Ad.__table__)
VERSIONS = cast(Table, AdVersion.__table__)
SIGHTINGS = cast(Table, Sighting.__table__)
AD_PHOTOS = cast(Table, AdPhoto.__table__)
HTTP_CACHE = cast(Table, HttpCacheEntry.__table__)


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
    city: str | None = None  # its municipality, resolved
    held: bool = False  # its place could not be resolved (ads.place_held_since is set)


@dataclass
class SourceState:
    config: SourceConfig
    id: int
    region: RegionFilter
    known_ads: dict[str, KnownAd] = field(default_factory=dict)


@dataclass
class Outcome:
    """The result of one frontier entry, applied by the writer in one go."""

    item: WorkItem
    status: str = "done"  # done | failed | gone (an ad page that answered 404 or 410)
    error: str | None = None
    error_class: str | None = None  # of a failure: scanner.crawl.failures.CLASSES
    discovered: list[WorkItem] = field(default_factory=list)
    cache: tuple[str, CacheRecord] | None = None
    seen: list[tuple[str, str, str | None]] = field(default_factory=list)  # (external id, listing url, city)
    ad: AdRecord | None = None
    photo: tuple[PhotoHashes | None, str | None, bytes | None] | None = None  # hashes, error, bytes


@dataclass
class _BatchWrites:
    """Rows one batch writes with executemany statements."""

    frontier: list[WorkItem] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    seen_ads: set[int] = field(default_factory=set)
    sightings: list[dict[str, Any]] = field(default_factory=list)
    ad_photos: list[dict[str, int]] = field(default_factory=list)
    owner_updates: set[str] = field(default_factory=set)
    cache: list[tuple[str, CacheRecord]] = field(default_factory=list)
    photos: list[WorkItem] = field(default_factory=list)
    _linked: set[tuple[int, int]] = field(default_factory=set)

    def link(self, ad_id: int, photo_id: int) -> None:
        if (ad_id, photo_id) not in self._linked:
            self._linked.add((ad_id, photo_id))
            self.ad_photos.append({"ad_id": ad_id, "photo_id": photo_id})


class CrawlStore:
    def __init__(self, db: Database, run_id: int, now: datetime, settings: CrawlSettings) -> None:
        self.db = db
        self.settings = settings
        self.fetch_photos = settings.fetch_photos
        self.run_id = run_id
        self.now = now
        self.sources: dict[str, SourceState] = {}
        self.cache: dict[str, CacheRecord] = {}
        self.frontier_urls: set[str] = set()
        self.sighted: set[int] = set()
        self.photo_owners: dict[str, list[int]] = {}  # pending photo URL -> ads that show it
        self.cached_urls: set[str] = set()  # URLs with a row in http_cache

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
                select(Ad.id, Ad.external_id, AdVersion.content_hash, Ad.city, Ad.place_held_since)
                .outerjoin(AdVersion, AdVersion.id == Ad.current_version_id)
                .where(Ad.source_id == source.id)
            )
            state.known_ads = {
                external: KnownAd(ad_id, digest, city, held is not None) for ad_id, external, digest, city, held in rows
            }
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
                self.cached_urls.add(url)
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
                    item = WorkItem(names[source_id], url, kind, dict(meta or {}))
                    if kind == "photo":
                        item.meta["ad_ids"] = self.photo_owners[url] = list(item.meta.get("ad_ids", []))
                    pending.append(item)
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
        if items:
            now = utcnow()
            rows = [
                {
                    "scan_run_id": self.run_id,
                    "source_id": self.sources[item.source].id,
                    "url": item.url,
                    "kind": item.kind,
                    "status": "pending",
                    "attempts": 0,
                    "meta": item.meta,
                    "discovered_at": now,
                }
                for item in items
            ]
            session.execute(insert(FRONTIER), rows)

    def apply(self, batch: list[Outcome], stats: CrawlStats, *, save_stats: bool = False) -> list[WorkItem]:
        """Apply outcomes in order in one transaction, counting into `stats`; returns new photos to fetch.

        Rows are written with executemany statements at the end of the batch (frontier inserts
        before status updates, so an entry found and finished in one batch ends up finished).
        """
        writes = _BatchWrites()
        with self.db.session() as session, session.no_autoflush:
            photo_urls = [url for outcome in batch if outcome.ad for url in outcome.ad.photos]
            known_photos = self._photo_ids(session, photo_urls)
            for outcome in batch:
                state = self.sources[outcome.item.source]
                source_stats = stats.source(state.config.name)
                writes.frontier.extend(outcome.discovered)
                for external_id, listing_url, city in outcome.seen:
                    known = state.known_ads.get(external_id)
                    if known is not None:
                        # a known ad seen on a listing: the listing's city resolved, else the ad's municipality
                        self._sight(writes, known, listing_url, state.region.place(city).municipality)
                        source_stats.unchanged_ads += 1
                if outcome.ad is not None:
                    self._store_ad(session, writes, state, outcome, known_photos, source_stats)
                if outcome.photo is not None:
                    self._store_photo(session, writes, outcome.item, *outcome.photo)
                if outcome.cache is not None:
                    writes.cache.append(outcome.cache)
                writes.statuses.append(
                    {"u": outcome.item.url, "s": outcome.status, "e": outcome.error, "c": outcome.error_class}
                )
            session.flush()
            self._write(session, writes)
            if save_stats:
                self._save_stats(session, stats)
        return writes.photos

    def _write(self, session: Session, writes: _BatchWrites) -> None:
        self._insert(session, writes.frontier)
        frontier = FRONTIER
        this_run = frontier.c.scan_run_id == self.run_id
        inserted = {item.url for item in writes.frontier}
        owner_updates = [
            {"u": url, "m": {"ad_ids": self.photo_owners[url]}}
            for url in writes.owner_updates - inserted
            if url in self.photo_owners
        ]
        if owner_updates:
            meta = bindparam("m", type_=frontier.c.meta.type)
            statement = update(frontier).where(this_run, frontier.c.url == bindparam("u")).values(meta=meta)
            session.execute(statement, owner_updates)
        if writes.statuses:
            done_at = utcnow()
            statement = (
                update(frontier)
                .where(this_run, frontier.c.url == bindparam("u"))
                .values(
                    status=bindparam("s"),
                    error=bindparam("e"),
                    error_class=bindparam("c"),
                    done_at=done_at,
                    attempts=frontier.c.attempts + 1,
                )
            )
            session.execute(statement, writes.statuses)
        ads = ADS
        if writes.seen_ads:
            statement = (
                update(ads)
                .where(ads.c.id == bindparam("i"))
                .values(last_seen_at=self.now, missing_days=0, missing_on=None, removed_at=None)
            )
            session.execute(statement, [{"i": ad_id} for ad_id in writes.seen_ads])
        if writes.sightings:
            session.execute(insert(SIGHTINGS), writes.sightings)
        if writes.ad_photos:
            linked = AD_PHOTOS
            ad_ids = {row["ad_id"] for row in writes.ad_photos}
            existing = set(
                (ad_id, photo_id)
                for ad_id, photo_id in session.execute(
                    select(linked.c.ad_id, linked.c.photo_id).where(linked.c.ad_id.in_(ad_ids))
                )
            )
            rows = [
                {**row, "first_seen_at": self.now}
                for row in writes.ad_photos
                if (row["ad_id"], row["photo_id"]) not in existing
            ]
            if rows:
                session.execute(insert(linked), rows)
        self._write_cache(session, writes.cache)

    def _write_cache(self, session: Session, entries: list[tuple[str, CacheRecord]]) -> None:
        new_rows: list[dict[str, Any]] = []
        changed_rows: list[dict[str, Any]] = []
        for url, record in entries:
            self.cache[url] = record
            row = {
                "b_url": url,
                "b_etag": record.etag,
                "b_modified": record.last_modified,
                "b_hash": record.content_hash,
                "b_meta": record.meta,
            }
            (changed_rows if url in self.cached_urls else new_rows).append(row)
            self.cached_urls.add(url)
        values = {
            "etag": bindparam("b_etag"),
            "last_modified": bindparam("b_modified"),
            "content_hash": bindparam("b_hash"),
            "meta": bindparam("b_meta", type_=HTTP_CACHE.c.meta.type),
            "status": 200,
            "fetched_at": self.now,
        }
        if new_rows:
            session.execute(insert(HTTP_CACHE).values(url=bindparam("b_url"), **values), new_rows)
        if changed_rows:
            session.execute(
                update(HTTP_CACHE).where(HTTP_CACHE.c.url == bindparam("b_url")).values(**values), changed_rows
            )

    def _photo_ids(self, session: Session, urls: list[str]) -> dict[str, int]:
        if not urls:
            return {}
        return {
            url: photo_id
            for photo_id, url in session.execute(select(Photo.id, Photo.url).where(Photo.url.in_(set(urls))))
        }

    def _sight(self, writes: _BatchWrites, known: KnownAd, listing_url: str, city: str | None) -> None:
        writes.seen_ads.add(known.id)
        if known.id not in self.sighted:
            self.sighted.add(known.id)
            writes.sightings.append(
                {
                    "ad_id": known.id,
                    "scan_run_id": self.run_id,
                    "seen_at": self.now,
                    "listing_url": listing_url[:1000],
                    "city": city or known.city,
                }
            )

    def _store_ad(
        self,
        session: Session,
        writes: _BatchWrites,
        state: SourceState,
        outcome: Outcome,
        known_photos: dict[str, int],
        stats: SourceStats,
    ) -> None:
        record = outcome.ad
        assert record is not None
        listing_url = str(outcome.item.meta.get("listing_url", ""))
        listing_city = outcome.item.meta.get("city")
        placement = state.region.place(record.city, listing_city)
        if placement.decision == "outside":
            stats.outside_region += 1
            if outcome.cache is not None and outcome.cache[1].meta is not None:
                # next time, while the region is the same, a 304 suffices; nothing of the ad is stored
                outcome.cache[1].meta["outside_region"] = sorted(state.region.names)
            return
        city = placement.municipality
        held = placement.decision == "unknown"  # its place is not resolved: kept, but not scored or reported
        stats.held_places += int(held)
        content_hash = record.content_hash
        ads = ADS
        known = state.known_ads.get(record.external_id)
        if known is None:
            ad_id = session.execute(
                insert(ads)
                .values(
                    source_id=state.id,
                    external_id=record.external_id[:200],
                    url=record.url[:1000],
                    first_seen_at=self.now,
                    last_seen_at=self.now,
                    missing_days=0,
                    city=city,
                    place_held_since=self.now if held else None,
                )
                .returning(ads.c.id)
            ).scalar_one()
            known = state.known_ads[record.external_id] = KnownAd(ad_id, None, city, held)
            stats.new_ads += 1
        elif known.content_hash == content_hash:
            stats.unchanged_ads += 1
        else:
            stats.changed_ads += 1
        changes: dict[str, Any] = {"url": record.url[:1000]}
        if city or held:
            changes["city"] = known.city = city
        if held != known.held:  # a hold starts when its place stops resolving and ends when it resolves
            changes["place_held_since"] = self.now if held else None
            known.held = held
        if known.content_hash != content_hash:
            changes["current_version_id"] = self._version(session, known.id, record, content_hash)
            known.content_hash = content_hash
        session.execute(update(ads).where(ads.c.id == known.id).values(**changes))
        # the city of the listing it was found on, as before; its own place when the listing has none
        self._sight(writes, known, listing_url, state.region.place(listing_city).municipality or city)
        photos = []
        for url in record.photos if self.fetch_photos else []:
            photo_id = known_photos.get(url)
            if photo_id is None and url in self.frontier_urls and url not in self.photo_owners:
                photo_id = session.scalar(select(Photo.id).where(Photo.url == url))  # fetched earlier this run
            if photo_id is not None:
                writes.link(known.id, photo_id)
            elif url in self.photo_owners:  # waiting in this run's frontier: one more ad shows it
                if known.id not in self.photo_owners[url]:
                    self.photo_owners[url].append(known.id)
                    writes.owner_updates.add(url)
            elif url not in self.frontier_urls:
                owners = self.photo_owners.setdefault(url, [known.id])
                photos.append(WorkItem(state.config.name, url, "photo", {"ad_ids": owners}))
        fresh = self.claim(photos)
        writes.frontier.extend(fresh)
        writes.photos.extend(fresh)

    def _version(self, session: Session, ad_id: int, record: AdRecord, content_hash: str) -> int:
        """The version with this content: an earlier one the ad returns to, or a new one."""
        versions = VERSIONS
        existing = session.scalar(
            select(versions.c.id).where(versions.c.ad_id == ad_id, versions.c.content_hash == content_hash)
        )
        if existing is not None:
            return int(existing)
        statement = (
            insert(versions)
            .values(
                ad_id=ad_id,
                scan_run_id=self.run_id,
                content_hash=content_hash,
                fetched_at=self.now,
                title=record.title,
                text=record.text,
                fields=record.fields,
            )
            .returning(versions.c.id)
        )
        return int(session.execute(statement).scalar_one())

    def _store_photo(
        self,
        session: Session,
        writes: _BatchWrites,
        item: WorkItem,
        hashes: PhotoHashes | None,
        error: str | None,
        content: bytes | None,
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
        for ad_id in self.photo_owners.pop(item.url, None) or item.meta.get("ad_ids", []):
            writes.link(int(ad_id), photo.id)

    def _save_stats(self, session: Session, stats: CrawlStats) -> None:
        run = session.get(ScanRun, self.run_id)
        assert run is not None
        run.stats = {**(run.stats or {}), "crawl": stats.to_json()}
        run.heartbeat_at = utcnow()

    # ---- end of a source and of the run --------------------------------------------------

    def finalize_source(self, name: str, stats: CrawlStats) -> None:
        """Judge the source's crawl and count its missing ads, once per source and run (scanner.crawl.removal)."""
        state = self.sources[name]
        source_stats = stats.source(name)
        if source_stats.finalized:
            return
        with self.db.session() as session:
            finish_source(
                session,
                config=state.config,
                source_id=state.id,
                run_id=self.run_id,
                now=self.now,
                stats=source_stats,
                settings=self.settings,
            )
            source_stats.finalized = True
            self._save_stats(session, stats)

    def save_stats(self, stats: CrawlStats) -> None:
        with self.db.session() as session:
            self._save_stats(session, stats)

    def finish_run(self, stats: CrawlStats, status: str, *, owns_run: bool, error: str | None = None) -> None:
        with self.db.session() as session:
            self._save_stats(session, stats)
            if owns_run:
                run = session.get(ScanRun, self.run_id)
                assert run is not None
                run.status = status
                run.health = stats.health
                run.finished_at = utcnow()
                run.error = error
