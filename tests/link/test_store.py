"""run_linking on a database: links and networks stored, incremental equals rebuild, stable labels, movement."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from scanner.db.models import (
    Ad,
    AdIdentifier,
    AdPhoto,
    AdVersion,
    Identifier,
    IdentityJudgement,
    Link,
    Network,
    NetworkMember,
    Photo,
    ScanRun,
    Sighting,
    Source,
    live_networks,
)
from scanner.db.session import Database
from scanner.errors import NotFoundError
from scanner.link import movement_for_network, movement_for_phone, run_linking
from scanner.settings import Settings
from tests.conftest import CliRun

NOW = datetime(2026, 1, 20, 12)
DAY0 = datetime(2026, 1, 2, 12)
TOUR = ["Amsterdam", "Utrecht", "Breda", "Zwolle"]


class Builder:
    """Inserts ads the way the crawler and the extraction stage store them."""

    def __init__(self, db: Database) -> None:
        self.db = db
        with db.session() as session:
            source = Source(name="site", base_url="http://site.test", created_at=DAY0)
            session.add(source)
            session.flush()
            self.source_id = source.id
            self.runs = []
            for day in range(12):
                run = ScanRun(kind="crawl", status="completed", started_at=DAY0 + timedelta(days=day))
                session.add(run)
                session.flush()
                self.runs.append(run.id)

    def ad(
        self,
        key: str,
        *,
        name: str,
        phone: str | None = None,
        licence: str | None = None,
        photo: str | None = None,
        cities: list[str] | None = None,
        text: str = "",
    ) -> int:
        with self.db.session() as session:
            ad = Ad(
                source_id=self.source_id,
                external_id=key,
                url=f"http://site.test/{key}",
                first_seen_at=DAY0,
                last_seen_at=DAY0,
            )
            session.add(ad)
            session.flush()
            version = AdVersion(ad_id=ad.id, content_hash=key, fetched_at=DAY0, text=text, fields={"name": name})
            session.add(version)
            session.flush()
            ad.current_version_id = version.id
            for kind, value in (("phone", phone), ("license", licence)):
                if value:
                    identifier = session.scalar(
                        select(Identifier).where(Identifier.kind == kind, Identifier.value == value)
                    )
                    if identifier is None:
                        identifier = Identifier(kind=kind, value=value, created_at=DAY0)
                        session.add(identifier)
                        session.flush()
                    session.add(
                        AdIdentifier(ad_id=ad.id, identifier_id=identifier.id, first_seen_at=DAY0, last_seen_at=DAY0)
                    )
            if photo:
                row = session.scalar(select(Photo).where(Photo.url == photo))
                if row is None:
                    row = Photo(url=photo, phash=photo[-16:], phash_mirror=photo[-16:][::-1], fetched_at=DAY0)
                    session.add(row)
                    session.flush()
                session.add(AdPhoto(ad_id=ad.id, photo_id=row.id, first_seen_at=DAY0))
            for day, city in enumerate(city for city in (cities or ["Leiden"]) for _ in range(3)):
                session.add(
                    Sighting(ad_id=ad.id, scan_run_id=self.runs[day], seen_at=DAY0 + timedelta(days=day), city=city)
                )
            return ad.id


def snapshot(db: Database) -> tuple[set[tuple[int, int, str, float]], dict[str, tuple[int, ...]]]:
    with db.session() as session:
        links = {(link.ad_a_id, link.ad_b_id, link.kind, link.strength) for link in session.scalars(select(Link))}
        networks: dict[str, tuple[int, ...]] = {}
        for network in session.scalars(select(Network).where(live_networks())):
            members = session.scalars(select(NetworkMember.ad_id).where(NetworkMember.network_id == network.id))
            networks[network.label] = tuple(sorted(members))
    return links, networks


@pytest.fixture
def world(db: Database) -> dict[str, int]:
    build = Builder(db)
    return {
        "anna": build.ad("a1", name="Anna", phone="+31611111111", photo="http://p/0123456789abcdef", cities=TOUR),
        "bella": build.ad("a2", name="Bella", phone="+31611111111", cities=TOUR),
        "anna2": build.ad("a3", name="Nina", photo="http://q/0123456789abcdef", cities=TOUR),
        "demi": build.ad("b1", name="Demi", phone="+31633333333"),
        "demi2": build.ad("b2", name="Demi", phone="+31633333333"),
        "eva": build.ad("c1", name="Eva", phone="+31644444444", licence="V-1"),
        "fleur": build.ad("c2", name="Fleur", phone="+31644444444", licence="V-1"),
    }


def test_links_and_one_network_with_summary_and_movement(
    db: Database, settings: Settings, world: dict[str, int]
) -> None:
    stats = run_linking(db, settings, now=NOW)
    links, networks = snapshot(db)
    assert stats.ads == 7 and stats.changed_ads == 7 and stats.networks_new == 1
    assert networks == {"N-000001": tuple(sorted([world["anna"], world["bella"], world["anna2"]]))}
    kinds = {(a, b): kind for a, b, kind, _ in links}
    assert kinds[(world["anna"], world["anna2"])] == "photo"
    assert kinds[(world["demi"], world["demi2"])] == "phone"  # one person: linked, no network
    with db.session() as session:
        summary = session.scalar(select(Network.summary))
    assert summary["people"] == 3 and summary["phones"] == ["+31611111111"]
    assert summary["movement"]["distinct_cities"] == 4
    movement = movement_for_network(db, "N-000001")
    assert [stay.city for stay in movement.stays] == TOUR
    assert movement_for_phone(db, "+31633333333").distinct_cities == 1
    with pytest.raises(NotFoundError):
        movement_for_phone(db, "+31600000000")
    with pytest.raises(NotFoundError):
        movement_for_network(db, "N-999999")


def test_second_run_changes_nothing_and_rebuild_gives_the_same(
    db: Database, settings: Settings, world: dict[str, int]
) -> None:
    run_linking(db, settings, now=NOW)
    first = snapshot(db)
    again = run_linking(db, settings, now=NOW)
    assert again.changed_ads == 0 and again.links_added == again.links_removed == again.links_updated == 0
    assert again.core["text_signatures_computed"] == 0
    rebuilt = run_linking(db, settings, rebuild=True, now=NOW)
    assert rebuilt.core["text_signatures_computed"] == 7
    assert snapshot(db) == first


def test_label_survives_growth_and_a_vanished_network_is_dissolved(
    db: Database, settings: Settings, world: dict[str, int]
) -> None:
    run_linking(db, settings, now=NOW)
    build = Builder.__new__(Builder)
    build.db, build.source_id = db, 1
    with db.session() as session:
        build.runs = list(session.scalars(select(ScanRun.id).order_by(ScanRun.id)))
    carla = build.ad("a4", name="Carla", phone="+31611111111", cities=TOUR)
    grown = run_linking(db, settings, now=NOW)
    assert grown.changed_ads == 1 and grown.networks_continued == 1 and grown.networks_new == 0
    assert carla in snapshot(db)[1]["N-000001"]
    with db.session() as session:  # the purge deletes ads; their links, members and state go with them
        session.execute(update(Ad).values(current_version_id=None))
        session.execute(delete(Ad))
    gone = run_linking(db, settings, now=NOW)
    assert gone.networks_dissolved == 1 and snapshot(db) == (set(), {})
    with db.session() as session:
        assert session.scalar(select(Network.dissolved_at)) == NOW


def test_licensed_numbers_from_the_settings_never_link(db: Database, settings: Settings, world: dict[str, int]) -> None:
    settings.linking.licensed_numbers = ["+31611111111"]
    run_linking(db, settings, now=NOW)
    links, networks = snapshot(db)
    assert not any(kind == "phone" and a == world["anna"] for a, _, kind, _ in links)
    # Still one network: the women travel together, and that link is not a phone.
    assert networks == {"N-000001": (world["anna"], world["bella"], world["anna2"])}
    with db.session() as session:
        kinds = session.scalar(select(Network.summary))["link_kinds"]
    assert "phone" not in kinds and kinds["movement"] == 1


def test_business_groups_and_duo_pairs_are_stored_apart_with_every_judgement_and_shown(
    db: Database, settings: Settings, world: dict[str, int], run_cli: CliRun
) -> None:
    build = Builder.__new__(Builder)
    build.db, build.source_id = db, 1
    with db.session() as session:
        build.runs = list(session.scalars(select(ScanRun.id).order_by(ScanRun.id)))
    mila = build.ad("d1", name="Mila", phone="+31655555555")
    jade = build.ad("d2", name="Jade", phone="+31655555555")
    stats = run_linking(db, settings, now=NOW)
    assert (stats.networks_active, stats.business_groups, stats.duo_pairs) == (1, 1, 1)
    with db.session() as session:
        groups = {row.label: (row.kind, row.summary["kind"]) for row in session.scalars(select(Network))}
        judged = {(row.kind, row.value): row for row in session.scalars(select(IdentityJudgement))}
    assert groups == {
        "N-000001": ("network", "network"),
        "B-000001": ("business", "business"),
        "D-000001": ("duo", "duo"),
    }
    assert judged[("phone", "+31655555555")].verdict == "duo"
    assert judged[("phone", "+31644444444")].verdict == "business"  # its ads show a licence number
    assert judged[("license", "V-1")].verdict == "business"
    assert judged[("phone", "+31611111111")].verdict == "person"
    assert judged[("phone", "+31655555555")].facts["ad_ids"] == [mila, jade]

    shown = json.loads(run_cli("show", "network", "D-000001", "--format", "json").output)
    assert shown["network"]["group"] == "duo" and {ad["id"] for ad in shown["ads"]} == {mila, jade}
    assert [(j["kind"], j["verdict"]) for j in shown["judgements"]] == [("phone", "duo")]
    assert "Jade and Mila" in shown["judgements"][0]["reason"]
    business = json.loads(run_cli("show", "network", "B-000001", "--format", "json").output)
    assert {(j["kind"], j["verdict"]) for j in business["judgements"]} == {
        ("license", "business"),
        ("phone", "business"),
    }
    text = run_cli("show", "network", "B-000001").output
    assert "Business group B-000001" in text and "not a network" in text and "licence" in text
    network = json.loads(run_cli("show", "network", "N-000001", "--format", "json").output)
    assert network["network"]["group"] == "network"
    assert ("phone", "person") in {(j["kind"], j["verdict"]) for j in network["judgements"]}
    listed = run_cli("link", "--list").output
    assert "B-000001" in listed and "(business group)" in listed and "(duo pair: not a network)" in listed

    again = run_linking(db, settings, now=NOW)  # nothing changed: the judgements are not rewritten
    with db.session() as session:
        assert {row.decided_at for row in session.scalars(select(IdentityJudgement))} == {NOW}
    assert (again.business_groups, again.duo_pairs) == (1, 1)
