"""The demo world: a seeded, deterministic set of advertisers and their ads over simulated days.

    world = World.generate(WorldConfig(seed=7, days=14))
    world.ads_on(3)           # the ads both sites show on day 3, with that day's content
    world.truth()             # one TruthRecord per ad key (never served by the sites)
    world.photo_bytes(key)    # the JPEG/PNG bytes of a photo key
    stream_ads(7, 100_000)    # (ad, truth) pairs for benchmarks, in constant memory, without photos

Everything is drawn from `random.Random` instances seeded from the config, so the same seed gives
the same ads, texts and photo bytes on every run.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

from scanner.lab.demo.actors import Minter, Plan, VersionPlan, plan_agency, plan_independent, plan_network
from scanner.lab.demo.images import render_photo
from scanner.lab.demo.minors import add_possible_minors
from scanner.lab.demo.places import slugify
from scanner.lab.demo.records import SITES, DemoAd, Price, SiteName, TruthRecord
from scanner.lab.demo.texts import Composed, compose

Planner = Callable[[random.Random, Minter, int, int], list[Plan]]


@dataclass(frozen=True)
class WorldConfig:
    """How big the world is. The defaults give about 300 live ads a day over both sites."""

    seed: int = 7
    days: int = 14
    independents: int = 230
    networks: int = 9
    agencies: int = 6

    def __post_init__(self) -> None:
        if self.days < 2:
            # Advertisers' schedules (arrivals, moves, returns) need at least two days to differ.
            raise ValueError(f"a demo world spans at least 2 days, not {self.days}")


def format_phone_field(e164: str, site: str) -> str:
    """How a site prints the number in its phone field (the way each country groups its digits)."""
    local = "0" + e164[3:]
    rest = e164[3:]
    if e164.startswith("+32"):  # with the country code: 0495 ... alone would read as a Dutch number
        return f"+32 {rest[:3]} {rest[3:5]} {rest[5:7]} {rest[7:]}"
    if e164.startswith("+316"):
        return local[:2] + "-" + local[2:] if site == "rozewereld" else f"+31 {rest[0]} {rest[1:5]} {rest[5:]}"
    return local[:3] + "-" + local[3:] if site == "rozewereld" else f"+31 {rest[:2]} {rest[2:5]} {rest[5:]}"


def url_path(plan: Plan, first: VersionPlan) -> str:
    if plan.site == "rozewereld":
        return f"/advertentie/{plan.key}/{slugify(first.spec.name)}-{first.city.slug}"
    return f"/ad/{plan.key}"


@dataclass
class _Rendered:
    ad: DemoAd
    composed: Composed


def _render(plan: Plan, index: int, day: int = 0) -> _Rendered:
    version = plan.versions[index]
    composed = compose(version.spec)
    ad = DemoAd(
        key=plan.key,
        site=plan.site,
        title=composed.title,
        text=composed.text,
        name=version.spec.name,
        age_field=version.age_field,
        city=version.city.name,
        phone_field=format_phone_field(version.phone_field, plan.site) if version.phone_field else None,
        photo_keys=list(version.photo_keys),
        posted_day=plan.posted_day,
        license_field=version.license_field,
        services=list(version.site_services),
        url_path=url_path(plan, plan.versions[0]),
        day=day,
        version=index,
        province=version.city.province,
    )
    return _Rendered(ad, composed)


def _truth(plan: Plan, rendered: list[tuple[VersionPlan, _Rendered]], days: list[int]) -> TruthRecord:
    phones: list[str] = []
    ages: list[int] = []
    cities: list[str] = []
    prices: list[Price] = []
    names: list[str] = []
    indicators: set[str] = set()
    traps: set[str] = set()
    styles: set[str] = set()
    obscurity = 0
    for version, item in rendered:
        shown = ([version.phone_field] if version.phone_field else []) + (
            version.spec.phones if item.composed.phone_styles else []
        )
        for value_list, new in ((phones, shown), (cities, [version.city.name]), (names, [version.spec.name])):
            value_list.extend(v for v in new if v not in value_list)
        stated = ([version.age_field] if version.age_field is not None else []) + item.composed.ages
        ages.extend(age for age in stated if age not in ages)
        prices.extend(price for price in item.composed.prices if price not in prices)
        indicators |= item.composed.indicators
        traps |= set(item.composed.traps)
        styles |= set(item.composed.phone_styles)
        obscurity = max(obscurity, item.composed.phone_obscurity)
    return TruthRecord(
        key=plan.key,
        site=plan.site,
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
        days_visible=list(days),
        indicators=sorted(indicators),
        phone_obscurity=obscurity,
        traps=sorted(traps),
        phone_styles=sorted(styles),
    )


def _advertisers(config: WorldConfig) -> Iterator[tuple[str, int, Planner]]:
    for i in range(config.independents):
        yield "ind", i, plan_independent
    for i in range(config.networks):
        yield "net", i, plan_network
    for i in range(config.agencies):
        yield "ag", i, plan_agency


@dataclass
class World:
    config: WorldConfig
    plans: list[Plan]
    _rendered: dict[tuple[str, int], _Rendered] = field(default_factory=dict, repr=False)
    _by_key: dict[str, Plan] = field(default_factory=dict, repr=False)

    @classmethod
    def generate(cls, config: WorldConfig | None = None) -> World:
        config = config or WorldConfig()
        minter = Minter(config.seed)
        plans: list[Plan] = []
        for kind, index, planner in _advertisers(config):
            rng = random.Random(f"{config.seed}:{kind}:{index}")
            plans.extend(plan for plan in planner(rng, minter, index, config.days) if plan.days)
        add_possible_minors(plans, random.Random(f"{config.seed}:minors"), config.networks)
        world = cls(config, plans)
        for plan in plans:
            for index in range(len(plan.versions)):
                world._rendered[(plan.key, index)] = _render(plan, index)
        return world

    @property
    def days(self) -> range:
        return range(1, self.config.days + 1)

    @property
    def sites(self) -> tuple[SiteName, ...]:
        return SITES

    def plan(self, key: str) -> Plan:
        """The plan of an ad key (keys of the two sites never collide: `rw…` and `nl-…`)."""
        if len(self._by_key) != len(self.plans):
            self._by_key = {plan.key: plan for plan in self.plans}
        return self._by_key[key]

    def ads_on(self, day: int) -> list[DemoAd]:
        """The ads visible on `day`, newest first, each with the content it shows that day."""
        ads = []
        for plan in self.plans:
            if day in plan.days:
                index, _version = plan.version_on(day)
                ads.append(replace(self._rendered[(plan.key, index)].ad, day=day))
        ads.sort(key=lambda ad: (-ad.posted_day, ad.key))
        return ads

    def truth(self) -> list[TruthRecord]:
        """The truth of every ad key over all its visible days."""
        records = []
        for plan in self.plans:
            shown = sorted({plan.version_on(day)[0] for day in plan.days})
            rendered = [(plan.versions[i], self._rendered[(plan.key, i)]) for i in shown]
            records.append(_truth(plan, rendered, plan.days))
        return records

    def truth_on(self, day: int) -> dict[str, TruthRecord]:
        """The truth of each ad as it shows on `day` (one version), keyed by ad key."""
        out = {}
        for plan in self.plans:
            if day in plan.days:
                index, version = plan.version_on(day)
                out[plan.key] = _truth(plan, [(version, self._rendered[(plan.key, index)])], plan.days)
        return out

    def photo_bytes(self, photo_key: str) -> bytes:
        """The bytes of a photo key used by an ad of this world (ValueError for an unknown key)."""
        return _photo_bytes(photo_key)


@lru_cache(maxsize=2048)
def _photo_bytes(photo_key: str) -> bytes:
    return render_photo(photo_key)


def stream_ads(seed: int, count: int) -> Iterator[tuple[DemoAd, TruthRecord]]:
    """`count` ads with their truth, generated one advertiser at a time (constant memory, no photos).

    The class mix follows the default `WorldConfig`; each ad is its first visible version.
    """
    defaults = WorldConfig()
    minter = Minter(seed)
    horizon = 3
    kinds: list[tuple[str, Planner, int]] = [
        ("ind", plan_independent, defaults.independents),
        ("net", plan_network, defaults.networks),
        ("ag", plan_agency, defaults.agencies),
    ]
    mix = [(kind, planner) for kind, planner, count in kinds for _ in range(count)]
    chooser = random.Random(f"{seed}:stream")
    produced = 0
    index = 0
    while produced < count:
        kind, planner = chooser.choice(mix)
        rng = random.Random(f"{seed}:{kind}:{index}")
        for plan in planner(rng, minter, index, horizon):
            if not plan.days or produced >= count:
                continue
            version_index, version = plan.version_on(plan.days[0])
            rendered = _render(plan, version_index, plan.days[0])
            yield rendered.ad, _truth(plan, [(version, rendered)], plan.days)
            produced += 1
        index += 1
