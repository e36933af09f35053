"""The indicator rule format: pydantic models of one rule file and one word-list file.

These models are the single description of the format. They check types, ranges and unknown keys
(with file:line:column through `scanner.yamlfile`); the checks that need more than one field or the
whole pack (unknown lists, conditions, examples required by status) live in `validate.py`.
`rules/schema.json` is generated from `Rule` for editors (`python -m scanner.rules.schema`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Status = Literal["experimental", "test", "stable", "deprecated"]
EvidenceGrade = Literal["study", "consensus", "contrary"]
Category = Literal["trafficking", "licensing", "underage"]
Severity = Literal["low", "medium", "high", "critical"]
Confidence = Literal["low", "medium", "high"]
GroupBy = Literal["phone", "email", "photo", "template", "network"]
GroupCount = Literal["ads", "names", "cities", "phones"]

STATUS_MEANING: dict[str, str] = {
    "experimental": "being written or tuned; not run at night unless a deployment enables it; examples optional",
    "test": "runs at night and its hits are shown, while its false positives are watched; examples required",
    "stable": "proven on its examples and the benign baseline over time; examples required",
    "deprecated": "kept for history; never runs unless a deployment enables it",
}
EVIDENCE_MEANING: dict[str, str] = {
    "study": "a study that compared trafficking ads with other ads found it predictive (▲ in docs/indicators.md)",
    "consensus": "named by practitioners or published lists, not tested against known negatives (●)",
    "contrary": "a study found it not predictive or pointing the other way (▼): weigh little or nothing",
}
CATEGORY_MEANING: dict[str, str] = {
    "trafficking": "adds its weight to the trafficking-risk score",
    "licensing": "adds its weight to the licensing-compliance score",
    "underage": "escalates the ad for immediate human attention; never a score, weight is ignored",
}
RUNS_AT_NIGHT: frozenset[str] = frozenset({"test", "stable"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Near(_Strict):
    """A term match only counts when a word of these lists or terms is close by."""

    lists: list[str] = Field(default_factory=list, description="Word lists whose terms must be close by.")
    terms: list[str] = Field(default_factory=list, description="Words or phrases that must be close by.")
    within: int = Field(default=5, ge=1, le=50, description="At most this many words away, before or after.")


class Selection(_Strict):
    """A named part of a rule. It matches when every check written in it matches (all of them)."""

    lists: list[str] = Field(default_factory=list, description="Word lists (rules/lists/<id>.yaml) to look for.")
    terms: list[str] = Field(default_factory=list, description="Extra words or phrases, written in the rule.")
    languages: list[str] | None = Field(default=None, description="Only terms of these languages (default: all).")
    at_least: int = Field(default=1, ge=1, le=100, description="Distinct terms that must be found.")
    negation: bool = Field(default=True, description="Skip a term when a negation word ('geen', 'no') precedes it.")
    negation_window: int = Field(default=3, ge=1, le=10, description="Words before a term searched for negation.")
    except_lists: list[str] = Field(
        default_factory=list, description="Lists of phrases that cancel a term inside them."
    )
    except_terms: list[str] = Field(
        default_factory=list, alias="except", description="Phrases that cancel a term inside them ('jong van geest')."
    )
    near: Near | None = Field(default=None, description="Terms count only near these words.")
    regex: str | None = Field(default=None, description="A regular expression, case-insensitive, searched in the text.")
    age_below: int | Literal["municipal_min_age"] | None = Field(
        default=None, description="A stated age below this number (or below municipality.min_age)."
    )
    age_hint: bool | None = Field(default=None, description="The extractor found an age hint ('net 18', 'tiener').")
    distinct_ages_at_least: int | None = Field(default=None, ge=2, description="Several different ages in one ad.")
    price_below_percentile: float | None = Field(
        default=None, gt=0, lt=100, description="An hourly price below this percentile of the region's prices."
    )
    min_prices_in_region: int = Field(
        default=20, ge=1, description="Prices needed in the region before price_below_percentile can match."
    )
    phone_obscurity_at_least: int | None = Field(
        default=None, ge=1, le=3, description="A phone number written to dodge detection, at this level or higher."
    )
    license_missing: bool | None = Field(
        default=None, description="No licence number where municipality.license_required says one must be."
    )
    services_at_least: int | None = Field(default=None, ge=1, description="At least this many services listed.")
    service_categories: list[str] = Field(default_factory=list, description="A service of one of these categories.")
    third_person_share_at_least: float | None = Field(
        default=None, gt=0, le=1, description="Share of sentences written about 'her' instead of 'I'."
    )
    languages_offered_without: str | None = Field(
        default=None, description="Languages offered are listed and do not include this one (e.g. nl)."
    )
    phones_at_least: int | None = Field(default=None, ge=2, description="At least this many phone numbers in one ad.")
    fired: list[str] = Field(
        default_factory=list,
        description="In a group rule's member filter: one of these per-ad rules fires on the ad (run at night or not).",
    )


class Group(_Strict):
    """A rule over groups of ads that share something, counted in a time window."""

    by: GroupBy = Field(description="What the ads share: phone, email, photo, template (near-same text), network.")
    count: GroupCount = Field(description="What is counted in the group: ads, names, cities or phones.")
    at_least: int = Field(ge=2, le=1000, description="The rule fires when the count reaches this number.")
    within_days: int = Field(default=30, ge=1, le=365, description="...inside any window of this many days.")
    skip_licensed_numbers: bool = Field(
        default=True, description="Ignore phones listed in linking.licensed_numbers (licensed businesses)."
    )


class GroupAdExample(_Strict):
    """One ad of a group example: what it shares, when it was seen and, for a member filter, what it says."""

    title: str = ""
    text: str = Field(default="", description="The ad's text, read by the rule's match: (its member filter).")
    features: dict[str, Any] = Field(default_factory=dict, description="Extracted features; replace computed ones.")
    name: str | None = None
    city: str | None = None
    phone: str | None = None
    email: str | None = None
    photo: str | None = None
    template: str | None = None
    network: str | None = None
    licence: str | None = Field(default=None, description="A licence number shown in the ad.")
    day: int = Field(default=0, ge=0, description="First day the ad was seen.")
    last_day: int | None = Field(default=None, ge=0, description="Last day seen (default: the first day).")


class Example(_Strict):
    """An ad (text and/or extracted features) or a group of ads (for group rules) with a note."""

    title: str = ""
    text: str = ""
    features: dict[str, Any] = Field(default_factory=dict, description="Extracted features; replace computed ones.")
    fields: dict[str, Any] = Field(default_factory=dict, description="Labelled fields of the site (name, age...).")
    city: str | None = None
    region_prices: list[float] = Field(
        default_factory=list, description="Hourly prices of the ad's region, for price_below_percentile."
    )
    ads: list[GroupAdExample] = Field(default_factory=list, description="For group rules: the ads of one group.")
    note: str = ""


class Examples(_Strict):
    match: list[Example] = Field(default_factory=list, description="Ads (or groups) the rule must fire on.")
    no_match: list[Example] = Field(default_factory=list, description="Ads (or groups) the rule must not fire on.")


class KnownMiss(Example):
    why: str = Field(description="Why the rule misses this ad today.")


class Related(_Strict):
    id: str = Field(description="Id of another rule.")
    type: Literal["derived", "obsolete", "similar", "escalates"] = "similar"


class Rule(_Strict):
    """One indicator: who wrote it, what it signals, how it matches, and the proof that it works."""

    id: str = Field(pattern=SLUG, description="Stable slug, equal to the file name without .yaml.")
    title: str = Field(min_length=3, max_length=120)
    description: str = Field(min_length=10)
    version: int = Field(ge=1, description="Raised on every change of matching logic or weight.")
    status: Status
    author: str = Field(min_length=1)
    date: dt.date = Field(description="Written on (YYYY-MM-DD).")
    modified: dt.date | None = Field(default=None, description="Last changed on (YYYY-MM-DD).")
    references: list[str] = Field(min_length=1, description="Published sources of the indicator.")
    evidence: EvidenceGrade
    indicator: str | None = Field(
        default=None, description="Id of the indicator in docs/indicators.md, e.g. 3, N1, L1."
    )
    category: Category
    severity: Severity
    confidence: Confidence
    weight: float = Field(ge=0, le=10, description="Contribution to its score, 0 to 10.")
    licensed_factor: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="Share of the weight kept on an ad that shows a licence number, or a group most of whose ads "
        "do (a licensed business); 0: the rule does not fire on them.",
    )
    sensitive: bool = Field(
        default=False, description="Uses nationality, ethnicity or language: off unless a deployment enables it."
    )
    tags: list[str] = Field(default_factory=list)
    match: dict[str, Selection] | None = Field(
        default=None,
        description="Named selections on one ad. With group: the member filter: only ads that match are counted.",
    )
    condition: str | dict[str, Any] | None = Field(
        default=None,
        description="How selections combine: a name, or {all: [...]}, {any: [...]}, {not: ...}. "
        "Default: all selections.",
    )
    group: Group | None = Field(default=None, description="For rules over groups of ads instead of one ad.")
    explanation: str = Field(min_length=5, description="Shown to investigators; {selection} is filled with matches.")
    false_positives: list[str] = Field(min_length=1, description="Honest ads this rule can fire on.")
    examples: Examples = Field(default_factory=Examples)
    known_misses: list[KnownMiss] = Field(default_factory=list)
    related: list[Related] = Field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return self.group is not None

    @property
    def is_per_ad(self) -> bool:
        """A rule on one ad at a time (match: without group:)."""
        return self.group is None and self.match is not None

    @property
    def has_member_filter(self) -> bool:
        """A group rule that counts only the ads its match: selections (and condition:) accept."""
        return self.group is not None and bool(self.match)


class WordList(_Strict):
    """A shared word list: terms per language (two-letter code, or `any` for emoji and abbreviations)."""

    id: str = Field(pattern=SLUG, description="Equal to the file name without .yaml.")
    description: str = Field(min_length=5)
    sensitive: bool = Field(default=False, description="Names nationality, ethnicity or language.")
    references: list[str] = Field(default_factory=list)
    terms: dict[str, list[str]] = Field(description="Language code -> words or phrases; a trailing * matches prefixes.")


LANGUAGES: frozenset[str] = frozenset({"any", "nl", "en", "de", "fr", "es", "pt", "it", "ro", "bg", "hu", "pl", "ru"})
