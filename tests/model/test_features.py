"""What the model reads of an ad: masked text, hourly prices, named numbers, readable feature names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.model.dataset import AdRecord, HitRecord, NetworkRecord
from scanner.model.features import normalise_text, price_per_hour, readable_name, regional_medians, to_row, to_rows

DATA = Path(__file__).parent / "data"


def cases(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("case", cases("normalise.jsonl"), ids=lambda case: case["why"])
def test_contact_details_never_reach_the_vocabulary(case: dict[str, Any]) -> None:
    assert normalise_text(case["title"], case["text"]) == case["expected"]


@pytest.mark.parametrize("case", cases("prices.jsonl"), ids=lambda case: json.dumps(case["price"]))
def test_hourly_price(case: dict[str, Any]) -> None:
    assert price_per_hour(case["price"]) == case["hourly"]


@pytest.mark.parametrize(
    ("name", "readable"),
    [
        ("word__zonder condoom", "text: 'zonder condoom'"),
        ("char__ zond", "text characters: ' zond'"),
        ("numeric__rule:youth-language", "rule: youth-language"),
        ("numeric__network:cities_14d", "network: cities_14d"),
        ("numeric__ad:price_low", "ad: price_low"),
    ],
)
def test_feature_names_read_as_words(name: str, readable: str) -> None:
    assert readable_name(name) == readable


def _record(price: int, **extra: Any) -> AdRecord:
    features = {"prices": [{"amount": price, "currency": "EUR", "per": "hour"}], **extra}
    return AdRecord(ad_id=1, site="s", city=None, title="", text="tekst", features=features)


def test_price_is_compared_with_the_regional_median() -> None:
    market = [_record(price) for price in (140, 150, 150, 160, 170)]
    medians = regional_medians(market)
    assert medians == {"all": 150}
    cheap = to_row(_record(60), medians).numbers
    usual = to_row(_record(150), medians).numbers
    assert cheap["ad:price_low"] == 1.0 and cheap["ad:price_vs_median"] < 0
    assert usual["ad:price_low"] == 0.0 and usual["ad:price_vs_median"] == 0.0


def test_rules_network_and_age_become_named_numbers() -> None:
    record = AdRecord(
        ad_id=3,
        site="s",
        city=None,
        title="",
        text="tekst",
        features={"ages": [19], "phone_details": [{"obscurity": 2}], "phones": ["+31612345678"]},
        hits=[HitRecord("youth-language", 1, "trafficking", 2.0, "", [], "ad")],
        network=NetworkRecord(5, "N-000005", 4, {"distinct_phones": 1, "movement": {"max_cities_14d": 3}}),
    )
    numbers = to_row(record, {}).numbers
    assert numbers["rule:youth-language"] == 1.0
    assert numbers["ad:age_under_21"] == 1.0
    assert numbers["ad:phone_obscurity"] == 2.0
    assert "ad:no_phone" not in numbers
    assert numbers["network:member"] == 1.0
    assert numbers["network:cities_14d"] > numbers["network:distinct_phones"] > 0
    assert record.group == "network:N-000005"


def test_sensitive_rules_can_be_left_out_of_the_features() -> None:
    record = AdRecord(
        ad_id=4,
        site="s",
        city=None,
        title="",
        text="tekst",
        features={},
        hits=[
            HitRecord("nationality", 1, "trafficking", 3.0, "", [], "ad"),
            HitRecord("unsafe-services", 1, "trafficking", 3.0, "", [], "ad"),
        ],
    )
    numbers = to_rows([record], {}, without_rules={"nationality"})[0].numbers
    assert "rule:unsafe-services" in numbers and "rule:nationality" not in numbers
