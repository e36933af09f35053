"""Places named in ad text, found word by word and resolved through the one gazetteer (scanner.places).

`find_places(view)` looks every word up in an index of every name and alias of `scanner.places`
(multi-word names are checked word by word). Names that are also ordinary words ("Best", "Goes",
"Buren", "Putten", "Namen") count only when they are capitalised and follow a place cue ("in Best",
"regio Goes", "Delft - Best"); names that are rare words ("Leiden", "Hoorn", "Ede") count when
capitalised. Each match carries the `Place` of scanner.places, with its municipality and regions; the
crawler's region filter and the settings resolve place names through scanner.places directly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from scanner.extract.normalize import Normalized, normalize
from scanner.places import Place, gazetteer, place_key

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
class PlaceMatch:
    place: Place
    start: int
    end: int
    text: str
    district: bool = False  # names a part of the place just before it: "Den Haag Scheveningen", "Hoofddorp (Schiphol)"
    reference: bool = False  # named as a reference point only: "10 min van Utrecht", "niet in Utrecht"


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
def _index() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """First word -> (further words, key of the name), longest first, for every name and alias."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for name in gazetteer().surfaces:
        words = _words(name)
        if not words:
            continue
        for variant in {words, ("".join(words),)}:  # "Den Haag" is also written "denhaag"
            entry = (variant[1:], place_key(name))
            if entry not in index.setdefault(variant[0], []):
                index[variant[0]].append(entry)
    for entries in index.values():
        entries.sort(key=lambda entry: len(entry[0]), reverse=True)
    return index


def find_places(view: Normalized, *, field: bool = False) -> list[PlaceMatch]:
    """Every place named in the text, in order; `field=True` drops the cue rule for ambiguous names."""
    first_words = _index()
    if first_words.keys().isdisjoint(view.words):
        return []
    names = gazetteer().names
    tokens = view.tokens
    found: list[PlaceMatch] = []
    # only tokens that start a name are tried: one comprehension instead of a Python step per word
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
        place = names[key]
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
