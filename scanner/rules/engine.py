"""The per-ad engine: rules compiled once, then evaluated lazily on each ad.

An `AdContext` tokenises the ad's text once and looks up every word list in one pass (see
`matchers.py`) the first time a rule needs terms. A rule's condition is evaluated with short-circuit
logic, and a selection is matched only when the answer depends on it. `CompiledRule.explain` gives the
same answer with the reason of every selection, for `scanner rules explain`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from scanner.extract.spans import joined_text
from scanner.rules.condition import AllOf, AnyOf, Condition, Ref, default_condition, describe, evaluate, supporting
from scanner.rules.features import AreaPrices, CheckResult, Evidence, FeatureCheck, FeatureView
from scanner.rules.matchers import (
    NegationMarks,
    PhraseIndex,
    TermMatch,
    Tokens,
    distance,
    longest_only,
    overlaps,
    tokenize,
)
from scanner.rules.model import Rule, Selection


@dataclass(frozen=True)
class AdInput:
    """One ad as the rules see it: the text the extractor was given and its features.

    A stored ad version is read as `joined_text(title, text)` (`from_version`), so evidence can tell the
    title from the text; a text given alone (`rules explain --text`, rule examples) has no title.
    """

    text: str
    features: Mapping[str, Any]
    fields: Mapping[str, Any] = field(default_factory=dict)
    city: str | None = None
    prices: AreaPrices = field(default_factory=AreaPrices)  # hourly prices of the ad's area
    title_length: int | None = None  # `text` starts with a title of this length and a line break

    @classmethod
    def from_version(cls, title: str | None, text: str | None, **kwargs: Any) -> AdInput:
        return cls(text=joined_text(title, text), title_length=len(title or ""), **kwargs)


@dataclass(frozen=True)
class Hit:
    """A rule that fired on one ad (or group), with the values that made it fire."""

    rule_id: str
    rule_version: int
    category: str
    weight: float
    severity: str
    confidence: str
    explanation: str
    evidence: list[Evidence]


class AdContext:
    """Lazily computed facts about one ad, shared by all rules evaluated on it."""

    def __init__(self, ad: AdInput, index: PhraseIndex, *, explain: bool = False) -> None:
        self.ad = ad
        self._index = index
        self._tokens: Tokens | None = None
        self._found: dict[str, list[TermMatch]] | None = None
        self._longest: dict[str, list[TermMatch]] = {}
        self._negation: NegationMarks | None = None
        self._starts: list[int] | None = None
        self._ends: list[int] = []
        self.fired: dict[str, Hit | None] = {}  # per-ad rules asked about by member filters (`fired:`)
        prices = ad.prices if ad.prices.area else replace(ad.prices, area=ad.city or "")
        self.view = FeatureView(ad.text, ad.features, prices, explain, ad.title_length, ad.fields)

    @property
    def licensed(self) -> bool:
        """The ad shows a licence number (found by the extractor with municipality.license_pattern)."""
        return bool(self.ad.features.get("license_numbers"))

    @property
    def tokens(self) -> Tokens:
        if self._tokens is None:
            self._tokens = tokenize(self.ad.text)
        return self._tokens

    @property
    def found(self) -> dict[str, list[TermMatch]]:
        if self._found is None:
            self._found = self._index.scan(self.tokens)
        return self._found

    def matches(self, key: str) -> list[TermMatch]:
        if key not in self._longest:
            self._longest[key] = longest_only(self.found.get(key, []))
        return self._longest[key]

    @property
    def negation(self) -> NegationMarks:
        if self._negation is None:
            self._negation = NegationMarks.from_matches(self.found)
        return self._negation

    def span(self, first: int, end: int) -> tuple[int, int, str]:
        if self._starts is None:
            self._starts, self._ends = self.tokens.starts, self.tokens.ends
        start, stop = self._starts[first], self._ends[end - 1]
        return start, stop, self.ad.text[start:stop]


# Part of the rule-set hash: bump it when the hits the engine writes change for the same rules (their
# evidence, their explanation), so the next scan evaluates every ad again and no stored hit keeps the
# old form. 2: every span names the field it quotes (title, text, a site field), hits cite every
# supporting selection.
HIT_FORMAT = 2
FIELD_ORDER = {"title": 0, "text": 1, "title+text": 1}


def merge_evidence(results: Iterable[CheckResult]) -> list[Evidence]:
    """The evidence of the matched results, each span once, in reading order: title, text, then site fields."""
    found: dict[tuple[Any, Any, Any], Evidence] = {}
    for result in results:
        if result.matched:
            for item in result.evidence:
                found.setdefault((item.get("field"), item.get("start"), item.get("end")), item)
    return sorted(
        found.values(),
        key=lambda e: (
            FIELD_ORDER.get(str(e.get("field")), 2),
            str(e.get("field")),
            e.get("start") or 0,
            e.get("end") or 0,
        ),
    )


def inline_key(rule_id: str, selection: str, part: str) -> str:
    """The index key of phrases written inside a rule (not in a shared list)."""
    return f"{rule_id}#{selection}#{part}"


@dataclass
class CompiledSelection:
    name: str
    selection: Selection
    term_keys: list[str]
    except_keys: list[str]
    near_keys: list[str]
    regex: re.Pattern[str] | None
    checks: list[FeatureCheck]
    fired_rules: list[CompiledRule] = field(default_factory=list)  # linked by RuleSet.load after compiling

    def match(self, context: AdContext) -> CheckResult:
        """All checks of the selection must match; values and evidence are gathered from each."""
        parts = self._parts
        if len(parts) == 1:
            return parts[0](context)
        results: list[CheckResult] = []
        for part in parts:
            result = part(context)
            if not result.matched:
                return result
            results.append(result)
        return CheckResult(True, [v for r in results for v in r.values], [e for r in results for e in r.evidence])

    def _terms(self, context: AdContext) -> CheckResult:
        s = self.selection
        if context.found.keys().isdisjoint(self._term_key_set):
            return self._nothing_found
        candidates = [m for key in self.term_keys for m in context.matches(key)]
        if s.languages:
            candidates = [m for m in candidates if m.language in s.languages or m.language == "any"]
        if not candidates:
            return self._nothing_found
        kept: list[TermMatch] = []
        dropped: list[str] = []
        exceptions = [m for key in self.except_keys for m in context.matches(key)]
        near = [m for key in self.near_keys for m in context.matches(key)]
        keys = context.tokens.keys
        for match in candidates:
            if exceptions and overlaps(match, exceptions):
                dropped.append(f"'{context.span(match.first, match.end)[2]}' is part of an exception")
                continue
            if s.negation:
                negator = context.negation.negates(keys, match.first, match.end, s.negation_window)
                if negator is not None:
                    dropped.append(f"'{context.span(match.first, match.end)[2]}' is negated by '{negator}'")
                    continue
            if s.near is not None and (not near or distance(match, near) > s.near.within):
                text = context.span(match.first, match.end)[2]
                dropped.append(f"'{text}' has no required word within {s.near.within} words")
                continue
            kept.append(match)
        distinct = {m.term.lower() for m in kept}
        if len(distinct) < s.at_least:
            counted = f"{len(distinct)} distinct term(s) found, {s.at_least} needed"
            return CheckResult(False, reason="; ".join([counted, *dropped]))
        values: list[str] = []
        evidence: list[Evidence] = []
        for match in kept:
            start, stop, text = context.span(match.first, match.end)
            if f"'{text}'" not in values:
                values.append(f"'{text}'")
            quoted = context.view.quote(start, stop)
            if quoted is not None:
                evidence.append(quoted)
        return CheckResult(True, values, evidence)

    def _regex(self, context: AdContext) -> CheckResult:
        assert self.regex is not None
        values: list[str] = []
        evidence: list[Evidence] = []
        dropped: list[str] = []
        for found in self.regex.finditer(context.ad.text):
            if found.end() == found.start():
                continue
            if self.selection.negation:
                tokens = context.tokens
                first = tokens.index_at(found.start())
                end = max(first + 1, tokens.index_at(max(found.start(), found.end() - 1)) + 1)
                negator = context.negation.negates(tokens.keys, first, end, self.selection.negation_window)
                if negator is not None:
                    dropped.append(f"'{found.group()}' is negated by '{negator}'")
                    continue
            values.append(f"'{found.group()}'")
            quoted = context.view.quote(found.start(), found.end())
            if quoted is not None:
                evidence.append(quoted)
        if not values:
            return CheckResult(False, reason="; ".join(["the regular expression found nothing", *dropped]))
        return CheckResult(True, values, evidence)

    def _fired(self, context: AdContext) -> CheckResult:
        """One of the per-ad rules named under `fired:` fires on the ad; its words are the evidence."""
        for rule in self.fired_rules:
            if rule.id not in context.fired:
                context.fired[rule.id] = rule.fires_on(context)
            hit = context.fired[rule.id]
            if hit is not None:
                return CheckResult(True, [f"{rule.id} ({hit.explanation})"], list(hit.evidence))
        names = " or ".join(f"'{rule.id}'" for rule in self.fired_rules) or "the named rules"
        return CheckResult(False, reason=f"rule {names} does not fire")

    def __post_init__(self) -> None:
        sources = [f"list '{name}'" for name in self.selection.lists]
        if self.selection.terms:
            sources.append("the rule's terms")
        self._nothing_found = CheckResult(False, reason=f"no term of {' or '.join(sources)} found")
        self._term_key_set = frozenset(self.term_keys)
        # The checks in evaluation order: terms, then the regular expression, then feature checks.
        self._parts: list[Callable[[AdContext], CheckResult]] = []
        if self.term_keys:
            self._parts.append(self._terms)
        if self.regex is not None:
            self._parts.append(self._regex)
        self._parts += [partial(_feature, check) for check in self.checks]
        if self.selection.fired:
            self._parts.append(self._fired)


def _feature(check: FeatureCheck, context: AdContext) -> CheckResult:
    return check(context.view)


@dataclass
class SelectionReport:
    name: str
    matched: bool
    values: list[str]
    reason: str


@dataclass
class Explanation:
    """Why a rule fired or did not, selection by selection."""

    rule_id: str
    title: str
    fired: bool
    enabled: bool
    reason: str
    selections: list[SelectionReport]
    hit: Hit | None = None


@dataclass
class CompiledRule:
    rule: Rule
    weight: float
    selections: dict[str, CompiledSelection]
    condition: Condition | None
    enabled: bool = True
    disabled_reason: str = ""
    gate: frozenset[str] | None = field(default=None, init=False)
    supporting: tuple[str, ...] = field(default=(), init=False)  # selections a hit cites (none under `not`)

    def __post_init__(self) -> None:
        if self.condition is None and self.selections:
            self.condition = default_condition(list(self.selections))
        self.gate = self._gate(self.condition) if self.condition is not None else None
        self.supporting = tuple(dict.fromkeys(supporting(self.condition))) if self.condition is not None else ()

    def _gate(self, condition: Condition) -> frozenset[str] | None:
        """Word-list keys of which one must be found for the rule to fire (None: no such guarantee).

        Lets `RuleSet.evaluate_ad` skip most rules of an ad with one set operation.
        """
        if isinstance(condition, Ref):
            selection = self.selections[condition.name]
            return frozenset(selection.term_keys) if selection.term_keys else None
        if isinstance(condition, AnyOf):
            gates = [self._gate(part) for part in condition.parts]
            return None if any(g is None for g in gates) else frozenset().union(*[g for g in gates if g])
        if isinstance(condition, AllOf):
            return next((g for g in map(self._gate, condition.parts) if g is not None), None)
        return None

    @property
    def id(self) -> str:
        return self.rule.id

    def _run(self, context: AdContext) -> tuple[bool, dict[str, CheckResult]]:
        condition = self.condition
        if isinstance(condition, Ref):  # most rules: one selection, no condition tree to walk
            result = self.selections[condition.name].match(context)
            return result.matched, {condition.name: result}
        cache: dict[str, CheckResult] = {}

        def matched(name: str) -> bool:
            if name not in cache:
                cache[name] = self.selections[name].match(context)
            return cache[name].matched

        assert self.condition is not None
        return evaluate(self.condition, matched), cache

    def _cited(self, context: AdContext, results: dict[str, CheckResult]) -> dict[str, CheckResult]:
        """The results a hit cites: every supporting selection, also those the condition did not need to
        check, so a hit shows all that speaks for it and the nightly run and `rules explain` agree."""
        for name in self.supporting:
            if name not in results:
                results[name] = self.selections[name].match(context)
        return {name: results[name] for name in self.supporting}

    def fires_on(self, context: AdContext) -> Hit | None:
        """The hit the rule's selections make on the ad, whether or not a licence number is shown."""
        fired, results = self._run(context)
        return self.hit(self._cited(context, results)) if fired else None

    def member_results(self, context: AdContext) -> dict[str, CheckResult] | None:
        """For a group rule's member filter: what each selection found when the ad counts, else None.

        Licensed businesses are judged on the whole group (`crossad.is_licensed`), not per member.
        """
        if self.gate is not None and context.found.keys().isdisjoint(self.gate):
            return None
        fired, results = self._run(context)
        return self._cited(context, results) if fired else None

    def evaluate(self, context: AdContext) -> Hit | None:
        if context.licensed and self.rule.licensed_factor == 0:
            return None
        fired, results = self._run(context)
        return self.hit(self._cited(context, results), licensed=context.licensed) if fired else None

    def licensed_weight(self, licensed: bool) -> float:
        """The weight of a hit: reduced by `licensed_factor` on a licensed business's ad or group."""
        return round(self.weight * self.rule.licensed_factor, 4) if licensed else self.weight

    def hit(self, results: dict[str, CheckResult], *, licensed: bool = False) -> Hit:
        filled = dict.fromkeys(self.selections, "")
        filled.update({name: ", ".join(r.values) if r.matched else "" for name, r in results.items()})
        return Hit(
            rule_id=self.rule.id,
            rule_version=self.rule.version,
            category=self.rule.category,
            weight=self.licensed_weight(licensed),
            severity=self.rule.severity,
            confidence=self.rule.confidence,
            explanation=fill_template(self.rule.explanation, filled) + self.licensed_note(licensed),
            evidence=merge_evidence(results.values()),
        )

    def explain(self, context: AdContext) -> Explanation:
        """Why the rule fires on the ad or not; for a group rule, whether its member filter counts the ad.

        A member is not a hit: `fired` then means "counted", and no hit is made (the group makes it).
        """
        results = {name: selection.match(context) for name, selection in self.selections.items()}
        condition = self.condition
        assert condition is not None
        fired = evaluate(condition, lambda name: results[name].matched)
        reports = [SelectionReport(n, r.matched, r.values, r.reason) for n, r in results.items()]
        reason = f"condition {describe(condition)} is {'true' if fired else 'false'}"
        if self.rule.group is not None:
            reason += ": the ad is counted in its groups" if fired else ": the ad is not counted in its groups"
            if not self.enabled:
                reason = f"{self.disabled_reason}; {reason}"
            return Explanation(self.rule.id, self.rule.title, fired, self.enabled, reason, reports)
        if fired and context.licensed and self.rule.licensed_factor == 0:
            fired, reason = False, f"{reason}, but the ad shows a licence number and licensed_factor is 0"
        if not self.enabled:
            reason = f"{self.disabled_reason}; {reason}"
        hit = self.hit(self._cited(context, dict(results)), licensed=context.licensed) if fired else None
        return Explanation(self.rule.id, self.rule.title, fired, self.enabled, reason, reports, hit)

    def licensed_note(self, licensed: bool) -> str:
        """Tells the investigator why a hit weighs less than the rule: a licensed business wrote the ad."""
        if not licensed or self.rule.licensed_factor == 1:
            return ""
        return f" (licensed business, licence number shown: weight {self.licensed_weight(True):g} of {self.weight:g})"


class _Defaulting(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def fill_template(template: str, values: Mapping[str, str]) -> str:
    """The template with each {name} replaced; parts of selections that did not match are left out."""
    try:
        filled = template.format_map(_Defaulting(values))
    except (ValueError, IndexError, AttributeError):  # the validator rejects these; never fail a night run on one
        return template
    if all(values.values()):
        return filled
    filled = re.sub(r"\s+([,;.])", r"\1", re.sub(r"[ \t]{2,}", " ", filled))
    return re.sub(r"([,;])\s*$", "", filled.strip())
