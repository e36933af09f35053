"""Who advertises on lichtbaken, and the ads each of them plans over the simulated days.

- `plan_independent`: one woman, her own number, her own way of writing; about one in seven shows no
  photo (the site then shows its "geen foto" picture); a few post a second ad, some of those under a
  second working name; some travel for a few days.
- `plan_duo`: two friends who share a flat and one phone; each has her own ad that names the other,
  both online on the same days, and often a joint ad as well.
- `plan_network`: an operator posting for two to six women from one template, moving the group to
  another town every two to four days, reposting under new ids, with one shared phone, two phones,
  or a new prepaid number for every town.
- `plan_agency`: a licensed agency or club in the region: its logo on every ad, its reception number
  (often a landline), its licence number in the licence row and often in the text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from scanner.lab.demo.images import EDITS, photo_key
from scanner.lab.demo.lichtbaken.places import CIRCUIT, TOWNS, Town, town
from scanner.lab.demo.lichtbaken.writers import (
    HOURS,
    NAMES_NL,
    NAMES_WORLD,
    ORIGINS,
    RISKY_SERVICES,
    SERVICES_EN,
    SERVICES_NL,
    Brief,
    Written,
    write_agency,
    write_independent,
    write_operator,
)
from scanner.lab.demo.phones import random_nl_mobile
from scanner.lab.demo.records import AdClass

PLACEHOLDER = "geen-foto.jpg"  # what the site shows on an ad without photos
AGENCIES = (
    ("Kennemer Dames", "HLM", "Haarlem"),
    ("Club Maritiem", "VLS", "IJmuiden"),
    ("Escortservice De Meer", "HMM", "Hoofddorp"),
    ("Haarlem Escorts", "HLM", "Haarlem"),
)
LANGUAGES = (
    "Nederlands",
    "Nederlands, Engels",
    "Engels",
    "Nederlands, Engels, Duits",
    "Engels, Spaans",
    "Roemeens, Engels",
)


@dataclass
class Version:
    """What an ad shows from `from_day` on."""

    from_day: int
    written: Written
    name: str
    age_field: int | None
    place_field: str  # the "Woonplaats" row, as typed
    town: Town  # where she really is
    phone_field: str | None  # E.164 of the "Telefoon" row
    hours_field: str | None
    languages_field: str | None
    license_field: str | None
    photo_keys: list[str]  # given empty, the site's placeholder

    def __post_init__(self) -> None:
        if not self.photo_keys:
            self.photo_keys = [PLACEHOLDER]


@dataclass
class Plan:
    key: str
    cls: AdClass
    advertiser_id: str
    person_id: str
    posted_day: int
    days: list[int]
    network_id: str | None = None
    agency_id: str | None = None
    duo_id: str | None = None
    versions: list[Version] = field(default_factory=list)
    site: str = "lichtbaken"

    def version_on(self, day: int) -> tuple[int, Version]:
        index = 0
        for i, version in enumerate(self.versions):
            if version.from_day <= day:
                index = i
        return index, self.versions[index]


class Keys:
    """Ad ids as the site hands them out: six digits, unique, deterministic per seed."""

    def __init__(self, seed: int) -> None:
        self.next = 100_000 + (seed * 7_919) % 500_000
        self.step = 7 + seed % 5

    def key(self) -> str:
        self.next += self.step
        return str(self.next)


def pick_town(rng: random.Random, exclude: Town | None = None) -> Town:
    while True:
        chosen = rng.choices(TOWNS, weights=[t.weight for t in TOWNS])[0]
        if chosen is not exclude:
            return chosen


def field_form(rng: random.Random, place: Town, slips: float = 0.02) -> str:
    """How one person fills in the place row: the usual forms most often, now and then a slip."""
    if place.slips and rng.random() < slips:
        return rng.choice(place.slips)
    weights = [max(1, 8 - 2 * i) for i in range(len(place.forms))]
    return rng.choices(place.forms, weights=weights)[0]


def _prices(rng: random.Random, low: bool = False) -> dict[str, int]:
    hour = rng.randrange(70, 110, 10) if low else rng.randrange(120, 250, 10)
    prices = {"half": max(40, round(hour * rng.uniform(0.55, 0.7) / 5) * 5), "hour": hour}
    if not low and rng.random() < 0.1:
        prices["night"] = hour * rng.randint(5, 7)
    return prices


def _services(rng: random.Random, lang: str, risky: bool = False) -> list[str]:
    table = SERVICES_NL if lang == "nl" else SERVICES_EN
    chosen = rng.sample(table, rng.randint(2, 6))
    return chosen + ([rng.choice(RISKY_SERVICES[lang])] if risky else [])


def _own_photos(person: str, rng: random.Random, share_without: float) -> list[str]:
    if rng.random() < share_without:
        return []
    return [photo_key(person, n) for n in range(1, rng.randint(1, 4) + 1)]


def _visible(rng: random.Random, horizon: int, late_share: float = 0.2, stop_share: float = 0.12) -> list[int]:
    start = rng.randint(-40, 1) if rng.random() > late_share else rng.randint(2, max(2, horizon - 1))
    end = rng.randint(max(start, 1), horizon) if rng.random() < stop_share else horizon
    days = list(range(max(start, 1), end + 1))
    if len(days) > 4 and rng.random() < 0.1:
        gap = rng.randrange(1, len(days) - 2)
        del days[gap : gap + rng.randint(1, 2)]
    return days


def _text_place(rng: random.Random, place: Town, form: str) -> str:
    """How she names her place in a sentence: the town, or what she typed in the place row."""
    return rng.choice([place.name, place.name, form])


def plan_independent(rng: random.Random, keys: Keys, index: int, horizon: int) -> list[Plan]:
    person = f"lbi{index:04d}"
    lang = "nl" if rng.random() < 0.7 else "en"
    name = rng.choice(NAMES_NL if lang == "nl" and rng.random() < 0.7 else NAMES_WORLD)
    age = rng.randint(19, 20) if rng.random() < 0.05 else rng.randint(21, 48)
    home = pick_town(rng)
    form = field_form(rng, home)
    phone = random_nl_mobile(rng)
    in_field = rng.random() < 0.8
    in_text = rng.random() < (0.55 if in_field else 0.9)
    photos = _own_photos(person, rng, 0.15)
    hours = rng.choice(HOURS) if rng.random() < 0.45 else None
    age_field = age if rng.random() < 0.8 else None
    languages = rng.choice(LANGUAGES) if rng.random() < 0.4 else None
    indicators = {family for family, share in (("24_7", 0.04),) if rng.random() < share}
    services = _services(rng, lang)
    prices = _prices(rng)
    days = _visible(rng, horizon)
    if not days:
        return []
    start = days[0]
    # (from day, town, place row, indicators, prices)
    changes: list[tuple[int, Town, str, set[str], dict[str, int]]] = [(start, home, form, indicators, prices)]
    if rng.random() < 0.1 and len(days) > 3:
        away = rng.choice(days[1:-1])
        trip = pick_town(rng, exclude=home)
        changes.append((away, trip, field_form(rng, trip), indicators | {"new_in_town"}, prices))
        changes.append((away + rng.randint(2, 3), home, form, indicators, prices))
    if rng.random() < 0.2 and len(days) > 1:
        changes.append((rng.choice(days[1:]), home, form, indicators, {k: v + 10 for k, v in prices.items()}))
    if rng.random() < 0.1 and len(days) > 1:  # she edits how she writes her place
        changes.append((rng.choice(days[1:]), home, field_form(rng, home), indicators, prices))
    changes.sort(key=lambda change: change[0])
    names = [name]
    ads = 1
    if rng.random() < 0.06:  # a second ad, sometimes under a second working name
        ads = 2
        names.append(rng.choice(NAMES_NL + NAMES_WORLD) if rng.random() < 0.4 else name)
    plans = []
    for n in range(ads):
        key = keys.key()
        plan = Plan(key, "independent", f"adv-{person}", person, start, list(days))
        for v, (from_day, place, row, families, ad_prices) in enumerate(changes):
            brief = Brief(
                writer=f"w:{person}",
                kind="independent",
                variation_seed=f"{key}:{v}",
                name=names[n],
                age=age,
                place=_text_place(rng, place, row),
                phone=phone if in_text else None,
                hours=hours,
                prices=ad_prices,
                services=services,
                lang=lang,
                age_in_text=rng.random() < 0.4,
                indicators=set(families),
            )
            plan.versions.append(
                Version(
                    from_day,
                    write_independent(brief),
                    names[n],
                    age_field,
                    row,
                    place,
                    phone if in_field else None,
                    hours,
                    languages,
                    None,
                    list(photos),
                )
            )
        plans.append(plan)
    return plans


def plan_duo(rng: random.Random, keys: Keys, index: int, horizon: int) -> list[Plan]:
    duo = f"duo{index:02d}"
    lang = "nl" if rng.random() < 0.8 else "en"
    names = rng.sample(NAMES_NL + NAMES_WORLD, 2)
    ages = [rng.randint(22, 40), rng.randint(22, 40)]
    people = [f"lbd{index:02d}a", f"lbd{index:02d}b"]
    home = pick_town(rng)
    form = field_form(rng, home)
    phone = random_nl_mobile(rng)
    hours = rng.choice(HOURS) if rng.random() < 0.5 else None
    days = _visible(rng, horizon, late_share=0.1, stop_share=0.05)
    if not days:
        return []
    prices = _prices(rng)
    plans = []
    for i, person in enumerate(people):
        key = keys.key()
        plan = Plan(key, "independent", f"adv-{duo}", person, days[0], list(days), duo_id=duo)
        brief = Brief(
            writer=f"w:{person}",
            kind="independent",
            variation_seed=f"{key}:0",
            name=names[i],
            age=ages[i],
            place=_text_place(rng, home, form),
            phone=phone,
            hours=hours,
            prices=prices,
            services=_services(rng, lang),
            lang=lang,
            age_in_text=rng.random() < 0.5,
            friend=names[1 - i],
        )
        photos = _own_photos(person, rng, 0.1)
        plan.versions.append(
            Version(days[0], write_independent(brief), names[i], ages[i], form, home, phone, hours, None, None, photos)
        )
        plans.append(plan)
    if rng.random() < 0.5:  # the joint ad
        key = keys.key()
        both = f"{names[0]} & {names[1]}"
        plan = Plan(key, "independent", f"adv-{duo}", people[0], days[0], list(days), duo_id=duo)
        brief = Brief(
            writer=f"w:{people[0]}",
            kind="independent",
            variation_seed=f"{key}:0",
            name=both,
            age=ages[0],
            place=_text_place(rng, home, form),
            phone=phone,
            hours=hours,
            prices={per: amount * 2 for per, amount in prices.items()},
            services=_services(rng, lang),
            lang=lang,
            age_in_text=False,
            friend=names[1],
        )
        photos = [photo_key(people[0], 1), photo_key(people[1], 1)]
        plan.versions.append(
            Version(days[0], write_independent(brief), both, None, form, home, phone, hours, None, None, photos)
        )
        plans.append(plan)
    return plans


def plan_network(rng: random.Random, keys: Keys, index: int, horizon: int) -> list[Plan]:
    network = f"lbnet{index:02d}"
    style = rng.randrange(3)
    lang = "nl" if style == 1 else "en"
    women = rng.randint(2, 6)
    origin = rng.choice(ORIGINS)
    phone_mode = rng.choice(["shared", "shared", "pair", "burner"])
    phones = [random_nl_mobile(rng) for _ in range(2)]
    profile = {
        family: rng.choice([0.0, 0.2, 0.6, 0.9])
        for family in ("youth", "24_7", "hotel", "unsafe", "no_refusal", "multi_women", "low_price")
    }
    obscure_share = rng.choice([0.1, 0.3, 0.6])
    repost = rng.random() < 0.7
    low = rng.random() < profile["low_price"]
    prices = _prices(rng, low)
    people = []
    for w in range(women):
        person = f"{network}w{w}"
        people.append((person, rng.sample(NAMES_WORLD, rng.randint(1, 3)), rng.randint(18, 24), rng.randint(3, 5)))
    stints: list[tuple[int, int, Town]] = []
    day = 1 if rng.random() < 0.7 else rng.randint(2, 4)
    place = pick_town(rng)
    while day <= horizon:
        length = rng.randint(2, 4)
        stints.append((day, min(horizon, day + length - 1), place))
        day += length
        place = town(rng.choice([name for name in CIRCUIT if name != place.name]))
    plans: list[Plan] = []
    standing: dict[str, Plan] = {}
    for stint, (first, last, place) in enumerate(stints):
        burner = random_nl_mobile(rng)
        row = rng.choice([place.name, place.name, place.forms[min(1, len(place.forms) - 1)]])
        for w, (person, names, age, photo_count) in enumerate(people):
            if rng.random() > 0.85:
                continue
            phone = {"shared": phones[0], "pair": phones[w % 2], "burner": burner}[phone_mode]
            name = rng.choice(names) if rng.random() < 0.7 else rng.choice(NAMES_WORLD)
            others = [other[1][0] for other in people if other[0] != person]
            existing = standing.get(person)
            if repost or existing is None:
                plan = Plan(keys.key(), "network", network, person, first, [], network_id=network)
                plans.append(plan)
                standing[person] = plan
            else:
                plan = existing
            families = {family for family, share in profile.items() if rng.random() < share}
            brief = Brief(
                writer=f"op:{network}",
                kind="operator",
                variation_seed=f"{plan.key}:{stint}",
                name=name,
                age=age,
                place=place.name,
                phone=phone if rng.random() < 0.8 else None,
                hours=None,
                prices=prices,
                services=_services(rng, lang, "unsafe" in families),
                lang=lang,
                indicators=families,
                friend=rng.choice(others) if others else None,
                style=style,
                obscure=rng.random() < obscure_share,
            )
            chosen = rng.sample(range(1, photo_count + 1), rng.randint(2, min(4, photo_count)))
            photos = [photo_key(person, n, rng.choice(EDITS)) for n in chosen]
            written = write_operator(brief, place.name, origin)
            show_phone = phone if not brief.obscure and rng.random() < 0.6 else None
            age_field = age if rng.random() < 0.85 else None
            plan.versions.append(
                Version(first, written, name, age_field, row, place, show_phone, None, None, None, photos)
            )
            last_day = min(horizon, last + (1 if rng.random() < 0.2 else 0))
            plan.days.extend(d for d in range(first, last_day + 1) if d not in plan.days)
    return plans


def plan_agency(rng: random.Random, keys: Keys, index: int, horizon: int) -> list[Plan]:
    agency = f"lbag{index:02d}"
    agency_name, code, home_name = AGENCIES[index % len(AGENCIES)]
    home = town(home_name)
    licence = f"{code}-{rng.randint(2016, 2025)}-{rng.randint(1, 99):03d}"
    landline = home.area_code is not None and rng.random() < 0.7
    if landline and home.area_code is not None:
        digits = 9 - len(home.area_code)
        phone = f"+31{home.area_code}{rng.randint(2, 9)}{rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"
    else:
        phone = random_nl_mobile(rng)
    logo = f"logo-{agency}.png"
    hours = rng.choice(["12.00-02.00", "11.00-01.00", "14.00-04.00"])
    plans = []
    for w in range(rng.randint(3, 6)):
        person = f"{agency}w{w}"
        name = rng.choice(NAMES_NL + NAMES_WORLD)
        age = rng.randint(23, 45)
        days = _visible(rng, horizon, late_share=0.1, stop_share=0.08)
        if not days:
            continue
        key = keys.key()
        plan = Plan(key, "agency", agency, person, days[0], days, agency_id=agency)
        brief = Brief(
            writer=f"ag:{agency}",
            kind="agency",
            variation_seed=f"{key}:0",
            name=name,
            age=age,
            place=home.name,
            phone=phone if rng.random() < 0.7 else None,
            hours=hours,
            prices=_prices(rng),
            services=_services(rng, "nl"),
            agency=agency_name,
            licence=licence if rng.random() < 0.6 else None,
        )
        photos = [logo, *_own_photos(person, rng, 0.4)]
        plan.versions.append(
            Version(
                days[0],
                write_agency(brief),
                name,
                age,
                field_form(rng, home, 0.0),
                home,
                phone,
                hours,
                "Nederlands, Engels",
                licence if rng.random() < 0.9 else None,
                photos,
            )
        )
        plans.append(plan)
    return plans
