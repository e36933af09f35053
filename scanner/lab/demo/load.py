"""Store what a perfect crawl of the demo world would have stored, without HTTP.

The linking and model stages need databases full of ads for their tests and measurements; crawling
the demo sites for each would be slow. `load_world(db, world, days)` writes, per simulated day, a
completed crawl run, the ads with one version per distinct content, a sighting per ad, the photos
with their hashes, and `removed_at` for ads that went missing. Running it again for the same days
stores nothing new.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanner.clock import demo_day
from scanner.crawl.imagehashes import PhotoHashes, hash_image
from scanner.db.models import Ad, AdPhoto, AdVersion, Photo, ScanRun, Sighting, Source
from scanner.db.session import Database
from scanner.lab.demo.images import render_photo
from scanner.lab.demo.places import slugify
from scanner.lab.demo.records import SITES, DemoAd
from scanner.lab.demo.world import World
from scanner.places import resolve_place

DEFAULT_BASE_URLS = {"rozewereld": "http://rozewereld.demo", "nachtlicht": "http://nachtlicht.demo"}
PHOTO_PATHS = {"rozewereld": "/media/", "nachtlicht": "/img/"}
LISTING_PATHS = {"rozewereld": "/regio/{province}/{city}/", "nachtlicht": "/city/{city}"}


def content_hash(title: str, text: str, fields: dict[str, Any]) -> str:
    """SHA-256 of an ad version's content, the same for the same title, text and fields."""
    payload = json.dumps({"title": title, "text": text, "fields": fields}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def municipality(city: str) -> str:
    """The municipality a crawl stores for a demo city (the place resolver's): Hoofddorp is Haarlemmermeer."""
    resolution = resolve_place(city)
    if resolution is None or resolution.municipality is None:
        raise ValueError(f"the place resolver does not know the demo city {city!r}")
    return resolution.municipality


@lru_cache(maxsize=8192)
def photo_hashes(photo_key: str) -> PhotoHashes:
    """Hashes of a demo photo; cached because the same key always has the same bytes."""
    return hash_image(render_photo(photo_key), context=photo_key)


class _Loader:
    def __init__(self, session: Session, world: World, base_urls: dict[str, str], with_photos: bool) -> None:
        self.session = session
        self.world = world
        self.base_urls = base_urls
        self.with_photos = with_photos
        self.sources: dict[str, Source] = {}
        self.ads: dict[tuple[str, str], Ad] = {}
        self.photos: dict[str, Photo] = {photo.url: photo for photo in session.scalars(select(Photo))}
        self.versions: dict[tuple[int, str], AdVersion] = {}
        self.ad_photos: set[tuple[int, int]] = {
            (ad_id, photo_id) for ad_id, photo_id in session.execute(select(AdPhoto.ad_id, AdPhoto.photo_id))
        }
        self.sighted: set[tuple[int, int]] = set()

    def source(self, site: str) -> Source:
        if site not in self.sources:
            found = self.session.scalar(select(Source).where(Source.name == site))
            if found is None:
                found = Source(name=site, base_url=self.base_urls[site], config_hash="demo", created_at=demo_day(0))
                self.session.add(found)
                self.session.flush()
            self.sources[site] = found
            for ad in self.session.scalars(select(Ad).where(Ad.source_id == found.id)):
                self.ads[(site, ad.external_id)] = ad
            rows = self.session.scalars(select(AdVersion).join(Ad).where(Ad.source_id == found.id))
            self.versions.update({(version.ad_id, version.content_hash): version for version in rows})
        return self.sources[site]

    def ad(self, demo: DemoAd, run: ScanRun) -> Ad:
        source = self.source(demo.site)
        city = municipality(demo.city)
        cache_key = (demo.site, demo.key)
        ad = self.ads.get(cache_key)
        seen = demo_day(demo.day)
        if ad is None:
            ad = Ad(
                source_id=source.id,
                external_id=demo.key,
                url=self.base_urls[demo.site] + demo.url_path,
                first_seen_at=seen,
                last_seen_at=seen,
                missing_days=0,
                city=city,
            )
            self.session.add(ad)
            self.session.flush()
        self.ads[cache_key] = ad
        ad.first_seen_at = min(ad.first_seen_at, seen)
        ad.last_seen_at = max(ad.last_seen_at, seen)
        ad.removed_at = None
        ad.missing_days = 0
        ad.missing_on = None
        ad.city = city
        fields = demo.fields()
        digest = content_hash(demo.title, demo.text, fields)
        version = self.versions.get((ad.id, digest))
        if version is None:
            version = AdVersion(
                ad_id=ad.id,
                scan_run_id=run.id,
                content_hash=digest,
                fetched_at=seen,
                title=demo.title,
                text=demo.text,
                fields=fields,
            )
            self.session.add(version)
            self.session.flush()
            self.versions[(ad.id, digest)] = version
        ad.current_version_id = version.id
        listing = self.base_urls[demo.site] + LISTING_PATHS[demo.site].format(
            province=slugify(demo.province), city=slugify(demo.city)
        )
        if (ad.id, run.id) not in self.sighted:
            self.sighted.add((ad.id, run.id))
            self.session.add(Sighting(ad_id=ad.id, scan_run_id=run.id, seen_at=seen, listing_url=listing, city=city))
        if self.with_photos:
            self.link_photos(ad, demo)
        return ad

    def link_photos(self, ad: Ad, demo: DemoAd) -> None:
        for key in demo.photo_keys:
            url = self.base_urls[demo.site] + PHOTO_PATHS[demo.site] + key
            photo = self.photos.get(url)
            if photo is None:
                hashes = photo_hashes(key)
                photo = Photo(
                    url=url,
                    sha256=hashes.sha256,
                    phash=hashes.phash,
                    dhash=hashes.dhash,
                    phash_mirror=hashes.phash_mirror,
                    width=hashes.width,
                    height=hashes.height,
                    fetched_at=demo_day(demo.day),
                )
                self.session.add(photo)
                self.session.flush()
            self.photos[url] = photo
            if (ad.id, photo.id) not in self.ad_photos:
                self.ad_photos.add((ad.id, photo.id))
                self.session.add(AdPhoto(ad_id=ad.id, photo_id=photo.id, first_seen_at=demo_day(demo.day)))

    def run(self, day: int) -> ScanRun:
        found = self.session.scalar(
            select(ScanRun).where(ScanRun.kind == "crawl", ScanRun.simulated_day == day, ScanRun.host == "demo-load")
        )
        if found is None:
            found = ScanRun(
                kind="crawl",
                status="completed",
                started_at=demo_day(day),
                finished_at=demo_day(day),
                heartbeat_at=demo_day(day),
                simulated_day=day,
                stats={},
                host="demo-load",
            )
            self.session.add(found)
            self.session.flush()
        rows = self.session.execute(
            select(Sighting.ad_id, Sighting.scan_run_id).where(Sighting.scan_run_id == found.id)
        )
        self.sighted = {(ad_id, run_id) for ad_id, run_id in rows}
        return found


def load_world(
    db: Database,
    world: World,
    days: Iterable[int],
    *,
    base_urls: dict[str, str] | None = None,
    photos: bool = True,
    removed_after_days: int = 1,
) -> None:
    """Insert what a perfect crawl of `days` would have stored (one transaction per day).

    `base_urls` maps site names to the base URL stored with sources, ads and photos (default
    http://<site>.demo). `photos=False` skips photos for tests that do not need them.
    """
    urls = {**DEFAULT_BASE_URLS, **(base_urls or {})}
    for day in sorted(set(days)):
        with db.session() as session:
            loader = _Loader(session, world, urls, photos)
            run = loader.run(day)
            seen: set[int] = set()
            for demo in world.ads_on(day):
                seen.add(loader.ad(demo, run).id)
            for site in SITES:
                source = loader.source(site)
                for ad in session.scalars(select(Ad).where(Ad.source_id == source.id, Ad.removed_at.is_(None))):
                    if ad.id in seen or ad.last_seen_at >= demo_day(day):
                        continue
                    ad.missing_days += 1
                    ad.missing_on = demo_day(day).date()
                    if ad.missing_days >= removed_after_days:
                        ad.removed_at = demo_day(day)
