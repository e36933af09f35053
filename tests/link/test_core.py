"""The pure linking core on hand-made records: each guard and link kind, and network formation."""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pytest
from datasketch import MinHash

from scanner.link.core import link_records, people_by_photos
from scanner.link.identifiers import group_by_identifier, identifier_links, is_business_line, rarity_weight
from scanner.link.identity import candidates_of, judge_identities
from scanner.link.photos import near_pairs, photo_clusters, photo_links
from scanner.link.records import AdRecord, LinkEdge, PhotoHash
from scanner.link.templates import extract_template
from scanner.link.text import permutations, shingle_hashes, signatures_for, text_links
from scanner.settings import LinkingSettings

RNG = random.Random(5)
TEMPLATE = (
    "Hoi schatjes ik ben {name} een lieve en ondeugende dame van {age} jaar nieuw in {city} "
    "bel me voor een heerlijke ontmoeting in een schone en discrete kamer met parkeren voor de deur "
    "alleen deze week beschikbaar dus wees er snel bij"
)


def flip(value: int, bits: int) -> int:
    for bit in RNG.sample(range(64), bits):
        value ^= 1 << bit
    return value


def mirror_bits(value: int) -> int:
    return int(f"{value:064b}"[::-1], 2)


def judged_links(records: list[AdRecord], settings: LinkingSettings, stats: dict[str, int]) -> list[LinkEdge]:
    """Identifier and photo links of the records, each identifier judged first as `link_records` does."""
    groups = group_by_identifier(records)
    clusters = photo_clusters(records, max_distance=settings.photo_max_distance, probe_radius=1)
    judgements = judge_identities(records, candidates_of(groups, clusters), {}, settings)
    links = identifier_links(groups, judgements, max_ads=settings.max_ads_per_identifier, stats=stats)
    max_distance, max_ads = settings.photo_max_distance, settings.max_ads_per_identifier
    return links + photo_links(clusters, judgements, max_distance=max_distance, max_ads=max_ads, stats=stats)


@pytest.mark.parametrize(
    ("count", "expected"),
    [(2, 1.0), (3, None), (40, None), (150, 0.5)],
)
def test_rarity_weight_falls_from_one_to_half_at_the_hub_limit(count: int, expected: float | None) -> None:
    weight = rarity_weight(count, 150)
    if expected is not None:
        assert weight == pytest.approx(expected)
    else:
        assert 0.5 < weight < 1.0
    assert rarity_weight(count + 1, 150) <= weight


def test_shared_mobile_links_but_licensed_hub_and_business_numbers_do_not_form_links() -> None:
    records = [
        AdRecord(1, phones=("+31612345678",)),
        AdRecord(2, phones=("+31612345678",)),
        AdRecord(3, phones=("+31687654321",)),
        AdRecord(4, phones=("+31687654321",)),
        AdRecord(5, phones=("+31201234567",)),  # Amsterdam fixed line: a business
        AdRecord(6, phones=("+31201234567",)),
        AdRecord(7, phones=("+31611112222",), license_numbers=("V-AMS-2020-001",)),
        AdRecord(8, phones=("+31611112222",), license_numbers=("V-AMS-2020-001",)),
    ] + [AdRecord(100 + i, phones=("+31699999999",)) for i in range(6)]
    stats: dict[str, int] = {}
    settings = LinkingSettings(max_ads_per_identifier=5, licensed_numbers=["+31687654321"])
    links = judged_links(records, settings, stats)
    by_pair = {(link.ad_a, link.ad_b): link for link in links if link.kind == "phone"}
    assert by_pair[(1, 2)].strength == 1.0 and by_pair[(1, 2)].evidence["phone"] == "+31612345678"
    assert (3, 4) not in by_pair  # licensed number
    assert by_pair[(5, 6)].strength < 0.5 and by_pair[(5, 6)].evidence["business_line"]
    assert by_pair[(7, 8)].strength < 0.5  # its ads carry a licence number
    assert not any(link.ad_a >= 100 for link in links)  # six ads > max_ads=5: a hub
    assert stats["phone_hubs"] == 1 and stats["licensed_numbers_skipped"] == 1


def test_banded_search_finds_every_pair_within_the_distance_and_nothing_beyond() -> None:
    base = [RNG.getrandbits(64) for _ in range(300)]
    near = [flip(value, RNG.randint(0, 6)) for value in base]
    values = base + near
    hashes = np.array(values, dtype=np.uint64)
    rows_i, rows_j, distance = near_pairs(hashes, hashes, 6, probe_radius=1)
    found = {(int(i), int(j)) for i, j in zip(rows_i, rows_j, strict=True)}
    brute = {
        (i, j)
        for i in range(len(values))
        for j in range(len(values))
        if i != j and (values[i] ^ values[j]).bit_count() <= 6
    }
    assert found == brute
    assert distance.max() <= 6


def test_photos_match_through_edits_and_mirror_but_a_stock_photo_links_nothing() -> None:
    photo = RNG.getrandbits(64)
    mirrored = mirror_bits(photo)
    stock = RNG.getrandbits(64)
    records = [
        AdRecord(1, photos=(PhotoHash(photo, mirrored),)),
        AdRecord(2, photos=(PhotoHash(flip(photo, 3), None),)),  # resized / re-encoded
        AdRecord(3, photos=(PhotoHash(mirrored, photo),)),  # mirrored copy
        AdRecord(4, photos=(PhotoHash(RNG.getrandbits(64), None),)),
    ] + [AdRecord(10 + i, photos=(PhotoHash(stock, None),)) for i in range(5)]
    stats: dict[str, int] = {}
    links = judged_links(records, LinkingSettings(max_ads_per_identifier=4), stats)
    pairs = {(link.ad_a, link.ad_b) for link in links}
    assert pairs == {(1, 2), (1, 3), (2, 3)}
    assert stats["photo_hubs"] == 1


def test_signatures_equal_datasketch_minhash_on_the_same_shingles() -> None:
    text = TEMPLATE.format(name="Anna", age=23, city="Utrecht")
    (ours,) = signatures_for([text], num_perm=64, shingle_words=3)
    reference = MinHash(num_perm=64, seed=1, hashfunc=int)
    reference.update_batch(shingle_hashes(text, 3).tolist())
    assert ours is not None
    assert np.array_equal(ours, reference.hashvalues)
    assert permutations(64)[0].dtype == np.uint32


def test_template_texts_link_and_unrelated_texts_do_not() -> None:
    names = ["Anna", "Bella", "Carla", "Dana"]
    records = [
        AdRecord(i + 1, text=TEMPLATE.format(name=name, age=20 + i, city="Utrecht")) for i, name in enumerate(names)
    ]
    words = [
        "zon",
        "maan",
        "ster",
        "boom",
        "huis",
        "kat",
        "hond",
        "vis",
        "vogel",
        "water",
        "vuur",
        "aarde",
        "lucht",
        "berg",
        "dal",
        "bos",
        "veld",
        "zee",
    ]
    records.append(AdRecord(9, text=" ".join(RNG.choice(words) for _ in range(40))))
    links, signatures = text_links(records, threshold=0.5, num_perm=128, shingle_words=3, max_ads=10)
    pairs = {(link.ad_a, link.ad_b) for link in links}
    assert pairs == {(a, b) for a in range(1, 5) for b in range(a + 1, 5)}
    assert all(link.evidence["jaccard"] >= 0.5 for link in links)
    assert set(signatures) == {1, 2, 3, 4, 9}


def test_boilerplate_shared_by_more_ads_than_the_hub_limit_proposes_no_pairs() -> None:
    records = [AdRecord(i, text=TEMPLATE.format(name="x", age=30, city="y")) for i in range(1, 8)]
    stats: dict[str, int] = {}
    links, _ = text_links(records, threshold=0.5, num_perm=128, shingle_words=3, max_ads=5, stats=stats)
    assert links == []
    assert stats["text_hub_buckets"] > 0


def test_template_marks_the_slots_and_lists_their_values() -> None:
    texts = [
        TEMPLATE.format(name=name, age=age, city=city)
        for name, age, city in [("Anna", 21, "Utrecht"), ("Bella", 22, "Breda"), ("Carla", 23, "Delft")]
    ]
    template = extract_template(texts)
    assert template is not None
    assert template["template"].startswith("Hoi schatjes ik ben [1] een lieve")
    assert {"Anna", "Bella", "Carla"} <= set(template["slots"][0]["values"])
    assert len(template["slots"]) == 3
    assert extract_template(["een twee drie", "vier vijf zes"]) is None


def _sightings(start: int, cities: list[str], days_each: int) -> tuple[tuple[date, str], ...]:
    day0 = date(2026, 1, 1) + timedelta(days=start)
    return tuple(
        (day0 + timedelta(days=n * days_each + k), city) for n, city in enumerate(cities) for k in range(days_each)
    )


def test_network_forms_and_one_person_or_an_agency_does_not() -> None:
    tour = ["Amsterdam", "Utrecht", "Breda", "Zwolle"]
    network = [
        AdRecord(1, phones=("+31611111111",), name="Anna", sightings=_sightings(0, tour, 3)),
        AdRecord(2, phones=("+31611111111",), name="Bella", sightings=_sightings(0, tour, 3)),
        # A woman of the same network with her own phone, travelling on the same days: joined by movement.
        AdRecord(3, phones=("+31622222222",), name="Carla", sightings=_sightings(0, tour, 3)),
        AdRecord(4, phones=("+31622222222",), name="Carla", sightings=_sightings(0, tour, 3)),
    ]
    independent = [
        AdRecord(10, phones=("+31633333333",), name="Demi", sightings=_sightings(0, ["Leiden"], 10)),
        AdRecord(11, phones=("+31633333333",), name="demi ", sightings=_sightings(0, ["Leiden"], 10)),
    ]
    agency = [
        AdRecord(20 + i, phones=("+31644444444",), name=name, license_numbers=("V-1",), city="Haarlem")
        for i, name in enumerate(["Eva", "Fleur", "Gina"])
    ]
    result = link_records(network + independent + agency, LinkingSettings())
    assert [(group.kind, group.members) for group in result.networks] == [
        ("network", (1, 2, 3, 4)),
        ("business", (20, 21, 22)),  # the agency: a business group, reported as such
    ]
    summary = result.networks[0].summary
    assert summary["people"] == 3 and summary["distinct_phones"] == 2
    assert summary["link_kinds"]["movement"] == 1
    assert summary["movement"]["distinct_cities"] == 4 and len(summary["movement"]["moves"]) == 3
    assert not summary["looks_licensed"]
    kinds = {(link.ad_a, link.ad_b): link.kind for link in result.links}
    assert kinds[(10, 11)] == "phone"  # one person's two ads: linked, but not a network
    assert any(link.ad_a >= 20 and link.strength < 0.5 for link in result.links)  # agency: weak evidence only


def test_linking_is_deterministic_and_cached_signatures_change_nothing() -> None:
    records = [
        AdRecord(i, phones=(f"+3161234567{i % 3}",), text=TEMPLATE.format(name=f"n{i}", age=i, city="A"), name=f"n{i}")
        for i in range(1, 10)
    ]
    first = link_records(records, LinkingSettings())
    second = link_records(records, LinkingSettings(), cached_signatures=first.signatures)
    assert first.links == second.links
    assert [group.members for group in first.networks] == [group.members for group in second.networks]
    assert second.stats["text_signatures_computed"] == 0


@pytest.mark.parametrize(
    ("number", "business"),
    [
        ("+31881234567", True),  # 088: company number
        ("+31201234567", True),  # Amsterdam fixed line
        ("+31851234567", True),  # 085: VoIP
        ("+31612345678", False),  # Dutch mobile
        ("+32470123456", False),  # Belgian mobile
        ("not a number", False),
    ],
)
def test_business_lines_are_fixed_voip_and_company_numbers(number: str, business: bool) -> None:
    assert is_business_line(number) is business


def test_people_by_photos_counts_one_woman_under_several_names_once() -> None:
    photo_a, photo_b = RNG.getrandbits(64), RNG.getrandbits(64)
    group = [
        AdRecord(1, name="Anna", photos=(PhotoHash(photo_a),)),
        AdRecord(2, name="Bella", photos=(PhotoHash(flip(photo_a, 2)),)),  # Anna's photo under another name
        AdRecord(3, name="Carla", photos=(PhotoHash(photo_b),)),
        AdRecord(4, name="Dana"),  # no photo: not counted
    ]
    links = judged_links(group, LinkingSettings(), {})
    assert people_by_photos(group, links) == 2
