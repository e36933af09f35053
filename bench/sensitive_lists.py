"""Write the sensitive term lists of country and language names from CLDR (python bench/sensitive_lists.py).

    pip install -e ".[lists]"                 # Babel, which ships the Unicode CLDR data
    python bench/sensitive_lists.py           # rewrites rules/lists/countries.yaml and languages.yaml
    python bench/sensitive_lists.py --check   # exit 1 when the committed lists differ from CLDR's

The model masks every list marked `sensitive: true` before it reads an ad's text (docs/model.md), so
these lists decide which origin and language words the model can never see. They hold the names in
every language an ad can be written in (`scanner.rules.model.LANGUAGES`):

- countries.yaml: the CLDR names of every country and territory and of the world's regions
  ("Oost-Europa", "Latin America"), the "World" itself left out;
- languages.yaml: the CLDR names of the official languages (de facto included) of every country.
  In the languages whose nationality adjective is the language name inflected, the list also holds
  those forms ("Roemeense", "rumänische", "inglesa").

CLDR holds no nationality adjectives ("Braziliaanse", "Colombiana"): those that no name or stem
covers are written by hand in rules/lists/nationalities.yaml. Babel is needed only to write the
lists, never when scanner runs: the lists are committed as data.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from babel import Locale
from babel import __version__ as babel_version
from babel.core import get_cldr_version, get_global
from babel.languages import get_official_languages

from scanner.rules.matchers import tokenize
from scanner.rules.model import LANGUAGES

LISTS = Path(__file__).resolve().parent.parent / "rules" / "lists"
DISPLAY_LANGUAGES = sorted(language for language in LANGUAGES if language != "any")
LICENCE = "Unicode License v3 (https://www.unicode.org/license.txt)"
# Regions of the world are origin words too ("Oost-Europese"); the whole world is not.
LEFT_OUT_TERRITORIES = {"001", "ZZ", "UN", "EU", "EZ", "QO", "XA", "XB"}
# Names and forms that are also everyday words of ad texts, with the word they would mask. Reviewed by hand.
LEFT_OUT_NAMES = {
    "ido": "Spanish and Portuguese 'gone' (he ido): the language Ido",
    "man": "Dutch and German 'man': the Isle of Man stays as a phrase",
    "dan": "Dutch 'than, then': Hungarian for Danish",
    "oma": "Dutch 'grandmother': Portuguese for Oman",
    "lets": "English 'lets': Dutch for Latvian (the adjective 'letse' stays)",
    "ceci": "French 'this': Italian plural of Czech",
    "malaise": "French and Dutch 'malaise': French for a Malay woman",
}


def _clean(name: str) -> str:
    """A CLDR name without its qualifier: 'Congo - Kinshasa' -> 'Congo', 'Hongkong SAR van China' stays."""
    for separator in (" - ", " (", "("):
        name = name.split(separator)[0]
    return name.strip()


def _folded(name: str) -> str:
    return " ".join(tokenize(name).keys)


def _keep(name: str) -> bool:
    words = tokenize(name).keys
    return bool(words) and len(name) >= 3 and _folded(name) not in LEFT_OUT_NAMES


def country_terms(display: str) -> list[str]:
    locale = Locale.parse(display)
    names = {
        _clean(name)
        for code, name in locale.territories.items()
        if code not in LEFT_OUT_TERRITORIES and (code.isdigit() or (len(code) == 2 and code.isalpha()))
    }
    return _unique(name for name in names if _keep(name))


def official_languages() -> list[str]:
    territories = get_global("territory_languages")
    codes = {code for territory in territories for code in get_official_languages(territory, de_facto=True)}
    # Base languages only: the names of "sr_Latn" or "zh_Hant" are the names of sr and zh again.
    return sorted({code.split("_")[0] for code in codes})


def language_terms(display: str, codes: list[str]) -> list[str]:
    locale = Locale.parse(display)
    terms: set[str] = set()
    for code in codes:
        name = locale.languages.get(code)
        if not name or not _keep(_clean(name)):
            continue
        name = _clean(name).lower()
        terms.add(name)
        if len(tokenize(name).keys) == 1:
            terms.update(form for form in inflections(display, name) if _folded(form) not in LEFT_OUT_NAMES)
    return _unique(terms)


# (ending of the language name, endings of the adjective built on it), per language: in these languages
# the nationality adjective is the language name inflected ("roemeens" -> "Roemeense", "rumänisch" ->
# "rumänische", "inglés" -> "inglesa"). Exact forms, never a prefix: a prefix masks other words
# ("finés*" would mask "finest", "malais*" "malaise").
INFLECTIONS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "nl": [("isch", ("ische",)), ("ees", ("ese",)), ("s", ("se",))],
    "de": [("isch", ("ische", "ischen", "ischer", "isches", "ischem"))],
    "fr": [("ais", ("aise", "aises")), ("ois", ("oise", "oises")), ("ien", ("ienne", "iennes", "iens"))],
    "es": [("és", ("esa", "eses", "esas")), ("án", ("ana", "anes", "anas")), ("o", ("a", "os", "as"))],
    "pt": [("ês", ("esa", "eses", "esas")), ("o", ("a", "os", "as"))],
    "it": [("ese", ("esi",)), ("o", ("a", "i", "e"))],
    "pl": [("ski", ("ska", "skie", "skiej")), ("cki", ("cka", "ckie", "ckiej"))],
    "ru": [("ский", ("ская", "ские", "ской")), ("цкий", ("цкая", "цкие", "цкой"))],
    "bg": [("ски", ("ска", "ско")), ("цки", ("цка", "цко"))],
}


def inflections(display: str, name: str) -> list[str]:
    """The adjective forms of a one-word language name, by the first ending of `INFLECTIONS` it has."""
    for ending, replacements in INFLECTIONS.get(display, []):
        if name.endswith(ending) and len(name) > len(ending) + 2:
            stem = name[: -len(ending)]
            return [stem + replacement for replacement in replacements]
    return []


def _unique(names: Iterable[str]) -> list[str]:
    """Lower-case names, one per form without accents (the matcher ignores accents), sorted."""
    by_fold: dict[str, str] = {}
    for name in sorted(name.lower() for name in names):
        by_fold.setdefault(_folded(name), name)
    return sorted(by_fold.values())


def _yaml(list_id: str, description: str, terms: dict[str, list[str]]) -> str:
    lines = [
        f"# Written by bench/sensitive_lists.py from Unicode CLDR {get_cldr_version()} (Babel {babel_version}).",
        "# Do not edit by hand: change the script and run it again.",
        f"# Licence of the names: {LICENCE}.",
        f"id: {list_id}",
        "description: >-",
        *[f"  {line}" for line in _wrap(description, 100)],
        "sensitive: true",
        "references:",
        f'  - "Unicode CLDR {get_cldr_version()}, via Babel {babel_version}; {LICENCE}"',
        "terms:",
    ]
    for language, words in terms.items():
        quoted = ", ".join(_quote(word) for word in words)
        wrapped = _wrap(quoted, 112)
        lines.append(f"  {language}: [{wrapped[0]}" + ("" if len(wrapped) > 1 else "]"))
        for index, part in enumerate(wrapped[1:], start=2):
            lines.append(f"       {part}" + ("]" if index == len(wrapped) else ""))
    return "\n".join(lines) + "\n"


def _quote(word: str) -> str:
    """The word as a YAML flow scalar: plain when it is letters, spaces and hyphens, else in JSON quotes."""
    plain = word[0].isalpha() and all(char.isalpha() or char in " -" for char in word.rstrip("*"))
    return word if plain else json.dumps(word, ensure_ascii=False)


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*lines, current]


def documents() -> dict[str, str]:
    codes = official_languages()
    countries = {language: country_terms(language) for language in DISPLAY_LANGUAGES}
    languages = {language: language_terms(language, codes) for language in DISPLAY_LANGUAGES}
    return {
        "countries": _yaml(
            "countries",
            "Names of countries, territories and regions of the world (Roemenië, Latin America, Osteuropa) in "
            "every language an ad can be written in. SENSITIVE: a country of origin stands for nationality. "
            "The model masks these words before it reads an ad; no rule uses them unless it is marked sensitive.",
            countries,
        ),
        "languages": _yaml(
            "languages",
            f"Names of the official languages of every country ({len(codes)} languages) in every language an ad "
            "can be written in; with the adjectives built on them (Roemeense, rumänische, inglesa). SENSITIVE: "
            "the language a worker speaks stands for origin. The model masks these words before it reads an ad.",
            languages,
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="Only compare with the committed lists.")
    args = parser.parse_args()
    stale = []
    for list_id, text in documents().items():
        path = LISTS / f"{list_id}.yaml"
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
            continue
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    if stale:
        print("out of date: " + ", ".join(stale) + " (run python bench/sensitive_lists.py)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
