"""load_world stores what a perfect crawl would have stored, and storing it twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from scanner.clock import demo_day
from scanner.crawl.imagehashes import hamming
from scanner.db.models import Ad, AdPhoto, AdVersion, Photo, ScanRun, Sighting, Source
from scanner.db.session import Database
from scanner.lab.demo.load import load_world
from scanner.lab.demo.world import World


def _counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Source, ScanRun, Ad, AdVersion, Sighting, Photo, AdPhoto)
        }


def test_load_matches_the_world_and_is_idempotent(db: Database, small_world: World) -> None:
    days = [1, 2, 3]
    load_world(db, small_world, days)
    counts = _counts(db)
    sightings = sum(len(small_world.ads_on(day)) for day in days)
    keys = {(ad.site, ad.key) for day in days for ad in small_world.ads_on(day)}
    photos = {(ad.site, key) for day in days for ad in small_world.ads_on(day) for key in ad.photo_keys}
    assert counts["sources"] == 2 and counts["scan_runs"] == 3
    assert counts["ads"] == len(keys) and counts["sightings"] == sightings and counts["photos"] == len(photos)
    load_world(db, small_world, days)
    assert _counts(db) == counts


def test_versions_fields_sightings_and_removals(db: Database, small_world: World) -> None:
    load_world(db, small_world, [1, 2, 3])
    on_day3 = {ad.key: ad for ad in small_world.ads_on(3)}
    with db.session() as session:
        for ad in session.scalars(select(Ad)):
            current = session.get(AdVersion, ad.current_version_id)
            assert current is not None
            if ad.external_id in on_day3:
                shown = on_day3[ad.external_id]
                assert ad.removed_at is None and ad.last_seen_at == demo_day(3)
                assert (current.title, current.text, current.fields) == (shown.title, shown.text, shown.fields())
                assert set(current.fields) == {"name", "age", "city", "phone", "license", "services"}
            else:
                assert ad.removed_at is not None
        seen = session.scalars(select(Sighting.seen_at).distinct()).all()
        assert sorted(seen) == [demo_day(1), demo_day(2), demo_day(3)]


def test_network_photos_link_through_hashes(db: Database, small_world: World) -> None:
    load_world(db, small_world, [1, 2])
    with db.session() as session:
        rows = session.execute(select(Photo.url, Photo.phash, Photo.phash_mirror)).all()
    by_picture: dict[str, list[tuple[str, str]]] = {}
    for url, phash, mirror in rows:
        picture = url.rsplit("/", 1)[1].rsplit("-", 1)[0]
        by_picture.setdefault(picture, []).append((phash, mirror))
    shared = [hashes for hashes in by_picture.values() if len(hashes) > 1]
    assert shared
    for hashes in shared:
        base = hashes[0][0]
        assert all(min(hamming(base, p), hamming(base, m)) <= 10 for p, m in hashes)
