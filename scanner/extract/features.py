"""`extract(text, fields)`: everything the later stages read from one ad, with its evidence.

The text is normalised once (`normalize`), every reader runs on that view, and each finding keeps
the span of the original characters it came from. Site fields ("phone", "age", "city", "license",
"languages", ...) are read too: their spans carry `"field": name`, and phones found there get
`found_in = "field"`. `Extraction.to_json(id)` gives the public JSON shape of `scanner extract`
(docs/cli/extract.md), which is also what `ad_versions.features` stores.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from scanner.extract import ages, contacts, language, places, prices, terms
from scanner.extract.currencies import ad_currency
from scanner.extract.normalize import Normalized, Triggers, normalize
from scanner.extract.numbers import words_to_digits
from scanner.extract.phones import find_phones
from scanner.extract.regions import AdRegions
from scanner.extract.spans import field_text
from scanner.places import resolve_place
from scanner.settings import Settings

# Bump on any change of behaviour: `extract_pending` re-extracts every version with another one.
EXTRACTOR_VERSION = "extract-1.6"

PHONE_FIELDS = frozenset({"phone", "telefoon", "tel", "telefoonnummer", "mobile", "mobiel", "whatsapp", "phone_number"})
AGE_FIELDS = frozenset({"age", "leeftijd", "alter", "edad"})
CITY_FIELDS = frozenset({"city", "plaats", "stad", "location", "locatie", "woonplaats", "regio", "region", "place"})
LICENSE_FIELDS = frozenset({"license", "licence", "vergunning", "vergunningnummer", "license_number", "licentie"})
LANGUAGE_FIELDS = frozenset({"languages", "language", "talen", "taal", "spoken_languages"})
SERVICE_FIELDS = frozenset({"services", "service", "diensten", "extras"})
NAME_FIELDS = frozenset({"name", "naam", "title", "titel", "nickname"})
_TRIGGERS = Triggers([*terms.SERVICES.triggers, *terms.AVAILABILITY.triggers, *ages.HINTS.triggers])
_LEXICON_READERS = frozenset({"ages", "terms"})
ALL_READERS = frozenset({"phones", "ages", "places", "prices", "contacts", "licenses", "languages", "terms"})
_READERS_BY_FIELD: dict[str, frozenset[str]] = {
    "phone": frozenset({"phones"}),
    "age": frozenset({"ages"}),
    "city": frozenset({"places"}),
    "license": frozenset({"licenses"}),
    "language": frozenset({"languages"}),
    "services": frozenset({"terms"}),
    "name": frozenset({"phones", "contacts"}),
}


# the first kind listed wins for a name in two sets
_FIELD_KINDS = {
    name: kind
    for kind, names in reversed((
        ("phone", PHONE_FIELDS), ("age", AGE_FIELDS), ("city", CITY_FIELDS), ("license", LICENSE_FIELDS),
        ("language", LANGUAGE_FIELDS), ("services", SERVICE_FIELDS), ("name", NAME_FIELDS),
    ))
    for name in names
}  # fmt: skip


def _field_kind(name: str) -> str:
    return _FIELD_KINDS.get(name, "other")


@cache
def _default_settings() -> Settings:
    return Settings()


def _span(kind: str, start: int, end: int, text: str, value: Any, source: str | None) -> dict[str, Any]:
    span: dict[str, Any] = {"kind": kind, "start": start, "end": end, "text": text, "value": value}
    if source is not None:
        span["field"] = source
    return span


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


@dataclass
class Extraction:
    """What one ad says, each finding with its span; `to_json` is the public shape."""

    phone_details: list[dict[str, Any]] = field(default_factory=list)
    age_details: list[dict[str, Any]] = field(default_factory=list)
    age_hints: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    prices: list[dict[str, Any]] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    handles: list[dict[str, str]] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    license_numbers: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    languages_offered: list[str] = field(default_factory=list)
    third_person_share: float = 0.0
    services: list[dict[str, Any]] = field(default_factory=list)
    availability: list[dict[str, Any]] = field(default_factory=list)
    spans: list[dict[str, Any]] = field(default_factory=list)
    field_cities: list[str] = field(default_factory=list)

    @property
    def phones(self) -> list[str]:
        return list(dict.fromkeys(detail["e164"] for detail in self.phone_details))

    @property
    def ages(self) -> list[int]:
        return list(dict.fromkeys(detail["value"] for detail in self.age_details))

    @property
    def cities(self) -> list[str]:
        """Canonical names, the site's city field first, then in order of mention; a district named right
        after its city ("Den Haag Scheveningen") or a reference point ("10 min van Utrecht") is in `places` but not a
        city of its own."""
        # the municipality of a place in the site's city field is that same place ("Zaandam" and "Zaanstad")
        covered = {place["municipality"] for place in self.places if place["span"].get("field")}
        covered -= set(self.field_cities)
        named = (
            p["name"]
            for p in self.places
            if not p.get("district") and not p.get("reference") and p["name"] not in covered
        )
        return list(dict.fromkeys([*self.field_cities, *named]))

    def to_json(self, id: Any = None) -> dict[str, Any]:
        return {
            "id": id,
            "phones": self.phones,
            "ages": self.ages,
            "age_hints": self.age_hints,
            "cities": self.cities,
            "prices": self.prices,
            "emails": self.emails,
            "handles": self.handles,
            "license_numbers": self.license_numbers,
            "languages": self.languages,
            "spans": self.spans,
            "phone_details": self.phone_details,
            "age_details": self.age_details,
            "places": self.places,
            "urls": self.urls,
            "languages_offered": self.languages_offered,
            "third_person_share": self.third_person_share,
            "services": self.services,
            "availability": self.availability,
            "extractor_version": EXTRACTOR_VERSION,
        }


class _Builder:
    def __init__(self, settings: Settings, ad_regions: AdRegions, currency: str) -> None:
        self.settings = settings
        self.ad_regions = ad_regions  # the countries the ad text points to, for the phones of the text and fields
        self.currency = currency  # of the amounts that name none, in the text and the fields
        self.result = Extraction()
        self._phones: dict[tuple[str, str], dict[str, Any]] = {}
        self._prices: set[tuple[Any, ...]] = set()
        self._ages: set[tuple[Any, ...]] = set()
        self._seen: set[tuple[str, str]] = set()

    def _first(self, kind: str, value: str) -> bool:
        """True the first time (kind, value) is seen: the public lists keep each value once."""
        if (kind, value) in self._seen:
            return False
        self._seen.add((kind, value))
        return True

    def read(self, view: Normalized, source: str | None) -> None:
        """Run the readers over one text: the ad text, or one field when `source` names it (a field of a
        known kind is read only for that kind: a phone field for phones, a city field for places)."""
        name = (source or "").lower()
        wanted = _READERS_BY_FIELD.get(_field_kind(name), ALL_READERS) if source is not None else ALL_READERS
        # one pass for every lexicon, only when a reader of youth hints or terms runs
        hits = _TRIGGERS.find(view) if wanted & _LEXICON_READERS else set()
        if "phones" in wanted:
            self._read_phones(view, source)
        if "ages" in wanted:
            for age in ages.find_ages(view):
                self._age(age.value, age.start, age.end, age.text, source)
            if name in AGE_FIELDS:
                self._age_field(view, source)
            for hint in ages.find_age_hints(view, hits):
                self.result.age_hints.append(
                    {"term": hint.term, "start": hint.start, "end": hint.end, "text": hint.text, **_field(source)}
                )
                self.result.spans.append(_span("age_hint", hint.start, hint.end, hint.text, hint.term, source))
        if "places" in wanted:
            self._read_places(view, source, name in CITY_FIELDS)
        if "prices" in wanted:
            self._read_prices(view, source)
        if "contacts" in wanted:
            self._read_contacts(view, source)
        if "licenses" in wanted:
            self._read_licenses(view, source, name in LICENSE_FIELDS)
        if "languages" in wanted:
            for offered in language.find_languages_offered(view, field=name in LANGUAGE_FIELDS):
                if self._first("language", offered.code):
                    self.result.languages_offered.append(offered.code)
                self.result.spans.append(
                    _span("language_offered", offered.start, offered.end, offered.text, offered.code, source)
                )
        if "terms" in wanted:
            self._read_terms(view, source, hits)

    def _read_phones(self, view: Normalized, source: str | None) -> None:
        extract = self.settings.extract
        regions = self.ad_regions if source is None else self.ad_regions.joined(AdRegions.of(view, ()))
        for phone in find_phones(view, extract.default_region, extract.other_regions, regions):
            found_in = "field" if source is not None else phone.found_in
            span = {"start": phone.start, "end": phone.end, "text": phone.text, **_field(source)}
            key = (phone.e164, found_in)
            known = self._phones.get(key)
            if known is None:
                self._phones[key] = detail = {
                    "e164": phone.e164, "type": phone.type, "region": phone.region,
                    "obscurity": phone.obscurity, "found_in": found_in, "span": span,
                }  # fmt: skip
                self.result.phone_details.append(detail)
            elif phone.obscurity < known["obscurity"]:
                known["obscurity"] = phone.obscurity
            self.result.spans.append(_span("phone", phone.start, phone.end, phone.text, phone.e164, source))

    def _read_places(self, view: Normalized, source: str | None, city_field: bool) -> None:
        found = places.find_places(view, field=city_field)
        # A site's place field is read by the one place resolver ("Heemstede (bij Haarlem)" is Heemstede,
        # "Haarlem e.o." Haarlem); other places named in the field are where she is not.
        resolved = resolve_place(view.original) if city_field else None
        home = resolved.place if resolved is not None else None
        if home is not None and not any(match.place == home for match in found):
            start = len(view.original) - len(view.original.lstrip())
            text = view.original.strip()
            found.insert(0, places.PlaceMatch(home, start, start + len(text), text))
        for match in found:
            place = match.place
            elsewhere = home is not None and place != home
            if city_field and not elsewhere:
                self.result.field_cities.append(place.name)
            span = {"start": match.start, "end": match.end, "text": match.text, **_field(source)}
            self.result.places.append(
                {
                    "name": place.name,
                    "municipality": place.municipality,
                    "province": place.province,
                    "police_unit": place.police_unit,
                    "safety_region": place.safety_region,
                    "country": place.country,
                    "district": match.district,
                    "reference": match.reference or elsewhere,
                    "span": span,
                }
            )
            self.result.spans.append(_span("place", match.start, match.end, match.text, place.name, source))

    def _read_prices(self, view: Normalized, source: str | None) -> None:
        for price in prices.find_prices(view, self.settings.extract.default_region, self.currency):
            amount = _number(price.amount)
            key = (amount, price.currency, price.per, price.minutes)
            span = {"start": price.start, "end": price.end, "text": price.text, **_field(source)}
            if key not in self._prices:
                self._prices.add(key)
                self.result.prices.append(
                    {
                        "amount": amount,
                        "currency": price.currency,
                        "per": price.per,
                        "minutes": price.minutes,
                        "span": span,
                    }
                )
            self.result.spans.append(_span("price", price.start, price.end, price.text, amount, source))

    def _read_contacts(self, view: Normalized, source: str | None) -> None:
        out = self.result
        for email in contacts.find_emails(view):
            if self._first("email", email.value):
                out.emails.append(email.value)
            out.spans.append(_span("email", email.start, email.end, email.text, email.value, source))
        for handle in contacts.find_handles(view):
            value = f"{handle.kind}:{handle.value}"
            if self._first("handle", value):
                out.handles.append({"kind": handle.kind, "value": handle.value})
            out.spans.append(_span("handle", handle.start, handle.end, handle.text, value, source))
        for url in contacts.find_urls(view):
            if self._first("url", url.value):
                out.urls.append(url.value)
            out.spans.append(_span("url", url.start, url.end, url.text, url.value, source))

    def _read_licenses(self, view: Normalized, source: str | None, license_field: bool) -> None:
        found = contacts.find_licenses(view.original, self.settings.municipality.license_pattern)
        if license_field and not found and any(char.isdigit() for char in view.original):
            value = view.original.strip()
            start = view.original.find(value)
            found = [contacts.ContactMatch("license", value.upper(), start, start + len(value), value)]
        for number in found:
            if self._first("license", number.value):
                self.result.license_numbers.append(number.value)
            self.result.spans.append(_span("license", number.start, number.end, number.text, number.value, source))

    def _read_terms(self, view: Normalized, source: str | None, hits: set[str]) -> None:
        for service in terms.find_services(view, hits):
            self.result.services.append(
                {"term": service.term, "category": service.group, "span": _plain_span(service, source)}
            )
            self.result.spans.append(_span("service", service.start, service.end, service.text, service.group, source))
        for term in terms.find_availability(view, hits):
            self.result.availability.append({"term": term.term, "kind": term.group, "span": _plain_span(term, source)})
            self.result.spans.append(_span("availability", term.start, term.end, term.text, term.group, source))

    def _age(self, value: int, start: int, end: int, text: str, source: str | None) -> None:
        key = (value, start, end, source)
        if key in self._ages:
            return
        self._ages.add(key)
        span = {"start": start, "end": end, "text": text, **_field(source)}
        self.result.age_details.append({"value": value, "span": span})
        self.result.spans.append(_span("age", start, end, text, value, source))

    def _age_field(self, view: Normalized, source: str | None) -> None:
        stripped = view.text.strip()
        digits = stripped if stripped.isdigit() else words_to_digits(stripped)
        if digits is None:
            head = stripped.split()[0] if stripped.split() else ""
            digits = head if head.isdigit() else None
        if digits is None or not 10 <= int(digits) <= 99:
            return
        if any(d["span"].get("field") == source for d in self.result.age_details):
            return
        start = view.original.find(view.original.strip()[:1]) if view.original.strip() else 0
        end = start + len(digits) if stripped.isdigit() or stripped.split()[0].isdigit() else len(view.original)
        self._age(int(digits), start, end, view.original[start:end], source)


def _field(source: str | None) -> dict[str, str]:
    return {"field": source} if source is not None else {}


def _plain_span(term: terms.TermMatch, source: str | None) -> dict[str, Any]:
    return {"start": term.start, "end": term.end, "text": term.text, **_field(source)}


def extract(text: str, fields: Mapping[str, str] | None = None, *, settings: Settings | None = None) -> Extraction:
    """Read phones, ages, places, prices, contacts, languages and rule terms from one ad."""
    settings = settings or _default_settings()
    view = normalize(text or "")
    languages = language.detect_languages(view)
    currency = ad_currency(view, settings.extract.default_region)
    builder = _Builder(settings, AdRegions.of(view, languages), currency)
    builder.read(view, None)
    for name in fields or {}:
        value = field_text(fields, name)  # the text a span of this field counts in (scanner.extract.spans)
        if not value.strip():
            continue
        builder.read(normalize(value), str(name))
    result = builder.result
    result.languages = languages
    result.third_person_share = terms.third_person_share(view)
    return result
