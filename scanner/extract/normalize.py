"""One pass of normalisation that remembers where every character came from.

Ad texts hide numbers behind full-width digits, keycap emoji, zero-width characters and accents.
`normalize(text)` returns a `Normalized` view: NFKC-folded, accents stripped, dashes and quotes
unified, invisible characters dropped, and lowercased, with a map from each character of the view
back to its offset in the original text, so every extractor can match on the clean view and still
report spans that point at the characters the reader sees.

ASCII text (most ads) takes a fast path with an identity map. `Triggers` tells which of many substrings
occur in a view, the cheap test that decides which patterns run at all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

# Characters that carry no visible content: zero-width space/joiners, word joiner, BOM, soft hyphen,
# variation selectors, the combining keycap (U+20E3) of emoji digits, and tag characters.
_INVISIBLE = frozenset(
    [
        *(0x00AD, 0x034F, 0x061C, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x2061, 0x2062, 0x2063),
        *(0x2064, 0xFEFF, 0x20E3),
        *range(0xFE00, 0xFE10),
        *range(0x202A, 0x202F),
    ]
)
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u00b4\u0060"
# Cyrillic and Greek letters that look like Latin ones; ads mix them into words and numbers.
_LOOKALIKE_SCRIPTS = {
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ο": "o", "α": "a", "ε": "e", "ι": "i", "κ": "k",
    "ν": "v", "τ": "t", "υ": "u", "ρ": "p", "з": "3", "б": "6",
}  # fmt: skip
_KEYCAP_TEN = "\U0001f51f"
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_WORD = re.compile(r"[a-z0-9]+")
_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=65536)
def fold_char(char: str) -> str:
    """The normalised, lowercased replacement of one non-ASCII character ('' drops it)."""
    code = ord(char)
    if code in _INVISIBLE or 0xE0000 <= code <= 0xE007F:
        return ""
    if char in _DASHES:
        return "-"
    if char in _QUOTES:
        return "'"
    if char == _KEYCAP_TEN:
        return "10"
    if unicodedata.category(char) == "Cf":
        return ""
    lower = char.lower()
    if lower in _LOOKALIKE_SCRIPTS:
        return _LOOKALIKE_SCRIPTS[lower]
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", char))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("\u2044", "/").lower()  # "½" -> "1/2"


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised, lowercased view of `original`; `starts[i]` is where view char i came from."""

    original: str
    text: str
    starts: list[int] | None  # None: the view maps one to one onto the original
    tokens: list[tuple[str, int, int]]  # every word and digit run of the view with its offsets in the view
    words: frozenset[str]  # the distinct tokens: cheap triggers before running a pattern

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the view range [start, end)."""
        if self.starts is None:
            return start, end
        if end <= start:
            at = self.starts[start] if start < len(self.starts) else len(self.original)
            return at, at
        stop = self.starts[end - 1] + 1
        # take in the invisible tail of the last character (the keycap of "6️⃣")
        while stop < len(self.original) and not fold_char(self.original[stop]) and not self.original[stop].isascii():
            stop += 1
        return self.starts[start], stop

    def original_text(self, start: int, end: int) -> str:
        a, b = self.span(start, end)
        return self.original[a:b]


def normalize(text: str) -> Normalized:
    """Fold `text` into the matching view (see the module docstring)."""
    if text.isascii():
        return _view(text, text.lower(), None)
    pieces: list[str] = []
    starts: list[int] = []
    position = 0
    for match in _NON_ASCII.finditer(text):
        begin = match.start()
        if begin > position:
            pieces.append(text[position:begin].lower())
            starts.extend(range(position, begin))
        for offset, char in enumerate(match.group(), begin):
            replacement = fold_char(char)
            if replacement:
                pieces.append(replacement)
                starts.extend([offset] * len(replacement))
        position = match.end()
    if position < len(text):
        pieces.append(text[position:].lower())
        starts.extend(range(position, len(text)))
    return _view(text, "".join(pieces), starts)


def _view(original: str, text: str, starts: list[int] | None) -> Normalized:
    tokens = [(match[0], match.start(), match.end()) for match in _WORD.finditer(text)]
    return Normalized(original, text, starts, tokens, frozenset(map(itemgetter(0), tokens)))


def windows(view: Normalized, before: int, after: int) -> list[tuple[int, int]]:
    """Merged ranges of the view around every digit run: where numbers, ages and prices can be."""
    merged: list[list[int]] = []
    # digit runs come in order, so a window's end only grows; the ends are clamped to the text once at the end
    for match in _DIGITS.finditer(view.text):
        start, end = match.span()
        if merged and start - before <= merged[-1][1]:
            merged[-1][1] = end + after
        else:
            merged.append([start - before, end + after])
    size = len(view.text)
    return [(max(0, start), min(size, end)) for start, end in merged]


_NO_TRIGGERS: frozenset[str] = frozenset()


class Triggers:
    """Which of a set of trigger substrings occur in a text.

    Testing a hundred substrings against an ad of 400 characters costs more than every pattern they open.
    A trigger of letters and digits occurs in the text exactly when it occurs inside one of its words (the
    view's words are its maximal runs of letters and digits), and ads share most of their words, so the
    triggers inside each word are found once and remembered; the other triggers ("no ", emoji) are tested
    on the text.
    """

    def __init__(self, triggers: Iterable[str]) -> None:
        self.triggers = tuple(sorted(set(triggers)))
        self._in_words = tuple(trigger for trigger in self.triggers if _WORD.fullmatch(trigger))
        self._others = tuple(trigger for trigger in self.triggers if not _WORD.fullmatch(trigger))
        self._by_word: dict[str, frozenset[str]] = {}

    def find(self, view: Normalized) -> set[str]:
        text = view.text
        hits = {trigger for trigger in self._others if trigger in text}
        by_word = self._by_word
        for word in view.words:
            inside = by_word.get(word)
            if inside is None:
                # most words hold no trigger: they share one empty set, so the memory stays small
                inside = frozenset(trigger for trigger in self._in_words if trigger in word) or _NO_TRIGGERS
                if len(by_word) < 100_000:  # bounded: a stream of ads keeps bringing new words
                    by_word[word] = inside
            if inside:
                hits |= inside
        return hits
