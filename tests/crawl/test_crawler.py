"""`run_crawl` end to end against the test site: gate, robots, incremental scans, changes, removals,
hostile pages and region keeping."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import func, select

from scanner.crawl import SourceConfig, run_crawl
from scanner.crawl.sourcefile import StartURL
from scanner.db import Database
from scanner.db.models import Ad, AdPhoto, AdVersion, FrontierEntry, Photo, ScanRun, Sighting
from scanner.settings import Settings
from tests.crawl.site import FakeSite, SiteAd, drip, gzip_bomb, huge, redirect_to, status

DAY1 = datetime(2026, 1, 2, 12)


def count(db: Database, model: type) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def ad_pages(site: FakeSite) -> list[str]:
    return [path for path in site.requests if path.startswith("/ad/")]


def test_full_crawl_passes_the_gate_and_stores_ads(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    stats = run_crawl(db, crawl_settings, sources=[source], now=DAY1)
    own = stats.sources["testsite"]
    assert own.new_ads == 7 and own.error_count == 0
    assert sorted(ad_pages(site)) == sorted(f"/ad/{i}" for i in range(1, 8))
    with db.session() as session:
        ads = session.scalars(select(Ad).order_by(Ad.external_id)).all()
        assert [ad.external_id for ad in ads] == [str(i) for i in range(1, 8)]
        assert {ad.city for ad in ads} == {"Haarlem", "Amsterdam", "Utrecht"}
        assert all(ad.current_version_id is not None and ad.first_seen_at == DAY1 for ad in ads)
        version = session.get(AdVersion, ads[0].current_version_id)
        assert version is not None and version.title == "Ad number 1" and version.fields["phone"] == "06-1234 5671"
        sightings = session.scalars(select(Sighting)).all()
        assert len(sightings) == 7 and {s.city for s in sightings} == {"Haarlem"}  # the listing's city
        assert all("/listing?page=" in s.listing_url for s in sightings)
        photos = session.scalars(select(Photo)).all()
        assert len(photos) == 4 and all(p.phash and p.sha256 and p.content is None for p in photos)
        run = session.scalars(select(ScanRun)).one()
        assert run.status == "completed" and run.kind == "crawl"
        assert run.stats["crawl"]["sources"]["testsite"]["new_ads"] == 7
        assert set(session.scalars(select(FrontierEntry.status))) == {"done"}
    assert count(db, AdPhoto) == 7
    assert site.requests.count("/img/1.png") == 1


def test_robots_disallowed_paths_are_never_requested(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    site.listing_extra = '<a class="ad" href="/private/ad/99">hidden</a>'
    stats = run_crawl(db, crawl_settings, sources=[source], now=DAY1)
    assert not any(path.startswith("/private/") for path in site.requests)
    assert stats.sources["testsite"].robots_disallowed == 1
    assert stats.sources["testsite"].new_ads == 7


def test_second_scan_of_an_unchanged_site_downloads_90_percent_less(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    first = run_crawl(db, crawl_settings, sources=[source], now=DAY1)
    site.requests.clear()
    second = run_crawl(db, crawl_settings, sources=[source], now=DAY1 + timedelta(days=1))
    assert second.total("bytes") <= 0.1 * first.total("bytes")
    assert ad_pages(site) == []
    assert second.sources["testsite"].unchanged_ads == 7
    assert count(db, AdVersion) == 7
    assert count(db, Sighting) == 14


def test_without_etags_unchanged_pages_are_not_parsed_again(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    site.etags = False
    run_crawl(db, crawl_settings, sources=[source], now=DAY1)
    site.requests.clear()
    second = run_crawl(db, crawl_settings, sources=[source], now=DAY1 + timedelta(days=1))
    assert ad_pages(site) == []  # the listing marker tells the ads did not change
    assert second.sources["testsite"].unchanged_ads == 7


def test_changed_ads_get_a_new_version_and_removed_ads_are_marked(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    run_crawl(db, crawl_settings, sources=[source], now=DAY1)
    site.ads[2].text = "New text of ad 2."
    gone = site.ads.pop(7)
    site.requests.clear()
    day2 = run_crawl(db, crawl_settings, sources=[source], now=DAY1 + timedelta(days=1))
    assert ad_pages(site) == ["/ad/2"]
    assert day2.sources["testsite"].changed_ads == 1
    with db.session() as session:
        ad2 = session.scalars(select(Ad).where(Ad.external_id == "2")).one()
        versions = session.scalars(select(AdVersion).where(AdVersion.ad_id == ad2.id).order_by(AdVersion.id)).all()
        assert [v.text for v in versions] == ["Text of ad 2, call me.", "New text of ad 2."]
        assert ad2.current_version_id == versions[-1].id
        ad7 = session.scalars(select(Ad).where(Ad.external_id == "7")).one()
        assert ad7.missing_days == 1 and ad7.removed_at is None
    day3 = run_crawl(db, crawl_settings, sources=[source], now=DAY1 + timedelta(days=2))
    assert day3.sources["testsite"].removed_ads == 1
    with db.session() as session:
        ad7 = session.scalars(select(Ad).where(Ad.external_id == "7")).one()
        assert ad7.removed_at == DAY1 + timedelta(days=2) and ad7.current_version_id is not None
    site.ads[7] = gone
    run_crawl(db, crawl_settings, sources=[source], now=DAY1 + timedelta(days=3))
    with db.session() as session:
        ad7 = session.scalars(select(Ad).where(Ad.external_id == "7")).one()
        assert ad7.removed_at is None and ad7.missing_days == 0 and ad7.missing_on is None
    assert count(db, AdVersion) == 8


HOSTILE = {
    "/ad/901": gzip_bomb,
    "/ad/902": drip,
    "/ad/903": huge,
    "/ad/904": redirect_to("/ad/904"),
    "/ad/905": redirect_to("http://example.org/ad/905"),
    "/ad/906": status(503),
    "/ad/907": lambda handler: handler.send(200, b"<html><p>no title here</p></html>"),  # type: ignore[attr-defined]
}


def test_each_hostile_page_is_an_error_for_its_url_and_the_run_goes_on(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    site.extra = dict(HOSTILE)
    site.listing_extra = "".join(f'<a class="ad" href="{path}">x</a>' for path in HOSTILE)
    started = time.monotonic()
    stats = run_crawl(db, crawl_settings, sources=[source], now=DAY1)
    assert time.monotonic() - started < 10
    own = stats.sources["testsite"]
    assert own.new_ads == 7
    reasons = {error["url"].rsplit("/", 1)[1]: error["reason"] for error in own.errors}
    assert set(reasons) == {path.rsplit("/", 1)[1] for path in HOSTILE}
    assert "exceeds the limit" in reasons["901"] and "deadline" in reasons["902"]
    assert "exceeds the limit" in reasons["903"] and "redirects" in reasons["904"]
    assert "not an allowed host" in reasons["905"] and reasons["906"] == "HTTP 503"
    assert "title (h1)" in reasons["907"]
    assert own.retries == crawl_settings.crawl.max_retries
    with db.session() as session:
        failed = session.scalars(select(FrontierEntry.url).where(FrontierEntry.status == "failed")).all()
        assert len(failed) == len(HOSTILE)


def test_photo_bytes_are_kept_only_when_asked(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    crawl_settings.crawl.keep_image_bytes = True
    run_crawl(db, crawl_settings, sources=[source], now=DAY1)
    with db.session() as session:
        contents = session.scalars(select(Photo.content)).all()
        assert len(contents) == 4 and all(content and content.startswith(b"\x89PNG") for content in contents)


def test_ads_outside_the_region_are_not_stored(
    db: Database,
    crawl_settings: Settings,
    site: FakeSite,
    source: SourceConfig,
) -> None:
    site.ads[8] = SiteAd(8, "Ad number 8", "Text", "Antwerpen")
    crawl_settings.municipality.region = ["Noord-Holland"]
    stats = run_crawl(db, crawl_settings, sources=[source], now=DAY1)
    with db.session() as session:
        cities = sorted(session.scalars(select(Ad.city)).all())
    assert cities == ["Amsterdam", "Amsterdam", "Amsterdam", "Haarlem", "Haarlem"]
    assert stats.sources["testsite"].outside_region == 3
    again = run_crawl(db, crawl_settings, sources=[source], now=DAY1 + timedelta(days=1))
    assert again.sources["testsite"].not_modified == 3 + 3  # listings, and the ads left out: 304, not refetched
    assert again.sources["testsite"].new_ads == 0 and count(db, Ad) == 5


def test_places_written_as_sites_write_them_are_kept_with_their_municipality_and_unknown_ones_held(
    db: Database, crawl_settings: Settings, site: FakeSite, source: SourceConfig
) -> None:
    """Without a city for the listing (the test source gives Haarlem, which would place every ad it lists)."""
    source = source.model_copy(update={"start_urls": [StartURL(url="/listing?page=1")]})
    site.ads = {
        1: SiteAd(1, "Een", "Tekst", "Haarlem e.o."),
        2: SiteAd(2, "Twee", "Tekst", "IJmuiden e.o."),
        3: SiteAd(3, "Drie", "Tekst", "Haarlm"),  # a slip the gazetteer does not know
        4: SiteAd(4, "Vier", "Tekst", "Amsterdam West"),
        5: SiteAd(5, "Vijf", "Tekst", "Schalkwijk"),
    }
    crawl_settings.municipality.region = ["Kennemerland"]
    stats = run_crawl(db, crawl_settings, sources=[source], now=DAY1)
    own = stats.sources["testsite"]
    assert (own.new_ads, own.outside_region, own.held_places) == (4, 1, 1)
    with db.session() as session:
        rows = {ad.external_id: (ad.city, ad.place_held_since) for ad in session.scalars(select(Ad))}
        sighted = {city for city in session.scalars(select(Sighting.city))}
    assert rows == {"1": ("Haarlem", None), "2": ("Velsen", None), "3": (None, DAY1), "5": ("Haarlem", None)}
    assert sighted <= {"Haarlem", "Velsen", None}  # municipalities only: one town is one city for movement

    site.ads[3] = SiteAd(3, "Drie", "Tekst", "Haarlem")  # she corrects it: the hold ends
    site.ads[2] = SiteAd(2, "Twee", "Tekst", "Ijmuden")  # and another makes a slip: a hold starts
    later = DAY1 + timedelta(days=1)
    again = run_crawl(db, crawl_settings, sources=[source], now=later)
    assert again.sources["testsite"].held_places == 1
    with db.session() as session:
        rows = {ad.external_id: (ad.city, ad.place_held_since) for ad in session.scalars(select(Ad))}
    assert rows["3"] == ("Haarlem", None) and rows["2"] == (None, later)
