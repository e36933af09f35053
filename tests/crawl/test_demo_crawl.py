"""The crawler on the demo world: both sites through their gates, robots.txt, incremental scans,
changes and removals, and the hostile site in the same run."""

from __future__ import annotations

import itertools
import os
import socketserver
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from scanner.clock import demo_day
from scanner.crawl import load_sources, run_crawl
from scanner.crawl.health import Baseline, guard_trips
from scanner.crawl.parse import clean_lines
from scanner.db import Database
from scanner.db.models import Ad, AdVersion, Photo, Source
from scanner.lab.demo.hostile import HOSTILE_PATHS
from scanner.lab.demo.load import municipality
from scanner.lab.demo.server import SOURCES_DIR, DemoServer
from scanner.lab.demo.world import World, WorldConfig
from scanner.settings import CrawlSettings, Settings
from tests.crawl.conftest import DATA

SOURCES = SOURCES_DIR
DISALLOWED = ("/account/", "/admin/", "/zoeken", "/members/", "/api/private/")


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(WorldConfig(seed=3, days=3, independents=30, networks=2, agencies=1))


@pytest.fixture
def demo(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[DemoServer]:
    # The demo handlers write headers and body separately; without TCP_NODELAY every keep-alive
    # request waits 40 ms for a delayed ACK. Tests measure the crawler, not that stall.
    monkeypatch.setattr(socketserver.StreamRequestHandler, "disable_nagle_algorithm", True)
    with DemoServer(world, day=1, hostile=True) as server:
        for name, value in server.environ().items():
            monkeypatch.setenv(name, value)
        yield server


def stored(db: Database) -> dict[tuple[str, str], tuple[Ad, AdVersion]]:
    with db.session() as session:
        rows = session.execute(
            select(Source.name, Ad, AdVersion)
            .join(Ad, Ad.source_id == Source.id)
            .join(AdVersion, AdVersion.id == Ad.current_version_id)
        )
        return {(name, ad.external_id): (ad, version) for name, ad, version in rows}


def test_both_demo_sites_are_crawled_completely_and_incrementally(
    db: Database, crawl_settings: Settings, demo: DemoServer, world: World
) -> None:
    sources = load_sources(SOURCES)
    first = run_crawl(db, crawl_settings, sources=sources, now=demo_day(1))
    assert first.total("error_count") == 0, [s.errors for s in first.sources.values()]
    expected = {(ad.site, ad.key): ad for ad in world.ads_on(1)}
    found = stored(db)
    assert set(found) == set(expected)
    for key, (ad, version) in found.items():
        demo_ad = expected[key]
        # the crawl stores the municipality the place resolver gives: Hoofddorp is in Haarlemmermeer
        assert (ad.city, version.title, version.text) == (
            municipality(demo_ad.city),
            demo_ad.title,
            clean_lines(demo_ad.text),
        )
        assert version.fields["city"] == demo_ad.city  # as the site wrote it
        assert version.fields["phone"] == (demo_ad.phone_field or None)
        assert version.fields["age"] == (None if demo_ad.age_field is None else str(demo_ad.age_field))
        assert version.fields["license"] == demo_ad.license_field
        assert version.fields["services"] == demo_ad.services
    with db.session() as session:
        photo_urls = set(session.scalars(select(Photo.url)))
    assert len(photo_urls) == len({(ad.site, key) for ad in world.ads_on(1) for key in ad.photo_keys})
    assert not [path for path in demo.request_log if path.startswith(DISALLOWED)]

    second = run_crawl(db, crawl_settings, sources=sources, now=demo_day(1))
    assert second.total("bytes") <= 0.1 * first.total("bytes")
    assert second.total("new_ads") == second.total("changed_ads") == 0
    assert len(stored(db)) == len(expected)


def test_changed_ads_get_new_versions_and_missing_ads_are_removed(
    db: Database, crawl_settings: Settings, demo: DemoServer, world: World
) -> None:
    crawl_settings.crawl.removed_after_days = 1
    sources = load_sources(SOURCES)
    run_crawl(db, crawl_settings, sources=sources, now=demo_day(1))
    demo.set_day(2)
    stats = run_crawl(db, crawl_settings, sources=sources, now=demo_day(2))
    day1 = {(ad.site, ad.key): ad for ad in world.ads_on(1)}
    day2 = {(ad.site, ad.key): ad for ad in world.ads_on(2)}
    changed = {key for key in day1.keys() & day2.keys() if day1[key].version != day2[key].version}
    removed = day1.keys() - day2.keys()
    assert changed and removed
    assert stats.total("changed_ads") == len(changed)
    assert stats.total("removed_ads") == len(removed)
    assert stats.total("new_ads") == len(day2.keys() - day1.keys())
    with db.session() as session:
        versions: dict[tuple[str, str], int] = {}
        for name, external_id in session.execute(
            select(Source.name, Ad.external_id).join(Ad).join(AdVersion, AdVersion.ad_id == Ad.id)
        ):
            versions[(name, external_id)] = versions.get((name, external_id), 0) + 1
    assert {key for key, count in versions.items() if count > 1} == changed
    found = stored(db)
    assert {key for key, (ad, _version) in found.items() if ad.removed_at is not None} == removed
    assert all(found[key][0].removed_at == demo_day(2) for key in removed)


def test_hostile_pages_are_errors_for_their_urls_and_lose_nothing_else(
    db: Database, crawl_settings: Settings, demo: DemoServer, world: World
) -> None:
    sources = [*load_sources(SOURCES), *load_sources(DATA / "hostile_sources")]
    started = time.monotonic()
    stats = run_crawl(db, crawl_settings, sources=sources, now=demo_day(1))
    assert time.monotonic() - started < 30
    hostile = stats.sources["hostile"]
    failed = {error["url"].split("/", 3)[3].split("?")[0]: error["reason"] for error in hostile.errors}
    recovered = {"ok", "429-once", "503-once", "wrong-charset-meta"}
    assert set(failed) == {path.lstrip("/") for path in HOSTILE_PATHS} - recovered, failed
    for path, reason in {
        "slow": "deadline",
        "429": "HTTP 429",
        "500": "HTTP 500",
        "loop/a": "redirects",
        "redirect-chain": "redirects",
        "to-private": "not an allowed host",
        "to-metadata": "not an allowed host",
        "huge": "exceeds the limit",
        "huge-stream": "exceeds the limit",
        "gzip-bomb": "exceeds the limit",
        "truncated": "network error",
        "not-html": "not a page",
        "bomb.png": "not a page",
    }.items():
        assert reason in failed[path], (path, failed[path])
    assert not any("10.0.0.1" in line or "169.254" in line for line in demo.request_log)
    assert {key[1] for key in stored(db) if key[0] == "hostile"} == {
        "/ok",
        "/429-once",
        "/503-once",
        "/wrong-charset-meta",
    }
    expected = {(ad.site, ad.key) for ad in world.ads_on(1)}
    assert {key for key in stored(db) if key[0] != "hostile"} == expected
    assert stats.sources["rozewereld"].error_count == stats.sources["nachtlicht"].error_count == 0
    assert os.environ["DEMO_HOSTILE_URL"].startswith("http://127.0.0.1:")


def test_the_demo_worlds_nightly_churn_never_trips_the_removal_guard() -> None:
    """Every night of the default-sized world, for several seeds: the live ads of a site never fall so far."""
    defaults = CrawlSettings()
    nights = 0
    for seed in (3, 7, 11):
        world = World.generate(WorldConfig(seed=seed))
        for site in ("rozewereld", "nachtlicht"):
            counts = [sum(1 for ad in world.ads_on(day) if ad.site == site) for day in range(1, world.config.days + 1)]
            for before, now in itertools.pairwise(counts):
                baseline = Baseline(before)
                assert not guard_trips(
                    baseline, now, share=defaults.removal_guard_share, min_ads=defaults.removal_guard_min_ads
                ), (seed, site, before, now)
                nights += 1
    assert nights == 3 * 2 * (WorldConfig().days - 1)


def test_nights_of_the_demo_world_are_healthy_and_remove_what_went(
    db: Database, crawl_settings: Settings, demo: DemoServer, world: World
) -> None:
    crawl_settings.crawl.removed_after_days = 1
    sources = load_sources(SOURCES)
    for day in range(1, world.config.days + 1):
        demo.set_day(day)
        stats = run_crawl(db, crawl_settings, sources=sources, now=demo_day(day))
        for name, source in stats.sources.items():
            assert source.health is not None
            assert (source.health["state"], source.health["removals"]) == ("ok", "applied"), (day, name, source.health)
    last = world.config.days
    seen_before = {(ad.site, ad.key) for day in range(1, last) for ad in world.ads_on(day)}
    removed = {key for key, (ad, _version) in stored(db).items() if ad.removed_at is not None}
    assert removed == seen_before - {(ad.site, ad.key) for ad in world.ads_on(last)}
