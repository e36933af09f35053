"""The shipped rule pack proves itself: every example, the benign baseline, the evidence grades, the schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.rules import RuleSet
from scanner.rules.schema import rule_schema, schema_text
from scanner.rules.testing import default_extractor, run_tests
from scanner.settings import Settings

PACK = Path(__file__).resolve().parents[2] / "rules"


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return RuleSet.load(PACK, Settings())


def test_every_example_and_the_baseline_pass(ruleset: RuleSet) -> None:
    report = run_tests(PACK, ruleset, extractor=default_extractor())
    failures = [f for r in report.rules for f in r.failures] + report.baseline_failures
    assert failures == []
    assert report.baseline_ads >= 40
    assert sum(r.true_positives for r in report.rules) >= 2 * len(report.rules) - 15


def test_a_broken_example_is_reported_as_a_false_negative(ruleset: RuleSet, tmp_path: Path) -> None:
    import shutil

    shutil.copytree(PACK, tmp_path / "rules")
    rule = tmp_path / "rules" / "always-available.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("24/7 beschikbaar voor jou", "Op afspraak"), "utf-8")
    report = run_tests(tmp_path / "rules", RuleSet.load(tmp_path / "rules", Settings()), only="always-available")
    [result] = report.rules
    assert result.false_negatives == 1 and not report.passed
    assert "no term of list 'always-available' found" in result.failures[0].detail


def test_the_pack_covers_the_indicators(ruleset: RuleSet) -> None:
    rules = {rule.id: rule.rule for rule in ruleset.rules}
    assert len(rules) >= 25
    assert {r.category for r in rules.values()} == {"trafficking", "licensing", "underage"}
    group_kinds = {r.group.by for r in rules.values() if r.group}
    assert {"phone", "photo", "template", "email", "network"} <= group_kinds
    for rule in rules.values():
        assert rule.references and rule.false_positives, rule.id
        assert rule.examples.match and rule.examples.no_match, rule.id


def test_weights_follow_the_evidence(ruleset: RuleSet) -> None:
    rules = {rule.id: rule.rule for rule in ruleset.rules}
    study = [r.weight for r in rules.values() if r.evidence == "study" and r.category == "trafficking"]
    contrary = [r.weight for r in rules.values() if r.evidence == "contrary"]
    assert min(study) >= 3 and max(contrary) <= 0.5
    assert rules["youth-language"].weight > rules["movement-language"].weight
    assert rules["obscured-phone"].weight > rules["movement-language"].weight
    assert rules["underage"].category == "underage"
    assert all(r.sensitive for r in rules.values() if r.id in ("nationality", "no-dutch-offered"))
    assert not {r.id for r in ruleset.enabled} & {"nationality", "no-dutch-offered"}


def test_committed_schema_is_up_to_date() -> None:
    committed = (PACK / "schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "regenerate: python -m scanner.rules.schema > rules/schema.json"
    assert json.loads(committed)["properties"]["status"] == rule_schema()["properties"]["status"]
