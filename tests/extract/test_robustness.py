"""Arbitrary input never breaks the extractor, spans always point into the text, time stays linear."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.extract import extract
from scanner.extract.normalize import normalize

AD_ALPHABET = st.sampled_from(
    [*list("0123456789 +-./()\n€,:@#oOlIsS"), "nul", "zes", "twaalf", "jaar", " uur ", "min", "💋", "0️⃣", "\u200b", "６"]
)


def _check_spans(text: str) -> None:
    for span in extract(text).to_json()["spans"]:
        assert 0 <= span["start"] <= span["end"] <= len(text)
        assert text[span["start"] : span["end"]] == span["text"]


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_any_unicode_text(text: str) -> None:
    _check_spans(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(AD_ALPHABET, max_size=60).map("".join))
def test_ad_like_noise(text: str) -> None:
    _check_spans(text)


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_normalized_view_maps_back(text: str) -> None:
    view = normalize(text)
    if view.starts is not None:
        assert len(view.starts) == len(view.text)
        assert all(0 <= start < len(text) for start in view.starts)
        assert view.starts == sorted(view.starts)


def _seconds(text: str) -> float:
    # CPU time of this process: on a shared machine wall-clock time also counts waiting for a core
    began = time.process_time()
    extract(text)
    return time.process_time() - began


@pytest.mark.slow
def test_time_is_linear_in_text_length() -> None:
    """1 MB of hostile text (digit runs, words, emoji) takes about 8 times as long as 128 kB, not 64."""
    unit = "0 6 - nul zes 1 2 . 3 4 / 5 6 💋 7 8 € 150,- 19 jaar Haarlem a@b.nl " * 3
    small = (unit * (128_000 // len(unit) + 1))[:128_000]
    large = (unit * (1_024_000 // len(unit) + 1))[:1_024_000]
    small_time = _seconds(small)
    large_time = _seconds(large)
    assert large_time < 30
    assert large_time < 20 * small_time + 0.5


@pytest.mark.slow
def test_one_megabyte_of_digits_and_of_letters() -> None:
    hostile = ("9" * 1_000_000, "a" * 1_000_000, "06" * 500_000, "€" * 500_000 + "1" * 500_000, "(19) " * 200_000)
    for text in (*hostile, "1 uur " * 170_000, "nul " * 250_000, "Den Haag - " * 100_000):
        assert _seconds(text) < 20
