"""The advertisers of the demo world and the ads they plan over the simulated days.

Three kinds of advertiser, each in its own function:

- `plan_independent`: one woman, her own phone, her own style, mostly one city; some travel for a
  few days, say "new in town", write in the third person or mention 24/7, like real benign ads.
- `plan_network`: one operator posting for 2-8 women with shared or rotating phones, one text
  template with slots, photos reused under other names with small edits, a new city every few days,
  and a mix of risk indicators chosen per network.
- `plan_agency`: a licensed agency or club: several workers under one business phone and a licence
  number. A shared phone without coercion.

Each function takes its own `random.Random` and a `Minter` for ad keys, and returns `Plan`s: which
days an ad is visible and which version of its content shows from which day on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Any

from scanner.lab.demo import vocab
from scanner.lab.demo.images import EDITS, photo_key
from scanner.lab.demo.phones import random_be_mobile, random_nl_mobile, styles_at
from scanner.lab.demo.places import CITIES, City
from scanner.lab.demo.records import AdClass, SiteName
from scanner.lab.demo.texts import AdSpec

CITY_WEIGHTS = [city.weight for city in CITIES]
AREA_CODES = {
    "Amsterdam": "20",
    "Rotterdam": "10",
    "Den Haag": "70",
    "Utrecht": "30",
    "Haarlem": "23",
    "Eindhoven": "40",
}
RISK_FAMILIES = (
    "youth",
    "unsafe",
    "24_7",
    "low_price",
    "real_language",
    "new_in_town",
    "hotel",
    "no_refusal",
    "multi_women",
    "obscured_phone",
    "third_person",
    "origin",
)


@dataclass
class VersionPlan:
    from_day: int
    spec: AdSpec
    site_services: list[str]
    phone_field: str | None
    age_field: int | None
    license_field: str | None
    photo_keys: list[str]
    city: City


@dataclass
class Plan:
    key: str
    site: SiteName
    cls: AdClass
    advertiser_id: str
    person_id: str
    network_id: str | None
    agency_id: str | None
    posted_day: int
    days: list[int]
    versions: list[VersionPlan] = field(default_factory=list)

    def version_on(self, day: int) -> tuple[int, VersionPlan]:
        index = 0
        for i, version in enumerate(self.versions):
            if version.from_day <= day:
                index = i
        return index, self.versions[index]


class Minter:
    """Ad keys that look like the sites' own ids, unique per site, deterministic per seed."""

    MODULUS = 9_000_000
    STEP = 7919  # prime, so n -> n*STEP mod MODULUS is a permutation

    def __init__(self, seed: int) -> None:
        self.offset = (seed * 104_729) % self.MODULUS
        self.counts: dict[str, int] = {"rozewereld": 0, "nachtlicht": 0}

    def key(self, site: SiteName) -> str:
        n = self.counts[site]
        self.counts[site] = n + 1
        number = (n * self.STEP + self.offset) % self.MODULUS + 1_000_000
        return f"rw{number}" if site == "rozewereld" else f"nl-{_base36(number)}"


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out


def pick_city(rng: random.Random, exclude: City | None = None) -> City:
    while True:
        city = rng.choices(CITIES, weights=CITY_WEIGHTS)[0]
        if city is not exclude:
            return city


def _sites(rng: random.Random, both: float, rozewereld: float) -> list[SiteName]:
    roll = rng.random()
    if roll < both:
        return ["rozewereld", "nachtlicht"]
    return ["rozewereld"] if roll < both + rozewereld else ["nachtlicht"]


def _prices(rng: random.Random, low: bool) -> dict[str, int]:
    hour = rng.randrange(50, 95, 5) if low else rng.randrange(120, 260, 10)
    prices = {"hour": hour, "half_hour": max(30, round(hour * rng.uniform(0.55, 0.7) / 5) * 5)}
    if rng.random() < 0.35:
        prices["15min"] = max(25, round(hour * 0.4 / 5) * 5)
    if rng.random() < 0.15 and not low:
        prices["night"] = hour * rng.randint(5, 8)
    return prices


def _services(rng: random.Random, lang: str, unsafe: bool) -> tuple[list[str], list[str]]:
    table_lang = "en" if lang == "en" else "nl"
    safe = rng.sample(vocab.SERVICES_SAFE[table_lang], rng.randint(3, 9))
    risky = rng.sample(vocab.SERVICES_UNSAFE[table_lang], rng.randint(1, 3)) if unsafe else []
    return safe, risky


def _site_services(safe: list[str], unsafe: list[str], site: SiteName) -> list[str]:
    """What the site's checkboxes show: the same services, in the site's own capitalisation."""
    items = [service for service in safe + unsafe if len(service) > 2]
    return [item.capitalize() if site == "rozewereld" else item.lower() for item in items]


def _lang(rng: random.Random, weights: tuple[float, float, float]) -> tuple[str, str | None]:
    lang = rng.choices(["nl", "en", "mix"], weights=weights)[0]
    foreign = rng.choice(["ro", "es", "hu"]) if rng.random() < 0.2 else None
    return lang, foreign


def _spec(
    rng: random.Random,
    template_seed: str,
    variation_seed: str,
    *,
    lang: str,
    foreign: str | None,
    name: str,
    age: int,
    city: City,
    phones: list[str],
    phone_style: str | None,
    prices: dict[str, int],
    safe: list[str],
    unsafe: list[str],
    indicators: set[str],
    **extra: Any,
) -> AdSpec:
    written = rng.choice(city.written) if rng.random() < 0.3 else city.name
    postcode = (
        f"{rng.choice(city.postcode_prefixes)} {rng.choice('ABCDEGHJKLMNPRSTVWXZ')}{rng.choice('ABEHJKLMNPRSTVX')}"
    )
    return AdSpec(
        template_seed=template_seed,
        variation_seed=variation_seed,
        lang=lang,
        foreign=foreign,
        name=name,
        age=age,
        age_in_text=rng.random() < 0.5,
        city=city.name,
        city_written=written,
        district=rng.choice(city.districts),
        postcode=postcode,
        phones=phones,
        phone_style=phone_style,
        services_safe=safe,
        services_unsafe=unsafe,
        prices=prices,
        indicators=indicators,
        **extra,
    )


def _traps(rng: random.Random) -> tuple[str, ...]:
    return tuple(
        trap for trap, share in (("date", 0.15), ("ad_id", 0.1), ("kvk", 0.06), ("weight", 0.1)) if rng.random() < share
    )


def _visible_days(rng: random.Random, start: int, end: int, gap_share: float) -> list[int]:
    days = list(range(start, end + 1))
    if len(days) > 4 and rng.random() < gap_share:
        gap_start = rng.randrange(1, len(days) - 2)
        gap = rng.randint(1, min(3, len(days) - gap_start - 1))
        del days[gap_start : gap_start + gap]
    return days


def plan_independent(rng: random.Random, minter: Minter, index: int, horizon: int) -> list[Plan]:
    person = f"i{index:05d}"
    lang, foreign = _lang(rng, (0.5, 0.25, 0.25))
    home = pick_city(rng)
    name = rng.choice(vocab.NAMES_NL if rng.random() < 0.6 else vocab.NAMES_INTL)
    age = rng.randint(19, 21) if rng.random() < 0.08 else rng.randint(21, 45)
    phone = random_be_mobile(rng) if home.country == "BE" or rng.random() < 0.03 else random_nl_mobile(rng)
    placement = rng.choices(["both", "field", "text"], weights=(0.4, 0.3, 0.3))[0]
    level = rng.choices([0, 1, 2, 3], weights=(0.35, 0.45, 0.12, 0.08))[0]
    style = rng.choice(styles_at(level)) if placement != "field" else None
    indicators = {
        family
        for family, share in (
            ("real_language", 0.12),
            ("24_7", 0.06),
            ("youth", 0.03),
            ("hotel", 0.05),
            ("unsafe", 0.03),
            ("no_refusal", 0.02),
            ("money_pressure", 0.02),
            ("low_price", 0.04),
            ("new_in_town", 0.08),
            ("multi_women", 0.03),
            ("origin", 0.1),
        )
        if rng.random() < share
    }
    third_person = rng.random() < 0.05
    safe, unsafe = _services(rng, lang, "unsafe" in indicators)
    indicators.discard("unsafe")
    prices = _prices(rng, "low_price" in indicators)
    photos = [photo_key(person, n) for n in range(1, rng.randint(2, 5) + 1)]
    start = rng.randint(-60, 0) if rng.random() < 0.75 else rng.randint(2, max(2, horizon))
    end = rng.randint(max(start, 1), horizon) if rng.random() < 0.12 else horizon
    days = _visible_days(rng, max(start, 1), end, 0.12)
    shared: dict[str, Any] = dict(
        lang=lang,
        foreign=foreign,
        name=name,
        age=age,
        phones=[phone],
        phone_style=style,
        safe=safe,
        unsafe=unsafe,
        emoji_rate=rng.uniform(0.0, 0.6),
        typo_rate=rng.choice([0.0, 0.005, 0.01, 0.02]),
        shouting=rng.random() < 0.05,
        third_person=third_person,
        traps=_traps(rng),
        other_names=[rng.choice(vocab.NAMES_NL + vocab.NAMES_INTL)],
    )
    # Changes over time: a trip to another city, a new price, a rewritten text.
    changes: list[tuple[int, City, set[str], dict[str, int], str]] = [(start, home, indicators, prices, "v0")]
    if rng.random() < 0.15 and days:
        trip_start = rng.choice(days)
        trip_city = pick_city(rng, exclude=home)
        trip_ind = indicators | ({"new_in_town"} if rng.random() < 0.7 else set())
        trip_ind |= {"hotel"} if rng.random() < 0.3 else set()
        changes.append((trip_start, trip_city, trip_ind, prices, "trip"))
        changes.append((trip_start + rng.randint(2, 4), home, indicators, prices, "back"))
    if rng.random() < 0.25 and days:
        new_prices = {per: amount + rng.choice([10, 20, -10]) for per, amount in prices.items()}
        changes.append((rng.choice(days), home, indicators, new_prices, "price"))
    changes.sort(key=lambda change: change[0])
    plans = []
    for site in _sites(rng, 0.15, 0.6):
        key = minter.key(site)
        plan = Plan(key, site, "independent", f"adv-{person}", person, None, None, start, list(days))
        for n, (from_day, city, ind, ad_prices, tag) in enumerate(changes):
            spec = _spec(
                rng, f"tpl:{person}", f"{key}:{n}:{tag}", city=city, prices=ad_prices, indicators=set(ind), **shared
            )
            field_phone = phone if placement in ("both", "field") else None
            # nachtlicht converts uploads to PNG; the same picture, other bytes.
            site_photos = photos if site == "rozewereld" else [p.replace(".jpg", ".png") for p in photos]
            plan.versions.append(
                VersionPlan(
                    from_day,
                    spec,
                    _site_services(safe, unsafe, site),
                    field_phone,
                    age if rng.random() < 0.85 else None,
                    None,
                    site_photos,
                    city,
                )
            )
        plans.append(plan)
    return plans


def _risk_profile(rng: random.Random) -> dict[str, float]:
    """How often each risk family shows in one network's ads: a different mix per network.

    Obscured phones are the one family every network uses sometimes (a significant predictor in
    the JIRN study); the others may be absent altogether. At least two families are frequent.
    """
    while True:
        profile = {
            family: rng.choices([0.0, 0.15, 0.5, 0.85], weights=(0.4, 0.25, 0.2, 0.15))[0] for family in RISK_FAMILIES
        }
        profile["obscured_phone"] = rng.choice([0.15, 0.3, 0.5, 0.7])
        if sum(share >= 0.5 for share in profile.values()) >= 2:
            return profile


def plan_network(rng: random.Random, minter: Minter, index: int, horizon: int) -> list[Plan]:
    network = f"net{index:03d}"
    women = rng.randint(2, 8)
    profile = _risk_profile(rng)
    lang, foreign = _lang(rng, (0.35, 0.35, 0.3))
    phones = [random_nl_mobile(rng) for _ in range(rng.randint(1, 3))]
    phone_mode = rng.choice(["shared", "rotating", "per_woman"])
    sites = _sites(rng, 0.4, 0.5)
    repost = rng.random() < 0.75
    third_person = rng.random() < profile["third_person"]
    low = rng.random() < profile["low_price"]
    base_prices = _prices(rng, low)
    writer: dict[str, Any] = dict(
        lang=lang,
        foreign=foreign,
        variation=0.2,
        emoji_rate=rng.uniform(0.4, 0.9),
        typo_rate=rng.choice([0.0, 0.01, 0.02]),
        shouting=rng.random() < 0.4,
        benign_rate=0.45,  # operators copy reassuring lines ("I work independently")
        third_person=third_person,
    )
    people = []
    for w in range(women):
        person = f"{network}w{w}"
        names = rng.sample(vocab.NAMES_INTL, rng.randint(1, 3))
        photos = rng.randint(3, 5)
        people.append((person, names, rng.randint(18, 29), photos))
    stints: list[tuple[int, int, City]] = []
    day, city = rng.randint(1, 3) if rng.random() < 0.3 else 1, pick_city(rng)
    while day <= horizon:
        length = rng.randint(2, 4)
        stints.append((day, min(horizon, day + length - 1), city))
        day += length
        city = pick_city(rng, exclude=city)
    plans: list[Plan] = []
    standing: dict[tuple[str, SiteName], Plan] = {}
    for stint_no, (first, last, city) in enumerate(stints):
        for w, (person, names, age, photo_count) in enumerate(people):
            if rng.random() > 0.85:
                continue
            name = rng.choice(names) if rng.random() < 0.6 else rng.choice(vocab.NAMES_INTL)
            phone = {
                "shared": phones[0],
                "rotating": phones[stint_no % len(phones)],
                "per_woman": phones[w % len(phones)],
            }[phone_mode]
            obscured = rng.random() < profile["obscured_phone"]
            if obscured:
                style: str | None = rng.choice(styles_at(rng.choice([2, 2, 3])))
            else:
                style = rng.choice(["plain", "separators", "whatsapp_link", None])
            indicators = {
                family
                for family in (
                    "youth",
                    "24_7",
                    "real_language",
                    "new_in_town",
                    "hotel",
                    "no_refusal",
                    "multi_women",
                    "origin",
                )
                if rng.random() < profile[family]
            }
            if low:
                indicators.add("low_price")
            safe, unsafe = _services(rng, lang, rng.random() < profile["unsafe"])
            others = [other[1][0] for other in people if other[0] != person]
            stated_age = max(18, age + rng.choice([0, 0, 0, -1, 1, -2]))
            chosen = rng.sample(range(1, photo_count + 1), rng.randint(2, min(4, photo_count)))
            photo_keys = [photo_key(person, n, rng.choice(EDITS)) for n in chosen]
            last_day = min(horizon, last + (1 if rng.random() < 0.2 else 0))
            for site in sites:
                existing = standing.get((person, site))
                if repost or existing is None:
                    key = minter.key(site)
                    plan = Plan(key, site, "network", network, person, network, None, first, [])
                    plans.append(plan)
                    standing[(person, site)] = plan
                else:
                    plan = existing
                spec = _spec(
                    rng,
                    f"tpl:{network}",
                    f"{plan.key}:{stint_no}",
                    name=name,
                    age=stated_age,
                    city=city,
                    phones=[phone],
                    phone_style=style,
                    prices=base_prices,
                    safe=safe,
                    unsafe=unsafe,
                    indicators=indicators,
                    other_names=rng.sample(others, min(len(others), 2)),
                    traps=_traps(rng),
                    **writer,
                )
                field_phone = phone if style is None or (not obscured and rng.random() < 0.4) else None
                plan.versions.append(
                    VersionPlan(
                        first,
                        spec,
                        _site_services(safe, unsafe, site),
                        field_phone,
                        stated_age if rng.random() < 0.9 else None,
                        None,
                        photo_keys,
                        city,
                    )
                )
                days = [d for d in range(first, last_day + 1) if d not in plan.days]
                if len(days) > 2 and rng.random() < 0.1:
                    days = days[: rng.randint(1, len(days) - 1)]
                plan.days.extend(days)
    return plans


def plan_agency(rng: random.Random, minter: Minter, index: int, horizon: int) -> list[Plan]:
    agency = f"ag{index:03d}"
    agency_name = vocab.AGENCY_NAMES[index % len(vocab.AGENCY_NAMES)]
    city = pick_city(rng)
    code = city.name.replace("'s-", "").replace(" ", "")[:3].upper()
    licence = f"{rng.choice(vocab.LICENCE_PREFIXES)}-{code}-{rng.randint(2015, 2025)}-{rng.randint(1, 999):03d}"
    area = AREA_CODES.get(city.name)
    landline = area is not None and rng.random() < 0.5
    phone = f"+31{area}{rng.randint(2, 9)}{rng.randrange(10**6):06d}" if landline else random_nl_mobile(rng)
    lang, foreign = _lang(rng, (0.75, 0.1, 0.15))
    foreign = None
    profile = {"hotel": 0.35, "24_7": 0.25, "real_language": 0.3, "multi_women": 0.3, "new_in_town": 0.1, "origin": 0.1}
    house = {family: rng.random() < share for family, share in profile.items()}
    third_person = rng.random() < 0.85
    sites = _sites(rng, 0.5, 0.5)
    plans: list[Plan] = []
    workers = rng.randint(3, 7)
    names = rng.sample(vocab.NAMES_NL + vocab.NAMES_INTL, workers)
    for w in range(workers):
        person = f"{agency}w{w}"
        age = rng.randint(21, 40)
        prices = _prices(rng, False)
        safe, unsafe = _services(rng, lang, False)
        indicators = {family for family, on in house.items() if on and rng.random() < 0.8}
        photos = [photo_key(person, n) for n in range(1, rng.randint(2, 4) + 1)]
        start = rng.randint(-90, 0) if rng.random() < 0.85 else rng.randint(2, max(2, horizon))
        end = rng.randint(max(start, 1), horizon) if rng.random() < 0.1 else horizon
        days = list(range(max(start, 1), end + 1))
        in_text = rng.random() < 0.5
        for site in sites:
            key = minter.key(site)
            plan = Plan(key, site, "agency", agency, person, None, agency, start, list(days))
            spec = _spec(
                rng,
                f"tpl:{agency}",
                f"{key}:0",
                lang=lang,
                foreign=foreign,
                name=names[w],
                age=age,
                city=city,
                phones=[phone],
                phone_style=rng.choice(["plain", "separators"]) if in_text else None,
                prices=prices,
                safe=safe,
                unsafe=unsafe,
                indicators=indicators,
                third_person=third_person,
                agency=agency_name,
                licence=licence if rng.random() < 0.7 else None,
                variation=0.25,
                benign_rate=0.0,
                emoji_rate=0.1,
                typo_rate=0.0,
                traps=_traps(rng),
            )
            first = VersionPlan(
                start,
                spec,
                _site_services(safe, unsafe, site),
                phone if rng.random() < 0.9 else None,
                age,
                licence if rng.random() < 0.9 else None,
                photos,
                city,
            )
            plan.versions.append(first)
            if len(days) > 3 and rng.random() < 0.15:  # the agency raises this worker's prices
                raised = {per: amount + 10 for per, amount in prices.items()}
                later = replace(spec, prices=raised, variation_seed=f"{key}:1")
                plan.versions.append(replace(first, from_day=rng.choice(days[1:]), spec=later))
            plans.append(plan)
    return plans
