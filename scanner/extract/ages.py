"""Ages of the advertised people, and words that suggest youth without giving an age.

An age is a number from 14 to 79, written in digits or in Dutch or English words, tied to an age
cue: a unit after it ("19 jaar", "19yo", "23-jarige", "22 years old", "25 ans"), a label before it
("age: 23", "leeftijd 21"), a first-person statement ("ik ben 20", "I'm 21"), "net 18 geworden",
or a capitalised name with the age in brackets ("Anna (21)"). Lists give several ages
("19 en 21 jaar"). Not ages: client ages ("heren vanaf 30 jaar", "30+"), ranges ("25-60 jaar"),
years of experience ("10 jaar ervaring"), 24/7, percentages, years and counts ("2 girls").

Youth language ("jong", "studentje", "petite", "fresh", "barely legal", 🎒) is returned as hints,
never as an age.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scanner.extract.normalize import Normalized
from scanner.extract.numbers import TEENS_EN, TEENS_NL, TENS_EN, TENS_NL, UNITS_EN, UNITS_NL

MIN_AGE = 14
MAX_AGE = 79


def _age_words() -> dict[str, int]:
    words: dict[str, int] = {}
    for teens, tens, units, joiners in (
        (TEENS_NL, TENS_NL, UNITS_NL, ("en", "-en-", " en ")),
        (TEENS_EN, TENS_EN, UNITS_EN, ("-", " ", "")),
    ):
        words.update({word: value for word, value in teens.items() if value >= MIN_AGE})
        for ten_word, ten in tens.items():
            if ten > MAX_AGE:
                continue
            words[ten_word] = ten
            for unit_word, unit in units.items():
                for joiner in joiners:
                    compound = unit_word + joiner + ten_word if units is UNITS_NL else ten_word + joiner + unit_word
                    words[compound] = ten + unit
    return words


AGE_WORDS = _age_words()
_WORD_ALTERNATION = "|".join(sorted(map(re.escape, AGE_WORDS), key=len, reverse=True))
_NUM = rf"(?<![\d,.])(?:\d{{2}}(?![\d%])|(?<![a-z])(?:{_WORD_ALTERNATION})(?![a-z]))"
_UNIT = (
    r"(?:jaar(?:tjes)?\b|jr\b\.?|j\b\.?|-?jarige?\b|yo\b|y/o\b|y\.o\.?|yrs?\b|years?(?:\s+old|-old)?\b|"
    r"ans\b|anos\b|jahre\b|lat\b|let\b|ani\b|anni\b|eves\b)"
)
_LIST_SEPARATOR = r"\s*(?:,|&|\ben\b|\band\b|/|\+|\bund\b|\bet\b|\bsi\b|\bi\b)\s*"
_WITH_UNIT = re.compile(rf"(?P<nums>{_NUM}(?:{_LIST_SEPARATOR}{_NUM})*)\s*-?\s*{_UNIT}")
_LABELLED = re.compile(
    rf"\b(?:age|leeftijd|lft|alter|edad|idade|eta|varsta|wiek|vek|kor|ages)\b\s*[:=.\-]?\s*(?P<nums>{_NUM}"
    rf"(?:{_LIST_SEPARATOR}{_NUM})*)(?!\s*[+\-]\s*\d|\+)"
)
_FIRST_PERSON = re.compile(
    rf"\b(?:ik ben|ben|i'?m|i am|im|ich bin|je suis|soy|tengo|sono|jestem|sunt|just turned|net|pas|barely|"
    rf"nog maar|only|juist)\s+(?:net\s+|pas\s+|just\s+|only\s+|nog maar\s+)?(?P<nums>{_NUM})"
    r"(?!\s*(?:cm|kg|kilo|m\b|min|minuten|minutes|euro|eur|€|%|uur|u\b|h\b|x\b|/|\+|-\s*\d|\d|,\d|\.\d|keer|times"
    r"|dagen|days|weken|weeks|maanden|months|cup|dd|mm|jr\b))"
)
_NAME_BRACKET = re.compile(rf"\b(?P<name>[a-z]{{2,}})\s*\(\s*(?P<nums>{_NUM})\s*(?:j|jr|jaar|y|yo|yrs)?\s*\)")
_NAME_NUMBER = re.compile(
    rf"\b(?P<name>[a-z]{{2,}})(?P<comma>,)?\s+(?P<nums>{_NUM})(?=\s*(?:[,.!;)|]|-\s|\ben\b|\band\b|&|\n|$))"
)
_NUMBER_IN = re.compile(_NUM)
_CLIENT_BEFORE = re.compile(
    r"(?:(?<![a-z])(?:vanaf|boven(?: de)?|ouder dan|older than|over|min(?:imaal|imum)?\.?|max(?:imaal|imum)?\.?|tot|"
    r"onder(?: de)?|under|tussen|between|from|heren|mannen|men|klanten|clients|gentlemen|gasten|al|sinds|since|for|"
    r"ruim|meer dan|more than|na|after|per|elke|every|t/m)|\d\s*-|\d\s*tot|\d\s*to)\s*(?:de\s+|the\s+)?$"
)
_NOT_AGE_AFTER = re.compile(
    r"\s*(?:ervaring|experience|in het vak|in de branche|werkzaam|actief|getrouwd|married|samen|together|geleden|ago|"
    r"garantie|en ouder|and older|and up|plus|\+|of older|oder älter)"
)
_NAME_STOP = {
    "min", "minuten", "uur", "euro", "eur", "nr", "no", "cm", "kg", "tel", "foto", "photos", "fotos", "pics", "maat",
    "size", "cup", "kamer", "room", "huisnummer", "nummer", "number", "top", "bus", "lijn", "tram", "postcode", "van",
    "tot", "om", "vanaf", "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december", "january", "february", "march", "may", "june", "july", "august", "october",
    "dag", "day", "week", "ma", "di", "wo", "do", "vr", "za", "zo", "appartement", "flat", "unit", "verdieping",
}  # fmt: skip
_STREET = re.compile(r"(?:straat|weg|laan|plein|gracht|kade|singel|dijk|park|hof|steeg|pad|dreef|strasse|street|road)$")


@dataclass(frozen=True, slots=True)
class AgeMatch:
    value: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class AgeHint:
    term: str
    start: int
    end: int
    text: str


def _value(token: str) -> int | None:
    token = token.strip()
    value = int(token) if token.isdigit() else AGE_WORDS.get(token)
    if value is None or not MIN_AGE <= value <= MAX_AGE:
        return None
    return value


def _add_ages(view: Normalized, match: re.Match[str], found: dict[int, AgeMatch], check_after: bool) -> None:
    text = view.text
    group_start = match.start("nums")
    if _CLIENT_BEFORE.search(text[max(0, group_start - 25) : group_start]):
        return
    if check_after and _NOT_AGE_AFTER.match(text, match.end()):
        return
    for number in _NUMBER_IN.finditer(match.group("nums")):
        value = _value(number.group())
        if value is None:
            continue
        start, end = view.span(group_start + number.start(), group_start + number.end())
        found.setdefault(start, AgeMatch(value, start, end, view.original[start:end]))


def find_ages(view: Normalized) -> list[AgeMatch]:
    """Stated ages in order of appearance, one per place in the text."""
    found: dict[int, AgeMatch] = {}
    text = view.text
    if not any(char.isdigit() for char in text) and not any(word in text for word in ("tig", "tien", "teen", "ty")):
        return []
    for match in _WITH_UNIT.finditer(text):
        _add_ages(view, match, found, check_after=True)
    for match in _LABELLED.finditer(text):
        _add_ages(view, match, found, check_after=False)
    for match in _FIRST_PERSON.finditer(text):
        _add_ages(view, match, found, check_after=True)
    strong = bool(found)
    for match in _NAME_NUMBER.finditer(text):
        name = match.group("name")
        start, _ = view.span(match.start("name"), match.end("name"))
        if name in _NAME_STOP or _STREET.search(name) or not view.original[start : start + 1].isupper():
            continue
        if strong or match.group("comma"):
            _add_ages(view, match, found, check_after=False)
    for match in _NAME_BRACKET.finditer(text):
        start, _ = view.span(match.start("name"), match.end("name"))
        if match.group("name") in _NAME_STOP or not view.original[start : start + 1].isupper():
            continue
        _add_ages(view, match, found, check_after=False)
    return sorted(found.values(), key=lambda age: age.start)


_HINTS: list[tuple[str, str]] = [
    ("net 18", r"\b(?:net|pas|just|barely|only|nog maar)\s+(?:18|achttien|eighteen)\b(?!\s*\+)"),
    ("jong", r"(?<!jaar )\bjong(?:e|er|ere|ste|etje|kie)?\b(?!\s+(?:van\s+(?:geest|hart)|gebleven|blijven|at heart))"),
    ("tiener", r"\btiener(?:tje|s)?\b"),
    ("teen", r"\bteen(?:s|ager|agers|y)?\b"),
    ("schoolmeisje", r"\bschool\s?(?:meisje|meid|girl)s?\b"),
    ("studentje", r"\bstudent(?:je|e|in)\b|\bcollege\s?girl\b"),
    ("petite", r"\bpetite\b"),
    ("barely legal", r"\bbarely\s+legal\b"),
    ("fresh", r"\bfresh\b(?!\s+(?:towels?|sheets?|shower|handdoeken|lakens|douche|fruit|drinks?))"),
    ("young", r"\byoung(?:er|est)?\b(?!\s+at\s+heart)"),
    ("lolita", r"\blolita\b"),
    ("babyface", r"\bbaby\s?face\b"),
    ("maagd", r"\bmaagd(?:elijk)?\b|\bvirgin\b"),
    ("minderjarig", r"\bminderjarig\w*|\bunderage\b"),
    ("klein meisje", r"\bklein(?:e)? meisje\b|\blittle girl\b"),
    ("emoji", "[\U0001f392\U0001f9f8\U0001f467\U0001f36d]"),
]
_HINT_PATTERN = re.compile("|".join(f"(?P<h{index}>{pattern})" for index, (_, pattern) in enumerate(_HINTS)))


def find_age_hints(view: Normalized) -> list[AgeHint]:
    """Youth language, in order of appearance."""
    hints: list[AgeHint] = []
    for match in _HINT_PATTERN.finditer(view.text):
        assert match.lastgroup is not None
        term = _HINTS[int(match.lastgroup[1:])][0]
        start, end = view.span(*match.span())
        text = view.original[start:end]
        hints.append(AgeHint(text if term == "emoji" else term, start, end, text))
    return hints
