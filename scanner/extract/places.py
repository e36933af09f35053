"""Places: every Dutch municipality, well-known residences and the main Belgian cities.

The gazetteer ships as data in `scanner/extract/data/` (sources in its README):

- `municipalities_nl.csv`: the 342 municipalities of the 2023-2025 division (CBS), each with its
  province, safety region (veiligheidsregio) and police unit (politie-eenheid);
- `residences_nl.csv`: towns and districts that are not municipalities (Hoofddorp, Zaandam,
  Scheveningen), each with its municipality;
- `cities_be.csv`: Belgian cities under their Dutch names, with their province;
- `aliases.csv`: other names (The Hague, 's-Gravenhage, Den Bosch, Antwerp, Bruxelles);
- `exonyms.csv`: the names of Dutch and Belgian places in the other languages of the ads (La Haya, Haga,
  Nimwegen, Amberes, Bois-le-Duc; from GeoNames) and their Hungarian and Polish locatives
  ("Rotterdamban", "w Amsterdamie"), read as aliases.

`find_places(view)` looks every word up in one dictionary of names (multi-word names are checked word
by word). Names that are also ordinary words ("Best", "Goes", "Buren", "Putten", "Namen") count only
when they are capitalised and follow a place cue ("in Best", "regio Goes", "Delft - Best"); names that
are rare words ("Leiden", "Hoorn", "Ede") count when capitalised. `lookup(name)` and
`places_in_region(names)` let the crawler keep only ads in the configured region.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from scanner.errors import ConfigError
from scanner.extract.normalize import Normalized, normalize

DATA_DIR = Path(__file__).resolve().parent / "data"

# Place names that are also common Dutch or English words.
AMBIGUOUS = frozenset(
    {
        "best", "goes", "putten", "buren", "duiven", "beek", "bergen", "stein", "laren", "borne", "voorst", "dieren",
        "westland", "waterland", "luik", "namen", "asten", "lopik", "wierden", "heerde", "altena", "zundert",
        "dongen", "beesel", "brummen", "hulst", "veere", "dh", "db", "haga", "brujas",
    }
)  # fmt: skip
# Place names that are rare as words but are words: they count when capitalised, with or without a place word.
CAPITALISED = frozenset(
    {"leiden", "delft", "weert", "hoorn", "kampen", "huizen", "sluis", "velp", "elst", "goor", "roden", "horst",
     "doorn", "ede", "epe", "oss", "edam", "tiel"}
)  # fmt: skip
_CUE = re.compile(
    r"(?:\b(?:in|te|uit|bij|nabij|naar|near|omgeving|regio|rond|around|from|centrum|center|centre|visiting|en|w|la|na|"
    r"gemeente|stad|plaats|locatie|location|woonplaats|city|tour)|[#@(|,/\-])\s*[:\-]?\s*$"
)


@dataclass(frozen=True, slots=True)
class Place:
    name: str  # canonical: the municipality's common name, a residence's own name, a Belgian city's Dutch name
    municipality: str
    province: str
    police_unit: str | None
    safety_region: str | None
    country: str  # NL | BE
    kind: str  # municipality | residence | city


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    place: Place
    start: int
    end: int
    text: str
    district: bool = False  # names a part of the place just before it: "Den Haag Scheveningen", "Hoofddorp (Schiphol)"
    reference: bool = False  # named as a reference point only: "10 min van Utrecht", "niet in Utrecht"


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", normalize(name).text)


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Gazetteer:
    places: dict[str, Place]  # canonical name -> place
    names: dict[str, Place]  # folded key of every name and alias -> place
    index: dict[str, list[tuple[tuple[str, ...], str]]]  # first word -> (further words, key), longest first
    regions: dict[str, set[str]]  # folded key of a province, police unit or safety region -> canonical names


_WORDS = re.compile(r"[a-z0-9]+")
_DISTRICT_GAP = re.compile(r"[\s,()\-/]{0,6}")
# A place named only as a reference point, not where the advertiser is: "10 min van Utrecht", "niet in Utrecht",
# "from Eindhoven but now in Tilburg", "Gouda cheese".
_REFERENCE_BEFORE = re.compile(
    r"(?:\b\d+\s*(?:min|mins|minuten|minutes|km|kilometer)\.?\s+(?:van|from|vanaf|uit|rijden van|away from)|"
    r"\b(?:niet|not|nooit|never)\s+(?:in|naar|to)|\b(?:originally from|oorspronkelijk uit|afkomstig uit))\s+$"
)
_PRODUCT_AFTER = re.compile(r"\s+(?:cheese|kaas)\b")
_MOVED_AFTER = re.compile(r",?\s+(?:(?:but|maar)\s+)?(?:now|nu)\b")
_FROM_BEFORE = re.compile(r"\b(?:from|uit|van)\s+$")
_JOINER = re.compile(r"[\s\-'/.]{0,3}")


def _words(name: str) -> tuple[str, ...]:
    return tuple(_WORDS.findall(normalize(name).text))


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
        names[_key(row["official_name"])] = place
        for region in (row["province"], row["police_unit"], row["safety_region"]):
            regions.setdefault(_key(region), set()).add(place.name)
    for row in _read("residences_nl.csv"):
        home = places[row["municipality"]]
        place = Place(row["name"], home.name, home.province, home.police_unit, home.safety_region, "NL", "residence")
        places[place.name] = place
        for area in (home.province, home.police_unit, home.safety_region):
            if area:
                regions[_key(area)].add(place.name)
    for row in _read("cities_be.csv"):
        place = Place(row["name"], row["name"], row["province"], None, None, "BE", "city")
        places[place.name] = place
        regions.setdefault(_key(row["province"]), set()).add(place.name)
    for place in places.values():
        names[_key(place.name)] = place
    surface: dict[str, str] = {name: name for name in places}
    for row in _read("aliases.csv") + _read("exonyms.csv"):
        target = places.get(row["name"]) or names[_key(row["name"])]
        names[_key(row["alias"])] = target
        surface[row["alias"]] = target.name
    for name in list(places):  # the official names with their province suffix, "Bergen (NH.)"
        surface.setdefault(name, name)
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for name in surface:
        words = _words(name)
        variants = {words, ("".join(words),)}  # "Den Haag" is also written "denhaag"
        for variant in variants:
            entry = (variant[1:], _key(name))
            if entry not in index.setdefault(variant[0], []):
                index[variant[0]].append(entry)
    for entries in index.values():
        entries.sort(key=lambda entry: len(entry[0]), reverse=True)
    return Gazetteer(places, names, index, regions)


def lookup(name: str) -> Place | None:
    """The place a name (or alias) stands for: lookup("The Hague").name == "Den Haag"."""
    return gazetteer().names.get(_key(name))


def find_places(view: Normalized, *, field: bool = False) -> list[PlaceMatch]:
    """Every place named in the text, in order; `field=True` drops the cue rule for ambiguous names."""
    table = gazetteer()
    if table.index.keys().isdisjoint(view.words):
        return []
    tokens = view.tokens
    found: list[PlaceMatch] = []
    # only tokens that start a name are tried: one comprehension instead of a Python step per word
    first_words = table.index
    candidates = [index for index, token in enumerate(tokens) if token[0] in first_words]
    index = 0  # the first token not yet taken by a match
    for candidate in candidates:
        if candidate < index:
            continue  # inside a multi-word name already found ("Den Haag")
        index = candidate
        word, begin, end = tokens[index]
        matched = _match_at(view.text, tokens, index, first_words[word])
        if matched is None:
            continue
        length, key = matched
        end = tokens[index + length - 1][2]
        index += length
        place = table.names[key]
        start, stop = view.span(begin, end)
        surface = view.original[start:stop]
        folded = "".join(word for word, _, _ in tokens[index - length : index])
        if (folded in AMBIGUOUS or folded in CAPITALISED) and not field:
            if not surface[:1].isupper() or (surface.isupper() and len(surface) > 3):
                continue
            if folded in AMBIGUOUS and not _CUE.search(view.text[max(0, begin - 25) : begin]):
                continue
        previous = found[-1] if found else None
        district = (
            previous is not None
            and place.kind == "residence"
            and place.municipality == previous.place.municipality
            and place.name != previous.place.name
            and _DISTRICT_GAP.fullmatch(view.original, previous.end, start) is not None
        )
        reference = (
            _REFERENCE_BEFORE.search(view.text, max(0, begin - 30), begin) is not None
            or _PRODUCT_AFTER.match(view.text, end) is not None
            or (
                _MOVED_AFTER.match(view.text, end) is not None
                and _FROM_BEFORE.search(view.text, max(0, begin - 8), begin) is not None
            )
        )
        found.append(PlaceMatch(place, start, stop, surface, district, reference))
    return found


def _match_at(
    text: str, tokens: list[tuple[str, int, int]], index: int, entries: Sequence[tuple[tuple[str, ...], str]]
) -> tuple[int, str] | None:
    """(number of tokens, key) of the longest name starting at token `index`, or None."""
    for further, key in entries:
        if index + len(further) >= len(tokens):
            continue
        position = index
        for word in further:
            following = tokens[position + 1]
            if following[0] != word or not _JOINER.fullmatch(text, tokens[position][2], following[1]):
                break
            position += 1
        else:
            return len(further) + 1, key
    return None


def places_in_region(names: list[str]) -> set[str]:
    """Canonical names of every place inside the given municipalities, provinces, police units or safety
    regions. A name that is both a province and a police unit ("Noord-Holland", "Limburg") means both;
    write "politie-eenheid Noord-Holland" or "provincie Noord-Holland" to pick one."""
    table = gazetteer()
    inside: set[str] = set()
    for raw in names:
        text = raw.strip()
        qualifier, _, rest = text.partition(" ")
        qualifier_key = _key(qualifier)
        if rest and qualifier_key in ("provincie", "province", "eenheid", "politieeenheid", "veiligheidsregio"):
            key = _key(rest)
        else:
            qualifier_key, key = "", _key(text)
        if key in table.regions and qualifier_key in ("politieeenheid", "eenheid"):
            inside |= {n for n in table.regions[key] if _key(table.places[n].police_unit or "") == key}
            continue
        if key in table.regions and qualifier_key in ("provincie", "province"):
            inside |= {n for n in table.regions[key] if _key(table.places[n].province) == key}
            continue
        if key in table.regions:
            inside |= table.regions[key]
            continue
        place = table.names.get(key)
        if place is None:
            choices = sorted({*table.places, *(name for name in _region_names())})
            close = difflib.get_close_matches(text, choices, n=3)
            raise ConfigError(
                f"unknown place or region '{raw}'",
                context="municipality.region",
                hint=f"did you mean {', '.join(close)}?"
                if close
                else "use a municipality, province, police unit or safety region name, e.g. Haarlem or Kennemerland",
            )
        municipality = place.municipality
        inside |= {n for n, p in table.places.items() if p.municipality == municipality}
    return inside


@cache
def _region_names() -> tuple[str, ...]:
    rows = _read("municipalities_nl.csv")
    return tuple(sorted({row[column] for row in rows for column in ("province", "police_unit", "safety_region")}))
