"""The source file of the lichtbaken site (bench/sources/) reads every ad and every optional row, and every place
row as its advertisers type it resolves to the municipality the truth knows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from scanner.clock import demo_day
from scanner.crawl import load_sources, run_crawl
from scanner.crawl.parse import clean_lines
from scanner.db import Database
from scanner.db.models import Ad, AdVersion
from scanner.lab.demo.lichtbaken import LichtbakenConfig, LichtbakenWorld
from scanner.lab.demo.lichtbaken.places import TOWNS
from scanner.lab.demo.server import DemoServer
from scanner.settings import Settings

SOURCES = Path(__file__).resolve().parents[2] / "bench" / "sources"


@pytest.fixture(scope="module")
def world() -> LichtbakenWorld:
    return LichtbakenWorld.generate(LichtbakenConfig(seed=2, days=3, independents=30, duos=2, networks=2, agencies=1))


@pytest.fixture
def served(world: LichtbakenWorld, monkeypatch: pytest.MonkeyPatch) -> Iterator[DemoServer]:
    with DemoServer(world, day=1) as server:
        for name, value in server.environ().items():
            monkeypatch.setenv(name, value)
        yield server


def test_every_ad_and_row_is_read(
    db: Database, crawl_settings: Settings, served: DemoServer, world: LichtbakenWorld
) -> None:
    stats = run_crawl(db, crawl_settings, sources=load_sources(SOURCES), now=demo_day(1))
    assert stats.total("error_count") == 0
    expected = {ad.key: ad for ad in world.ads_on(1)}
    with db.session() as session:
        rows = session.execute(select(Ad, AdVersion).join(AdVersion, AdVersion.id == Ad.current_version_id))
        found = {ad.external_id: (ad, version) for ad, version in rows}
    assert set(found) == set(expected)
    held = set()
    for key, (ad, version) in found.items():
        shown = expected[key]
        # the place row as people type it, resolved to the true municipality; a slip nobody knows is held
        if ad.place_held_since is None:
            assert ad.city == world.municipality_on(key, 1), shown.city
        else:
            held.add(shown.city)
            assert ad.city is None
        assert (version.title, version.text) == (shown.title, clean_lines(shown.text))
        assert version.fields["city"] == shown.city
        assert version.fields["age"] == (None if shown.age_field is None else str(shown.age_field))
        assert version.fields["phone"] == shown.phone_field
        assert version.fields["license"] == shown.license_field
        assert version.fields["hours"] == dict(shown.details).get("Bereikbaar")
        assert version.fields["name"] == shown.name
    slips = {slip for town in TOWNS for slip in town.slips}
    assert held <= slips
