"""`scanner rules test`: prove every rule on its examples, then on a benign baseline corpus.

Per rule, the examples under `match:` must fire (true positive, else false negative) and those under
`no_match:` must not (true negative, else false positive). Known misses are run too: one that starts
matching is reported so it can move into the examples (like a strict xfail). Then the rules run over
`rules/baseline/ads.yaml`, synthetic ads of adult independent workers that no trafficking rule should
flag; every hit not listed under `known_false_positives:` there is a failure.

Example ads get the features the extractor finds in their text (when `scanner.extract` provides
`extract`), overridden key by key by the `features:` written in the example.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scanner.errors import RuleError
from scanner.extract.spans import joined_text
from scanner.rules.engine import AdContext, AdInput, CompiledRule
from scanner.rules.features import AreaPrices
from scanner.rules.loader import locate_validation_errors
from scanner.rules.members import Member, evaluate_example, judge
from scanner.rules.model import Example, GroupAdExample
from scanner.rules.ruleset import RulePackError, RuleSet
from scanner.settings import Settings
from scanner.yamlfile import YAMLSyntaxError, load_yaml

BASELINE_FILE = Path("baseline") / "ads.yaml"
Extractor = Callable[[str], Mapping[str, Any]]


class BaselineAd(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str = ""
    text: str
    features: dict[str, Any] = Field(default_factory=dict)
    note: str = ""


class KnownFalsePositive(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ad: str
    rule: str
    why: str = Field(min_length=5)


class Baseline(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str
    ads: list[BaselineAd] = Field(min_length=1)
    known_false_positives: list[KnownFalsePositive] = Field(default_factory=list)


@dataclass
class Failure:
    kind: str  # false_negative | false_positive | known_miss_matches | baseline_hit
    rule_id: str
    where: str  # "match[0]", "no_match[2]", "baseline b017"
    text: str
    detail: str


@dataclass
class RuleResult:
    rule_id: str
    true_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0
    false_positives: int = 0
    failures: list[Failure] = field(default_factory=list)
    notes: list[Failure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class RuleTestReport:
    rules: list[RuleResult]
    baseline_ads: int = 0
    baseline_hits: int = 0
    baseline_known: int = 0
    baseline_failures: list[Failure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.rules) and not self.baseline_failures


def default_extractor(settings: Settings | None = None) -> Extractor | None:
    """`scanner.extract.extract` as a function text -> features dict, when the extractor exists."""
    try:
        from scanner.extract import extract
    except ImportError:
        return None

    def run(text: str) -> Mapping[str, Any]:
        result = extract(text, settings=settings)
        data = result.to_json() if hasattr(result, "to_json") else result
        parsed = json.loads(data) if isinstance(data, str) else data
        return parsed if isinstance(parsed, Mapping) else {}

    return run


def example_input(example: Example, extractor: Extractor | None) -> AdInput:
    prices = AreaPrices.of(example.city or "", sorted(example.region_prices))
    if not example.title:
        features: dict[str, Any] = dict(extractor(example.text)) if extractor and example.text else {}
        features.update(example.features)
        return AdInput(text=example.text, features=features, fields=example.fields, city=example.city, prices=prices)
    text = joined_text(example.title, example.text)
    features = dict(extractor(text)) if extractor else {}
    features.update(example.features)
    return AdInput.from_version(
        example.title, example.text, features=features, fields=example.fields, city=example.city, prices=prices
    )


def group_ad_input(ad: GroupAdExample, extractor: Extractor | None) -> AdInput:
    """One ad of a group example as the member filter reads it: its text, extracted features and city."""
    return example_input(Example(title=ad.title, text=ad.text, features=ad.features, city=ad.city), extractor)


def example_members(
    ruleset: RuleSet, rule: CompiledRule, ads: list[GroupAdExample], extractor: Extractor | None
) -> dict[int, Member] | None:
    """The ads of a group example that pass the rule's member filter (None: the rule has no filter)."""
    if not rule.rule.has_member_filter:
        return None
    members = {}
    for index, ad in enumerate(ads):
        member = judge(rule, AdContext(group_ad_input(ad, extractor), ruleset.index))
        if member is not None:
            members[index] = member
    return members


def example_fires(ruleset: RuleSet, rule: CompiledRule, example: Example, extractor: Extractor | None) -> bool:
    if rule.rule.group is not None:
        members = example_members(ruleset, rule, example.ads, extractor)
        return bool(evaluate_example(rule, example.ads, members))
    return rule.evaluate(AdContext(example_input(example, extractor), ruleset.index)) is not None


def _short(example: Example) -> str:
    if example.ads:
        return example.note or f"group of {len(example.ads)} ads"
    text = (example.title + " " + example.text).strip()
    return text if len(text) <= 70 else text[:67] + "..."


def check_rule(ruleset: RuleSet, rule: CompiledRule, extractor: Extractor | None) -> RuleResult:
    result = RuleResult(rule.id)
    for index, example in enumerate(rule.rule.examples.match):
        if example_fires(ruleset, rule, example, extractor):
            result.true_positives += 1
        else:
            result.false_negatives += 1
            detail = _why_not(ruleset, rule, example, extractor)
            result.failures.append(Failure("false_negative", rule.id, f"match[{index}]", _short(example), detail))
    for index, example in enumerate(rule.rule.examples.no_match):
        if example_fires(ruleset, rule, example, extractor):
            result.false_positives += 1
            result.failures.append(
                Failure(
                    "false_positive",
                    rule.id,
                    f"no_match[{index}]",
                    _short(example),
                    "the rule fired on an example that must not match",
                )
            )
        else:
            result.true_negatives += 1
    for index, miss in enumerate(rule.rule.known_misses):
        if example_fires(ruleset, rule, miss, extractor):
            result.notes.append(
                Failure(
                    "known_miss_matches",
                    rule.id,
                    f"known_misses[{index}]",
                    _short(miss),
                    "now matches: move it into examples.match",
                )
            )
    return result


def _why_not(ruleset: RuleSet, rule: CompiledRule, example: Example, extractor: Extractor | None) -> str:
    if rule.rule.group is not None:
        members = example_members(ruleset, rule, example.ads, extractor)
        if members is None or len(members) == len(example.ads):
            return "no group reached the threshold"
        reasons = []
        for index, ad in enumerate(example.ads):
            if index in members:
                continue
            explained = rule.explain(AdContext(group_ad_input(ad, extractor), ruleset.index, explain=True))
            missing = "; ".join(f"{s.name}: {s.reason}" for s in explained.selections if not s.matched)
            reasons.append(f"ad {index + 1} is not counted ({missing or explained.reason})")
        return "no group of counted ads reached the threshold; " + "; ".join(reasons)
    explanation = rule.explain(AdContext(example_input(example, extractor), ruleset.index, explain=True))
    return "; ".join(f"{s.name}: {s.reason}" for s in explanation.selections if not s.matched)


def load_baseline(path: Path) -> Baseline:
    try:
        document = load_yaml(path)
    except YAMLSyntaxError as exc:
        raise RulePackError([exc.problem]) from None
    try:
        return Baseline.model_validate(document.data)
    except ValidationError as exc:
        raise RulePackError(locate_validation_errors(exc, document, Baseline)) from None


def run_baseline(ruleset: RuleSet, baseline: Baseline, extractor: Extractor | None, report: RuleTestReport) -> None:
    """Trafficking and underage rules with weight over the benign ads; unknown hits are failures."""
    known = {(fp.ad, fp.rule) for fp in baseline.known_false_positives}
    checked = [
        r
        for r in ruleset.rules
        if r.rule.is_per_ad and r.rule.category != "licensing" and (r.weight > 0 or r.rule.category == "underage")
    ]
    for ad in baseline.ads:
        example = Example(title=ad.title, text=ad.text, features=ad.features)
        context = AdContext(example_input(example, extractor), ruleset.index)
        report.baseline_ads += 1
        for rule in checked:
            hit = rule.evaluate(context)
            if hit is None:
                continue
            report.baseline_hits += 1
            if (ad.id, rule.id) in known:
                report.baseline_known += 1
                continue
            report.baseline_failures.append(
                Failure("baseline_hit", rule.id, f"baseline {ad.id}", _short(example), hit.explanation)
            )


def run_tests(
    rules_dir: Path,
    ruleset: RuleSet,
    *,
    only: str | None = None,
    baseline: bool = True,
    extractor: Extractor | None = None,
) -> RuleTestReport:
    """Run the examples of every rule (or of `only`) and, unless switched off, the benign baseline."""
    selected = [ruleset.get(only)] if only else ruleset.rules
    report = RuleTestReport([check_rule(ruleset, rule, extractor) for rule in selected])
    baseline_path = rules_dir / BASELINE_FILE
    if baseline and only is None:
        if not baseline_path.exists():
            raise RuleError(
                "no benign baseline corpus",
                context=str(baseline_path),
                hint="add rules/baseline/ads.yaml or run with --no-baseline",
            )
        run_baseline(ruleset, load_baseline(baseline_path), extractor, report)
    return report
