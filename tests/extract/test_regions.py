"""What the extractor reads depends on the site's country (`extract.default_region`): table cases in
data/regions.jsonl, each with its `region`, run with the settings a team in that country would use."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from scanner.extract import extract
from scanner.extract.currencies import site_currency
from scanner.settings import ExtractSettings, Settings

DATA = Path(__file__).parent / "data" / "regions.jsonl"
CASES = [json.loads(line) for line in DATA.read_text("utf-8").splitlines()]


@cache
def _settings(region: str) -> Settings:
    return Settings(extract=ExtractSettings(default_region=region))


@pytest.mark.parametrize("case", CASES, ids=[case["note"] for case in CASES])
def test_region_case(case: dict[str, Any]) -> None:
    found = extract(case["text"], settings=_settings(case["region"])).to_json()
    if "phones" in case:
        assert found["phones"] == case["phones"]
    if "prices" in case:
        assert [[price["amount"], price["per"], price["currency"]] for price in found["prices"]] == case["prices"]


def test_the_same_ad_reads_by_the_site_country() -> None:
    text = "call 702-555-0148, hh 150"
    dutch = extract(text, settings=_settings("NL")).to_json()
    american = extract(text, settings=_settings("US")).to_json()
    # a US number without +1 and nothing pointing to the US is no phone on a Dutch site
    assert (dutch["phones"], american["phones"]) == ([], ["+17025550148"])
    assert [p["currency"] for p in dutch["prices"]] == ["EUR"]
    assert [p["currency"] for p in american["prices"]] == ["USD"]


SITE_CURRENCIES = [("NL", "EUR"), ("BE", "EUR"), ("US", "USD"), ("GB", "GBP"), ("CA", "CAD")]


@pytest.mark.parametrize(("region", "currency"), SITE_CURRENCIES)
def test_site_currency(region: str, currency: str) -> None:
    assert site_currency(region) == currency
