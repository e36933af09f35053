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
from itertools import accumulate

TOKEN_RE = re.compile(r"\w+|\n|[^\w\s]")
SPLIT_RE = re.compile(r"(\w+|\n|[^\w\s])")
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


class Tokens:
    """The words of one text (compared form); character offsets are computed only when asked for."""

    __slots__ = ("_ends", "_parts", "_skip_ignored", "_source", "_starts", "keys")

    def __init__(self, keys: list[str], source: str, skip_ignored: bool, parts: list[str] | None = None) -> None:
        self.keys = keys
        self._source = source
        self._skip_ignored = skip_ignored
        self._parts = parts  # gap, word, gap, word, ..., gap: offsets are running sums of their lengths
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    def _offsets(self) -> list[int]:
        if self._starts is None:
            if self._parts is not None:
                sums = list(accumulate(map(len, self._parts)))
                self._starts, self._ends = sums[0:-1:2], sums[1::2]
            else:
                spans = [m.span() for m in TOKEN_RE.finditer(self._source) if m.group() not in IGNORED_TOKENS]
                self._starts = [start for start, _ in spans]
                self._ends = [end for _, end in spans]
        return self._starts

    @property
    def starts(self) -> list[int]:
        return self._offsets()

    @property
    def ends(self) -> list[int]:
        self._offsets()
        return self._ends

    def index_at(self, offset: int) -> int:
        """The index of the word that contains or follows character `offset`."""
        return max(0, bisect_right(self.starts, offset) - 1)


def tokenize(text: str) -> Tokens:
    """Split into words with one C-level regex pass; only non-ASCII words get folded one by one."""
    lowered = text.lower()
    # Lower-casing keeps offsets unless a character grows ("İ"); then words are lowered one by one.
    source = lowered if len(lowered) == len(text) else text
    if any(char in source for char in IGNORED_TOKENS):
        words = [word for word in TOKEN_RE.findall(source) if word not in IGNORED_TOKENS]
        return Tokens([fold(word) for word in words], source, True)
    parts = SPLIT_RE.split(source)
    words = parts[1::2]
    if source.isascii():
        return Tokens(words, source, False, parts)
    if source is text:
        return Tokens([fold(word) for word in words], source, False, parts)
    return Tokens([word if word.isascii() else fold(word) for word in words], source, False, parts)


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


@dataclass(slots=True)  # not frozen: a frozen dataclass costs five times as much to create, and ads make many
class TermMatch:
    key: str
    language: str
    term: str
    first: int  # index of the first word
    end: int  # index after the last word


@dataclass
class FirstWord:
    """The phrases that start with one word: single words, by their second word, and the rest."""

    singles: list[Entry] = field(default_factory=list)
    by_second: dict[str, list[Entry]] = field(default_factory=dict)
    loose: list[Entry] = field(default_factory=list)  # second word is a prefix (`jonge dertig*`)


@dataclass
class PhraseIndex:
    """All phrases of all lists, looked up by their first word (then their second)."""

    by_first: dict[str, FirstWord] = field(default_factory=dict)
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
            return None
        slot = self.by_first.setdefault(words[0], FirstWord())
        if len(words) == 1:
            slot.singles.append(entry)
        elif prefix and len(words) == 2:
            slot.loose.append(entry)
        else:
            slot.by_second.setdefault(words[1], []).append(entry)
        return None

    def add_all(self, key: str, language: str, terms: Iterable[str]) -> None:
        for term in terms:
            self.add(key, language, term)

    def scan(self, tokens: Tokens) -> dict[str, list[TermMatch]]:
        """Every phrase found in the words, grouped by list key."""
        keys = tokens.keys
        count = len(keys)
        by_first = self.by_first
        found: dict[str, list[TermMatch]] = {}
        # Most words start no phrase: find the few that do in one comprehension, then look only at those.
        for index in [index for index, word in enumerate(keys) if word in by_first]:
            slot = by_first[keys[index]]
            for entry in slot.singles:
                found.setdefault(entry.key, []).append(
                    TermMatch(entry.key, entry.language, entry.term, index, index + 1)
                )
            if slot.by_second and index + 1 < count:
                for entry in slot.by_second.get(keys[index + 1], ()):
                    if len(entry.words) == 2 or _follows(keys, index, count, entry):
                        found.setdefault(entry.key, []).append(
                            TermMatch(entry.key, entry.language, entry.term, index, index + len(entry.words))
                        )
            for entry in slot.loose:
                if _follows(keys, index, count, entry):
                    found.setdefault(entry.key, []).append(
                        TermMatch(entry.key, entry.language, entry.term, index, index + len(entry.words))
                    )
        if self.by_prefix:
            for index, word in enumerate(keys):
                if len(word) >= PREFIX_KEY:
                    for entry in self.by_prefix.get(word[:PREFIX_KEY], ()):
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
