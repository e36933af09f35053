"""The per-ad engine on the shipped pack: what fires, the evidence it keeps, and tuning without editing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from scanner.errors import ConfigError
from scanner.extract import extract
from scanner.rules import AdInput, RuleSet
from scanner.settings import RuleOverride, Settings

PACK = Path(__file__).resolve().parents[2] / "rules"
PHRASES = YAML(typ="safe").load((Path(__file__).parent / "data" / "phrases.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return RuleSet.load(PACK, Settings())


def ad(text: str, **features: Any) -> AdInput:
    return AdInput(text=text, features={**extract(text).to_json(), **features})


@pytest.mark.parametrize("case", PHRASES, ids=lambda case: case["text"][:40])
def test_what_fires_on_ad_texts(ruleset: RuleSet, case: dict[str, Any]) -> None:
    fired = {hit.rule_id for hit in ruleset.evaluate_ad(ad(case["text"]))}
    assert set(case["fires"]) <= fired, f"missing {set(case['fires']) - fired}"
    assert not set(case["not"]) & fired, f"must not fire: {set(case['not']) & fired}"


def test_hits_carry_version_category_weight_and_evidence_spans(ruleset: RuleSet) -> None:
    text = "Titel\nPijpen zonder condoom en 24/7 beschikbaar"
    hits = {hit.rule_id: hit for hit in ruleset.evaluate_ad(ad(text))}
    unsafe = hits["unsafe-services"]
    assert (unsafe.rule_version, unsafe.category, unsafe.weight) == (1, "trafficking", 3.0)
    assert "'Pijpen zonder condoom'" in unsafe.explanation
    for hit in hits.values():
        for span in hit.evidence:
            if span["field"] == "text":
                assert text[span["start"] : span["end"]] == span["text"]


def test_explain_gives_a_reason_per_selection(ruleset: RuleSet) -> None:
    explanations = {e.rule_id: e for e in ruleset.explain_ad(ad("Geen 24/7, wel gezellig"))}
    always = explanations["always-available"]
    assert not always.fired
    assert "'24/7' is negated by 'geen'" in always.selections[0].reason
    nationality = explanations["nationality"]
    assert not nationality.enabled and "sensitive" in nationality.reason


def test_underage_escalates_with_weight_zero(ruleset: RuleSet) -> None:
    hit = next(h for h in ruleset.evaluate_ad(ad("Sweet girl 17 yo")) if h.rule_id == "underage")
    assert hit.category == "underage" and hit.severity == "critical"
    assert "Escalate" in hit.explanation


def test_overrides_change_weight_thresholds_and_enabled_without_editing() -> None:
    settings = Settings()
    settings.rules.overrides = {
        "youth-language": RuleOverride(weight=6),
        "extreme-services": RuleOverride(thresholds={"extreme.at_least": 1}),
        "movement-language": RuleOverride(enabled=False),
    }
    tuned = RuleSet.load(PACK, settings)
    hits = {h.rule_id: h for h in tuned.evaluate_ad(ad("Jonge meid, grieks mogelijk, nieuw in Breda"))}
    assert hits["youth-language"].weight == 6
    assert "extreme-services" in hits  # one extreme service is now enough
    assert "movement-language" not in hits
    assert tuned.hash != RuleSet.load(PACK, Settings()).hash


def test_municipal_minimum_age_is_read_from_the_settings() -> None:
    settings = Settings()
    text = "Lisa, 19 jaar"
    assert "below-municipal-min-age" in {h.rule_id for h in RuleSet.load(PACK, settings).evaluate_ad(ad(text))}
    settings.municipality.min_age = 18
    assert "below-municipal-min-age" not in {h.rule_id for h in RuleSet.load(PACK, settings).evaluate_ad(ad(text))}


def test_sensitive_rules_need_a_recorded_reason() -> None:
    settings = Settings()
    settings.rules.sensitive_enabled = {"nationality": "DPO approval 2026-11-01, DPIA ref 12"}
    enabled = RuleSet.load(PACK, settings)
    assert "nationality" in {h.rule_id for h in enabled.evaluate_ad(ad("Mooie Roemeense dame"))}
    settings.rules.sensitive_enabled = {"nationality": "  "}
    with pytest.raises(ConfigError, match="no reason"):
        RuleSet.load(PACK, settings)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"youth-languge": RuleOverride(weight=1)}, "did you mean 'youth-language'"),
        (
            {"youth-language": RuleOverride(thresholds={"youth_word.at_least": 2})},
            "did you mean 'youth_words.at_least'",
        ),
        ({"youth-language": RuleOverride(weight=40)}, "less than or equal to 10"),
    ],
)
def test_bad_overrides_are_config_errors_with_a_fix(overrides: dict[str, RuleOverride], message: str) -> None:
    settings = Settings()
    settings.rules.overrides = overrides
    with pytest.raises(ConfigError) as caught:
        RuleSet.load(PACK, settings)
    assert message in f"{caught.value.message} {caught.value.hint}"


def test_the_hash_is_stable_and_follows_the_lists(tmp_path: Path) -> None:
    import shutil

    assert RuleSet.load(PACK, Settings()).hash == RuleSet.load(PACK, Settings()).hash
    shutil.copytree(PACK, tmp_path / "rules")
    youth = tmp_path / "rules" / "lists" / "youth.yaml"
    youth.write_text(youth.read_text(encoding="utf-8").replace("lolita, ", ""), encoding="utf-8")
    assert RuleSet.load(tmp_path / "rules", Settings()).hash != RuleSet.load(PACK, Settings()).hash
