"""The lexicon the indicator rules need: services, availability and third-person writing.

The terms come from ../shared/domain/INDICATORS.md (rows 4, 5, 6 and 8); they are a starting
lexicon to be tested on data, not findings. Each match keeps its span so a report can show it.

- services, by category: unprotected ("zonder condoom", "bareback", "AO"), extreme ("gangbang",
  "hardcore", "grieks"), no_limits ("alles mag", "geen taboes", "no limits"), standard ("massage",
  "GFE", "escort");
- availability, by kind: 24_7 ("24/7", "dag en nacht"), always ("altijd beschikbaar"), night
  ("ook 's nachts"), weekend;
- `third_person_share`: third-person feminine words ("zij", "haar", "deze meid", "she") as a share
  of first- and third-person words together (0 when there are none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scanner.extract.normalize import Normalized


@dataclass(frozen=True, slots=True)
class TermMatch:
    term: str
    group: str  # the category of a service, the kind of availability
    start: int
    end: int
    text: str


_SERVICES: list[tuple[str, str, str]] = [
    ("zonder condoom", "unprotected", r"zonder\s+(?:condoom|condom|rubber|bescherming)|without\s+(?:a\s+)?(?:condoms?|protection)"),
    ("onbeschermd", "unprotected", r"onbeschermd|unprotected|ongeremd\s+sex"),
    ("geen condoom", "unprotected", r"geen\s+condoom|no\s+condoms?"),
    ("bareback", "unprotected", r"bare\s?back|\bbb\b"),
    ("bbbj", "unprotected", r"bbbj|bbfs|\bowo\b|\bcim\b|\bcob\b|\bcif\b|natural\s+(?:bj|blowjob|service)"),
    ("pijpen zonder", "unprotected", r"pijpen\s+zonder|blow\s?jobs?\s+without|\bpzc\b"),
    ("naturel", "unprotected", r"\bnaturel\b|\bfs\s+natural\b"),
    ("anaal", "extreme", r"\bana(?:a)?l\b|\bgrieks\b|\bgreek\b|\ba-?level\b"),
    ("gangbang", "extreme", r"gang\s?bang"),
    ("hardcore", "extreme", r"hard\s?core|\bruw\b|\brough\s+sex\b"),
    ("bdsm", "extreme", r"\bbdsm\b|\bsm\b|\bslavin\b|\bsubmissive\b|\bonderdanig\b"),
    ("plassex", "extreme", r"\bplas\s?sex\b|\bgolden\s+shower\b|\bws\b|\bkaviaar\b|\bscat\b"),
    ("fisting", "extreme", r"\bfist(?:ing|en)\b"),
    ("alles mag", "no_limits", r"alles\s+(?:mag|kan|is\s+mogelijk|bespreekbaar)"),
    ("geen taboes", "no_limits", r"geen\s+(?:taboes?|grenzen|limieten|weigeringen)|zonder\s+(?:taboes?|grenzen)"),
    ("no limits", "no_limits", r"no\s+(?:limits?|taboos?|boundaries|rules)|anything\s+goes|everything\s+(?:is\s+)?possible"),
    ("jij bepaalt", "no_limits", r"jij\s+bepaalt(?:\s+alles)?|you\s+decide\s+everything"),
    ("massage", "standard", r"\b(?:erotische\s+|body\s?to\s?body\s+|tantra\s+|nuru\s+)?massage\b"),
    ("gfe", "standard", r"\bgfe\b|girlfriend\s+experience|vriendinnetje\s+ervaring"),
    ("escort", "standard", r"\bescort\b|\bthuisontvangst\b|\bprive\s?ontvangst\b|\bincall\b|\boutcall\b"),
    ("trio", "standard", r"\btrio\b|\bthreesome\b|\bduo\b"),
    ("69", "standard", r"(?<!\d)69(?!\d)"),
    ("pijpen", "standard", r"\bpijpen\b|\bblow\s?jobs?\b|\bbj\b"),
    ("tongzoenen", "standard", r"\btong\s?zoenen\b|\bfrench\s+kiss(?:ing)?\b|\bzoenen\b"),
    ("striptease", "standard", r"\bstrip\s?tease\b|\blapdance\b"),
    ("rollenspel", "standard", r"\brollenspel(?:len)?\b|\brole\s?play\b"),
]
_AVAILABILITY: list[tuple[str, str, str]] = [
    ("24/7", "24_7", r"(?<!\d)24\s*/\s*7(?!\d)|\b24\s*(?:uur|u|h|hours?)\s*(?:per\s+dag|per\s+day|a\s+day|/\s*7)?\b"),
    ("dag en nacht", "24_7", r"\bdag\s+en\s+nacht\b|\bday\s+and\s+night\b|\bnight\s+and\s+day\b"),
    ("7 dagen per week", "24_7", r"\b(?:7|zeven|seven)\s+dagen\s+(?:per|in\s+de)\s+week\b|\b(?:7|seven)\s+days\s+a\s+week\b"),
    ("altijd beschikbaar", "always", r"\baltijd\s+(?:beschikbaar|bereikbaar|open|tijd)\b|\balways\s+(?:available|open)\b"),
    ("'s nachts", "night", r"(?:ook\s+)?'?s\s*nachts\b|\b(?:late|at)\s+night\b|\bnachtwerk\b|\bnight\s+shifts?\b"),
    ("weekend", "weekend", r"\bweekends?\b|\bzaterdag\s+en\s+zondag\b"),
    ("direct beschikbaar", "now", r"\bdirect\s+beschikbaar\b|\bavailable\s+now\b|\bnu\s+beschikbaar\b"),
]
_THIRD_PERSON = re.compile(
    r"\b(?:zij|ze|haar|she|her|hers|herself|elle|sie|ella)\b"
    r"|\b(?:deze|die|dit|onze|our|this|that)\s+(?:meid|meiden|dame|dames|vrouw|meisje|girl|girls|lady|ladies|schoonheid)\b"
)
_FIRST_PERSON = re.compile(r"\b(?:ik|mij|me|mijn|i|i'm|im|i'll|i've|my|mine|myself|ich|mich|mein|meine|moi|yo|eu|io)\b")


def _compile(entries: list[tuple[str, str, str]]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<t{index}>{pattern})" for index, (_, _, pattern) in enumerate(entries)))


_SERVICE_PATTERN = _compile(_SERVICES)
_AVAILABILITY_PATTERN = _compile(_AVAILABILITY)
# "AO" (German "alles ohne": everything without a condom) only in capitals: "ao" is common elsewhere
_AO = re.compile(r"(?<![A-Za-z])AO(?![A-Za-z])")


def _find(view: Normalized, pattern: re.Pattern[str], entries: list[tuple[str, str, str]]) -> list[TermMatch]:
    found: list[TermMatch] = []
    for match in pattern.finditer(view.text):
        assert match.lastgroup is not None
        term, group, _ = entries[int(match.lastgroup[1:])]
        start, end = view.span(*match.span())
        found.append(TermMatch(term, group, start, end, view.original[start:end]))
    return found


def find_services(view: Normalized) -> list[TermMatch]:
    found = _find(view, _SERVICE_PATTERN, _SERVICES)
    found += [TermMatch("AO", "unprotected", m.start(), m.end(), m.group()) for m in _AO.finditer(view.original)]
    return sorted(found, key=lambda term: term.start)


def find_availability(view: Normalized) -> list[TermMatch]:
    return _find(view, _AVAILABILITY_PATTERN, _AVAILABILITY)


def third_person_share(view: Normalized) -> float:
    """Third-person words as a share of first- and third-person words (0 when there are none)."""
    third = len(_THIRD_PERSON.findall(view.text))
    first = len(_FIRST_PERSON.findall(view.text))
    if third + first == 0:
        return 0.0
    return round(third / (third + first), 3)
