"""One place resolver: a site's place field, a listing's city or a place named in text, to its municipality.

Sites' place fields are free text. `resolve_place` reads them the way a person would:

    "Haarlem"                  the name itself, or an alias ("A'dam", "Den Bosch", "The Hague")
    "Haarlem e.o.", "regio Haarlem", "Haarlem en omgeving", "Alkmaar centrum", "Zandvoort aan Zee"
                               a qualifier around the name
    "Haarlem (Kennemerland)", "Hoofddorp (Schiphol)"
                               a region or landmark in brackets: the name before them, else the one inside
    "Haarlem/Heemstede", "Haarlem, Noord-Holland", "Haarlem - Schalkwijk"
                               several parts: the first that is a place
    "Haarlem-Noord", "Amsterdam Nieuw-West", "Velsen Noord"
                               a point of the compass or a part of town after the name
    "Schalkwijk", "IJmuiden", "Scheveningen"
                               a district or residence: its municipality
    "Kennemerland", "Noord-Holland"
                               an area: every municipality in it, no single one

Anything else is not resolved (None), never guessed: a spelling the gazetteer does not know is held
by the crawl until it is known (see docs/sources.md), not silently dropped or kept.

`Region(names)` decides whether a resolved place lies inside the configured region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from scanner.places.gazetteer import Place, fold, gazetteer, lookup, places_in_region, region_municipalities

Decision = Literal["inside", "outside", "unknown"]

_BEFORE = re.compile(r"^(?:omgeving|omstreken|regio|rondom|rond|nabij|bij|in|te|centrum|center|near|around|area)\s+")
_AFTER = re.compile(
    r"[\s,.-]*\(?(?:e\.?\s?o\.?|en omstreken|en omgeving|omgeving|omstreken|centrum|center|centre|city|stad|"
    r"regio|region|area|and surroundings|aan zee)\)?\.?$"
)
_BRACKETS = re.compile(r"^(?P<outside>[^()\[\]]*)[(\[](?P<inside>[^()\[\]]*)[)\]](?P<rest>.*)$")
_PARTS = re.compile(r"\s*(?:/|,|;|\||&|\s-\s|\s+(?:of|en|or|and)\s+)\s*")
_COMPASS = re.compile(
    r"^(?P<name>.+?)[\s-]+(?:noord|oost|zuid|west|zuidoost|zuidwest|noordoost|noordwest|nieuw-west|midden|"
    r"centrum|binnenstad)$"
)
_WORD = re.compile(r"[a-z0-9']+")
MAX_NAME_WORDS = 4  # "Capelle aan den IJssel"


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a place text stands for: one place and its municipality, or an area of several municipalities."""

    written: str
    place: Place | None  # None for an area
    municipalities: frozenset[str]  # one for a place; every municipality of an area
    how: str  # name | qualifier | brackets | part | compass | words | area

    @property
    def municipality(self) -> str | None:
        return self.place.municipality if self.place is not None else None


def _strip(text: str) -> str:
    """The text without the qualifiers around a name ("regio Haarlem e.o." -> "haarlem")."""
    previous = None
    while text != previous:
        previous = text
        text = _AFTER.sub("", _BEFORE.sub("", text)).strip(" .,-")
    return text


def _place(place: Place, written: str, how: str) -> Resolution:
    return Resolution(written, place, frozenset({place.municipality}), how)


def _by_words(text: str) -> Place | None:
    """The first run of up to four words that is a place's name, longest first."""
    words = _WORD.findall(text)
    for start in range(len(words)):
        for size in range(min(MAX_NAME_WORDS, len(words) - start), 0, -1):
            place = lookup(" ".join(words[start : start + size]))
            if place is not None:
                return place
    return None


@lru_cache(maxsize=8192)
def resolve_place(written: str | None) -> Resolution | None:
    """The place a place field, listing city or place name stands for, or None when it is not known."""
    if written is None or not written.strip():
        return None
    text = " ".join(fold(written).split())
    if place := lookup(text):
        return _place(place, written, "name")
    stripped = _strip(text)
    if stripped != text and (place := lookup(stripped)):
        return _place(place, written, "qualifier")
    if found := _BRACKETS.match(stripped):
        for part in (found["outside"] + found["rest"], found["inside"]):
            if (place := lookup(_strip(part))) is not None:
                return _place(place, written, "brackets")
    parts = [_strip(part) for part in _PARTS.split(stripped) if part.strip()]
    if len(parts) > 1:
        for part in parts:
            if place := lookup(part):
                return _place(place, written, "part")
    if (found := _COMPASS.match(stripped)) and (place := lookup(_strip(found["name"]))):
        return _place(place, written, "compass")
    if place := _by_words(stripped):
        return _place(place, written, "words")
    area = region_municipalities(stripped)
    if area:
        return Resolution(written, None, area, "area")
    return None


class Region:
    """The places to keep: municipalities, provinces, police units or safety regions (all, when empty)."""

    def __init__(self, names: list[str]) -> None:
        self.names = [name for name in names if name.strip()]
        table = gazetteer()
        inside = places_in_region(self.names) if self.names else set()
        self.municipalities = frozenset(table.places[name].municipality for name in inside)

    @property
    def keeps_everything(self) -> bool:
        return not self.names

    def decide(self, resolution: Resolution | None) -> Decision:
        """inside or outside the region, or unknown: an unresolved place, or an area partly inside."""
        if resolution is None:
            return "unknown"
        if self.keeps_everything or resolution.municipalities <= self.municipalities:
            return "inside"
        if resolution.municipalities.isdisjoint(self.municipalities):
            return "outside"
        return "unknown"
