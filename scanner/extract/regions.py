"""Which countries an ad points to: for national phone numbers and for the currency of its prices.

A national number ("0723 418 590", "604 281 937", "702-555-0148") means different numbers in different
countries, and a bare amount is in the money of the ad's country. The site's country is the setting
`extract.default_region`; the ad itself may point elsewhere:

- `AdRegions.of(view, languages)` collects the countries the whole ad points to: country names and
  adjectives in the languages of the ads ("Romanian", "roemeense", "polski", "magyar", "española"),
  flags (🇷🇴), country codes of its other numbers ("+40", "0036"), Belgian cities, currency signs
  ("$" for the US, "£" for the UK) and the language it is written in (a Romanian ad, Romania);
- `AdRegions.beside(start, end)` gives the countries named right beside a number together with a phone
  word ("Romanian number 0735 …", "0756 312 908 (Romania)", "UK mobile 07412 …", "(polski numer)"):
  such a number is read in that country first.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import phonenumbers

from scanner.extract.normalize import Normalized

_WORDS_BY_REGION: dict[str, str] = {
    "NL": "nederland netherlands holland hollandse nederlandse dutch niederlande niederlandisch hollandaise holanda "
    "holandesa olanda olandeza holandia holenderski holenderska holenderskie hollandia holland",
    "BE": "belgie belgium belgique belgien belgica belgia belgisch belgische belgian belge belga "
    "antwerpen anvers antwerp brussel bruxelles brussels gent ghent gand brugge bruges leuven louvain mechelen "
    "hasselt genk liege luik charleroi namur namen oostende ostend kortrijk aalst",
    "DE": "deutschland germany duitsland duitse deutsche deutscher deutsch german allemagne allemande alemania "
    "alemana germania germana niemcy niemiecki niemiecka nemet",
    "FR": "france french frankrijk franse frankreich franzosisch francaise francais francia francesa franceza "
    "francja francuski francuska",
    "GB": "uk britain british england scotland scottish wales welsh engeland britse brit",
    "RO": "romania romanian roemenie roemeense roemeens rumanien rumanisch roumanie roumaine roumain rumania "
    "rumana rumano romana romanesc romaneasca romanca romanesti rumunia rumunka rumunski",
    "PL": "poland polish polen poolse pools polnisch pologne polonaise polonia polaca polaco polka polski polska "
    "polskie polskiego lengyel",
    "HU": "hungary hungarian hongarije hongaarse hongaars ungarn ungarisch hongrie hongroise hungria hungara "
    "magyar magyarorszag wegry wegierka wegierski ungaria",
    "ES": "spain spanish spanje spaanse spaans spanien spanisch espagne espagnole espana espanola espanol "
    "hiszpania hiszpanka spania spaniola",
    "IT": "italy italian italie italiaanse italia italiana italiano italien italienisch",
    "PT": "portugal portuguese portugese portugiesisch portuguesa",
    "BG": "bulgaria bulgarian bulgarije bulgaarse bulgarien bulgarisch",
    "US": "usa america american amerikaanse amerika vegas miami houston chicago atlanta dallas phoenix seattle "
    "denver orlando boston brooklyn manhattan nyc florida texas california nevada",
    "CA": "canada canadian canadese kanada toronto vancouver montreal calgary",
}
REGION_WORDS: dict[str, str] = {word: region for region, words in _WORDS_BY_REGION.items() for word in words.split()}
_REGION_WORD_SET = frozenset(REGION_WORDS)  # a set: a frozenset tests disjointness with a set fast, with a dict not
# Words that say a number is meant, next to a country word: "Romanian number", "(polski numer)", "UK mobile"
PHONE_WORDS = frozenset(
    {"number", "numbers", "nummer", "nr", "numar", "numarul", "numer", "numero", "szam", "szamom", "mobile", "mobiel",
     "mobil", "cell", "cellphone", "handy", "portable", "tel", "telefon", "telefoon", "telefono", "phone", "gsm",
     "whatsapp", "viber", "movil"}
)  # fmt: skip
_LANGUAGE_REGIONS = {"ro": "RO", "hu": "HU", "pl": "PL", "de": "DE", "fr": "FR", "es": "ES", "it": "IT", "pt": "PT"}
_LANGUAGE_REGIONS |= {"bg": "BG"}
_SIGN_REGIONS = {"$": "US", "£": "GB"}
_FLAG = re.compile("[\U0001f1e6-\U0001f1ff]{2}")
# "US cell", "U.S. number": the United States in capitals (the lower-case "us" is the English pronoun)
_US = re.compile(r"\bU\.?S\.?(?:A\.?)?(?![\w.])")
# "+40", "+ 36", "0048": a country code written before a number (a pattern led by its literal is found fast)
_PLUS_CODE = re.compile(r"\+\s?([1-9]\d{0,2})")
_ZERO_CODE = re.compile(r"(?<![\d.,])00\s?([1-9]\d{0,2})")
_BESIDE_BEFORE = 40  # characters before a number in which a country and a phone word may name its country
_BESIDE_AFTER = 25


@cache
def region_of_country_code(code: str) -> str | None:
    """The main region of a country calling code ("40" -> "RO", "1" -> "US"), None for no such code."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(code))
    return regions[0] if regions and regions[0] != "001" else None


def _flag_region(flag: str) -> str:
    return "".join(chr(ord(char) - 0x1F1E6 + ord("A")) for char in flag)


@dataclass(frozen=True)
class AdRegions:
    """The countries an ad points to, and where in its text it names them."""

    countries: tuple[str, ...]  # named by words, flags, country codes or currency signs, in order of mention
    spoken: tuple[str, ...]  # the countries of the languages the ad is written in
    named: tuple[tuple[int, int, str], ...]  # (start, end, region) of every country word or flag, in view offsets
    phone_words: tuple[int, ...]  # view offsets of phone words ("number", "tel", "handy")

    @classmethod
    def of(cls, view: Normalized, languages: Iterable[str] = ()) -> AdRegions:
        text, original = view.text, view.original
        spoken = tuple(_LANGUAGE_REGIONS[code] for code in languages if code in _LANGUAGE_REGIONS)
        if (
            text.isascii()
            and view.words.isdisjoint(_REGION_WORD_SET)
            and "+" not in text
            and "$" not in text
            and "US" not in original
            and " 00" not in text
            and not text.startswith("00")
        ):
            return cls((), spoken, (), ())  # most site fields and many ads name no country at all
        named: list[tuple[int, int, str]] = []
        phone_words: list[int] = []
        if not text.isascii():
            named.extend((m.start(), m.end(), _flag_region(m.group())) for m in _FLAG.finditer(text))
        if "US" in original or "U.S" in original:
            for match in _US.finditer(original):
                named.append((_in_view(view, match.start()), _in_view(view, match.end()), "US"))
        # word positions are needed only to find a country beside a number: only in an ad that names one
        if named or not view.words.isdisjoint(_REGION_WORD_SET):
            for word, start, end in view.tokens:
                if word in REGION_WORDS:
                    named.append((start, end, REGION_WORDS[word]))
                elif word in PHONE_WORDS:
                    phone_words.append(start)
            named.sort()
        found = [region for _, _, region in named]
        codes = list(_PLUS_CODE.finditer(text)) if "+" in text else []
        if " 00" in text or "\n00" in text or text.startswith("00"):
            codes.extend(_ZERO_CODE.finditer(text))
        found.extend(region for match in codes if (region := _code_region(match.group(1))))
        found.extend(region for sign, region in _SIGN_REGIONS.items() if sign in text)
        return cls(tuple(dict.fromkeys(found)), spoken, tuple(named), tuple(phone_words))

    def joined(self, field: AdRegions) -> AdRegions:
        """The regions of the ad for a site field: the ad's countries and languages, the field's own positions."""
        countries = tuple(dict.fromkeys((*self.countries, *field.countries)))
        return AdRegions(countries, self.spoken, field.named, field.phone_words)

    def beside(self, text: str, start: int, end: int) -> tuple[str, ...]:
        """Countries named on the number's line within a few words of it, with a phone word there too."""
        if not self.named or not self.phone_words:
            return ()
        low, high = max(0, start - _BESIDE_BEFORE), end + _BESIDE_AFTER
        line_start, line_end = text.rfind("\n", 0, start) + 1, text.find("\n", end)
        low, high = max(low, line_start), min(high, line_end if line_end >= 0 else len(text))
        if not any(low <= offset < high for offset in self.phone_words):
            return ()
        return tuple(dict.fromkeys(region for a, b, region in self.named if low <= a and b <= high))


def _in_view(view: Normalized, offset: int) -> int:
    """The view offset of an offset in the original text."""
    return offset if view.starts is None else bisect.bisect_left(view.starts, offset)


def _code_region(digits: str) -> str | None:
    # country codes are prefix-free: the shortest prefix that is one is the code ("4074…" is 40, "1305…" is 1)
    for length in range(1, len(digits) + 1):
        if region := region_of_country_code(digits[:length]):
            return region
    return None
