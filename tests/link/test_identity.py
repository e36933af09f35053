"""Identifiers that belong to a person: placeholders are hubs, logos and landlines make business groups,
two women sharing one phone are a duo pair, and a network's own phone and photos still link."""

from __future__ import annotations

import random
from datetime import date, timedelta

from scanner.link.core import link_records
from scanner.link.networks import connected_groups, count_people, person_names
from scanner.link.records import AdRecord, LinkResult, PhotoHash
from scanner.settings import LinkingSettings

RNG = random.Random(11)
WORDS = (
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
    "strand",
    "duin",
    "haven",
    "kade",
    "brug",
    "toren",
    "kerk",
    "markt",
    "plein",
    "straat",
    "laan",
    "gracht",
    "molen",
    "wind",
    "regen",
    "sneeuw",
    "ijs",
    "wolk",
    "storm",
    "licht",
    "donker",
    "avond",
    "ochtend",
    "middag",
    "nacht",
    "week",
    "maand",
    "jaar",
    "lente",
    "zomer",
    "herfst",
    "winter",
    "tuin",
    "bloem",
    "gras",
    "blad",
    "tak",
    "wortel",
)
OPERATOR = (
    "NEW IN {city} hello baby I am {name} {age} years new girl very sweet and sexy I do everything you like "
    "incall and outcall private apartment call me now only few days here do not miss"
)
DAY0 = date(2026, 1, 2)


def own_text(seed: int) -> str:
    """A text of a writer of her own: words nobody else strings together the same way."""
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(60))


def days(first: int, count: int, city: str = "Haarlem") -> tuple[tuple[date, str], ...]:
    return tuple((DAY0 + timedelta(days=first + n), city) for n in range(count))


def phone(n: int) -> str:
    return f"+3161{n:07d}"


def picture() -> int:
    return RNG.getrandbits(64)


def flip(value: int, bits: int) -> int:
    for bit in RNG.sample(range(64), bits):
        value ^= 1 << bit
    return value


def independents(count: int, start: int, shared: PhotoHash | None = None) -> list[AdRecord]:
    """Independent women, each her own phone, name, text and (unless `shared` is their only photo) pictures."""
    return [
        AdRecord(
            start + i,
            phones=(phone(start + i),),
            photos=(shared,) if shared else (PhotoHash(picture()),),
            text=own_text(start + i),
            name=f"Woman{start + i}",
            city="Haarlem",
            source="site",
            sightings=days(0, 5),
        )
        for i in range(count)
    ]


def kinds(result: LinkResult) -> dict[str, list[tuple[int, ...]]]:
    found: dict[str, list[tuple[int, ...]]] = {}
    for group in result.networks:
        found.setdefault(group.kind, []).append(group.members)
    return found


def verdict(result: LinkResult, kind: str) -> list[tuple[str, str]]:
    return [(j.verdict, j.reason) for j in result.judgements if j.kind == kind]


def test_a_placeholder_picture_on_many_unrelated_ads_links_nothing() -> None:
    placeholder = PhotoHash(picture())
    records = independents(12, 1, shared=placeholder) + independents(20, 100)
    result = link_records(records, LinkingSettings())
    assert not [link for link in result.links if link.kind == "photo"]
    assert result.networks == []
    ((decided, reason),) = verdict(result, "photo")
    assert decided == "hub" and "12 groups" in reason and "links nothing" in reason
    facts = next(j.facts for j in result.judgements if j.kind == "photo")
    assert facts["groups"] == 12 and facts["names"] == 12 and facts["line"] == 3


def test_the_hub_line_grows_with_the_listing_of_its_site_and_city() -> None:
    placeholder = PhotoHash(picture())
    shared = independents(5, 1, shared=placeholder)
    small = link_records(shared + independents(20, 100), LinkingSettings())
    assert verdict(small, "photo")[0][0] == "hub"  # 5 unrelated groups, line max(3, 2% of 25) = 3
    # The same five on a site with 400 ads in the city: the line is 2% of 405 = 9, five is not enough.
    large = link_records(shared + independents(400, 100), LinkingSettings())
    facts = next(j.facts for j in large.judgements if j.kind == "photo")
    assert verdict(large, "photo")[0][0] == "person" and facts["line"] == 9
    # ... and the line is a setting
    assert (
        verdict(link_records(shared + independents(400, 100), LinkingSettings(hub_share=0.0)), "photo")[0][0] == "hub"
    )


def test_a_network_womans_photo_under_many_names_and_phones_still_links() -> None:
    """One woman, four pictures, a new name and a new prepaid phone per ad: her other pictures join her ads."""
    own = [picture() for _ in range(4)]
    ads = [
        AdRecord(
            i,
            phones=(phone(500 + i),),
            photos=tuple(PhotoHash(flip(own[(i + k) % 4], 2)) for k in range(2)),
            text=own_text(900 + i),
            name=f"Name{i}",
            city="Haarlem",
            source="site",
            sightings=days(i, 2),
        )
        for i in range(1, 9)
    ]
    result = link_records(ads + independents(20, 100), LinkingSettings())
    assert {decided for decided, _ in verdict(result, "photo")} == {"person"}
    strong = [link for link in result.links if link.kind == "photo" and link.strength >= 0.5]
    assert connected_groups(list(range(1, 9)), strong, 0.5) == [list(range(1, 9))]
    # one woman under eight names is one person, not a network; a second woman on one of her numbers makes one
    assert result.networks == [] and result.stats["single_person_groups"] == 1
    other = AdRecord(9, phones=(phone(501),), photos=(PhotoHash(picture()),), name="Other", source="site")
    assert kinds(link_records([*ads, other], LinkingSettings()))["network"] == [tuple(range(1, 10))]


def test_a_networks_shared_phone_under_many_names_with_one_writers_texts_is_not_a_hub() -> None:
    """Twelve women on one phone, each with her own pictures: one operator's template ties them together."""
    records = [
        AdRecord(
            i,
            phones=("+31612121212",),
            photos=(PhotoHash(picture()),),
            text=OPERATOR.format(city="HAARLEM", name=f"Name{i}", age=20 + i % 5),
            name=f"Name{i}",
            city="Haarlem",
            source="site",
            sightings=days(0, 3),
        )
        for i in range(1, 13)
    ]
    result = link_records(records, LinkingSettings(hub_min_groups_contact=3))
    (decided, reason), *_ = verdict(result, "phone")
    assert decided == "person" and "one writer" in reason
    assert kinds(result)["network"] == [tuple(range(1, 13))]
    # The same phone on the ads of twelve unrelated writers is a hub at that line.
    unrelated = [
        AdRecord(
            r.ad_id,
            phones=r.phones,
            photos=r.photos,
            text=own_text(r.ad_id),
            name=r.name,
            city="Haarlem",
            source="site",
        )
        for r in records
    ]
    assert verdict(link_records(unrelated, LinkingSettings(hub_min_groups_contact=3)), "phone")[0][0] == "hub"


def test_a_logo_and_a_landline_make_a_business_group_not_a_network() -> None:
    logo = picture()
    agency = [
        AdRecord(
            i,
            phones=("+31235123456",),  # a Haarlem landline
            photos=(PhotoHash(logo), PhotoHash(picture())),
            text=own_text(i),
            name=name,
            license_numbers=("HLM-2021-014",) if i != 3 else (),
            city="Haarlem",
            source="site",
        )
        for i, name in enumerate(["Eva", "Fleur", "Gina", "Hanna"], start=1)
    ]
    # An agency with a mobile and its own logo, that shows no licence anywhere, cannot be told from an operator:
    # one phone behind three names is a network until the licence is known (linking.licensed_numbers).
    unlicensed_logo = picture()
    unlicensed = [
        AdRecord(10 + i, phones=("+31698765432",), photos=(PhotoHash(unlicensed_logo),), name=name, source="site")
        for i, name in enumerate(["Ivy", "Jade", "Kim"])
    ]
    result = link_records(agency + unlicensed + independents(10, 100), LinkingSettings())
    assert kinds(result) == {"business": [(1, 2, 3, 4)], "network": [(10, 11, 12)]}
    judged = {(j.kind, j.verdict) for j in result.judgements if 1 in j.ads}
    assert judged == {("phone", "business"), ("photo", "business"), ("license", "business")}
    logo_reason = next(j.reason for j in result.judgements if j.kind == "photo" and 1 in j.ads)
    assert "logo" in logo_reason
    assert all(link.strength < 0.5 for link in result.links if 1 <= link.ad_a <= 4)
    listed = link_records(agency + unlicensed, LinkingSettings(licensed_numbers=["+31698765432"]))
    assert "network" not in kinds(listed)


def test_two_women_sharing_one_phone_always_together_are_a_duo_pair() -> None:
    duo = [
        AdRecord(1, phones=("+31611223344",), name="Mila", text=own_text(1), sightings=days(0, 6), source="site"),
        AdRecord(2, phones=("+31611223344",), name="Jade", text=own_text(2), sightings=days(0, 6), source="site"),
        AdRecord(3, phones=("+31611223344",), name="Mila & Jade", text=own_text(3), sightings=days(0, 6)),
    ]
    result = link_records(duo, LinkingSettings())
    assert kinds(result) == {"duo": [(1, 2, 3)]}
    ((decided, reason),) = verdict(result, "phone")
    assert decided == "duo" and "Jade and Mila" in reason and "not a network" in reason
    assert result.networks[0].summary["people"] == 2


def test_two_women_on_one_phone_whose_ads_one_writer_wrote_are_a_network_not_a_duo() -> None:
    """Always together in one town, but one operator's template for both: not two friends."""
    pair = [
        AdRecord(i, phones=("+31611223344",), photos=(PhotoHash(picture()),), name=name, sightings=days(0, 3),
                 text=OPERATOR.format(city="HAARLEM", name=name, age=19 + i))
        for i, name in enumerate(["Mila", "Jade", "Mila", "Jade"], start=1)
    ]  # fmt: skip
    result = link_records(pair, LinkingSettings())
    assert kinds(result) == {"network": [(1, 2, 3, 4)]}
    assert verdict(result, "phone")[0][0] == "person"


def test_two_licensed_businesses_with_look_alike_texts_are_not_one_network() -> None:
    texts = [OPERATOR.format(city="HAARLEM", name=name, age=30) for name in ("Eva", "Fleur")]
    agencies = [
        AdRecord(1, phones=("+31235123456",), name="Eva", text=texts[0], license_numbers=("HLM-2021-014",)),
        AdRecord(2, phones=("+31255123456",), name="Fleur", text=texts[1], license_numbers=("VLS-2019-002",)),
    ]
    result = link_records(agencies, LinkingSettings())
    (text,) = [link for link in result.links if link.kind == "text"]
    assert text.role == "business" and text.strength < 0.5 and text.evidence["licensed_business"]
    assert "network" not in kinds(result)


def test_two_names_on_one_phone_on_different_days_or_touring_are_a_network() -> None:
    apart = [
        AdRecord(1, phones=("+31611223344",), name="Mila", sightings=days(0, 3)),
        AdRecord(2, phones=("+31611223344",), name="Jade", sightings=days(5, 3)),
    ]
    assert kinds(link_records(apart, LinkingSettings())) == {"network": [(1, 2)]}
    tour = tuple((DAY0 + timedelta(days=n), city) for n, city in enumerate(["Haarlem", "Leiden", "Breda"]))
    touring = [
        AdRecord(1, phones=("+31611223344",), name="Mila", sightings=tour),
        AdRecord(2, phones=("+31611223344",), name="Jade", sightings=tour),
    ]
    assert kinds(link_records(touring, LinkingSettings())) == {"network": [(1, 2)]}
    # a third name on the phone is no duo either
    three = [*apart, AdRecord(3, phones=("+31611223344",), name="Nina", sightings=days(0, 3))]
    assert "duo" not in kinds(link_records(three, LinkingSettings()))


def test_a_joint_ad_names_each_of_its_people() -> None:
    assert person_names("Mila & Jade") == ("mila", "jade")
    assert person_names("Mila en Jade") == person_names("Mila + Jade") == person_names("Mila/Jade")
    assert person_names("Anne-Marie") == ("anne-marie",)
    assert person_names("Lisa, 23") == ("lisa",)
    assert count_people(["Mila", "Jade", "Mila & Jade"], []) == 2


def test_a_hub_is_not_evidence_when_judging_others() -> None:
    """A site-wide phone on every ad must not make the placeholder's users one group, nor the other way round."""
    placeholder = PhotoHash(picture())
    records = [
        AdRecord(
            r.ad_id,
            phones=(*r.phones, "+31699000000"),
            photos=r.photos,
            text=r.text,
            name=r.name,
            city=r.city,
            source=r.source,
            sightings=r.sightings,
        )
        for r in independents(14, 1, shared=placeholder)
    ]
    result = link_records(records, LinkingSettings(hub_min_groups_contact=5))
    assert {
        (j.kind, j.verdict) for j in result.judgements if j.value in ("+31699000000", f"{placeholder.phash:016x}")
    } == {
        ("phone", "hub"),
        ("photo", "hub"),
    }
    assert result.networks == []
