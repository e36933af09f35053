"""Tokens, phrase lookup and negation: the pieces every term rule stands on."""

from __future__ import annotations

import pytest

from scanner.rules.matchers import TOKEN_RE, NegationMarks, PhraseIndex, fold, longest_only, tokenize


@pytest.mark.parametrize(
    "text",
    ["Net 18, 24/7!\nbel me   nu", "Fără prezervativ — ’s nachts 🎒️ x", "İstanbul ok 24 / 7", "", "   "],
)
def test_offsets_point_at_the_words_in_the_original_text(text: str) -> None:
    tokens = tokenize(text)
    expected = [m.span() for m in TOKEN_RE.finditer(text) if m.group() != "\ufe0f"]
    assert list(zip(tokens.starts, tokens.ends, strict=True)) == expected
    assert len(tokens.keys) == len(expected)


@pytest.mark.parametrize(
    ("word", "folded"),
    [("Fără", "fara"), ("ÓVSZER", "ovszer"), ("’", "'"), ("Tiener", "tiener"), ("🎒", "🎒")],
)
def test_fold_lowers_and_strips_accents(word: str, folded: str) -> None:
    assert fold(word) == folded


def _index(*terms: str) -> PhraseIndex:
    index = PhraseIndex()
    for term in terms:
        assert index.add("list", "nl", term) is None
    return index


@pytest.mark.parametrize(
    ("terms", "text", "found"),
    [
        (["jong"], "Jong en mooi", ["jong"]),
        (["jong"], "Een jongen van 30", []),  # whole words only
        (["24/7"], "bereikbaar 24 / 7", ["24/7"]),  # punctuation is a word of its own, spaces do not matter
        (["100% echt"], "100 % ECHT!", ["100% echt"]),
        (["fara prezervativ"], "fără prezervativ", ["fara prezervativ"]),  # accents folded on both sides
        (["student*"], "studentje en studente", ["student*", "student*"]),
        (["jonge dertig*"], "een jonge dertiger", ["jonge dertig*"]),
        (["echte foto's"], "Echte foto’s!", ["echte foto's"]),
        (["zonder condoom", "pijpen zonder condoom"], "pijpen zonder condoom", ["pijpen zonder condoom"]),
        (["🎒"], "studentje 🎒️", ["🎒"]),
    ],
)
def test_phrase_lookup(terms: list[str], text: str, found: list[str]) -> None:
    matches = longest_only(_index(*terms).scan(tokenize(text)).get("list", []))
    assert [m.term for m in matches] == found


@pytest.mark.parametrize(
    ("problem_term", "message"),
    [("...", None), ("st*", "at least 3"), ("", "no letters")],
)
def test_unmatchable_terms_are_reported(problem_term: str, message: str | None) -> None:
    trouble = PhraseIndex().add("list", "nl", problem_term)
    if message is None:
        assert trouble is None
    else:
        assert trouble is not None and message in trouble


@pytest.mark.parametrize(
    ("text", "negated_by"),
    [
        ("niet zonder condoom", "niet"),
        ("zonder condoom? nee", "nee"),
        ("zonder condoom is niet mogelijk", "is"),
        ("geen anaal, zonder condoom", None),  # a comma ends the reach of "geen"
        ("geen idee waarom ik zo graag zonder condoom", None),  # too far away
        ("zonder condoom", None),
    ],
)
def test_negation_before_and_after(text: str, negated_by: str | None) -> None:
    index = _index("zonder condoom")
    index.add_all("negation", "nl", ["geen", "niet", "nee"])
    index.add_all("negation-after", "nl", ["nee", "niet mogelijk", "is niet mogelijk"])
    tokens = tokenize(text)
    found = index.scan(tokens)
    marks = NegationMarks.from_matches(found)
    assert found.get("list"), "the term itself must be found"
    for match in found["list"]:
        assert marks.negates(tokens.keys, match.first, match.end, 3) == negated_by
