"""The places of the demo world: canonical city names, provinces, URL slugs and how people write them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    name: str  # canonical name, as the extraction stage reports it
    province: str
    country: str  # NL | BE
    postcode_prefixes: tuple[str, ...]
    written: tuple[str, ...]  # other ways ads write the name
    districts: tuple[str, ...]
    weight: int  # how many ads the city attracts, relative

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def province_slug(self) -> str:
        return slugify(self.province)


CITIES: tuple[City, ...] = (
    City(
        "Amsterdam",
        "Noord-Holland",
        "NL",
        ("1012", "1017", "1052", "1091"),
        ("A'dam", "Adam", "amsterdam", "Mokum"),
        ("Centrum", "West", "Zuidoost", "Oost", "Nieuw-West"),
        14,
    ),
    City(
        "Haarlem",
        "Noord-Holland",
        "NL",
        ("2011", "2012", "2021", "2032"),
        ("haarlem", "HAARLEM"),
        ("Centrum", "Schalkwijk", "Noord", "Zuid-West"),
        6,
    ),
    City("Zaandam", "Noord-Holland", "NL", ("1502", "1506"), ("zaandam", "Zaanstad"), ("Centrum", "Poelenburg"), 2),
    City("Alkmaar", "Noord-Holland", "NL", ("1811", "1814"), ("alkmaar",), ("Centrum", "Overdie"), 2),
    City(
        "Hoofddorp",
        "Noord-Holland",
        "NL",
        ("2131", "2132"),
        ("hoofddorp", "Hoofddorp (Schiphol)"),
        ("Centrum", "Toolenburg"),
        2,
    ),
    City(
        "Den Haag",
        "Zuid-Holland",
        "NL",
        ("2511", "2515", "2525", "2562"),
        ("'s-Gravenhage", "The Hague", "Dh", "den haag", "DH"),
        ("Centrum", "Scheveningen", "Laak", "Escamp"),
        9,
    ),
    City(
        "Rotterdam",
        "Zuid-Holland",
        "NL",
        ("3011", "3014", "3022", "3082"),
        ("R'dam", "Rdam", "rotterdam", "010"),
        ("Centrum", "Zuid", "Kralingen", "Delfshaven"),
        11,
    ),
    City("Leiden", "Zuid-Holland", "NL", ("2311", "2316"), ("leiden",), ("Centrum", "Merenwijk"), 3),
    City(
        "Utrecht",
        "Utrecht",
        "NL",
        ("3511", "3521", "3531"),
        ("utrecht", "UTRECHT", "Utreg"),
        ("Centrum", "Overvecht", "Leidsche Rijn"),
        8,
    ),
    City("Amersfoort", "Utrecht", "NL", ("3811", "3822"), ("amersfoort",), ("Centrum", "Vathorst"), 3),
    City(
        "Eindhoven",
        "Noord-Brabant",
        "NL",
        ("5611", "5621", "5643"),
        ("eindhoven", "Eindje", "040"),
        ("Centrum", "Woensel", "Strijp"),
        6,
    ),
    City("Tilburg", "Noord-Brabant", "NL", ("5011", "5038"), ("tilburg", "Tilly"), ("Centrum", "Reeshof"), 4),
    City("Breda", "Noord-Brabant", "NL", ("4811", "4834"), ("breda",), ("Centrum", "Haagse Beemden"), 3),
    City(
        "'s-Hertogenbosch",
        "Noord-Brabant",
        "NL",
        ("5211", "5223"),
        ("Den Bosch", "den bosch", "DB"),
        ("Centrum", "Rosmalen"),
        3,
    ),
    City(
        "Groningen",
        "Groningen",
        "NL",
        ("9711", "9723", "9741"),
        ("groningen", "Grunn"),
        ("Centrum", "Paddepoel", "Zuid"),
        4,
    ),
    City("Zwolle", "Overijssel", "NL", ("8011", "8022"), ("zwolle",), ("Centrum", "Stadshagen"), 2),
    City("Enschede", "Overijssel", "NL", ("7511", "7522"), ("enschede",), ("Centrum", "Roombeek"), 2),
    City("Arnhem", "Gelderland", "NL", ("6811", "6826"), ("arnhem",), ("Centrum", "Presikhaaf"), 3),
    City("Nijmegen", "Gelderland", "NL", ("6511", "6534"), ("nijmegen", "NIJMEGEN"), ("Centrum", "Dukenburg"), 3),
    City("Maastricht", "Limburg", "NL", ("6211", "6222"), ("maastricht", "Mestreech"), ("Centrum", "Wyck"), 2),
    City(
        "Antwerpen",
        "Antwerpen",
        "BE",
        ("2000", "2018", "2060"),
        ("Antwerp", "Anvers", "A'pen"),
        ("Centrum", "Schipperskwartier", "Berchem"),
        4,
    ),
)

PROVINCES: tuple[str, ...] = tuple(dict.fromkeys(city.province for city in CITIES))


def slugify(text: str) -> str:
    """`'s-Hertogenbosch` -> `s-hertogenbosch`, `Den Haag` -> `den-haag`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def cities_in(province: str) -> list[City]:
    return [city for city in CITIES if city.province == province]
