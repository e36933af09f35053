"""The lexicon the indicator rules need: services, availability and third-person writing.

The terms come from the research indicators (docs/indicators.md, indicators 4, 5, 6 and 8); they are a starting
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

from scanner.extract.normalize import Normalized, Triggers


@dataclass(frozen=True, slots=True)
class TermMatch:
    term: str
    group: str  # the category of a service, the kind of availability
    start: int
    end: int
    text: str


# A branch that opens with an assertion ("\bescort", "(?<!\d)69") makes the regex engine test it at every
# character of the ad; one that opens with a letter lets the engine jump between occurrences of the first
# letters (five times faster on an ad of 400 characters). So the assertion moves behind the first letter:
# "\bescort" is compiled as "e(?<=\be)scort", which matches exactly the same spans.
_OPENING_ASSERTION = re.compile(r"(\\b|\(\?<!\\d\))([a-z0-9])(?![?*+{])")


def _branches(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern."""
    branches: list[str] = []
    depth = start = 0
    escaped = in_class = False
    for position, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:position])
            start = position + 1
    return [*branches, pattern[start:]]


def _letter_first(pattern: str) -> str:
    branches = []
    for branch in _branches(pattern):
        opening = _OPENING_ASSERTION.match(branch)
        if opening is not None:
            assertion, letter = opening.groups()
            behind = rf"(?<=\b{letter})" if assertion == r"\b" else rf"(?<!\d{letter})"
            branch = letter + behind + branch[opening.end() :]
        branches.append(branch)
    return "|".join(branches)


_NEGATION = re.compile(r"\b(?:geen|no|niet|not|nooit|never|without|zonder|kein|keine|pas de)\s+(?:\w+\s+)?$")
# A negation is one of these words standing on its own ("pas" of "pas de"): without one, no match is negated.
_NEGATION_WORDS = frozenset(
    {"geen", "no", "niet", "not", "nooit", "never", "without", "zonder", "kein", "keine", "pas"}
)


class Lexicon:
    """Terms with their patterns; a pattern runs only when one of its trigger substrings is in the text.

    Running thirty small patterns over every ad is slow in Python; a substring test is not. Each
    entry is (term, group, triggers, pattern); a trigger must occur in every text the pattern can
    match, so the prefilter never loses a match. (Measured: separate small patterns beat one
    alternation of the triggered ones.)
    """

    def __init__(self, entries: list[tuple[str, str, tuple[str, ...], str]], *, negatable: bool = False) -> None:
        self.negatable = negatable  # "geen anaal", "no kissing": a term right after a negation is left out
        self.entries = [
            (term, group, frozenset(triggers), re.compile(_letter_first(pattern)))
            for term, group, triggers, pattern in entries
        ]
        self.triggers = tuple(sorted({trigger for _, _, triggers, _ in self.entries for trigger in triggers}))
        self._trigger_index = Triggers(self.triggers)
        # trigger -> the entries it opens, so that a text visits only the entries it can match
        self._by_trigger: dict[str, list[int]] = {}
        for index, (_, _, triggers, _) in enumerate(self.entries):
            for trigger in triggers:
                self._by_trigger.setdefault(trigger, []).append(index)

    def find(self, view: Normalized, hits: set[str] | None = None) -> list[TermMatch]:
        """Every match in the text; `hits` (the triggers found in it, when known) saves a pass."""
        text = view.text
        if hits is None:
            hits = self._trigger_index.find(view)
        found: list[TermMatch] = []
        if not hits:
            return found
        negatable = self.negatable and not _NEGATION_WORDS.isdisjoint(view.words)
        opened = sorted({index for trigger in hits for index in self._by_trigger.get(trigger, ())})
        for index in opened:
            term, group, _, pattern = self.entries[index]
            for match in pattern.finditer(text):
                if negatable and _NEGATION.search(text, max(0, match.start() - 16), match.start()):
                    continue
                start, end = view.span(*match.span())
                found.append(TermMatch(term, group, start, end, view.original[start:end]))
        # a term inside a longer one ("pijpen" in "pijpen zonder") is the same evidence: keep the longer
        found.sort(key=lambda item: (item.start, -item.end))
        kept: list[TermMatch] = []
        for item in found:
            if kept and item.end <= kept[-1].end:
                continue
            kept.append(item)
        return kept


SERVICES = Lexicon(
    [
        ("zonder condoom", "unprotected", ("zonder", "without"),
         r"\bzonder\s+(?:condoom|condom|rubber|bescherming)|\bwithout\s+(?:a\s+)?(?:condoms?|protection)"),
        ("onbeschermd", "unprotected", ("onbeschermd", "unprotected", "ongeremd"),
         r"\bonbeschermd|\bunprotected|\bongeremd\s+sex"),
        ("geen condoom", "unprotected", ("condoom", "condom"), r"\bgeen\s+condoom|\bno\s+condoms?"),
        ("bareback", "unprotected", ("back", "bb"), r"\bbare\s?back|\bbb\b"),
        ("bbbj", "unprotected", ("bbbj", "bbfs", "owo", "cim", "cob", "cif", "natural"),
         r"\bbbbj|\bbbfs|\bowo\b|\bcim\b|\bcob\b|\bcif\b|\bnatural\s+(?:bj|blowjob|service)"),
        ("pijpen zonder", "unprotected", ("zonder", "without", "pzc"),
         r"\bpijpen\s+zonder|\bblow\s?jobs?\s+without|\bpzc\b"),
        ("naturel", "unprotected", ("naturel", "natural"), r"\bnaturel\b|\bfs\s+natural\b"),
        ("anaal", "extreme", ("anal", "anaal", "grieks", "greek", "level"),
         r"\bana(?:a)?l\b|\bgrieks\b|\bgreek\b|\ba-?level\b"),
        ("gangbang", "extreme", ("bang",), r"\bgang\s?bang"),
        ("hardcore", "extreme", ("core", "ruw", "rough"), r"\bhard\s?core|\bruw\b|\brough\s+sex\b"),
        ("bdsm", "extreme", ("bdsm", "sm", "slavin", "submissive", "onderdanig"),
         r"\bbdsm\b|\bsm\b|\bslavin\b|\bsubmissive\b|\bonderdanig\b"),
        ("plassex", "extreme", ("plas", "golden", "ws", "kaviaar", "scat"),
         r"\bplas\s?sex\b|\bgolden\s+shower\b|\bws\b|\bkaviaar\b|\bscat\b"),
        ("fisting", "extreme", ("fist",), r"\bfist(?:ing|en)\b"),
        ("alles mag", "no_limits", ("alles",), r"\balles\s+(?:mag|kan|is\s+mogelijk|bespreekbaar)"),
        ("geen taboes", "no_limits", ("geen", "zonder"),
         r"\bgeen\s+(?:taboes?|grenzen|limieten|weigeringen)|\bzonder\s+(?:taboes?|grenzen)"),
        ("no limits", "no_limits", ("no ", "anything", "everything"),
         r"\bno\s+(?:limits?|taboos?|boundaries|rules)|\banything\s+goes|\beverything\s+(?:is\s+)?possible"),
        ("jij bepaalt", "no_limits", ("bepaalt", "decide"),
         r"\bjij\s+bepaalt(?:\s+alles)?|\byou\s+decide\s+everything"),
        ("massage", "standard", ("massage",),
         r"\berotische\s+massage\b|\bbody\s?to\s?body\s+massage\b|\btantra\s+massage\b|\bnuru\s+massage\b|\bmassage\b"),
        ("gfe", "standard", ("gfe", "girlfriend", "vriendinnetje"),
         r"\bgfe\b|\bgirlfriend\s+experience|\bvriendinnetje\s+ervaring"),
        ("escort", "standard", ("escort", "ontvangst", "incall", "outcall"),
         r"\bescort\b|\bthuisontvangst\b|\bprive\s?ontvangst\b|\bincall\b|\boutcall\b"),
        ("trio", "standard", ("trio", "threesome", "duo"), r"\btrio\b|\bthreesome\b|\bduo\b"),
        ("69", "standard", ("69",), r"(?<!\d)69(?!\d)"),
        ("pijpen", "standard", ("pijpen", "blow", "bj"), r"\bpijpen\b|\bblow\s?jobs?\b|\bbj\b"),
        ("tongzoenen", "standard", ("zoenen", "french"), r"\btong\s?zoenen\b|\bfrench\s+kiss(?:ing)?\b|\bzoenen\b"),
        ("striptease", "standard", ("strip", "lapdance"), r"\bstrip\s?tease\b|\blapdance\b"),
        ("rollenspel", "standard", ("rollenspel", "role"), r"\brollenspel(?:len)?\b|\brole\s?play\b"),
    ],
    negatable=True,
)  # fmt: skip
AVAILABILITY = Lexicon(
    [
        ("24/7", "24_7", ("24",),
         r"(?<!\d)24\s*/\s*7(?!\d)|\b24\s*(?:uur|u|h|hours?)\s*(?:per\s+dag|per\s+day|a\s+day|/\s*7)?\b"),
        ("dag en nacht", "24_7", ("nacht", "night"),
         r"\bdag\s+en\s+nacht\b|\bday\s+and\s+night\b|\bnight\s+and\s+day\b"),
        ("7 dagen per week", "24_7", ("dagen", "days"),
         r"\b(?:7|zeven|seven)\s+dagen\s+(?:per|in\s+de)\s+week\b|\b(?:7|seven)\s+days\s+a\s+week\b"),
        ("altijd beschikbaar", "always", ("altijd", "always"),
         r"\baltijd\s+(?:beschikbaar|bereikbaar|open|tijd)\b|\balways\s+(?:available|open)\b"),
        ("'s nachts", "night", ("nachts", "night", "nachtwerk"),
         r"(?:\book\s+)?'?s\s*nachts\b|\b(?:late|at)\s+night\b|\bnachtwerk\b|\bnight\s+shifts?\b"),
        ("weekend", "weekend", ("weekend", "zaterdag"), r"\bweekends?\b|\bzaterdag\s+en\s+zondag\b"),
        ("direct beschikbaar", "now", ("beschikbaar", "available"),
         r"\bdirect\s+beschikbaar\b|\bavailable\s+now\b|\bnu\s+beschikbaar\b"),
    ]
)  # fmt: skip
_TOKENS = re.compile(r"[a-z']+")
_THIRD_PERSON_WORDS = frozenset({"zij", "ze", "haar", "she", "her", "hers", "herself", "elle", "sie", "ella"})
_POINTING = frozenset({"deze", "die", "dit", "onze", "our", "this", "that"})
_WOMAN = frozenset({"meid", "meiden", "dame", "dames", "vrouw", "meisje", "girl", "girls", "lady", "ladies"})
_FIRST_PERSON_WORDS = frozenset(
    {"ik", "mij", "me", "mijn", "i", "i'm", "im", "i'll", "i've", "my", "mine", "myself", "ich", "mich", "mein", "moi"}
)


# "AO" (German "alles ohne": everything without a condom) only in capitals: "ao" is common elsewhere
_AO = re.compile(r"(?<![A-Za-z])AO(?![A-Za-z])")


def find_services(view: Normalized, hits: set[str] | None = None) -> list[TermMatch]:
    found = SERVICES.find(view, hits)
    if "ao" in view.words:
        found += [TermMatch("AO", "unprotected", m.start(), m.end(), m.group()) for m in _AO.finditer(view.original)]
    return sorted(found, key=lambda term: term.start)


def find_availability(view: Normalized, hits: set[str] | None = None) -> list[TermMatch]:
    return AVAILABILITY.find(view, hits)


def third_person_share(view: Normalized) -> float:
    """Third-person words ("zij", "haar", "deze meid", "she") as a share of first- and third-person words
    (0 when there are none)."""
    third = first = 0
    previous = ""
    for word in _TOKENS.findall(view.text):
        if word in _THIRD_PERSON_WORDS or (word in _WOMAN and previous in _POINTING):
            third += 1
        elif word in _FIRST_PERSON_WORDS:
            first += 1
        previous = word
    if third + first == 0:
        return 0.0
    return round(third / (third + first), 3)
