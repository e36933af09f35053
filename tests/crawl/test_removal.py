"""Removal only on proof, against the test site: bad nights remove nothing, proof removes, the guard holds.

Each bad night is crawled twice (two nights, as an operator found them): with removal after two
days, a crawl that took a failure for an empty listing would have removed every ad by then.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from scanner.crawl import SourceConfig, load_sources, run_crawl
from scanner.crawl.stats import CrawlStats
from scanner.db import Database
from scanner.db.models import Ad, AdVersion, ScanRun, Sighting, Source
from scanner.db.session import upgrade
from scanner.settings import Settings, load_settings
from tests.conftest import DatabaseFactory
from tests.crawl.conftest import DATA, make_ads
from tests.crawl.site import FakeSite, closed_port, serve, status

NIGHT = datetime(2026, 1, 2, 3)


def night(number: int, hour: int = 3) -> datetime:
    return NIGHT + timedelta(days=number - 1, hours=hour - 3)


def crawl(db: Database, settings: Settings, source: SourceConfig, when: datetime) -> dict[str, Any]:
    stats = run_crawl(db, settings, sources=[source], now=when)
    health = stats.sources[source.name].health
    assert health is not None
    return health


def ads(db: Database) -> dict[str, tuple[int, date | None, bool]]:
    """Per external id: days missing, the last such day, and whether it is marked removed."""
    with db.session() as session:
        rows = session.execute(select(Ad.external_id, Ad.missing_days, Ad.missing_on, Ad.removed_at.is_not(None)))
        return {external: (days, on, removed) for external, days, on, removed in rows}


def count(db: Database, model: type) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def untouched(db: Database) -> bool:
    return all(days == 0 and not removed for days, _on, removed in ads(db).values())


def layout_changed(handler: Any) -> None:
    handler.send(200, b'<html><ul><li class="card"><a class="advert" href="/ad/1">x</a></li></ul></html>')


def disallow_listings(handler: Any) -> None:
    handler.send(200, b"User-agent: *\nDisallow: /listing\n", "text/plain")


def down(site: FakeSite) -> None:
    site.outage = 503


BAD_NIGHTS: dict[str, tuple[Callable[[FakeSite], None], str, str]] = {
    # name: (what goes wrong, the source's state, the class of its first reason)
    "robots.txt answers 503": (
        lambda site: site.extra.update({"/robots.txt": status(503)}),
        "failed",
        "robots_unreachable",
    ),
    "robots.txt answers 429": (
        lambda site: site.extra.update({"/robots.txt": status(429)}),
        "failed",
        "robots_unreachable",
    ),
    "every page answers 503, robots.txt 404": (
        lambda site: (site.extra.update({"/robots.txt": status(404)}), down(site)),
        "failed",
        "http_5xx",
    ),
    "the listing fails half-way": (
        lambda site: site.extra.update({"/listing?page=2": status(503)}),
        "degraded",
        "http_5xx",
    ),
    "the layout changed": (lambda site: site.extra.update({"/listing?page=1": layout_changed}), "failed", "selectors"),
    "robots.txt now disallows the listings": (
        lambda site: site.extra.update({"/robots.txt": disallow_listings}),
        "failed",
        "robots_disallowed",
    ),
}


@pytest.mark.parametrize("name", BAD_NIGHTS)
def test_a_bad_night_removes_nothing_and_says_why_then_the_site_recovers(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig, name: str
) -> None:
    breakage, state, reason = BAD_NIGHTS[name]
    crawl_settings.crawl.removal_guard_share = 1.0  # the guard is off: the rules of proof alone must hold
    assert crawl(db, crawl_settings, source, night(1))["state"] == "ok"
    versions = count(db, AdVersion)
    breakage(site)
    del site.ads[7], site.ads[4]  # two ads really go: only a good night may count them missing
    for number in (2, 3):
        health = crawl(db, crawl_settings, source, night(number))
        assert (health["state"], health["reasons"][0]["class"]) == (state, reason), health
        assert health["removals"] == "held"
        assert untouched(db), ads(db)
    site.extra, site.outage = {}, None
    health = crawl(db, crawl_settings, source, night(4))
    assert (health["state"], health["reasons"], health["removals"]) == ("ok", [], "applied")
    assert ads(db)["7"] == (1, date(2026, 1, 5), False) and ads(db)["4"][0] == 1  # one good night: one day missing
    assert sum(days for days, _on, _removed in ads(db).values()) == 2
    assert count(db, Ad) == 7 and count(db, AdVersion) == versions  # nothing duplicated


def test_connection_refused_removes_nothing(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    crawl(db, crawl_settings, source, night(1))
    monkeypatch.setenv("TEST_SITE_URL", closed_port())
    moved = load_sources(DATA / "sources", ["testsite"])[0]
    for number in (2, 3):
        health = crawl(db, crawl_settings, moved, night(number))
        assert health["state"] == "failed"
        assert health["errors_by_class"] == {"robots_unreachable": 1, "connection_refused": 1}
        assert "connection refused" in health["reasons"][0]["message"]
    assert untouched(db)


def test_robots_unreachable_means_nothing_else_is_requested(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    site.extra["/robots.txt"] = status(500)
    stats = run_crawl(db, crawl_settings, sources=[source], now=night(1))
    assert set(site.requests) == {"/robots.txt"}  # no gate, no listing: RFC 9309 says disallow everything
    own = stats.sources["testsite"]
    assert own.robots is not None and own.robots.endswith("/robots.txt answered HTTP 500")
    assert own.error_count == 1 and stats.health == "failed"
    with db.session() as session:
        run = session.scalars(select(ScanRun)).one()
        assert (run.status, run.health) == ("completed", "failed")


def test_missing_ads_count_days_not_scans(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    crawl(db, crawl_settings, source, night(1))
    del site.ads[7]
    for hour in (3, 9, 21):  # three scans on one day are one day
        crawl(db, crawl_settings, source, night(2, hour))
        assert ads(db)["7"] == (1, date(2026, 1, 3), False)
    crawl(db, crawl_settings, source, night(3))
    assert ads(db)["7"] == (2, date(2026, 1, 4), True)
    with db.session() as session:
        removed_at = session.scalar(select(Ad.removed_at).where(Ad.external_id == "7"))
    assert removed_at == night(3)


def test_an_ad_page_answering_404_or_410_is_removed_at_once(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    crawl(db, crawl_settings, source, night(1))
    for ad_id, code in ((3, 404), (5, 410)):
        site.ads[ad_id].text += " (updated)"  # its listing marker changes, so its page is fetched again
        site.extra[f"/ad/{ad_id}"] = status(code)
    health = crawl(db, crawl_settings, source, night(2))
    assert (health["state"], health["errors_by_class"]) == ("ok", {})
    state = ads(db)
    assert state["3"][2] and state["5"][2]
    assert [external for external, (_d, _o, removed) in state.items() if removed] == ["3", "5"]


def test_an_ad_whose_page_fails_is_still_listed_and_not_missing(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    crawl(db, crawl_settings, source, night(1))
    site.ads[2].text += " (updated)"
    site.extra["/ad/2"] = status(503)
    del site.ads[6]
    health = crawl(db, crawl_settings, source, night(2))
    assert health["state"] == "degraded" and health["complete"]
    assert health["reasons"][0]["message"] == "1 of 1 ad page failed (HTTP 5xx 1)"
    state = ads(db)
    assert state["2"] == (0, None, False)  # the listing showed it: present, whatever its own page did
    assert state["6"] == (1, date(2026, 1, 3), False)  # the listing did not: missing, on a complete crawl


@pytest.fixture
def big_site(monkeypatch: pytest.MonkeyPatch) -> Any:
    with serve(FakeSite(ads=make_ads(20), per_page=10)) as running:
        monkeypatch.setenv("TEST_SITE_URL", running.url)
        yield running, load_sources(DATA / "sources", ["testsite"])[0]


def test_a_listing_that_loses_40_percent_of_its_ads_in_one_night_holds_removals(
    db: Database, crawl_settings: Settings, big_site: tuple[FakeSite, SourceConfig]
) -> None:
    site, source = big_site
    crawl_settings.crawl.removed_after_days = 1
    assert crawl(db, crawl_settings, source, night(1))["removals"] == "applied"
    for ad_id in range(13, 21):
        del site.ads[ad_id]
    for number in (2, 3):  # held while the fall lasts: the baseline is the last crawl whose removals went ahead
        health = crawl(db, crawl_settings, source, night(number))
        assert (health["state"], health["removals"], health["complete"]) == ("degraded", "held", True)
        assert health["reasons"][0]["message"].startswith(
            "removal guard: ads listed fell from 20 to 12 (-40%) since run 1 (2026-01-02), more than 20%: "
            "8 removals held"
        )
        assert untouched(db)
    with db.session() as session:
        assert session.scalar(select(Source.listed_ads)) == 20
    crawl_settings.crawl.removal_guard_share = 1.0  # the operator confirms the site shrank
    health = crawl(db, crawl_settings, source, night(4))
    assert (health["state"], health["removals"]) == ("ok", "applied")
    assert sorted(external for external, (_d, _o, removed) in ads(db).items() if removed) == sorted(
        str(ad_id) for ad_id in range(13, 21)
    )
    crawl_settings.crawl.removal_guard_share = 0.2
    del site.ads[12]  # ordinary churn against the new baseline of 12
    assert crawl(db, crawl_settings, source, night(5))["state"] == "ok"


def test_a_small_fall_below_the_minimum_never_trips_the_guard(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    crawl(db, crawl_settings, source, night(1))
    for ad_id in (5, 6, 7):  # 3 of 7 (43%), fewer than removal_guard_min_ads
        del site.ads[ad_id]
    health = crawl(db, crawl_settings, source, night(2))
    assert (health["state"], health["removals"]) == ("ok", "applied")
    assert sum(days for days, _on, _removed in ads(db).values()) == 3


def test_the_migration_carries_scans_missed_over_as_days(database_factory: DatabaseFactory, tmp_path: Path) -> None:
    url = database_factory.empty_url(tmp_path)
    settings = load_settings(cli={"database.url": url, "paths.data_dir": str(tmp_path)}, environ={}).settings
    upgrade(settings, "0002")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO sources (id, name, base_url, config_hash, created_at) "
                    "VALUES (1, 'site', 'http://x', '', CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO ads (id, source_id, external_id, url, first_seen_at, last_seen_at, missing_scans) "
                    "VALUES (1, 1, 'a', 'http://x/a', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
                )
            )
        upgrade(settings)
        with engine.connect() as connection:
            row = connection.execute(text("SELECT missing_days, missing_on FROM ads WHERE id = 1")).one()
            source = connection.execute(text("SELECT listed_ads FROM sources WHERE id = 1")).one()
        assert tuple(row) == (1, None) and tuple(source) == (None,)
    finally:
        engine.dispose()


def test_a_crawl_run_stores_its_health_and_the_stats_survive_a_round_trip(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    site.extra["/listing?page=2"] = status(503)
    stats = run_crawl(db, crawl_settings, sources=[source], now=night(1))
    with db.session() as session:
        run = session.scalars(select(ScanRun)).one()
        assert run.health == "degraded" == stats.health
        again = CrawlStats.from_json(run.stats["crawl"])
        sighted = session.scalar(select(func.count()).select_from(Sighting))
    assert again.sources["testsite"].health == stats.sources["testsite"].health
    assert again.sources["testsite"].listed_ads == sighted == 3  # page 1 only
    assert any("degraded" in line for line in stats.summary_lines())
