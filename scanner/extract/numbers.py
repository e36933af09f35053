"""Dutch and English number words to digits: "tweeëndertig" -> "32", "zero six" -> "06".

Ads write ages and phone numbers in words to defeat scrapers. `words_to_digits(text)` reads a whole
string of number words (Dutch compounds such as "vijfentwintig" or "negentienhonderd", English ones
such as "forty-two" or "nineteen seventy-three", leading zeros such as "nul zes") and returns the
digits as a string, or None when the string is not one well-formed number. `word_value(word)` gives
the value of one word, which the phone and age readers use token by token.

Input is expected folded (lowercase, accents stripped) as `scanner.extract.normalize` produces it.
"""

from __future__ import annotations

import re
from functools import lru_cache

UNITS_NL = {"een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9}
TEENS_NL = {
    "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16,
    "zeventien": 17, "achttien": 18, "negentien": 19,
}  # fmt: skip
TENS_NL = {
    "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70, "tachtig": 80,
    "negentig": 90,
}  # fmt: skip
UNITS_EN = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
TEENS_EN = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS_EN = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
ZEROS = {"nul", "zero", "o", "oh"}
SCALES = {"honderd": 100, "hundred": 100, "duizend": 1000, "thousand": 1000, "miljoen": 10**6, "million": 10**6}
SCALES |= {"miljard": 10**9, "billion": 10**9}

_SMALL = UNITS_NL | TEENS_NL | TENS_NL | UNITS_EN | TEENS_EN | TENS_EN
_MORPHEMES = sorted([*_SMALL, *SCALES, *ZEROS - {"o", "oh"}, "en"], key=len, reverse=True)
# One Dutch compound word is a run of morphemes, e.g. "twee|honderd|twee|en|dertig".
_MORPHEME = re.compile("|".join(_MORPHEMES))
_SPLIT = re.compile(r"[\s\-]+")


def _morphemes(word: str) -> list[str] | None:
    parts: list[str] = []
    position = 0
    while position < len(word):
        match = _MORPHEME.match(word, position)
        if match is None:
            return None
        parts.append(match.group())
        position = match.end()
    return parts


def _kind(value: int) -> str:
    if value < 10:
        return "unit"
    if value < 20:
        return "teen"
    return "ten" if value < 100 else "scale"


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[tuple[str, int], ...] | None:
    """(kind, value) per number morpheme; Dutch "unit en ten" is joined into one value."""
    out: list[tuple[str, int]] = []
    for word in _SPLIT.split(text.strip()):
        if not word or word in ("and", "&"):
            continue
        if word in ("o", "oh"):
            out.append(("zero", 0))
            continue
        if word.endswith("s") and word[:-1] in SCALES:  # "thousands", "millions"
            word = word[:-1]
        parts = _morphemes(word)
        if parts is None:
            return None
        index = 0
        while index < len(parts):
            part = parts[index]
            if part == "en":
                return None  # a bare "en" only joins a unit to a ten, handled below
            if part in ("nul", "zero"):
                out.append(("zero", 0))
            elif part in SCALES:
                out.append(("scale", SCALES[part]))
            else:
                value = _SMALL[part]
                if value < 10 and index + 2 < len(parts) and parts[index + 1] == "en" and parts[index + 2] in TENS_NL:
                    out.append(("ten", value + TENS_NL[parts[index + 2]]))
                    index += 2
                else:
                    out.append((_kind(value), value))
            index += 1
    return tuple(out)


def _compose(tokens: tuple[tuple[str, int], ...]) -> int | None:
    """The value of a cardinal written without leading zeros, or None when malformed."""
    total = 0
    current = 0
    previous = ""
    seen_scales: list[int] = []
    for kind, value in tokens:
        if kind == "zero":
            return None
        if kind == "scale":
            if value == 100:
                if previous == "scale" and current == 0 and total == 0:
                    return None
                if current >= 100 and current % 100 == 0:
                    return None
                current = max(current, 1) * 100
            else:
                if seen_scales and value >= seen_scales[-1]:
                    return None
                seen_scales.append(value)
                total += max(current, 1) * value
                current = 0
        else:
            below_hundred = current % 100
            if kind == "unit" and previous in ("unit", "teen"):
                return None
            if kind == "unit" and previous == "ten" and below_hundred % 10:
                return None
            if kind in ("teen", "ten") and previous in ("unit", "teen", "ten"):
                # "nineteen seventy-three" is a year: 19 * 100 + 73
                if previous == "teen" and current < 100 and kind == "ten":
                    current = current * 100
                else:
                    return None
            current += value
        previous = kind
    return total + current


@lru_cache(maxsize=4096)
def words_to_digits(text: str) -> str | None:
    """The digits of a whole string of number words, leading zeros kept ("nul acht" -> "08")."""
    tokens = _tokens(text.lower())
    if not tokens:
        return None
    zeros = 0
    while zeros < len(tokens) and tokens[zeros][0] == "zero":
        zeros += 1
    rest = tokens[zeros:]
    if not rest:
        return "0" * zeros
    value = _compose(rest)
    if value is None:
        return None
    return "0" * zeros + str(value)


@lru_cache(maxsize=8192)
def word_value(word: str) -> str | None:
    """Digits of one folded word that is a number below a thousand ("twaalf" -> "12"), else None."""
    if word in ("nul", "zero"):
        return "0"
    if len(word) < 3 or word in ("en", "and"):
        return None
    tokens = _tokens(word)
    if not tokens or any(kind in ("zero",) for kind, _ in tokens):
        return None
    value = _compose(tokens)
    if value is None or value >= 1000:
        return None
    return str(value)
