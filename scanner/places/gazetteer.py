"""The gazetteer: every Dutch municipality, well-known residences and districts, the main Belgian cities.

The data ships in `scanner/places/data/` (sources in its README):

- `municipalities_nl.csv`: the 342 municipalities of the 2023-2025 division (CBS), each with its
  province, safety region (veiligheidsregio) and police unit (politie-eenheid);
- `residences_nl.csv`: towns and districts that are not municipalities (Hoofddorp, Zaandam,
  Scheveningen, Schalkwijk), each with its municipality;
- `cities_be.csv`: Belgian cities under their Dutch names, with their province;
- the alias files of `ALIAS_FILES`: other names (`aliases.csv`: The Hague, 's-Gravenhage, Den Bosch,
  Antwerp, Bruxelles) and `exonyms.csv`, the names of Dutch and Belgian places in the other languages of
  the ads (La Haya, Haga, Nimwegen, Amberes, Bois-le-Duc; from GeoNames) and their Hungarian and Polish
  locatives ("Rotterdamban", "w Amsterdamie").

`lookup(name)` gives the place a name or alias stands for; `places_in_region(names)` every place inside
municipalities, provinces, police units or safety regions; `unknown_region_names(names)` the names it
does not know, with suggestions, for the settings and source files to refuse them when they load.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from scanner.errors import ConfigError

DATA_DIR = Path(__file__).resolve().parent / "data"
# Files of other names, each with the columns alias,name; a list of exonyms can be added as a file of its own.
ALIAS_FILES: tuple[str, ...] = ("aliases.csv", "exonyms.csv")
REGION_QUALIFIERS = ("provincie", "province", "eenheid", "politieeenheid", "veiligheidsregio")
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u00b4\u0060"


@dataclass(frozen=True, slots=True)
class Place:
    name: str  # canonical: the municipality's common name, a residence's own name, a Belgian city's Dutch name
    municipality: str
    province: str
    police_unit: str | None
    safety_region: str | None
    country: str  # NL | BE
    kind: str  # municipality | residence | city


def fold(text: str) -> str:
    """Lower case without accents, with one kind of dash and quote: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    for dash in _DASHES:
        plain = plain.replace(dash, "-")
    for quote in _QUOTES:
        plain = plain.replace(quote, "'")
    return plain


def place_key(name: str) -> str:
    """The key a name is looked up by: letters and digits only ("'s-Hertogenbosch" -> "shertogenbosch")."""
    return re.sub(r"[^a-z0-9]", "", fold(name))


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Gazetteer:
    places: dict[str, Place]  # canonical name -> place
    names: dict[str, Place]  # key of every name and alias -> place
    regions: dict[str, set[str]]  # key of a province, police unit or safety region -> canonical names inside
    surfaces: tuple[str, ...]  # every name and alias as written, for finding them in text


@cache
def gazetteer() -> Gazetteer:
    places: dict[str, Place] = {}
    names: dict[str, Place] = {}
    regions: dict[str, set[str]] = {}
    for row in _read("municipalities_nl.csv"):
        place = Place(
            row["name"], row["name"], row["province"], row["police_unit"], row["safety_region"], "NL", "municipality"
        )
        places[place.name] = place
        names[place_key(row["official_name"])] = place
        for region in (row["province"], row["police_unit"], row["safety_region"]):
            regions.setdefault(place_key(region), set()).add(place.name)
    for row in _read("residences_nl.csv"):
        home = places[row["municipality"]]
        place = Place(row["name"], home.name, home.province, home.police_unit, home.safety_region, "NL", "residence")
        places[place.name] = place
        for area in (home.province, home.police_unit, home.safety_region):
            if area:
                regions[place_key(area)].add(place.name)
    for row in _read("cities_be.csv"):
        place = Place(row["name"], row["name"], row["province"], None, None, "BE", "city")
        places[place.name] = place
        regions.setdefault(place_key(row["province"]), set()).add(place.name)
    for place in places.values():
        names[place_key(place.name)] = place
    surfaces = list(places)
    for alias_file in ALIAS_FILES:
        for row in _read(alias_file):
            names[place_key(row["alias"])] = places.get(row["name"]) or names[place_key(row["name"])]
            surfaces.append(row["alias"])
    return Gazetteer(places, names, regions, tuple(dict.fromkeys(surfaces)))


def lookup(name: str) -> Place | None:
    """The place a name (or alias) stands for: lookup("The Hague").name == "Den Haag"."""
    return gazetteer().names.get(place_key(name))


def region_municipalities(name: str) -> frozenset[str] | None:
    """The municipalities of a province, police unit or safety region named so (None: not a region's name)."""
    table = gazetteer()
    inside = table.regions.get(place_key(name))
    return None if inside is None else frozenset(table.places[place].municipality for place in inside)


@cache
def region_names() -> tuple[str, ...]:
    """Every province, police unit and safety region, as written in the data."""
    rows = _read("municipalities_nl.csv")
    return tuple(sorted({row[column] for row in rows for column in ("province", "police_unit", "safety_region")}))


def _split_qualifier(raw: str) -> tuple[str, str]:
    """("politieeenheid", "noordholland") for "politie-eenheid Noord-Holland"; ("", key) without a qualifier."""
    qualifier, _, rest = raw.strip().partition(" ")
    if rest and place_key(qualifier) in REGION_QUALIFIERS:
        return place_key(qualifier), place_key(rest)
    return "", place_key(raw)


def _known(raw: str) -> bool:
    table = gazetteer()
    _qualifier, key = _split_qualifier(raw)
    return key in table.regions or key in table.names


def suggestions(raw: str) -> list[str]:
    """Up to three known places or regions whose names are close to `raw`."""
    choices = sorted({*gazetteer().places, *region_names()})
    return difflib.get_close_matches(raw.strip(), choices, n=3)


def unknown_region_names(names: Iterable[str]) -> list[tuple[str, list[str]]]:
    """The names that are no municipality, place, province, police unit or safety region, each with suggestions."""
    return [(raw, suggestions(raw)) for raw in names if raw.strip() and not _known(raw)]


def places_in_region(names: list[str]) -> set[str]:
    """Canonical names of every place inside the given municipalities, provinces, police units or safety
    regions. A name that is both a province and a police unit ("Noord-Holland", "Limburg") means both;
    write "politie-eenheid Noord-Holland" or "provincie Noord-Holland" to pick one."""
    table = gazetteer()
    inside: set[str] = set()
    for raw in names:
        qualifier, key = _split_qualifier(raw)
        if key in table.regions and qualifier in ("politieeenheid", "eenheid"):
            inside |= {n for n in table.regions[key] if place_key(table.places[n].police_unit or "") == key}
            continue
        if key in table.regions and qualifier in ("provincie", "province"):
            inside |= {n for n in table.regions[key] if place_key(table.places[n].province) == key}
            continue
        if key in table.regions:
            inside |= table.regions[key]
            continue
        place = table.names.get(key)
        if place is None:
            close = suggestions(raw)
            raise ConfigError(
                f"unknown place or region '{raw}'",
                context="municipality.region",
                hint=f"did you mean {', '.join(close)}?"
                if close
                else "use a municipality, province, police unit or safety region name, e.g. Haarlem or Kennemerland",
            )
        inside |= {n for n, p in table.places.items() if p.municipality == place.municipality}
    return inside
