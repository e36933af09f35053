"""Licensed businesses: rules with `licensed_factor` weigh less, or not at all, on their ads and groups."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.extract import extract
from scanner.rules import AdInput, RuleSet
from scanner.rules.engine import CompiledRule
from scanner.rules.members import evaluate_example
from scanner.rules.model import GroupAdExample
from scanner.settings import Settings

PACK = Path(__file__).resolve().parents[2] / "rules"
AGENCY = "Escortbureau Roos, vergunning V-1234. Deze dame is 25 en zij ontvangt in Utrecht."
WITHOUT_LICENCE = "Deze dame is 25 en zij ontvangt in Utrecht."


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return RuleSet.load(PACK, Settings())


def rule(ruleset: RuleSet, rule_id: str) -> CompiledRule:
    return next(compiled for compiled in ruleset.rules if compiled.id == rule_id)


def ads(*licences: str | None) -> list[GroupAdExample]:
    names = ["Anna", "Bella", "Cleo", "Dana"]
    return [GroupAdExample(name=names[i], phone="A", day=i, licence=licence) for i, licence in enumerate(licences)]


@pytest.mark.parametrize(
    ("text", "weight", "noted"),
    [(AGENCY, 0.5, True), (WITHOUT_LICENCE, 2.0, False)],
    ids=["licence shown: a quarter", "no licence: full weight"],
)
def test_third_person_writing_weighs_little_with_a_licence_number(
    ruleset: RuleSet, text: str, weight: float, noted: bool
) -> None:
    hits = {hit.rule_id: hit for hit in ruleset.evaluate_ad(AdInput(text=text, features=extract(text).to_json()))}
    third = hits["third-person-writing"]
    assert third.weight == weight and third.rule_version >= 2
    assert ("licensed business" in third.explanation) is noted


@pytest.mark.parametrize(
    ("licences", "fires"),
    [
        (("V-1", "V-1", None), False),  # two of three ads show the licence: a licensed business
        (("V-1", None, None), True),  # one of three does not make one
        ((None, None, None), True),
    ],
)
@pytest.mark.parametrize("rule_id", ["shared-phone-names", "several-workers-one-phone"])
def test_shared_phone_rules_skip_licensed_businesses(
    ruleset: RuleSet, rule_id: str, licences: tuple[str | None, ...], fires: bool
) -> None:
    hits = evaluate_example(rule(ruleset, rule_id), ads(*licences))
    assert bool(hits) is fires
    assert all(hit.weight == rule(ruleset, rule_id).weight for hit in hits)


def test_a_fraction_keeps_the_hit_at_a_lower_weight(ruleset: RuleSet) -> None:
    relocation = rule(ruleset, "relocation-circuit")
    group = [GroupAdExample(city=city, phone="A", day=day, licence="V-1") for day, city in enumerate("XYZ")]
    [hit] = evaluate_example(relocation, group)
    assert hit.weight == relocation.weight * relocation.rule.licensed_factor == 1.5
    assert hit.evidence[0]["licensed"] is True


def test_explain_says_why_a_licensed_ad_does_not_fire(ruleset: RuleSet, tmp_path: Path) -> None:
    source = (PACK / "third-person-writing.yaml").read_text(encoding="utf-8")
    (tmp_path / "lists").mkdir()
    for path in (PACK / "lists").glob("*.yaml"):
        (tmp_path / "lists" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "third-person-writing.yaml").write_text(
        source.replace("licensed_factor: 0.25", "licensed_factor: 0"), encoding="utf-8"
    )
    strict = RuleSet.load(tmp_path, Settings())
    ad = AdInput(text=AGENCY, features=extract(AGENCY).to_json())
    assert not [hit for hit in strict.evaluate_ad(ad) if hit.rule_id == "third-person-writing"]
    [explanation] = [e for e in strict.explain_ad(ad) if e.rule_id == "third-person-writing"]
    assert not explanation.fired and "licence number" in explanation.reason
