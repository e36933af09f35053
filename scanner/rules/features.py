"""Checks on the extracted features of one ad (`ad_versions.features`, the JSON of `scanner extract`).

Each check reads one part of the features and answers: did it match, which values (shown in the
explanation) and which evidence spans. Values never contain a phone number, e-mail or handle: the
explanation says *that* a phone was obscured, the span points at where.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scanner.rules.model import Selection
from scanner.settings import MunicipalitySettings

Evidence = dict[str, Any]


@dataclass(slots=True)
class CheckResult:
    matched: bool
    values: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    reason: str = ""


@dataclass
class FeatureView:
    """What a feature check may read about one ad, with answers several rules share."""

    text: str
    features: Mapping[str, Any]
    region_prices: Sequence[float]  # sorted hourly prices of the ad's region
    region: str
    explain: bool = False  # build the reason of a check that fails (only `scanner rules explain` reads them)
    cache: dict[str, Any] = field(default_factory=dict)


NOT_MATCHED = CheckResult(False)


def span_evidence(item: Any, field_name: str = "text") -> list[Evidence]:
    if not isinstance(item, Mapping):
        return []
    span = item.get("span", item)  # a nested span, or start/end on the item itself (age_hints)
    if isinstance(span, Mapping) and "start" in span and "end" in span:
        return [{"start": span["start"], "end": span["end"], "text": span.get("text", ""), "field": field_name}]
    return []


def _details(features: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    items = features.get(key) or []
    return [item for item in items if isinstance(item, Mapping)]


def _ages(features: Mapping[str, Any]) -> list[int]:
    return [int(age) for age in features.get("ages") or [] if isinstance(age, int | float)]


def age_below(view: FeatureView, threshold: int) -> CheckResult:
    ages: list[int] | None = view.cache.get("ages")
    if ages is None:
        ages = view.cache["ages"] = _ages(view.features)
    if not ages or min(ages) >= threshold:
        if not view.explain:
            return NOT_MATCHED
        stated = ", ".join(str(a) for a in ages) or "none"
        return CheckResult(False, reason=f"no stated age below {threshold} (ages: {stated})")
    young = sorted({age for age in ages if age < threshold})
    evidence = [e for d in _details(view.features, "age_details") if d.get("value") in young for e in span_evidence(d)]
    return CheckResult(True, [f"stated age {age}" for age in young], evidence)


def age_hint(view: FeatureView) -> CheckResult:
    hints = _details(view.features, "age_hints")
    if not hints:
        return CheckResult(False, reason="no age hint found by the extractor")
    return CheckResult(True, [f"'{h.get('term', '')}'" for h in hints], [e for h in hints for e in span_evidence(h)])


def distinct_ages(view: FeatureView, at_least: int) -> CheckResult:
    ages = sorted(set(_ages(view.features)))
    if len(ages) < at_least:
        if not view.explain:
            return NOT_MATCHED
        return CheckResult(False, reason=f"{len(ages)} different ages, fewer than {at_least}")
    return CheckResult(True, [f"{len(ages)} different ages ({', '.join(map(str, ages))})"])


def hourly_prices(features: Mapping[str, Any]) -> list[tuple[float, Mapping[str, Any]]]:
    """Prices normalised to euros per hour: from minutes when given, else from per: hour."""
    found = []
    for price in _details(features, "prices"):
        amount = price.get("amount")
        if not isinstance(amount, int | float) or amount <= 0:
            continue
        if price.get("currency") not in (None, "", "EUR"):
            continue
        minutes = price.get("minutes")
        per = str(price.get("per") or "").lower()
        if isinstance(minutes, int | float) and minutes > 0:
            found.append((float(amount) * 60.0 / float(minutes), price))
        elif per in ("hour", "uur", "h", "60min", "60 min"):
            found.append((float(amount), price))
    return found


def percentile(ordered: Sequence[float], share: float) -> float:
    """Linear-interpolated percentile (0-100) of an ascending sequence."""
    position = (len(ordered) - 1) * share / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def price_below(view: FeatureView, share: float, min_prices: int) -> CheckResult:
    prices = hourly_prices(view.features)
    if not prices:
        return CheckResult(False, reason="no hourly price in the ad")
    if len(view.region_prices) < min_prices:
        return CheckResult(
            False,
            reason=f"only {len(view.region_prices)} prices known in {view.region or 'the region'}, {min_prices} needed",
        )
    limit = percentile(view.region_prices, share)
    low = [(amount, price) for amount, price in prices if amount < limit]
    if not low:
        cheapest = min(amount for amount, _ in prices)
        return CheckResult(False, reason=f"cheapest €{cheapest:.0f}/hour is not below €{limit:.0f} (p{share:g})")
    values = [
        f"€{amount:.0f} per hour, below €{limit:.0f} (p{share:g} of {len(view.region_prices)} prices in "
        f"{view.region or 'the region'})"
        for amount, _ in low
    ]
    return CheckResult(True, values, [e for _, price in low for e in span_evidence(price)])


def phone_obscured(view: FeatureView, level: int) -> CheckResult:
    hidden = [d for d in _details(view.features, "phone_details") if int(d.get("obscurity") or 0) >= level]
    if not hidden:
        if not view.explain:
            return NOT_MATCHED
        return CheckResult(False, reason=f"no phone number obscured at level {level} or more")
    values = [f"phone number written to dodge detection (level {int(d.get('obscurity') or 0)})" for d in hidden]
    return CheckResult(True, values, [e for d in hidden for e in span_evidence(d)])


def license_missing(view: FeatureView, municipality: MunicipalitySettings, pattern: re.Pattern[str]) -> CheckResult:
    if not municipality.license_required:
        return CheckResult(False, reason="municipality.license_required is off")
    if view.features.get("license_numbers"):
        return CheckResult(False, reason="a licence number is shown")
    if "license_numbers" in view.features:
        # The extractor searched the text with the same municipality.license_pattern and found none.
        return CheckResult(True, ["no licence number in the ad"])
    if "license_in_text" not in view.cache:
        view.cache["license_in_text"] = pattern.search(view.text) is not None
    if view.cache["license_in_text"]:
        return CheckResult(False, reason="the text matches municipality.license_pattern")
    return CheckResult(True, ["no licence number in the ad"])


def services_at_least(view: FeatureView, count: int) -> CheckResult:
    terms = sorted({str(s.get("term", "")).lower() for s in _details(view.features, "services")})
    if len(terms) < count:
        if not view.explain:
            return NOT_MATCHED
        return CheckResult(False, reason=f"{len(terms)} services listed, fewer than {count}")
    return CheckResult(True, [f"{len(terms)} services listed"])


def service_categories(view: FeatureView, categories: list[str]) -> CheckResult:
    found = [s for s in _details(view.features, "services") if s.get("category") in categories]
    if not found:
        return CheckResult(False, reason=f"no service of category {', '.join(categories)}")
    values = sorted({f"'{s.get('term', '')}'" for s in found})
    return CheckResult(True, values, [e for s in found for e in span_evidence(s)])


def third_person(view: FeatureView, share: float) -> CheckResult:
    value = view.features.get("third_person_share")
    if not isinstance(value, int | float) or value < share:
        if not view.explain:
            return NOT_MATCHED
        return CheckResult(False, reason=f"third-person share {value if value is not None else 'unknown'} < {share}")
    return CheckResult(True, [f"{value:.0%} of the text written about 'her' or 'them'"])


def languages_without(view: FeatureView, language: str) -> CheckResult:
    offered = [str(code) for code in view.features.get("languages_offered") or []]
    if not offered:
        return CheckResult(False, reason="no languages offered are listed")
    if language in offered:
        return CheckResult(False, reason=f"'{language}' is among the languages offered")
    return CheckResult(True, [f"languages offered: {', '.join(offered)} (no '{language}')"])


def phones_at_least(view: FeatureView, count: int) -> CheckResult:
    phones = view.features.get("phones") or []
    if len(phones) < count:
        if not view.explain:
            return NOT_MATCHED
        return CheckResult(False, reason=f"{len(phones)} phone numbers, fewer than {count}")
    return CheckResult(True, [f"{len(phones)} phone numbers in one ad"])


FeatureCheck = Callable[[FeatureView], CheckResult]


def feature_checks(
    selection: Selection, municipality: MunicipalitySettings, license_pattern: re.Pattern[str]
) -> list[FeatureCheck]:
    """The feature checks written in one selection, bound to their thresholds."""
    checks: list[FeatureCheck] = []
    s = selection
    if s.age_below is not None:
        limit = municipality.min_age if s.age_below == "municipal_min_age" else int(s.age_below)
        checks.append(lambda v: age_below(v, limit))
    if s.age_hint:
        checks.append(age_hint)
    if s.distinct_ages_at_least is not None:
        ages_needed = s.distinct_ages_at_least
        checks.append(lambda v: distinct_ages(v, ages_needed))
    if s.price_below_percentile is not None:
        share, min_prices = s.price_below_percentile, s.min_prices_in_region
        checks.append(lambda v: price_below(v, share, min_prices))
    if s.phone_obscurity_at_least is not None:
        level = s.phone_obscurity_at_least
        checks.append(lambda v: phone_obscured(v, level))
    if s.license_missing:
        checks.append(lambda v: license_missing(v, municipality, license_pattern))
    if s.services_at_least is not None:
        services_needed = s.services_at_least
        checks.append(lambda v: services_at_least(v, services_needed))
    if s.service_categories:
        categories = list(s.service_categories)
        checks.append(lambda v: service_categories(v, categories))
    if s.third_person_share_at_least is not None:
        third = s.third_person_share_at_least
        checks.append(lambda v: third_person(v, third))
    if s.languages_offered_without:
        language = s.languages_offered_without
        checks.append(lambda v: languages_without(v, language))
    if s.phones_at_least is not None:
        phones_needed = s.phones_at_least
        checks.append(lambda v: phones_at_least(v, phones_needed))
    return checks
