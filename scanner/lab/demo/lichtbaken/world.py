"""The lichtbaken world: one regional site, its advertisers over simulated days, and the truth about them.

    world = LichtbakenWorld.generate(LichtbakenConfig(seed=1, days=10))
    world.ads_on(3)                       # what the site shows on day 3
    world.truth()                         # who is which person, network, agency or duo (never served)
    world.municipality_on("104512", 3)    # where that ad's advertiser really was on day 3
    DemoServer(world)                     # serves it as the site "lichtbaken" (DEMO_LICHTBAKEN_URL)

It differs from the main demo world on purpose (see docs/demo-world.md): other writers, a free-text
place row, a "no photo" picture, agency logos, duos, prepaid numbers per town. It is used to measure
the pipeline on a site it was not written for, never to train or calibrate it.
"""

from __future__ import annotations

import io
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from PIL import Image, ImageDraw

from scanner.lab.demo.images import render_photo
from scanner.lab.demo.lichtbaken.advertisers import (
    PLACEHOLDER,
    Keys,
    Plan,
    Version,
    plan_agency,
    plan_duo,
    plan_independent,
    plan_network,
)
from scanner.lab.demo.records import DemoAd, Price, SiteName, TruthRecord

Planner = Callable[[random.Random, Keys, int, int], list[Plan]]
SITE: SiteName = "lichtbaken"


@dataclass(frozen=True)
class LichtbakenConfig:
    """How big the world is; the defaults give about 170 live ads a day."""

    seed: int = 1
    days: int = 10
    independents: int = 150
    duos: int = 6
    networks: int = 6
    agencies: int = 3

    def __post_init__(self) -> None:
        if self.days < 2:
            raise ValueError(f"a demo world spans at least 2 days, not {self.days}")


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "advertentie"


def phone_row(e164: str) -> str:
    """How the site prints its phone row: 06-12345678, or the area code and number of a landline."""
    national = "0" + e164[3:]
    if national.startswith("06"):
        return f"{national[:2]}-{national[2:]}"
    split = 3 if national[1:3] in ("20", "23", "10", "30", "70") else 4
    return f"{national[:split]}-{national[split:]}"


@dataclass
class LichtbakenWorld:
    config: LichtbakenConfig
    plans: list[Plan]
    _by_key: dict[str, Plan] = field(default_factory=dict, repr=False)

    @classmethod
    def generate(cls, config: LichtbakenConfig | None = None) -> LichtbakenWorld:
        config = config or LichtbakenConfig()
        keys = Keys(config.seed)
        plans: list[Plan] = []
        kinds: list[tuple[str, int, Planner]] = [
            ("ind", config.independents, plan_independent),
            ("duo", config.duos, plan_duo),
            ("net", config.networks, plan_network),
            ("ag", config.agencies, plan_agency),
        ]
        for kind, count, planner in kinds:
            for index in range(count):
                rng = random.Random(f"lichtbaken:{config.seed}:{kind}:{index}")
                plans.extend(plan for plan in planner(rng, keys, index, config.days) if plan.days)
        return cls(config, plans, {plan.key: plan for plan in plans})

    @property
    def sites(self) -> tuple[SiteName, ...]:
        return (SITE,)

    @property
    def days(self) -> range:
        return range(1, self.config.days + 1)

    def plan(self, key: str) -> Plan:
        return self._by_key[key]

    def ads_on(self, day: int) -> list[DemoAd]:
        """The ads the site shows on `day`, newest first."""
        ads = []
        for plan in self.plans:
            if day in plan.days:
                index, version = plan.version_on(day)
                ads.append(_render(plan, index, version, day))
        ads.sort(key=lambda ad: (-ad.posted_day, ad.key))
        return ads

    def municipality_on(self, key: str, day: int) -> str:
        """Where the advertiser of ad `key` really was on `day` (the truth, whatever the place row says)."""
        return self.plan(key).version_on(day)[1].town.municipality

    def truth(self) -> list[TruthRecord]:
        return [_truth(plan) for plan in self.plans]

    def photo_bytes(self, photo_key: str) -> bytes:
        """The bytes of a photo, the site's placeholder or an agency logo (ValueError for an unknown key)."""
        if photo_key == PLACEHOLDER:
            return placeholder_bytes()
        if photo_key.startswith("logo-"):
            return logo_bytes(photo_key)
        return render_photo(photo_key)


def _render(plan: Plan, index: int, version: Version, day: int) -> DemoAd:
    details = tuple(
        (label, value)
        for label, value in (("Bereikbaar", version.hours_field), ("Talen", version.languages_field))
        if value
    )
    return DemoAd(
        key=plan.key,
        site=SITE,
        title=version.written.title,
        text=version.written.text,
        name=version.name,
        age_field=version.age_field,
        city=version.place_field,
        phone_field=phone_row(version.phone_field) if version.phone_field else None,
        photo_keys=list(version.photo_keys),
        posted_day=plan.posted_day,
        license_field=version.license_field,
        services=[],
        url_path=f"/a/{plan.key}/{_slug(plan.versions[0].name)}",
        day=day,
        version=index,
        province=version.town.site_region,
        details=details,
    )


def _truth(plan: Plan) -> TruthRecord:
    shown = sorted({plan.version_on(day)[0] for day in plan.days})
    phones: list[str] = []
    ages: list[int] = []
    cities: list[str] = []
    names: list[str] = []
    prices: list[Price] = []
    indicators: set[str] = set()
    obscurity = 0
    for index in shown:
        version = plan.versions[index]
        written = version.written
        numbers = ([version.phone_field] if version.phone_field else []) + written.phones
        stated = ([version.age_field] if version.age_field is not None else []) + written.ages
        for values, new in ((phones, numbers), (cities, [version.town.municipality]), (names, [version.name])):
            values.extend(value for value in new if value not in values)
        ages.extend(age for age in stated if age not in ages)
        prices.extend(price for price in written.prices if price not in prices)
        indicators |= written.indicators
        obscurity = max(obscurity, written.obscurity)
    return TruthRecord(
        key=plan.key,
        site=SITE,
        advertiser_id=plan.advertiser_id,
        person_id=plan.person_id,
        network_id=plan.network_id,
        agency_id=plan.agency_id,
        cls=plan.cls,
        phones=phones,
        ages=ages,
        cities=cities,
        prices=prices,
        names=names,
        days_visible=list(plan.days),
        indicators=sorted(indicators),
        phone_obscurity=obscurity,
        duo_id=plan.duo_id,
    )


@lru_cache(maxsize=1)
def placeholder_bytes() -> bytes:
    """The site's "geen foto" picture: a grey card with a camera outline."""
    image = Image.new("RGB", (240, 240), (226, 226, 230))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((60, 85, 180, 165), radius=12, outline=(150, 150, 160), width=6)
    draw.rectangle((95, 70, 145, 88), fill=(150, 150, 160))
    draw.ellipse((95, 100, 145, 150), outline=(150, 150, 160), width=6)
    draw.text((88, 185), "geen foto", fill=(120, 120, 130))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=False, progressive=False)
    return buffer.getvalue()


@lru_cache(maxsize=16)
def logo_bytes(photo_key: str) -> bytes:
    """An agency's logo: its own emblem and lettering on its own colours, the same on every ad of the agency."""
    rng = random.Random(photo_key)
    background = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    image = Image.new("RGB", (300, 200), background)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(3, 6)):
        x, y = rng.randrange(-20, 260), rng.randrange(-20, 160)
        box = (x, y, x + rng.randrange(40, 160), y + rng.randrange(40, 120))
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.ellipse(box, fill=colour)
        else:
            draw.rectangle(box, fill=colour)
    name = photo_key.removeprefix("logo-").removesuffix(".png").upper()
    draw.text((rng.randrange(10, 200), rng.randrange(10, 170)), name, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
