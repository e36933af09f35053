"""The development cases in tests/extract/data/*.jsonl: one ad text and what must be read from it.

Each line holds `text` (and optional site `fields`) plus the expected values for the keys it names;
keys it does not name are not checked. A case with `xfail` is a known failure, run as
xfail(strict=True) so that a fix shows up.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.extract import Extraction, extract

DATA = Path(__file__).parent / "data"
FILES = ["phones", "ages", "places", "prices", "contacts", "terms"]


def _cases() -> list[Any]:
    cases = []
    for name in FILES:
        for number, line in enumerate((DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            case = json.loads(line)
            marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else []
            cases.append(pytest.param(case, id=f"{name}:{number}:{case['note']}", marks=marks))
    return cases


def _observed(result: Extraction, key: str) -> Any:
    data = result.to_json()
    if key == "prices":
        return [[price["amount"], price["per"]] for price in data["prices"]]
    if key == "minutes":
        return [price["minutes"] for price in data["prices"]]
    if key == "currencies":
        return [price["currency"] for price in data["prices"]]
    if key == "age_hints":
        return [hint["term"] for hint in data["age_hints"]]
    if key == "handles":
        return [[handle["kind"], handle["value"]] for handle in data["handles"]]
    if key == "obscurity":
        return [detail["obscurity"] for detail in data["phone_details"]]
    if key == "found_in":
        return [detail["found_in"] for detail in data["phone_details"]]
    if key == "types":
        return [detail["type"] for detail in data["phone_details"]]
    if key == "municipalities":
        return list(dict.fromkeys(place["municipality"] for place in data["places"]))
    if key == "services":
        return list(dict.fromkeys(service["category"] for service in data["services"]))
    if key == "availability":
        return list(dict.fromkeys(item["kind"] for item in data["availability"]))
    return data[key]


CHECKED = [
    "phones", "obscurity", "found_in", "types", "ages", "age_hints", "cities", "municipalities", "prices", "minutes",
    "currencies", "emails", "handles", "license_numbers", "urls", "languages", "languages_offered", "services",
    "availability",
]  # fmt: skip


@pytest.mark.parametrize("case", _cases())
def test_dev_case(case: dict[str, Any]) -> None:
    result = extract(case["text"], case.get("fields"))
    for key in CHECKED:
        if key in case:
            observed = _observed(result, key)
            if key == "languages":  # the order of two languages used about as much is not fixed
                assert sorted(observed) == sorted(case[key])
            else:
                assert observed == case[key], key
    if "third_person" in case:
        share = result.third_person_share
        assert share >= 0.6 if case["third_person"] == "high" else share <= 0.3


@pytest.mark.parametrize("case", _cases())
def test_spans_point_at_the_evidence(case: dict[str, Any]) -> None:
    text = case["text"]
    fields = case.get("fields") or {}
    for span in extract(text, fields).to_json()["spans"]:
        source = fields[span["field"]] if "field" in span else text
        assert 0 <= span["start"] <= span["end"] <= len(source)
        assert source[span["start"] : span["end"]] == span["text"]
