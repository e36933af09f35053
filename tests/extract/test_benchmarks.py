"""Public test cases of other projects (data/benchmark_*.jsonl, sources in data/README.md), run against the extractor.

- benchmark_number_words.jsonl: Dutch and English number words read as one whole number (text2num-rs);
- benchmark_price_strings.jsonl: the amount `parse_amount` reads from a price string (price-parser);
- benchmark_phone_matcher.jsonl: whether a text holds a phone number at all, region from the case
  (python-phonenumbers' matcher tests).

Known failures are listed by input text in data/benchmark_known_failures.json and run as
xfail(strict=True), so that a fix shows up.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from scanner.extract.normalize import normalize
from scanner.extract.numbers import words_to_digits
from scanner.extract.phones import find_phones
from scanner.extract.prices import parse_amount

DATA = Path(__file__).parent / "data"
KNOWN = json.loads((DATA / "benchmark_known_failures.json").read_text(encoding="utf-8"))


def _cases(name: str, keep: Any = lambda row: True) -> list[Any]:
    path = DATA / f"benchmark_{name}.jsonl"
    params = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        row = json.loads(line)
        if not keep(row):
            continue
        marks = []
        if row["text"] in KNOWN[name]:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN[f"{name}_reason"]))
        params.append(pytest.param(row, id=f"{name}:{number}", marks=marks))
    assert params, f"{path} holds no case"
    return params


def _dutch_or_english_whole(row: dict[str, Any]) -> bool:
    return row["lang"] in ("nl", "en") and str(row["mode"]).startswith("text2digits")


@pytest.mark.parametrize("row", _cases("number_words", _dutch_or_english_whole))
def test_number_words(row: dict[str, Any]) -> None:
    expected = row["expected"][0] if row["expected"] else None
    assert words_to_digits(normalize(row["text"]).text.strip()) == expected


@pytest.mark.parametrize("row", _cases("price_strings"))
def test_price_amount(row: dict[str, Any]) -> None:
    first = row["expected"][0] if row["expected"] else {}
    expected = Decimal(first["amount"]) if first.get("amount") is not None else None
    assert parse_amount(row["text"], row.get("decimal_separator")) == expected


@pytest.mark.parametrize("row", _cases("phone_matcher"))
def test_phone_matcher(row: dict[str, Any]) -> None:
    found = find_phones(normalize(row["text"]), row["region"], ())
    assert bool(found) == bool(row["expected"])
