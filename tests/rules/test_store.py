"""apply_rules on a database: per-ad hits on changed ads only, cross-ad hits over groups, network hits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from scanner.db import Database
from scanner.db.models import (
    Ad,
    AdIdentifier,
    AdPhoto,
    AdVersion,
    Identifier,
    IdentityJudgement,
    IndicatorHit,
    Link,
    Network,
    NetworkMember,
    Photo,
    ScanRun,
    Sighting,
    Source,
)
from scanner.extract import extract
from scanner.rules import RuleSet, apply_rules
from scanner.settings import Settings

PACK = Path(__file__).resolve().parents[2] / "rules"
DAY0 = datetime(2026, 1, 1, 12)
PHONE = "+31612345678"


@dataclass
class World:
    """A few stored ads: three names behind one phone moving through three cities, one reused photo."""

    ads: dict[str, int] = field(default_factory=dict)

    def add_ad(self, session: Session, key: str, text: str, name: str, city: str, day: int) -> int:
        ad = Ad(
            source_id=1,
            external_id=key,
            url=f"http://127.0.0.1/{key}",
            city=city,
            first_seen_at=DAY0 + timedelta(days=day),
            last_seen_at=DAY0 + timedelta(days=day + 2),
        )
        session.add(ad)
        session.flush()
        self.new_version(session, ad.id, text, name, features=True)
        session.add(Sighting(ad_id=ad.id, scan_run_id=1, seen_at=DAY0 + timedelta(days=day), city=city))
        self.ads[key] = ad.id
        return ad.id

    @staticmethod
    def new_version(session: Session, ad_id: int, text: str, name: str, *, features: bool) -> None:
        version = AdVersion(
            ad_id=ad_id,
            content_hash=str(hash(text)),
            fetched_at=DAY0,
            title="",
            text=text,
            fields={"name": name},
            features=extract(f"\n{text}").to_json() if features else None,
        )
        session.add(version)
        session.flush()
        session.get_one(Ad, ad_id).current_version_id = version.id


def build(db: Database) -> World:
    world = World()
    with db.session() as session:
        session.add(Source(id=1, name="test", base_url="http://127.0.0.1/", created_at=DAY0))
        session.add(ScanRun(id=1, kind="scan", status="completed", started_at=DAY0))
        session.flush()
        world.add_ad(session, "anna", "Net 18, 24/7 beschikbaar", "Anna", "Haarlem", 1)
        world.add_ad(session, "bella", "Lieve dame, bel voor een afspraak", "Bella", "Leiden", 4)
        world.add_ad(session, "cleo", "Gezellige vrouw, op afspraak", "Cleo", "Utrecht", 8)
        world.add_ad(session, "solo", "Zelfstandige dame van 40, jong van geest", "Dana", "Breda", 2)
        phone = Identifier(kind="phone", value=PHONE, created_at=DAY0)
        session.add(phone)
        session.flush()
        for key in ("anna", "bella", "cleo"):
            session.add(
                AdIdentifier(ad_id=world.ads[key], identifier_id=phone.id, first_seen_at=DAY0, last_seen_at=DAY0)
            )
        network = Network(label="N-000001", size=4, created_at=DAY0, updated_at=DAY0)
        session.add(network)
        session.flush()
        for key in world.ads:
            session.add(NetworkMember(network_id=network.id, ad_id=world.ads[key], added_at=DAY0))
        for number, key in enumerate(("bella", "solo")):  # one photo under two phone numbers? solo has none
            photo = Photo(url=f"http://127.0.0.1/p{number}.jpg", phash="ffee000000000000", fetched_at=DAY0)
            session.add(photo)
            session.flush()
            session.add(AdPhoto(ad_id=world.ads[key], photo_id=photo.id, first_seen_at=DAY0))
        session.add(
            Link(ad_a_id=world.ads["anna"], ad_b_id=world.ads["bella"], kind="text", strength=0.9, created_at=DAY0)
        )
    return world


def hits(db: Database) -> list[IndicatorHit]:
    with db.session() as session:
        return list(session.scalars(select(IndicatorHit).order_by(IndicatorHit.id)))


def test_apply_rules_writes_ad_group_and_network_hits(db: Database, settings: Settings) -> None:
    world = build(db)
    settings.paths.rules_dir = str(PACK)
    stats = apply_rules(db, settings, scan_run_id=1, now=DAY0 + timedelta(days=20))
    assert stats.ads_evaluated == 4
    stored = hits(db)
    by_rule: dict[str, set[int | None]] = {}
    for hit in stored:
        by_rule.setdefault(hit.rule_id, set()).add(hit.ad_id)
        assert hit.ruleset_hash == stats.ruleset_hash and hit.scan_run_id == 1 and hit.rule_version >= 1
    three = {world.ads["anna"], world.ads["bella"], world.ads["cleo"]}
    assert by_rule["youth-language"] == {world.ads["anna"]}
    assert by_rule["always-available"] == {world.ads["anna"]}
    assert by_rule["shared-phone-names"] == three
    assert by_rule["relocation-circuit"] == three
    assert by_rule["several-workers-one-phone"] == three
    assert by_rule["network-circuit"] == {None}
    network_hit = next(h for h in stored if h.rule_id == "network-circuit")
    assert network_hit.network_id is not None and "4 cities" in network_hit.explanation
    assert "photo-reuse" not in by_rule  # the second ad with that photo has no phone at all
    assert "youth-language" not in {h.rule_id for h in stored if h.ad_id == world.ads["solo"]}
    shared = next(h for h in stored if h.rule_id == "shared-phone-names")
    assert "Anna, Bella, Cleo" in shared.explanation and PHONE not in str(shared.evidence)


def test_a_second_run_only_evaluates_changed_ads(db: Database, settings: Settings) -> None:
    world = build(db)
    settings.paths.rules_dir = str(PACK)
    ruleset = RuleSet.load(PACK, settings)
    apply_rules(db, settings, ruleset=ruleset)
    before = {h.id: (h.rule_id, h.ad_id, h.network_id) for h in hits(db)}
    again = apply_rules(db, settings, ruleset=ruleset)
    assert again.ads_evaluated == 0
    assert {h.id: (h.rule_id, h.ad_id, h.network_id) for h in hits(db)} == before  # nothing rewritten
    with db.session() as session:
        World.new_version(session, world.ads["anna"], "Rustige dame op afspraak", "Anna", features=True)
    changed = apply_rules(db, settings, ruleset=ruleset)
    assert changed.ads_evaluated == 1
    anna = {h.rule_id for h in hits(db) if h.ad_id == world.ads["anna"]}
    assert "youth-language" not in anna and "shared-phone-names" in anna


def test_ads_without_features_wait_and_licensed_numbers_are_skipped(db: Database, settings: Settings) -> None:
    world = build(db)
    with db.session() as session:
        World.new_version(session, world.ads["solo"], "Nieuwe tekst", "Dana", features=False)
    settings.paths.rules_dir = str(PACK)
    settings.linking.licensed_numbers = [PHONE]
    stats = apply_rules(db, settings)
    assert stats.ads_skipped == 1 and stats.ads_evaluated == 3
    assert not {"shared-phone-names", "several-workers-one-phone"} & {h.rule_id for h in hits(db)}


def test_low_price_compares_with_the_prices_stored_for_the_city(db: Database, settings: Settings) -> None:
    with db.session() as session:
        session.add(Source(id=1, name="test", base_url="http://127.0.0.1/", created_at=DAY0))
        session.flush()
        for number in range(26):
            amount = 50 if number == 0 else 120 + number * 5
            ad = Ad(
                source_id=1,
                external_id=str(number),
                url=f"http://127.0.0.1/{number}",
                city="Haarlem",
                first_seen_at=DAY0,
                last_seen_at=DAY0,
            )
            session.add(ad)
            session.flush()
            features = {
                "prices": [
                    {
                        "amount": amount,
                        "currency": "EUR",
                        "per": "hour",
                        "minutes": 60,
                        "span": {"start": 0, "end": 3, "text": str(amount)},
                    }
                ],
                "places": [{"name": "Haarlem", "province": "Noord-Holland"}],
            }
            version = AdVersion(
                ad_id=ad.id,
                content_hash=str(number),
                fetched_at=DAY0,
                text=f"{amount} per uur",
                fields={},
                features=features,
            )
            session.add(version)
            session.flush()
            ad.current_version_id = version.id
    settings.paths.rules_dir = str(PACK)
    apply_rules(db, settings)
    cheap = sorted(h.explanation for h in hits(db) if h.rule_id == "low-price")
    # p10 of 50, 125, 130, ..., 245 lies between 130 and 135: the cheapest tenth fires, nothing else
    assert [text.split(" per hour")[0][-4:] for text in cheap] == ["€125", "€130", " €50"]
    assert all("26 prices in Haarlem" in text for text in cheap)


def test_a_licensed_business_shares_its_phone_without_a_trafficking_or_licensing_hit(
    db: Database, settings: Settings
) -> None:
    world = build(db)
    with db.session() as session:
        for key, name in (("anna", "Anna"), ("bella", "Bella"), ("cleo", "Cleo")):
            text = f"Escortbureau Roos, vergunning V-1234. Deze dame heet {name}."
            World.new_version(session, world.ads[key], text, name, features=True)
        network = session.scalars(select(Network)).one()
        network.summary = {"looks_licensed": True}
    settings.paths.rules_dir = str(PACK)
    apply_rules(db, settings, now=DAY0 + timedelta(days=20))
    stored = {(h.rule_id, h.ad_id): h for h in hits(db)}
    fired = {rule_id for rule_id, _ in stored}
    assert not {"shared-phone-names", "several-workers-one-phone"} & fired  # licensed_factor 0
    relocation = stored[("relocation-circuit", world.ads["anna"])]
    assert relocation.weight == 1.5 and "licensed business" in relocation.explanation  # 3 x licensed_factor 0.5
    assert relocation.evidence[0]["licensed"] is True
    assert stored[("network-circuit", None)].weight == 1.5  # the network linking found licensed
    assert stored[("third-person-writing", world.ads["anna"])].weight == 0.5  # 2 x licensed_factor 0.25


def _photo_under_two_phones(db: Database) -> World:
    """Two ads with their own phones showing one picture (pHash ffee...): photo-reuse, unless linking found the
    picture to be a hub or a business's logo."""
    world = World()
    with db.session() as session:
        session.add(Source(id=1, name="test", base_url="http://127.0.0.1/", created_at=DAY0))
        session.add(ScanRun(id=1, kind="scan", status="completed", started_at=DAY0))
        session.flush()
        for number, key in enumerate(("eva", "fay")):
            ad_id = world.add_ad(session, key, "Lieve dame, bel voor een afspraak", key.title(), "Haarlem", 1)
            phone = Identifier(kind="phone", value=f"+3161111111{number}", created_at=DAY0)
            photo = Photo(url=f"http://127.0.0.1/p{number}.jpg", phash="ffee000000000000", fetched_at=DAY0)
            session.add_all([phone, photo])
            session.flush()
            session.add(AdIdentifier(ad_id=ad_id, identifier_id=phone.id, first_seen_at=DAY0, last_seen_at=DAY0))
            session.add(AdPhoto(ad_id=ad_id, photo_id=photo.id, first_seen_at=DAY0))
    return world


def test_a_picture_judged_a_hub_or_a_logo_groups_no_ads(db: Database, settings: Settings) -> None:
    settings.paths.rules_dir = str(PACK)
    world = _photo_under_two_phones(db)
    apply_rules(db, settings, scan_run_id=1, now=DAY0 + timedelta(days=2))
    assert {h.ad_id for h in hits(db) if h.rule_id == "photo-reuse"} == set(world.ads.values())
    for verdict in ("hub", "business"):
        with db.session() as session:
            session.execute(delete(IdentityJudgement))
            session.add(
                IdentityJudgement(
                    kind="photo",
                    value="ffee000000000000",
                    verdict=verdict,
                    reason="test",
                    facts={"phashes": ["ffee000000000000"], "ad_ids": sorted(world.ads.values())},
                    decided_at=DAY0,
                )
            )
        apply_rules(db, settings, scan_run_id=1, now=DAY0 + timedelta(days=2))
        assert "photo-reuse" not in {h.rule_id for h in hits(db)}, verdict


def test_a_joint_ad_counts_each_name_and_held_ads_count_nothing(db: Database, settings: Settings) -> None:
    settings.paths.rules_dir = str(PACK)
    world = World()
    with db.session() as session:
        session.add(Source(id=1, name="test", base_url="http://127.0.0.1/", created_at=DAY0))
        session.add(ScanRun(id=1, kind="scan", status="completed", started_at=DAY0))
        session.flush()
        phone = Identifier(kind="phone", value=PHONE, created_at=DAY0)
        session.add(phone)
        session.flush()
        for key, name in (("a", "Mila"), ("b", "Jade"), ("c", "Mila & Jade"), ("d", "Nina")):
            ad_id = world.add_ad(session, key, "Samen of alleen, bel voor een afspraak", name, "Haarlem", 1)
            session.add(AdIdentifier(ad_id=ad_id, identifier_id=phone.id, first_seen_at=DAY0, last_seen_at=DAY0))
        # Nina's ad gives a place nobody could resolve: held, so not counted
        session.get_one(Ad, world.ads["d"]).place_held_since = DAY0
    apply_rules(db, settings, scan_run_id=1, now=DAY0 + timedelta(days=2))
    by_rule = {h.rule_id for h in hits(db)}
    assert "shared-phone-names" not in by_rule  # Mila and Jade: two people, not three names
    shared = [h for h in hits(db) if h.rule_id == "several-workers-one-phone"]
    assert shared and "(Jade, Mila)" in shared[0].explanation
    assert world.ads["d"] not in {h.ad_id for h in hits(db)}
