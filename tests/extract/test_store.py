"""`extract_pending`: features, identifiers and the ad's city are stored once per extractor version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from scanner.db import Database
from scanner.db.models import Ad, AdIdentifier, AdVersion, Identifier, Source
from scanner.extract import EXTRACTOR_VERSION
from scanner.extract.store import extract_pending
from scanner.settings import Settings

DAY = datetime(2026, 1, 2, 12)


def _ad(db: Database, key: str, title: str, text: str, fields: dict[str, str], *, current: bool = True) -> int:
    with db.session() as session:
        source = session.scalar(select(Source).where(Source.name == "site"))
        if source is None:
            source = Source(name="site", base_url="http://127.0.0.1", created_at=DAY)
            session.add(source)
            session.flush()
        ad = Ad(
            source_id=source.id, external_id=key, url=f"http://127.0.0.1/{key}", first_seen_at=DAY, last_seen_at=DAY
        )
        session.add(ad)
        session.flush()
        version = AdVersion(ad_id=ad.id, content_hash=key, fetched_at=DAY, title=title, text=text, fields=fields)
        session.add(version)
        session.flush()
        if current:
            ad.current_version_id = version.id
        return ad.id


def test_extracts_stores_and_links_identifiers(db: Database, settings: Settings) -> None:
    first = _ad(db, "a1", "Anna (21)", "Nieuw in Hoofddorp! Bel nul zes 12345678. mail anna [at] mail [dot] nl", {})
    second = _ad(db, "a2", "Lisa", "Lisa 23 jaar, escort", {"phone": "06-12345678", "city": "Den Haag"})
    assert extract_pending(db, settings, now=DAY) == 2
    with db.session() as session:
        versions = session.scalars(select(AdVersion).order_by(AdVersion.id)).all()
        assert all(version.extractor_version == EXTRACTOR_VERSION for version in versions)
        assert versions[0].features["phones"] == ["+31612345678"]
        assert versions[0].features["ages"] == [21]
        assert versions[1].features["cities"] == ["Den Haag"]
        phone = session.scalar(select(Identifier).where(Identifier.kind == "phone"))
        assert phone is not None and phone.value == "+31612345678"
        links = {
            link.ad_id: link
            for link in session.scalars(select(AdIdentifier).where(AdIdentifier.identifier_id == phone.id))
        }
        assert set(links) == {first, second}
        assert links[first].found_in == "text" and links[first].obscurity == 2
        assert links[second].found_in == "field" and links[second].obscurity == 0
        assert session.scalar(select(Identifier.value).where(Identifier.kind == "email")) == "anna@mail.nl"
        cities = dict(session.execute(select(Ad.id, Ad.city)).all())
        assert cities == {first: "Haarlemmermeer", second: "Den Haag"}  # municipalities: Hoofddorp lies in it


def test_second_run_does_nothing_and_a_new_version_is_extracted(db: Database, settings: Settings) -> None:
    _ad(db, "b1", "Mia", "Bel 0687654321", {})
    assert extract_pending(db, settings, now=DAY) == 1
    assert extract_pending(db, settings, now=DAY) == 0
    with db.session() as session:
        version = session.scalars(select(AdVersion)).one()
        version.extractor_version = "extract-0.old"
    assert extract_pending(db, settings, now=DAY) == 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Identifier)) == 1
        assert session.scalar(select(func.count()).select_from(AdIdentifier)) == 1


def test_batches_cover_every_version(db: Database, settings: Settings, monkeypatch: object) -> None:
    import scanner.extract.store as store

    setattr(store, "BATCH_SIZE", 2)  # noqa: B010 - a small batch makes the loop go round
    try:
        for index in range(5):
            _ad(db, f"c{index}", "", f"Bel 06-1234567{index}", {})
        assert extract_pending(db, settings, now=DAY) == 5
    finally:
        setattr(store, "BATCH_SIZE", 200)  # noqa: B010
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Identifier)) == 5
