"""The lichtbaken world and site: deterministic, its truth consistent with what the site shows, served over HTTP."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser

from scanner.crawl.imagehashes import hash_image
from scanner.lab.demo.lichtbaken import LichtbakenConfig, LichtbakenWorld
from scanner.lab.demo.lichtbaken.advertisers import PLACEHOLDER
from scanner.lab.demo.lichtbaken.places import TOWNS
from scanner.lab.demo.server import DemoServer

CONFIG = LichtbakenConfig(seed=4, days=5, independents=40, duos=3, networks=3, agencies=2)


@pytest.fixture(scope="module")
def world() -> LichtbakenWorld:
    return LichtbakenWorld.generate(CONFIG)


@pytest.fixture(scope="module")
def server(world: LichtbakenWorld) -> Iterator[DemoServer]:
    with DemoServer(world, day=2) as running:
        yield running


def test_the_same_seed_gives_the_same_world_and_another_seed_another(world: LichtbakenWorld) -> None:
    again = LichtbakenWorld.generate(CONFIG)
    assert [ad.text for ad in again.ads_on(3)] == [ad.text for ad in world.ads_on(3)]
    assert again.photo_bytes(PLACEHOLDER) == world.photo_bytes(PLACEHOLDER)
    other = LichtbakenWorld.generate(LichtbakenConfig(seed=5, days=5, independents=40, duos=3, networks=3, agencies=2))
    assert {ad.text for ad in other.ads_on(3)}.isdisjoint({ad.text for ad in world.ads_on(3)})


def test_every_ad_has_a_truth_and_the_classes_look_as_documented(world: LichtbakenWorld) -> None:
    truth = {record.key: record for record in world.truth()}
    shown = {ad.key for day in world.days for ad in world.ads_on(day)}
    assert shown == set(truth)
    by_network: dict[str, set[str]] = defaultdict(set)
    for record in truth.values():
        assert record.site == "lichtbaken" and record.days_visible
        if record.cls == "network":
            assert record.network_id and not record.agency_id and not record.duo_id
            by_network[record.network_id].add(record.person_id)
    assert len(by_network) == CONFIG.networks and all(len(people) >= 2 for people in by_network.values())
    assert Counter(record.cls for record in truth.values())["agency"] >= 2 * CONFIG.agencies


def test_a_duo_is_two_women_with_one_phone_on_the_same_days(world: LichtbakenWorld) -> None:
    duos: dict[str, list[str]] = defaultdict(list)
    for record in world.truth():
        if record.duo_id:
            duos[record.duo_id].append(record.key)
    assert len(duos) == CONFIG.duos
    for keys in duos.values():
        records = [record for record in world.truth() if record.key in keys]
        assert len({phone for record in records for phone in record.phones}) == 1
        assert len({record.person_id for record in records}) == 2
        assert len({tuple(record.days_visible) for record in records}) == 1
        assert all(record.cls == "independent" for record in records)


def test_ads_without_photos_show_the_placeholder_and_agencies_their_logo(world: LichtbakenWorld) -> None:
    ads = world.ads_on(3)
    truth = {record.key: record for record in world.truth()}
    placeholders = [ad for ad in ads if ad.photo_keys == [PLACEHOLDER]]
    assert placeholders and len({truth[ad.key].person_id for ad in placeholders}) == len(placeholders)
    for ad in ads:
        record = truth[ad.key]
        if record.cls == "agency":
            assert ad.photo_keys[0] == f"logo-{record.agency_id}.png"
    logos = {key for ad in ads for key in ad.photo_keys if key.startswith("logo-")}
    hashes = [int(hash_image(world.photo_bytes(key), context=key).phash, 16) for key in sorted(logos)]
    assert len(hashes) == CONFIG.agencies
    # different agencies have different logos, not the same picture in other colours
    assert min(bin(a ^ b).count("1") for i, a in enumerate(hashes) for b in hashes[i + 1 :]) > 12


def test_the_place_row_is_written_many_ways_and_the_truth_keeps_the_municipality(world: LichtbakenWorld) -> None:
    written = {ad.city for day in world.days for ad in world.ads_on(day)}
    assert any(" e.o." in place for place in written) and any("(" in place for place in written)
    municipalities = {town.municipality for town in TOWNS}
    for plan in world.plans:
        for day in plan.days:
            assert world.municipality_on(plan.key, day) in municipalities
    assert {"Haarlem", "Velsen", "Haarlemmermeer"} <= {
        world.municipality_on(plan.key, day) for plan in world.plans for day in plan.days
    }


def test_network_members_move_and_repost(world: LichtbakenWorld) -> None:
    cities: dict[str, set[str]] = defaultdict(set)
    for record in world.truth():
        if record.network_id:
            cities[record.network_id] |= set(record.cities)
    assert max(len(found) for found in cities.values()) >= 2


def test_the_site_asks_for_the_age_then_pages_through_every_ad(server: DemoServer, world: LichtbakenWorld) -> None:
    with httpx.Client(base_url=server.urls["lichtbaken"], timeout=10) as client:
        gate = client.get("/overzicht")
        assert gate.status_code == 200 and "form" in gate.text and "toegang" in gate.text
        assert "resultaat" not in gate.text
        accepted = client.get("/toegang?naar=/overzicht&akkoord=ja", follow_redirects=True)
        assert accepted.status_code == 200 and "resultaat" in accepted.text
        keys: list[str] = []
        path: str | None = "/overzicht?vanaf=0"
        while path:
            page = LexborHTMLParser(client.get(path).text)
            keys += [(node.attributes.get("href") or "").split("/")[2] for node in page.css("a.titel")]
            following = page.css_first("a.volgende")
            path = following.attributes.get("href") if following else None
        assert sorted(keys) == sorted(ad.key for ad in world.ads_on(2))
        gone = next(plan.key for plan in world.plans if 2 not in plan.days)
        assert client.get(f"/a/{gone}/x").status_code == 404
        assert "Disallow: /mijn/" in client.get("/robots.txt").text


def test_the_detail_page_has_optional_rows_without_classes(server: DemoServer, world: LichtbakenWorld) -> None:
    ads = world.ads_on(2)
    with httpx.Client(base_url=server.urls["lichtbaken"], cookies={"lb_toegang": "18"}, timeout=10) as client:
        for ad in (next(a for a in ads if a.age_field is None), next(a for a in ads if a.details)):
            page = LexborHTMLParser(client.get(ad.url_path).text)
            labels = [node.text() for node in page.css("dl dt")]
            assert all(not node.attributes for node in page.css("dl dt, dl dd"))
            assert ("Leeftijd" in labels) == (ad.age_field is not None)
            assert labels.index("Woonplaats") >= 1
            row = page.css_first('dt:lexbor-contains("Woonplaats") + dd')
            assert row is not None and row.text() == ad.city
            for label, value in ad.details:
                found = page.css_first(f'dt:lexbor-contains("{label}") + dd')
                assert found is not None and found.text() == value
            photo = page.css_first("div.galerij img")
            assert photo is not None and photo.attributes.get("src") == f"/img/{ad.photo_keys[0]}"
        placeholder = client.get(f"/img/{PLACEHOLDER}")
        assert placeholder.status_code == 200 and placeholder.content == world.photo_bytes(PLACEHOLDER)
