"""The two shapes the demo world hands out: what a site shows (`DemoAd`) and what is true (`TruthRecord`).

A `DemoAd` is one ad as it looks on one day. A `TruthRecord` is the ground truth of one ad key over
the whole simulated period; it is written beside the world and never served by the demo sites.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SiteName = Literal["rozewereld", "nachtlicht", "lichtbaken"]
AdClass = Literal["network", "independent", "agency"]
# The two sites of the main demo world; lichtbaken serves the world of `scanner.lab.demo.lichtbaken` alone.
SITES: tuple[SiteName, ...] = ("rozewereld", "nachtlicht")

# Indicator families the generator can write into an ad (see docs/demo-world.md).
INDICATOR_FAMILIES: tuple[str, ...] = (
    "youth",
    "unsafe",
    "24_7",
    "low_price",
    "obscured_phone",
    "real_language",
    "new_in_town",
    "third_person",
    "hotel",
    "multi_women",
    "no_refusal",
    "money_pressure",
    "origin",
)


@dataclass(frozen=True)
class Price:
    amount: int
    currency: str
    per: str | None  # 15min | half_hour | hour | night | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DemoAd:
    """One ad on one site on one day, as the site renders it."""

    key: str
    site: SiteName
    title: str
    text: str
    name: str
    age_field: int | None
    city: str
    phone_field: str | None
    photo_keys: list[str]
    posted_day: int
    license_field: str | None
    services: list[str]
    url_path: str
    day: int = 0
    version: int = 0  # changes whenever title, text or fields change
    province: str = ""
    details: tuple[tuple[str, str], ...] = ()  # further labelled rows a site shows (opening hours, languages)

    def fields(self) -> dict[str, Any]:
        """The labelled fields a perfect crawl reads (keys: name, age, city, phone, license, services)."""
        return {
            "name": self.name,
            "age": None if self.age_field is None else str(self.age_field),
            "city": self.city,
            "phone": self.phone_field,
            "license": self.license_field,
            "services": list(self.services),
        }


@dataclass
class TruthRecord:
    """The truth about one ad key over all simulated days. Never served by the demo sites."""

    key: str
    site: SiteName
    advertiser_id: str
    person_id: str
    network_id: str | None
    agency_id: str | None
    cls: AdClass
    phones: list[str]
    ages: list[int]
    cities: list[str]
    prices: list[Price]
    names: list[str]
    days_visible: list[int]
    indicators: list[str]
    phone_obscurity: int
    traps: list[str] = field(default_factory=list)  # kinds of non-phone numbers written in the text
    phone_styles: list[str] = field(default_factory=list)  # how the numbers in the text were written
    duo_id: str | None = None  # two independent women who share one phone (lichtbaken world only)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["prices"] = [price.to_json() for price in self.prices]
        return data
