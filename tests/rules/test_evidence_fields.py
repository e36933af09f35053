"""Every evidence span names the field it came from and quotes that field at its own offsets.

A stored ad version is read as its title, a line break and its text, plus its site fields. The age a
site shows in its age field, the words of the title, the words of the text and a phone in the phone
field must each be quoted from where they are, never from another text that happens to hold the same
characters (the bug this guards: an age "18" from the age field shown on "€ 180,-" in the text).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanner.extract import extract
from scanner.extract.spans import joined_text, source_text
from scanner.rules import AdInput, RuleSet
from scanner.rules.engine import Hit
from scanner.settings import Settings

PACK = Path(__file__).resolve().parents[2] / "rules"


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return RuleSet.load(PACK, Settings())


def stored(title: str, text: str, fields: dict[str, Any]) -> AdInput:
    """An ad as the nightly run reads a stored version: extracted from title and text, with its site fields."""
    features = extract(joined_text(title, text), fields).to_json()
    return AdInput.from_version(title, text, features=features, fields=fields)


def hits_of(ruleset: RuleSet, ad: AdInput) -> dict[str, Hit]:
    return {hit.rule_id: hit for hit in ruleset.evaluate_ad(ad)}


def quoted(title: str, text: str, fields: dict[str, Any], span: dict[str, Any]) -> str:
    return source_text(title, text, fields, span["field"])[span["start"] : span["end"]]


# (title, text, site fields, rule, the (field, words) its evidence must quote)
CASES = [
    (
        "Lisa",
        "€ 180,- per uur. Terug op 15-05-2026.",
        {"age": "18"},
        "below-municipal-min-age",
        [("age", "18")],
    ),
    ("Lisa", "Prijs € 190 per uur", {"age": "19 jaar"}, "below-municipal-min-age", [("age", "19")]),
    ("Mila, net 18", "Lief meisje, leeftijd zie profiel", {"age": "17"}, "underage", [("age", "17")]),
    ("Real pics only", "Bel gerust", {}, "trust-language", [("title", "Real pics")]),
    ("Anna", "Nieuw! 24/7 beschikbaar voor jou", {}, "always-available", [("text", "24/7")]),
    (
        "Anna",
        "Alleen whatsapp",
        {"phone": "nul zes twaalf drie vier vijf zes zeven acht"},
        "obscured-phone",
        [("phone", "nul zes twaalf drie vier vijf zes zeven acht")],
    ),
]


@pytest.mark.parametrize(("title", "text", "fields", "rule", "expected"), CASES, ids=[case[3] for case in CASES])
def test_evidence_quotes_the_field_it_came_from(
    ruleset: RuleSet, title: str, text: str, fields: dict[str, Any], rule: str, expected: list[tuple[str, str]]
) -> None:
    hit = hits_of(ruleset, stored(title, text, fields))[rule]
    assert [(span["field"], span["text"]) for span in hit.evidence] == expected
    for span in hit.evidence:
        assert quoted(title, text, fields, span) == span["text"]


def test_an_ad_without_a_title_counts_text_offsets_from_its_first_character(ruleset: RuleSet) -> None:
    text = "Eerst iets anders. Dan 24/7 beschikbaar"
    hit = hits_of(ruleset, stored("", text, {}))["always-available"]
    (span,) = hit.evidence
    assert span["field"] == "text" and text[span["start"] : span["end"]] == "24/7"


def test_words_running_from_the_title_into_the_text_are_quoted_from_both() -> None:
    view_ad = AdInput.from_version("Dag en", "nacht open", features={}, fields={})
    from scanner.rules.engine import AdContext
    from scanner.rules.matchers import PhraseIndex

    view = AdContext(view_ad, PhraseIndex()).view
    span = view.quote(4, 12)  # "en\nnacht" in the joined text
    assert span == {"start": 4, "end": 12, "text": "en\nnacht", "field": "title+text"}
    assert view.quote(0, 3) == {"start": 0, "end": 3, "text": "Dag", "field": "title"}
    assert view.quote(7, 12) == {"start": 0, "end": 5, "text": "nacht", "field": "text"}


def test_a_span_outside_its_field_is_dropped_not_quoted_elsewhere() -> None:
    ad = AdInput.from_version("Lisa", "€ 180,- per uur", features={}, fields={"age": "18"})
    from scanner.rules.engine import AdContext
    from scanner.rules.matchers import PhraseIndex

    view = AdContext(ad, PhraseIndex()).view
    assert view.quote(0, 2, "age") == {"start": 0, "end": 2, "text": "18", "field": "age"}
    assert view.quote(3, 5, "age") is None  # past the end of the age field
    assert view.quote(0, 2, "phone") is None  # no such field on this ad


def test_a_hit_cites_every_selection_that_speaks_for_it(ruleset: RuleSet) -> None:
    """underage fires on `any: [stated_age, age_in_text]`; the hit names both when both hold, whichever the
    condition checked first, so the stored hit and `rules explain` say the same."""
    ad = stored("Mila", "Mila, 17 jaar, nieuw hier", {"age": "17"})
    hit = hits_of(ruleset, ad)["underage"]
    assert "stated age 17" in hit.explanation and "'17 jaar'" in hit.explanation
    assert {span["field"] for span in hit.evidence} == {"age", "text"}
    explained = next(e for e in ruleset.explain_ad(ad) if e.rule_id == "underage")
    assert explained.hit == hit


def test_weights_and_explanations_of_the_nightly_run_and_explain_agree_on_a_licensed_ad(ruleset: RuleSet) -> None:
    ad = stored("Club Rood", "Vergunningnummer: AMS-2021-045. 24/7 open, nieuwe dames", {"license": "AMS-2021-045"})
    night = hits_of(ruleset, ad)
    explained = {e.rule_id: e.hit for e in ruleset.explain_ad(ad) if e.enabled and e.hit is not None}
    assert night == explained


def test_the_rule_set_hash_covers_the_form_of_the_hits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new form of hits (as when evidence began to name its field) makes the next run evaluate every ad again."""
    import scanner.rules.ruleset as ruleset_module

    now = RuleSet.load(PACK, Settings()).hash
    monkeypatch.setattr(ruleset_module, "HIT_FORMAT", ruleset_module.HIT_FORMAT - 1)
    assert RuleSet.load(PACK, Settings()).hash != now
