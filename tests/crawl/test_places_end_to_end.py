"""Places as sites write them, through the whole nightly scan: "Haarlem e.o." is Haarlem for the region filter
and for movement, and a place nobody can resolve is held, placed by its text, or purged."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from scanner.clock import demo_day
from scanner.db import Database
from scanner.db.models import Ad, IndicatorHit, Sighting
from scanner.settings import Settings
from scanner.workflow.scan import run_scan
from tests.crawl.conftest import DATA
from tests.crawl.site import FakeSite, SiteAd

RULES = Path(__file__).resolve().parents[2] / "rules"


@pytest.fixture
def scan_settings(settings: Settings, site: FakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The test site's source without a city for its listing, the project's rules, no model, region Kennemerland."""
    monkeypatch.setenv("TEST_SITE_URL", site.url)
    sources = tmp_path / "sources"
    sources.mkdir()
    text = (DATA / "sources" / "testsite.yaml").read_text(encoding="utf-8")
    (sources / "testsite.yaml").write_text(text.replace("    city: Haarlem\n", ""), encoding="utf-8")
    settings.paths.sources_dir = str(sources)
    settings.paths.rules_dir = str(RULES)
    settings.model.rules_only = True
    settings.municipality.region = ["Kennemerland"]
    return settings


def scan(db: Database, settings: Settings, day: int) -> list[str]:
    return run_scan(db, settings, actor="test", now=demo_day(day), simulated_day=day).lines()


def test_one_town_written_three_ways_is_one_city_for_the_region_and_for_movement(
    db: Database, scan_settings: Settings, site: FakeSite
) -> None:
    """One woman (the test site gives ads 1, 11 and 21 one phone) moves her ad between three ways of writing
    Haarlem: kept every night, one city, no relocation-circuit. Three towns would be a circuit."""
    site.ads = {1: SiteAd(1, "Lisa", "Lisa ontvangt je graag.", "Haarlem")}
    for day, (ad_id, written) in enumerate([(1, "Haarlem"), (11, "Haarlem e.o."), (21, "Haarlem (Kennemerland)")], 1):
        site.ads[ad_id] = SiteAd(ad_id, "Lisa", "Lisa ontvangt je graag.", written)
        scan(db, scan_settings, day)
    with db.session() as session:
        assert sorted(session.scalars(select(Ad.city))) == ["Haarlem", "Haarlem", "Haarlem"]
        assert set(session.scalars(select(Sighting.city))) == {"Haarlem"}
        assert "relocation-circuit" not in set(session.scalars(select(IndicatorHit.rule_id)))

    for ad_id, written in ((31, "IJmuiden e.o."), (41, "Hoofddorp (Schiphol)")):  # two more towns: a circuit
        site.ads[ad_id] = SiteAd(ad_id, "Lisa", "Lisa ontvangt je graag.", written)
    scan(db, scan_settings, 4)
    with db.session() as session:
        hits = session.scalars(select(IndicatorHit).where(IndicatorHit.rule_id == "relocation-circuit")).all()
    assert hits and "Haarlem, Haarlemmermeer, Velsen" in hits[0].explanation


def test_a_place_nobody_can_resolve_is_held_then_placed_by_its_text_refused_or_purged(
    db: Database, scan_settings: Settings, site: FakeSite
) -> None:
    site.ads = {
        1: SiteAd(1, "Een", "Ik ontvang in Haarlem, bel me.", "Haarlm"),  # the text places it: inside
        2: SiteAd(2, "Twee", "Deze week in Amsterdam, bel me.", "Haarlm"),  # the text places it: outside
        3: SiteAd(3, "Drie", "Bel me voor een afspraak.", "Haarlm"),  # nothing places it
        4: SiteAd(4, "Vier", "Bel me voor een afspraak.", "Haarlem e.o."),
    }
    lines = scan(db, scan_settings, 1)
    assert "places not resolved: 1 ads held, 1 placed by their text, 1 outside the region, 0 purged" in "\n".join(lines)
    with db.session() as session:
        ads = {ad.external_id: ad for ad in session.scalars(select(Ad))}
        assert set(ads) == {"1", "3", "4"}  # ad 2 is in Amsterdam: not kept
        assert (ads["1"].city, ads["1"].place_held_since) == ("Haarlem", None)
        assert {s.city for s in session.scalars(select(Sighting).where(Sighting.ad_id == ads["1"].id))} == {"Haarlem"}
        assert (ads["3"].city, ads["3"].place_held_since) == (None, demo_day(1))
        hit_ads = set(session.scalars(select(IndicatorHit.ad_id)))
    assert ads["3"].id not in hit_ads  # held: not scored

    days = scan_settings.retention.unresolved_place_days
    for day in range(2, days + 2):
        lines = scan(db, scan_settings, day)
    assert "0 placed by their text, 0 outside the region, 1 purged after the hold" in "\n".join(lines)
    with db.session() as session:
        assert sorted(session.scalars(select(Ad.external_id))) == ["1", "4"]
    assert demo_day(days + 1) - demo_day(1) >= timedelta(days=days)
