"""Fast term matching: one tokenisation per ad and one dictionary lookup per word for every list at once.

Every word list and every phrase written in a rule is compiled at load time into one `PhraseIndex`
keyed by the first word of each phrase (and by the first three letters of prefix terms such as
`student*`). Matching an ad is one pass over its words, so the cost does not grow with the number of
lists, and no YAML or regular expression is built per ad.

Words are compared lower-cased and without accents ("fără" = "fara"), whole-word only: "jong" never
matches inside "jongen". Punctuation and emoji are words of their own, so "24/7" and "100%" are
phrases of three and two words that match "24 / 7" and "100 %" too.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

TOKEN_RE = re.compile(r"\w+|\n|[^\w\s]")
# A negation never reaches across these: "geen anaal, bareback" does not negate "bareback".
BOUNDARIES = frozenset({".", "!", "?", "\n", ";", ",", "|", "•", "*", "-"})
IGNORED_TOKENS = frozenset({"\ufe0f", "\u200d", "\u200b"})
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
PREFIX_KEY = 3  # prefix terms need at least this many letters before the *

# The list ids that hold negation words before a term ("geen") and after it ("niet mogelijk").
NEGATION_BEFORE = "negation"
NEGATION_AFTER = "negation-after"


def fold(token: str) -> str:
    """The comparison form of one word: lower case, no accents, straight apostrophes."""
    token = token.lower()
    if token.isascii():
        return token
    token = token.translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", token)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped or token


@dataclass(slots=True)
class Tokens:
    """The words of one text with their character offsets."""

    keys: list[str]
    starts: list[int]
    ends: list[int]

    def index_at(self, offset: int) -> int:
        """The index of the word that contains or follows character `offset`."""
        return max(0, bisect_right(self.starts, offset) - 1)


def tokenize(text: str) -> Tokens:
    keys: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in TOKEN_RE.finditer(text):
        word = match.group()
        if word in IGNORED_TOKENS:
            continue
        keys.append(word.lower() if word.isascii() else fold(word))
        start, end = match.span()
        starts.append(start)
        ends.append(end)
    return Tokens(keys, starts, ends)


def phrase_tokens(term: str) -> tuple[tuple[str, ...], bool]:
    """The words of a list term, and whether its last word is a prefix (`student*`)."""
    prefix = term.endswith("*") and len(term) > 1
    body = term[:-1] if prefix else term
    return tuple(tokenize(body).keys), prefix


@dataclass(frozen=True, slots=True)
class Entry:
    words: tuple[str, ...]
    prefix: bool
    key: str
    language: str
    term: str


@dataclass(frozen=True, slots=True)
class TermMatch:
    key: str
    language: str
    term: str
    first: int  # index of the first word
    end: int  # index after the last word


@dataclass
class PhraseIndex:
    """All phrases of all lists, looked up by their first word."""

    by_first: dict[str, list[Entry]] = field(default_factory=dict)
    by_prefix: dict[str, list[Entry]] = field(default_factory=dict)
    keys: set[str] = field(default_factory=set)

    def add(self, key: str, language: str, term: str) -> str | None:
        """Add one term; returns a problem description when the term cannot be matched."""
        words, prefix = phrase_tokens(term)
        if not words:
            return "the term has no letters, digits or symbols to match"
        if prefix and len(words) == 1 and len(words[0]) < PREFIX_KEY:
            return f"a prefix term needs at least {PREFIX_KEY} letters before the *"
        entry = Entry(words, prefix, key, language, term)
        self.keys.add(key)
        if prefix and len(words) == 1:
            self.by_prefix.setdefault(words[0][:PREFIX_KEY], []).append(entry)
        else:
            self.by_first.setdefault(words[0], []).append(entry)
        return None

    def add_all(self, key: str, language: str, terms: Iterable[str]) -> None:
        for term in terms:
            self.add(key, language, term)

    def scan(self, tokens: Tokens) -> dict[str, list[TermMatch]]:
        """Every phrase found in the words, grouped by list key."""
        keys = tokens.keys
        count = len(keys)
        by_first = self.by_first
        by_prefix = self.by_prefix
        found: dict[str, list[TermMatch]] = {}
        for index, word in enumerate(keys):
            entries = by_first.get(word)
            if entries is not None:
                for entry in entries:
                    size = len(entry.words)
                    if size == 1 or _follows(keys, index, count, entry):
                        found.setdefault(entry.key, []).append(
                            TermMatch(entry.key, entry.language, entry.term, index, index + size)
                        )
            if by_prefix and len(word) >= PREFIX_KEY:
                for entry in by_prefix.get(word[:PREFIX_KEY], ()):
                    if word.startswith(entry.words[0]):
                        found.setdefault(entry.key, []).append(
                            TermMatch(entry.key, entry.language, entry.term, index, index + 1)
                        )
        return found


def _follows(keys: list[str], index: int, count: int, entry: Entry) -> bool:
    words = entry.words
    size = len(words)
    if index + size > count:
        return False
    for offset in range(1, size):
        word = keys[index + offset]
        expected = words[offset]
        if entry.prefix and offset == size - 1:
            if not word.startswith(expected):
                return False
        elif word != expected:
            return False
    return True


def longest_only(matches: list[TermMatch]) -> list[TermMatch]:
    """Drop matches that lie inside a longer match of the same list ("zonder condoom" in "pijpen zonder condoom")."""
    if len(matches) < 2:
        return matches
    ordered = sorted(matches, key=lambda m: (m.first, -m.end))
    kept: list[TermMatch] = []
    reach = -1
    for match in ordered:
        if match.end <= reach:
            continue
        kept.append(match)
        reach = max(reach, match.end)
    return kept


@dataclass
class NegationMarks:
    """Where negation words end (before a term) and start (after a term) in one text."""

    before_ends: set[int]
    after_starts: set[int]

    @classmethod
    def from_matches(cls, found: dict[str, list[TermMatch]]) -> NegationMarks:
        return cls(
            before_ends={m.end - 1 for m in found.get(NEGATION_BEFORE, ())},
            after_starts={m.first for m in found.get(NEGATION_AFTER, ())},
        )

    def negates(self, keys: list[str], first: int, end: int, window: int) -> str | None:
        """The negation word that cancels the words first..end, if any, within `window` words."""
        words = 0
        index = first - 1
        while index >= 0 and words < window:
            word = keys[index]
            if word in BOUNDARIES:
                break
            if index in self.before_ends:
                return word
            if word[0].isalnum():
                words += 1
            index -= 1
        words = 0
        index = end
        while index < len(keys) and words < window:
            word = keys[index]
            if index in self.after_starts:
                return word
            if word in BOUNDARIES and word not in {"?", "-", ":"}:
                break
            if word[0].isalnum():
                words += 1
            index += 1
        return None


def overlaps(match: TermMatch, others: Iterable[TermMatch]) -> bool:
    return any(other.first < match.end and match.first < other.end for other in others)


def distance(match: TermMatch, others: Iterable[TermMatch]) -> int:
    """Words between `match` and the closest of `others` (0 when they touch or overlap)."""
    best = 1 << 30
    for other in others:
        if other.end <= match.first:
            gap = match.first - other.end
        elif match.end <= other.first:
            gap = other.first - match.end
        else:
            gap = 0
        best = min(best, gap)
    return best
