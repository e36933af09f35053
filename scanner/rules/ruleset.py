"""`RuleSet`: a validated rule pack with a deployment's overrides applied, compiled for evaluation.

    ruleset = RuleSet.load(Path("rules"), settings)   # RulePackError listing every problem
    hits = ruleset.evaluate_ad(AdInput(text, features))
    ruleset.hash                                      # stored with every hit

Which rules run: status test or stable, unless `rules.overrides.<id>.enabled` says otherwise;
sensitive rules only when `rules.sensitive_enabled` names them with a reason. Weights and numeric
thresholds (`<selection>.<setting>`, and `group.<setting>` of group rules, whose selections are their
member filter) come from the overrides without editing a file. The hash covers everything that
changes what a rule finds: the enabled rules after overrides, their word lists, and the municipality
settings the rules read.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scanner.errors import ConfigError, RuleError
from scanner.rules.condition import ConditionParser
from scanner.rules.engine import (
    HIT_FORMAT,
    AdContext,
    AdInput,
    CompiledRule,
    CompiledSelection,
    Explanation,
    Hit,
    inline_key,
)
from scanner.rules.features import feature_checks
from scanner.rules.loader import read_pack
from scanner.rules.matchers import NEGATION_AFTER, NEGATION_BEFORE, PhraseIndex
from scanner.rules.model import RUNS_AT_NIGHT, Rule, WordList
from scanner.rules.validate import did_you_mean, errors, validate_pack
from scanner.settings import Settings
from scanner.yamlfile import LocatedYAML, Problem

SELECTION_THRESHOLDS = (
    "at_least",
    "negation_window",
    "age_below",
    "distinct_ages_at_least",
    "price_below_percentile",
    "min_prices_in_region",
    "phone_obscurity_at_least",
    "services_at_least",
    "third_person_share_at_least",
    "phones_at_least",
    "within",
)
GROUP_THRESHOLDS = ("at_least", "within_days")
DOCUMENTATION_FIELDS = {
    "title",
    "description",
    "author",
    "date",
    "modified",
    "references",
    "tags",
    "false_positives",
    "examples",
    "known_misses",
    "related",
    "indicator",
    "evidence",
}


class RulePackError(RuleError):
    """The rule pack has errors; `problems` holds every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"{first.code}: {first.message}{more}",
            context=f"{first.file}:{first.line}:{first.column}",
            hint="run: scanner rules validate",
        )
        self.problems = problems


@dataclass
class RuleSet:
    rules: list[CompiledRule]  # every rule of the pack, enabled or not, in id order
    lists: dict[str, WordList]
    index: PhraseIndex
    hash: str
    root: Path

    @classmethod
    def load(cls, rules_dir: Path, settings: Settings) -> RuleSet:
        """Read, validate and compile the pack; raises RulePackError (all problems) or ConfigError (overrides)."""
        pack = read_pack(rules_dir)
        if not pack.rules:
            raise RuleError(
                "no rule files (*.yaml) found",
                context=str(rules_dir),
                hint="set paths.rules_dir to the folder of the rule pack",
            )
        found = errors(validate_pack(pack))
        if found:
            raise RulePackError(found)
        lists = pack.valid_lists()
        documents = pack.valid_rules()
        rules = apply_overrides([rule for rule, _ in documents], settings)
        index = build_index(lists, rules)
        pattern = license_pattern(settings)
        compiled = [
            compile_rule(rule, document, settings, pattern, index)
            for rule, (_, document) in zip(rules, documents, strict=True)
        ]
        for rule in compiled:
            rule.enabled, rule.disabled_reason = enabled_state(rule, settings)
        link_fired_rules(compiled)
        compiled.sort(key=lambda r: r.id)
        return cls(compiled, lists, index, pack_hash(compiled, lists, settings), pack.root)

    @property
    def enabled(self) -> list[CompiledRule]:
        return [rule for rule in self.rules if rule.enabled]

    @cached_property
    def ad_rules(self) -> list[CompiledRule]:
        return [rule for rule in self.enabled if rule.rule.is_per_ad]

    @property
    def group_rules(self) -> list[CompiledRule]:
        return [rule for rule in self.enabled if rule.rule.group]

    def get(self, rule_id: str) -> CompiledRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        from scanner.errors import NotFoundError

        raise NotFoundError(
            f"no rule '{rule_id}'",
            context=str(self.root),
            hint=did_you_mean(rule_id, [r.id for r in self.rules], "rules"),
        )

    def context(self, ad: AdInput) -> AdContext:
        return AdContext(ad, self.index)

    def evaluate_ad(self, ad: AdInput, rules: Iterable[CompiledRule] | None = None) -> list[Hit]:
        """The hits of the enabled per-ad rules (or of `rules`) on one ad."""
        context = AdContext(ad, self.index)
        found = context.found.keys()
        hits = []
        for rule in self.ad_rules if rules is None else rules:
            if rule.gate is not None and found.isdisjoint(rule.gate):
                continue  # none of the words it needs is in the ad
            hit = rule.evaluate(context)
            if hit is not None:
                hits.append(hit)
        return hits

    def explain_ad(self, ad: AdInput) -> list[Explanation]:
        """Every per-ad rule, enabled or not, with whether it fired and why."""
        context = AdContext(ad, self.index, explain=True)
        return [rule.explain(context) for rule in self.rules if rule.rule.is_per_ad]

    def explain_members(self, ad: AdInput) -> list[Explanation]:
        """Every group rule with a member filter, enabled or not, with whether it counts the ad and why."""
        context = AdContext(ad, self.index, explain=True)
        return [rule.explain(context) for rule in self.rules if rule.rule.has_member_filter]


def link_fired_rules(rules: list[CompiledRule]) -> None:
    """Give each selection with `fired:` the compiled per-ad rules it names (the validator checked them)."""
    by_id = {rule.id: rule for rule in rules}
    for rule in rules:
        for selection in rule.selections.values():
            selection.fired_rules = [by_id[rule_id] for rule_id in selection.selection.fired if rule_id in by_id]


def license_pattern(settings: Settings) -> re.Pattern[str]:
    try:
        return re.compile(settings.municipality.license_pattern, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(
            f"municipality.license_pattern does not compile: {exc}",
            context="settings",
            hint="escape special characters with a backslash",
        ) from None


def enabled_state(rule: CompiledRule, settings: Settings) -> tuple[bool, str]:
    override = settings.rules.overrides.get(rule.id)
    if rule.rule.sensitive and not settings.rules.sensitive_enabled.get(rule.id, "").strip():
        return False, "sensitive rule: off unless rules.sensitive_enabled names it with a reason"
    if override is not None and override.enabled is not None:
        return override.enabled, "" if override.enabled else "switched off by rules.overrides"
    if rule.rule.status in RUNS_AT_NIGHT:
        return True, ""
    return False, f"status {rule.rule.status}: runs only when rules.overrides enables it"


def apply_overrides(rules: list[Rule], settings: Settings) -> list[Rule]:
    """The rules with the deployment's weights and thresholds; every unknown id or key is a ConfigError."""
    known = {rule.id: rule for rule in rules}
    for rule_id, reason in settings.rules.sensitive_enabled.items():
        if rule_id not in known:
            raise ConfigError(
                f"rules.sensitive_enabled names unknown rule '{rule_id}'",
                context="settings",
                hint=did_you_mean(rule_id, known, "rules"),
            )
        if not known[rule_id].sensitive:
            raise ConfigError(
                f"rule '{rule_id}' is not sensitive; it needs no entry in rules.sensitive_enabled",
                context="settings",
                hint="remove the entry",
            )
        if not reason.strip():
            raise ConfigError(
                f"rules.sensitive_enabled.{rule_id} has no reason",
                context="settings",
                hint="record why (and the DPO's approval) as the value",
            )
    result = []
    for rule in rules:
        override = settings.rules.overrides.get(rule.id)
        if override is None:
            result.append(rule)
            continue
        data: dict[str, Any] = rule.model_dump(by_alias=True, exclude_none=True)
        if override.weight is not None:
            data["weight"] = override.weight
        for key, value in override.thresholds.items():
            _set_threshold(rule, data, key, value)
        try:
            result.append(Rule.model_validate(data))
        except ValidationError as exc:
            problem = exc.errors()[0]
            raise ConfigError(
                f"rules.overrides.{rule.id}: {'.'.join(map(str, problem['loc']))}: {problem['msg']}",
                context="settings",
                hint="choose a value inside the allowed range",
            ) from None
    for rule_id in settings.rules.overrides:
        if rule_id not in known:
            raise ConfigError(
                f"rules.overrides names unknown rule '{rule_id}'",
                context="settings",
                hint=did_you_mean(rule_id, known, "rules"),
            )
    return result


def _set_threshold(rule: Rule, data: dict[str, Any], key: str, value: float) -> None:
    where = f"rules.overrides.{rule.id}.thresholds"
    options = [f"group.{name}" for name in GROUP_THRESHOLDS] if rule.group else []
    options += [f"{selection}.{name}" for selection in rule.match or {} for name in SELECTION_THRESHOLDS]
    if key not in options:
        raise ConfigError(
            f"{where}: unknown threshold '{key}'", context="settings", hint=did_you_mean(key, options, "thresholds")
        )
    part, name = key.split(".", 1)
    target = data["group"] if part == "group" else data["match"][part]
    if name == "within":
        target = target.setdefault("near", {})
    target[name] = value if name in ("price_below_percentile", "third_person_share_at_least") else int(value)


def build_index(lists: dict[str, WordList], rules: Iterable[Rule]) -> PhraseIndex:
    """One phrase index over the lists the rules use and the phrases written inside rules."""
    index = PhraseIndex()
    used = {NEGATION_BEFORE, NEGATION_AFTER}
    for rule in rules:
        for name, selection in (rule.match or {}).items():
            used.update(selection.lists, selection.except_lists)
            index.add_all(inline_key(rule.id, name, "terms"), "any", selection.terms)
            index.add_all(inline_key(rule.id, name, "except"), "any", selection.except_terms)
            if selection.near:
                used.update(selection.near.lists)
                index.add_all(inline_key(rule.id, name, "near"), "any", selection.near.terms)
    for list_id in sorted(used & set(lists)):
        for language, terms in lists[list_id].terms.items():
            index.add_all(list_id, language, terms)
    return index


def compile_rule(
    rule: Rule, document: LocatedYAML, settings: Settings, pattern: re.Pattern[str], index: PhraseIndex
) -> CompiledRule:
    selections: dict[str, CompiledSelection] = {}
    for name, selection in (rule.match or {}).items():
        term_keys = list(selection.lists)
        if selection.terms:
            term_keys.append(inline_key(rule.id, name, "terms"))
        except_keys = list(selection.except_lists)
        if selection.except_terms:
            except_keys.append(inline_key(rule.id, name, "except"))
        near_keys: list[str] = []
        if selection.near:
            near_keys = list(selection.near.lists)
            if selection.near.terms:
                near_keys.append(inline_key(rule.id, name, "near"))
        selections[name] = CompiledSelection(
            name=name,
            selection=selection,
            term_keys=term_keys,
            except_keys=except_keys,
            near_keys=near_keys,
            regex=re.compile(selection.regex, re.IGNORECASE) if selection.regex else None,
            checks=feature_checks(selection, settings.municipality, pattern),
        )
    condition = None
    if rule.match and rule.condition is not None:
        condition = ConditionParser(document, list(rule.match)).parse(rule.condition)
    return CompiledRule(rule=rule, weight=rule.weight, selections=selections, condition=condition)


def pack_hash(rules: list[CompiledRule], lists: dict[str, WordList], settings: Settings) -> str:
    enabled = [rule for rule in rules if rule.enabled]
    used: set[str] = set()
    for rule in enabled:
        for selection in rule.selections.values():
            used.update(selection.selection.lists, selection.selection.except_lists)
            if selection.selection.near:
                used.update(selection.selection.near.lists)
    if any(s.selection.negation for rule in enabled for s in rule.selections.values()):
        used.update({NEGATION_BEFORE, NEGATION_AFTER})
    payload = {
        "hit_format": HIT_FORMAT,
        "rules": [rule.rule.model_dump(mode="json", exclude=DOCUMENTATION_FIELDS) for rule in enabled],
        "lists": {name: lists[name].terms for name in sorted(used & set(lists))},
        "municipality": settings.municipality.model_dump(
            mode="json", include={"min_age", "license_pattern", "license_required"}
        ),
        "licensed_numbers": sorted(settings.linking.licensed_numbers),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
