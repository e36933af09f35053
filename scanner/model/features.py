"""From an `AdRecord` to the model's input, and the scikit-learn transformer that reads it.

The model reads a two-column object array: column 0 the ad's text (title and body, phone-like digit
runs, e-mail addresses and links masked so the vocabulary never holds contact details, and the
nationality, country and language words of the sensitive lists removed: `scanner.model.sensitive`),
column 1 a dict of named numbers:

    rule:<rule id>          1 when the rule fired on the ad or its network
    ad:<name>               from the extraction: age, age hints, phone obscurity, price against the
                            regional median, services, third-person writing, text length
    network:<name>          from the network summary: size, people, distinct phones, names and cities,
                            cities within 14 days, moves per week, template and link kinds (log scale)
    links:<kind>            log(1 + number of links of that kind)
    ad:language_<code>      the ad's language, only when model.sensitive_features names `language`

Only standard scikit-learn types are used (TF-IDF on words and on characters within word bounds,
which is robust to misspellings, a DictVectorizer and a MaxAbsScaler), so the model file loads with
skops without trusting any code of ours.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MaxAbsScaler

from scanner.model.dataset import AdRecord
from scanner.model.sensitive import SensitiveMask

# Below this age an ad breaks the common municipal minimum (APV); the rules use the configured age.
MIN_AGE = 21
_PHONE_LIKE = re.compile(r"\+?\d[\d\s().\-/]{5,}\d")
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_HANDLE = re.compile(r"@\w{3,}")
_PER_MINUTES = {"15min": 15, "quarter": 15, "half_hour": 30, "30min": 30, "hour": 60, "1h": 60, "night": 600}


@dataclass(frozen=True)
class AdRow:
    """One ad as the model reads it."""

    text: str
    numbers: dict[str, float]
    group: str
    site: str
    language: str  # the ad's main language: for the metrics per language, a feature only when allowed
    ad_id: int | None = None
    region: str = "unknown"  # province of the ad's first place, for the metrics per region


def normalise_text(title: str, text: str) -> str:
    """Title and text with contact details masked: the vocabulary must not hold phone numbers or e-mails."""
    joined = f"{title}\n{text}".lower()
    joined = _EMAIL.sub(" emailadres ", joined)
    joined = _URL.sub(" weblink ", joined)
    joined = _HANDLE.sub(" handle ", joined)
    return _PHONE_LIKE.sub(" telefoonnummer ", joined)


def price_per_hour(price: Any) -> float | None:
    """An hourly rate from one extracted price {amount, currency, per}; None when it cannot be compared."""
    if not isinstance(price, dict):
        return None
    amount = price.get("amount")
    if not isinstance(amount, int | float) or amount <= 0:
        return None
    if price.get("currency", "EUR") not in ("EUR", "€", None):
        return None
    per = str(price.get("per") or "hour").lower().replace(" ", "")
    stated = price.get("minutes")  # the extractor's own reading of "per"
    minutes = int(stated) if isinstance(stated, int | float) and stated > 0 else _PER_MINUTES.get(per)
    if minutes is None:
        match = re.fullmatch(r"(\d+)(min|m|minutes?|h|hours?|uur)", per)
        if not match:
            return None
        minutes = int(match.group(1)) * (60 if match.group(2)[0] in "hu" else 1)
    if minutes <= 0 or minutes >= 600:
        return None  # a night's rate says little about the hourly market
    return float(amount) * 60.0 / minutes


def region_of(record: AdRecord) -> str:
    places = record.features.get("places")
    if isinstance(places, list) and places and isinstance(places[0], dict) and places[0].get("province"):
        return str(places[0]["province"])
    return "all"


def hourly_rate(record: AdRecord) -> float | None:
    rates = [rate for rate in map(price_per_hour, record.features.get("prices") or []) if rate is not None]
    return min(rates) if rates else None


def regional_medians(records: Iterable[AdRecord]) -> dict[str, float]:
    """Median hourly rate per province, and over all ads under "all"; the baseline for a low price."""
    by_region: dict[str, list[float]] = defaultdict(list)
    for record in records:
        rate = hourly_rate(record)
        if rate is None:
            continue
        region = region_of(record)
        by_region[region].append(rate)
        if region != "all":
            by_region["all"].append(rate)
    return {region: statistics.median(rates) for region, rates in by_region.items() if len(rates) >= 5}


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def ad_numbers(record: AdRecord, medians: dict[str, float]) -> dict[str, float]:
    """The ad: features: age, age hints, phone obscurity, price against the regional median and more."""
    features = record.features
    numbers: dict[str, float] = {}
    ages = [age for age in (_number(a) for a in features.get("ages") or []) if age is not None]
    if ages:
        numbers["ad:age_under_21"] = float(min(ages) < MIN_AGE)
        numbers["ad:age_years_over_18"] = min(max(min(ages) - 18.0, 0.0), 30.0) / 30.0
    else:
        numbers["ad:age_unknown"] = 1.0
    if features.get("age_hints"):
        numbers["ad:age_hints"] = math.log1p(len(features["age_hints"]))
    obscurities = [
        value
        for value in (_number(d.get("obscurity")) for d in features.get("phone_details") or [] if isinstance(d, dict))
        if value is not None
    ]
    if obscurities:
        numbers["ad:phone_obscurity"] = max(obscurities)
    if not features.get("phones"):
        numbers["ad:no_phone"] = 1.0
    rate = hourly_rate(record)
    median = medians.get(region_of(record)) or medians.get("all")
    if rate is not None and median:
        ratio = math.log(rate / median)
        numbers["ad:price_vs_median"] = max(min(ratio, 2.0), -2.0)
        numbers["ad:price_low"] = float(rate < 0.75 * median)
    else:
        numbers["ad:price_unknown"] = 1.0
    if features.get("services"):
        numbers["ad:services"] = math.log1p(len(features["services"]))
    share = _number(features.get("third_person_share"))
    if share is not None:
        numbers["ad:third_person_share"] = share
    if features.get("availability"):
        numbers["ad:availability_terms"] = math.log1p(len(features["availability"]))
    if features.get("license_numbers"):
        numbers["ad:license_number"] = 1.0
    numbers["ad:text_length"] = math.log1p(len(record.text)) / 10.0
    return numbers


def _summary_number(summary: dict[str, Any], *path: str) -> float | None:
    value: Any = summary
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, list | dict):
        return float(len(value))
    return _number(value)


# network:<name> -> where it sits in the summary written by scanner.link (see docs/model.md)
NETWORK_SUMMARY: dict[str, tuple[str, ...]] = {
    "people": ("people",),
    "distinct_phones": ("distinct_phones",),
    "distinct_names": ("names",),
    "distinct_cities": ("movement", "distinct_cities"),
    "cities_14d": ("movement", "max_cities_14d"),
    "moves_per_week": ("movement", "moves_per_week"),
    "mean_stay_days": ("movement", "mean_stay_days"),
    "business_lines": ("business_lines",),
    "licence_numbers": ("licence_numbers",),
}


def network_numbers(record: AdRecord) -> dict[str, float]:
    """network: and links: features: size, distinct phones, names and cities, relocation, reuse."""
    numbers: dict[str, float] = {}
    network = record.network
    if network is not None:
        summary = network.summary
        numbers["network:member"] = 1.0
        numbers["network:size"] = math.log1p(network.size or _summary_number(summary, "size") or 0.0)
        for name, path in NETWORK_SUMMARY.items():
            value = _summary_number(summary, *path)
            if value:
                numbers[f"network:{name}"] = math.log1p(max(value, 0.0))
        if summary.get("looks_licensed"):
            numbers["network:looks_licensed"] = 1.0
        if summary.get("template"):
            numbers["network:template_reuse"] = 1.0
        kinds = summary.get("link_kinds")
        for kind, count in kinds.items() if isinstance(kinds, dict) else []:
            if _number(count):
                numbers[f"network:{kind}_links"] = math.log1p(max(float(count), 0.0))
    for kind, count in record.link_counts.items():
        numbers[f"links:{kind}"] = math.log1p(count)
    return numbers


def language_of(record: AdRecord) -> str:
    languages = record.features.get("languages")
    if isinstance(languages, list) and languages and isinstance(languages[0], str):
        return languages[0]
    return "unknown"


def to_row(
    record: AdRecord,
    medians: dict[str, float],
    *,
    without_rules: Collection[str] = (),
    mask: SensitiveMask | None = None,
) -> AdRow:
    language = language_of(record)
    if mask is not None:
        # Masked before anything reads the text, so that the text length cannot carry a removed word either.
        record = replace(record, title=mask.mask(record.title), text=mask.mask(record.text))
    numbers = {f"rule:{hit.rule_id}": 1.0 for hit in record.hits if hit.rule_id not in without_rules}
    numbers.update(ad_numbers(record, medians))
    numbers.update(network_numbers(record))
    if mask is not None and mask.language_feature:
        numbers[f"ad:language_{language}"] = 1.0
    return AdRow(
        text=normalise_text(record.title, record.text),
        numbers=numbers,
        group=record.group,
        site=record.site,
        language=language,
        ad_id=record.ad_id,
        region=region if (region := region_of(record)) != "all" else "unknown",
    )


def to_rows(
    records: Sequence[AdRecord],
    medians: dict[str, float] | None = None,
    *,
    without_rules: Collection[str] = (),
    mask: SensitiveMask | None = None,
) -> list[AdRow]:
    """Rows of the records; the price baseline is taken from the records themselves unless given.
    Rules in `without_rules` are not features (training leaves out the sensitive rules); the words of
    `mask` are removed from the text (a loaded model passes its own: `LoadedModel.rows`)."""
    baseline = regional_medians(records) if medians is None else medians
    return [to_row(record, baseline, without_rules=without_rules, mask=mask) for record in records]


def to_matrix(rows: Sequence[AdRow]) -> np.ndarray[Any, np.dtype[np.object_]]:
    """The two-column object array the pipeline reads: text, named numbers."""
    matrix = np.empty((len(rows), 2), dtype=object)
    for index, row in enumerate(rows):
        matrix[index, 0] = row.text
        matrix[index, 1] = row.numbers
    return matrix


def make_transformer(*, min_df: int = 3) -> ColumnTransformer:
    """TF-IDF on word 1-2 grams and on character 3-5 grams within words, plus the scaled named numbers."""
    return ColumnTransformer(
        [
            (
                "word",
                TfidfVectorizer(
                    ngram_range=(1, 2), min_df=min_df, max_features=8000, sublinear_tf=True, strip_accents="unicode"
                ),
                0,
            ),
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(3, 5),
                    min_df=min_df,
                    max_features=12000,
                    sublinear_tf=True,
                    strip_accents="unicode",
                ),
                0,
            ),
            ("numeric", Pipeline([("dict", DictVectorizer()), ("scale", MaxAbsScaler())]), 1),
        ],
        sparse_threshold=1.0,  # always sparse: the explanation walks the non-zero features of each row
    )


def readable_name(name: str) -> str:
    """`word__zonder condoom` -> `text: 'zonder condoom'`; `numeric__rule:youth` -> `rule: youth`."""
    block, _, feature = name.partition("__")
    if block == "word":
        return f"text: '{feature}'"
    if block == "char":
        return f"text characters: '{feature}'"
    kind, _, key = feature.partition(":")
    return f"{kind}: {key}" if key else feature
