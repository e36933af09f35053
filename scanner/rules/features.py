"""Checks on the extracted features of one ad (`ad_versions.features`, the JSON of `scanner extract`).

Each check reads one part of the features and answers: did it match, which values (shown in the
explanation) and which evidence spans. Values never contain a phone number, e-mail or handle: the
explanation says *that* a phone was obscured, the span points at where.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scanner.extract.spans import TEXT, TITLE_AND_TEXT, field_text, locate, source_text
from scanner.rules.model import Selection
from scanner.settings import MunicipalitySettings

Evidence = dict[str, Any]


@dataclass(slots=True)
class CheckResult:
    matched: bool
    values: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    reason: str = ""


def share_key(share: float) -> str:
    """How a percentile share is written in a recorded statistic: 10.0 -> "10"."""
    return f"{share:g}"


@dataclass(frozen=True)
class AreaPrices:
    """The hourly prices a price check compares an ad with: of its city, else its province, else nationwide.

    A scan holds the whole ascending list (`prices`); what it records per evaluated ad (`record`) is the
    area, the count and the percentiles the rules asked for, so `scanner rules explain` can judge the
    ad later with exactly the statistics the scan used (`from_record`).
    """

    area: str = ""
    count: int = 0
    prices: Sequence[float] = ()  # ascending; empty when only recorded percentiles are known
    percentiles: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, area: str, ascending: Sequence[float]) -> AreaPrices:
        return cls(area, len(ascending), ascending)

    def percentile(self, share: float) -> float | None:
        if self.prices:
            return percentile(self.prices, share)
        return self.percentiles.get(share_key(share))

    def record(self, shares: Iterable[float]) -> dict[str, Any]:
        values = {share_key(share): self.percentile(share) for share in sorted(set(shares))}
        kept = {key: round(value, 4) for key, value in values.items() if value is not None}
        return {"area": self.area, "count": self.count, "percentiles": kept}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> AreaPrices:
        percentiles = {str(key): float(value) for key, value in (record.get("percentiles") or {}).items()}
        return cls(str(record.get("area") or ""), int(record.get("count") or 0), (), percentiles)


@dataclass
class FeatureView:
    """What a feature check may read about one ad, with answers several rules share."""

    text: str  # what the rules read: the joined title and text of `scanner.extract.spans`, or a text alone
    features: Mapping[str, Any]
    prices: AreaPrices  # the hourly prices of the ad's area
    explain: bool = False  # build the reason of a check that fails (only `scanner rules explain` reads them)
    title_length: int | None = None  # `text` is title + "\n" + text; None: `text` is the ad text alone
    fields: Mapping[str, Any] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)

    def quote(self, start: int, end: int, source: str | None = None) -> Evidence | None:
        """Evidence for characters start..end of `text` (source None), or of the named source (a site field,
        or title / text / title+text); it names the field the characters lie in and quotes that field.
        None when the offsets do not fall inside it."""
        if source is None and self.title_length is not None:
            source, start, end = locate(start, end, self.title_length)
        whole = self.source_text(source or TEXT)
        if not 0 <= start < end <= len(whole):
            return None
        return {"start": start, "end": end, "text": whole[start:end], "field": source or TEXT}

    def source_text(self, name: str) -> str:
        if self.title_length is None:  # a text alone: no title to tell apart
            return self.text if name in (TEXT, TITLE_AND_TEXT) else field_text(self.fields, name)
        title, body = self.text[: self.title_length], self.text[self.title_length + 1 :]
        return source_text(title, body, self.fields, name)


NOT_MATCHED = CheckResult(False)


def span_evidence(view: FeatureView, item: Any) -> list[Evidence]:
    """The evidence of an extracted finding: its span, in the ad text or in the site field it came from."""
    if not isinstance(item, Mapping):
        return []
    span = item.get("span", item)  # a nested span, or start/end on the item itself (age_hints)
    if not isinstance(span, Mapping):
        return []
    start, end, source = span.get("start"), span.get("end"), span.get("field")
    if not isinstance(start, int) or not isinstance(end, int):
        return []
    quoted = view.quote(start, end, str(source) if source else None)
    return [quoted] if quoted is not None else []


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
    evidence = [
        e for d in _details(view.features, "age_details") if d.get("value") in young for e in span_evidence(view, d)
    ]
    return CheckResult(True, [f"stated age {age}" for age in young], evidence)


def age_hint(view: FeatureView) -> CheckResult:
    hints = _details(view.features, "age_hints")
    if not hints:
        return CheckResult(False, reason="no age hint found by the extractor")
    return CheckResult(
        True, [f"'{h.get('term', '')}'" for h in hints], [e for h in hints for e in span_evidence(view, h)]
    )


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


def euro(amount: float) -> str:
    """€75 for a whole amount, €74.50 otherwise: a price and a limit never look equal when they are not."""
    return f"€{amount:.0f}" if float(amount).is_integer() else f"€{amount:.2f}"


def price_below(view: FeatureView, share: float, min_prices: int) -> CheckResult:
    prices = hourly_prices(view.features)
    if not prices:
        return CheckResult(False, reason="no hourly price in the ad")
    area = view.prices.area or "the region"
    if view.prices.count < min_prices:
        return CheckResult(False, reason=f"only {view.prices.count} prices known in {area}, {min_prices} needed")
    limit = view.prices.percentile(share)
    if limit is None:
        return CheckResult(False, reason=f"the p{share:g} of the prices in {area} was not recorded by the scan")
    low = [(amount, price) for amount, price in prices if amount < limit]
    if not low:
        cheapest = min(amount for amount, _ in prices)
        return CheckResult(False, reason=f"cheapest {euro(cheapest)}/hour is not below {euro(limit)} (p{share:g})")
    values = [
        f"{euro(amount)} per hour, below {euro(limit)} (p{share:g} of {view.prices.count} prices in {area})"
        for amount, _ in low
    ]
    return CheckResult(True, values, [e for _, price in low for e in span_evidence(view, price)])


def phone_obscured(view: FeatureView, level: int) -> CheckResult:
    hidden = [d for d in _details(view.features, "phone_details") if int(d.get("obscurity") or 0) >= level]
    if not hidden:
        if not view.explain:
            return NOT_MATCHED
        return CheckResult(False, reason=f"no phone number obscured at level {level} or more")
    values = [f"phone number written to dodge detection (level {int(d.get('obscurity') or 0)})" for d in hidden]
    return CheckResult(True, values, [e for d in hidden for e in span_evidence(view, d)])


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
    return CheckResult(True, values, [e for s in found for e in span_evidence(view, s)])


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
