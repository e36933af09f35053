"""Checks of a rule pack: each a small class with a stable code, a description and a severity.

`validate_rules(path)` runs them all and returns every problem (never just the first): first the
parse problems of `loader.py` (R001 unknown key, R002 missing key, R003 bad value, Y001 YAML syntax),
then the checks below per rule, per list, and over the whole pack. `scanner rules validate` prints
them; `RuleSet.load` refuses a pack with any error.

A problem is reported where its cause is: a rule or list file that does not load is reported at its
own mistake, and the rules that name it (under `related:` or `lists:`) are not blamed for it.
"""

from __future__ import annotations

import difflib
import re
import string
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from scanner.rules.condition import ConditionParser, names
from scanner.rules.loader import Pack, read_pack
from scanner.rules.matchers import NEGATION_AFTER, NEGATION_BEFORE, PhraseIndex
from scanner.rules.model import LANGUAGES, RUNS_AT_NIGHT, GroupAdExample, Rule, WordList
from scanner.yamlfile import LocatedYAML, PathKey, Problem

GROUP_PLACEHOLDERS = ("count", "at_least", "within_days", "by", "values")


@dataclass
class PackContext:
    lists: dict[str, WordList]
    rule_ids: set[str]
    broken_rules: set[str] = field(default_factory=set)  # exist, but have problems of their own
    broken_lists: set[str] = field(default_factory=set)
    per_ad_rules: set[str] = field(default_factory=set)
    group_rules: set[str] = field(default_factory=set)
    sensitive_rules: set[str] = field(default_factory=set)


def problem_at(
    document: LocatedYAML, where: PathKey, code: str, message: str, fix: str, severity: str = "error"
) -> Problem:
    position = document.position(where)
    return Problem(
        code,
        message,
        str(document.path),
        position.line,
        position.column,
        document.snippet(position.line),
        fix,
        severity,
    )


def did_you_mean(name: str, options: Iterable[str], what: str) -> str:
    known = sorted(options)
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"known {what}: {', '.join(known[:12])}" if known else f"no {what} exist yet"


class RuleCheck:
    code: ClassVar[str]
    description: ClassVar[str]
    severity: ClassVar[str] = "error"

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        raise NotImplementedError

    def problem(self, document: LocatedYAML, where: PathKey, message: str, fix: str) -> Problem:
        return problem_at(document, where, self.code, message, fix, self.severity)


class IdMatchesFileName(RuleCheck):
    code = "R010"
    description = "The id of a rule equals its file name, so a hit can always be traced to its file."

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        if rule.id != document.path.stem:
            yield self.problem(
                document,
                ("id",),
                f"id '{rule.id}' differs from the file name",
                f"rename one to match: id: {document.path.stem}",
            )


class MatchOrGroup(RuleCheck):
    code = "R018"
    description = (
        "A rule has match: (one ad), group: (several ads), or both (a group that counts only the ads that match)."
    )

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        if not rule.match and not rule.group:
            yield self.problem(
                document,
                ("id",),
                "the rule matches nothing",
                "add match: (what one ad must say) or group: (what several ads share); "
                "with both, the group counts only the ads that match",
            )
        if rule.condition is not None and not rule.match:
            yield self.problem(
                document,
                ("condition",),
                "condition: without match:",
                "add the selections it combines under match: (in a group rule they choose which ads are counted)",
            )


class KnownLists(RuleCheck):
    code = "R012"
    description = (
        "Every list a rule names exists under rules/lists/ (a list file with problems of its own is reported there)."
    )

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        for name, selection in (rule.match or {}).items():
            references: list[tuple[PathKey, str]] = [
                (("match", name, "lists", i), v) for i, v in enumerate(selection.lists)
            ]
            references += [(("match", name, "except_lists", i), v) for i, v in enumerate(selection.except_lists)]
            if selection.near:
                references += [(("match", name, "near", "lists", i), v) for i, v in enumerate(selection.near.lists)]
            for where, list_id in references:
                if list_id not in context.lists and list_id not in context.broken_lists:
                    yield self.problem(
                        document,
                        where,
                        f"no word list '{list_id}' (rules/lists/{list_id}.yaml)",
                        did_you_mean(list_id, context.lists, "lists"),
                    )


class EmptySelection(RuleCheck):
    code = "R021"
    description = "A selection contains at least one check (lists, terms, regex or a feature check)."
    CHECKS = (
        "lists",
        "terms",
        "regex",
        "age_below",
        "age_hint",
        "distinct_ages_at_least",
        "price_below_percentile",
        "phone_obscurity_at_least",
        "license_missing",
        "services_at_least",
        "service_categories",
        "third_person_share_at_least",
        "languages_offered_without",
        "phones_at_least",
        "fired",
    )

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        for name, selection in (rule.match or {}).items():
            if not any(getattr(selection, check) not in (None, [], False) for check in self.CHECKS):
                yield self.problem(
                    document, ("match", name), f"selection '{name}' checks nothing", "add lists:, terms: or a check"
                )


class ConditionNames(RuleCheck):
    code = "R013"
    description = "The condition is well formed and names only selections of the rule."

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        if rule.match is None or rule.condition is None:
            return
        parser = ConditionParser(document, list(rule.match))
        parser.parse(rule.condition)
        yield from parser.problems


class UnusedSelection(RuleCheck):
    code = "R014"
    description = "Every selection is used by the condition (an unused one is probably a typo)."
    severity = "warning"

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        if rule.match is None or rule.condition is None:
            return
        parser = ConditionParser(document, list(rule.match))
        parsed = parser.parse(rule.condition)
        if parsed is None:
            return
        used = set(names(parsed))
        for name in rule.match:
            if name not in used:
                yield self.problem(
                    document,
                    ("match", name),
                    f"selection '{name}' is not used by the condition",
                    "add it to condition: or delete it",
                )


class RegexCompiles(RuleCheck):
    code = "R015"
    description = "Every regular expression compiles."

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        for name, selection in (rule.match or {}).items():
            if selection.regex is None:
                continue
            try:
                re.compile(selection.regex)
            except re.error as exc:
                yield self.problem(
                    document,
                    ("match", name, "regex"),
                    f"regular expression does not compile: {exc}",
                    "escape special characters such as ( ) [ ] . + ? with a backslash",
                )


class ExplanationPlaceholders(RuleCheck):
    code = "R016"
    description = "The explanation template names only selections (and count, at_least, ... for group rules)."

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        allowed = list(rule.match or {}) + (list(GROUP_PLACEHOLDERS) if rule.group else [])
        try:
            fields = [name for _, name, _, _ in string.Formatter().parse(rule.explanation) if name is not None]
        except ValueError as exc:
            yield self.problem(
                document,
                ("explanation",),
                f"explanation template: {exc}",
                "write placeholders as {name}; write a literal brace as {{ or }}",
            )
            return
        for name in fields:
            if name not in allowed:
                yield self.problem(
                    document,
                    ("explanation",),
                    f"the explanation uses {{{name}}}, which is unknown",
                    did_you_mean(name, allowed, "placeholders"),
                )


class ExamplesRequired(RuleCheck):
    code = "R017"
    description = "Rules with status test or stable have examples that must match and must not match."

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        if rule.status not in RUNS_AT_NIGHT:
            return
        for kind in ("match", "no_match"):
            if not getattr(rule.examples, kind):
                yield self.problem(
                    document,
                    ("examples",) if "examples" in document.data else ("status",),
                    f"status '{rule.status}' needs at least one example under examples: {kind}:",
                    f"add examples: {{{kind}: [{{text: ...}}]}} or set status: experimental",
                )


class ExampleShape(RuleCheck):
    code = "R023"
    description = (
        "Examples of group rules list ads: (with text: when the rule filters its members); "
        "examples of ad rules have text: or features:."
    )

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        for kind in ("match", "no_match"):
            for index, example in enumerate(getattr(rule.examples, kind)):
                where = ("examples", kind, index)
                if rule.group and len(example.ads) < 1:
                    yield self.problem(
                        document,
                        where,
                        "an example of a group rule lists its ads under ads:",
                        "add ads: [{name: Anna, phone: A, day: 1}, ...]",
                    )
                if rule.is_per_ad and not (example.text or example.title or example.features or example.fields):
                    yield self.problem(
                        document,
                        where,
                        "an example of an ad rule needs text: or features:",
                        "add the ad text under text:",
                    )
                yield from self._group_ads(rule, document, where, example.ads, kind)

    def _group_ads(
        self, rule: Rule, document: LocatedYAML, where: PathKey, ads: list[GroupAdExample], kind: str
    ) -> Iterator[Problem]:
        said = [i for i, ad in enumerate(ads) if ad.text or ad.title or ad.features]
        if rule.group and not rule.match and said:
            yield self.problem(
                document,
                (*where, "ads", said[0]),
                "this ad has text: or features:, but the rule has no match: to read them",
                "add match: selections (then only the ads that match are counted) or delete text:",
            )
        if rule.has_member_filter and kind == "match" and ads and not said:
            yield self.problem(
                document,
                (*where, "ads"),
                "the rule counts only ads that match, but no ad of this example has text: or features:",
                "give the ads the text: that makes them count, e.g. {name: Anna, phone: A, day: 1, text: '...'}",
            )


class SensitiveMarked(RuleCheck):
    code = "R019"
    description = (
        "A rule that uses a sensitive list (nationality, ethnicity, language), a language check or a sensitive "
        "rule (fired:) is marked sensitive: true."
    )

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        if rule.sensitive:
            return
        for name, selection in (rule.match or {}).items():
            for index, list_id in enumerate(selection.lists):
                wordlist = context.lists.get(list_id)
                if wordlist is not None and wordlist.sensitive:
                    yield self.problem(
                        document,
                        ("match", name, "lists", index),
                        f"list '{list_id}' is sensitive but the rule is not marked sensitive",
                        "add 'sensitive: true' to the rule (it then stays off unless enabled)",
                    )
            if selection.languages_offered_without:
                yield self.problem(
                    document,
                    ("match", name, "languages_offered_without"),
                    "a check on languages makes the rule sensitive",
                    "add 'sensitive: true'",
                )
            for index, rule_id in enumerate(selection.fired):
                if rule_id in context.sensitive_rules:
                    yield self.problem(
                        document,
                        ("match", name, "fired", index),
                        f"rule '{rule_id}' is sensitive but this rule, which counts on it, is not marked sensitive",
                        "add 'sensitive: true' to the rule (it then stays off unless enabled)",
                    )


class KnownLanguages(RuleCheck):
    code = "R022"
    description = "Language codes are known two-letter codes (or 'any')."

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        for name, selection in (rule.match or {}).items():
            for index, code in enumerate(selection.languages or []):
                if code not in LANGUAGES:
                    yield self.problem(
                        document,
                        ("match", name, "languages", index),
                        f"unknown language '{code}'",
                        did_you_mean(code, LANGUAGES, "languages"),
                    )


class DatesInOrder(RuleCheck):
    code = "R030"
    description = "modified: is not before date:."

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        if rule.modified and rule.modified < rule.date:
            yield self.problem(document, ("modified",), "modified: is before date:", "correct one of the dates")


class ContraryEvidenceWeighsLittle(RuleCheck):
    code = "R031"
    description = "Indicators that studies found not predictive (evidence: contrary) weigh 2 or less."
    severity = "warning"

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        if rule.evidence == "contrary" and rule.weight > 2 and rule.category != "underage":
            yield self.problem(
                document,
                ("weight",),
                f"weight {rule.weight} for an indicator with contrary evidence",
                "lower the weight to 2 or less, or cite the study that supports it",
            )


class RelatedRulesExist(RuleCheck):
    code = "R020"
    description = "related: names rules that exist in the pack (a rule file with problems is reported there)."

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        for index, related in enumerate(rule.related):
            if related.id not in context.rule_ids and related.id not in context.broken_rules:
                yield self.problem(
                    document,
                    ("related", index, "id"),
                    f"no rule with id '{related.id}'",
                    did_you_mean(related.id, context.rule_ids, "rules"),
                )


class FiredRules(RuleCheck):
    code = "R032"
    description = "fired: is used in a group rule's member filter and names per-ad rules of the pack."

    def check(self, rule: Rule, document: LocatedYAML, context: PackContext) -> Iterator[Problem]:
        for name, selection in (rule.match or {}).items():
            if selection.fired and not rule.group:
                yield self.problem(
                    document,
                    ("match", name, "fired"),
                    "fired: works only in the member filter of a group rule",
                    "write the other rule's checks in this rule's selections",
                )
                continue
            for index, rule_id in enumerate(selection.fired):
                where = ("match", name, "fired", index)
                unread = rule_id in context.rule_ids and rule_id not in context.per_ad_rules | context.group_rules
                if unread or (rule_id in context.broken_rules and rule_id not in context.per_ad_rules):
                    continue  # a sibling of the one file validated, or a file whose own problems are reported
                if rule_id not in context.per_ad_rules:
                    known = context.rule_ids - context.group_rules
                    what = "a group rule, not a rule on one ad" if rule_id in context.group_rules else "no such rule"
                    yield self.problem(
                        document, where, f"fired: '{rule_id}': {what}", did_you_mean(rule_id, known, "rules")
                    )


RULE_CHECKS: tuple[RuleCheck, ...] = (
    IdMatchesFileName(),
    MatchOrGroup(),
    KnownLists(),
    EmptySelection(),
    ConditionNames(),
    UnusedSelection(),
    RegexCompiles(),
    ExplanationPlaceholders(),
    ExamplesRequired(),
    ExampleShape(),
    SensitiveMarked(),
    KnownLanguages(),
    DatesInOrder(),
    ContraryEvidenceWeighsLittle(),
    RelatedRulesExist(),
    FiredRules(),
)


def check_list(wordlist: WordList, document: LocatedYAML) -> Iterator[Problem]:
    """R025 list id equals its file name, R026 unmatchable terms, R022 languages, R028 duplicates."""
    if wordlist.id != document.path.stem:
        yield problem_at(
            document,
            ("id",),
            "R025",
            f"list id '{wordlist.id}' differs from the file name",
            f"id: {document.path.stem}",
        )
    scratch = PhraseIndex()
    for language, terms in wordlist.terms.items():
        if language not in LANGUAGES:
            yield problem_at(
                document,
                ("terms", language),
                "R022",
                f"unknown language '{language}'",
                did_you_mean(language, LANGUAGES, "languages"),
            )
        seen: Counter[str] = Counter()
        for index, term in enumerate(terms):
            trouble = scratch.add(wordlist.id, language, term)
            if trouble:
                yield problem_at(
                    document,
                    ("terms", language, index),
                    "R026",
                    f"term '{term}': {trouble}",
                    "write the word or phrase itself",
                )
            key = term.strip().lower()
            seen[key] += 1
            if seen[key] == 2:
                yield problem_at(
                    document, ("terms", language, index), "R028", f"'{term}' is listed twice", "delete one", "warning"
                )


def check_pack(pack: Pack) -> Iterator[Problem]:
    """R011 duplicate ids, R024 negation lists missing, R029 unused lists."""
    first_seen: dict[str, Path] = {}
    for rule, document in pack.valid_rules():
        if rule.id in first_seen:
            yield problem_at(
                document,
                ("id",),
                "R011",
                f"id '{rule.id}' is also used by {first_seen[rule.id]}",
                "give every rule its own id",
            )
        else:
            first_seen[rule.id] = document.path
    lists = pack.valid_lists()
    uses_negation = [(r, d) for r, d in pack.valid_rules() if any(s.negation for s in (r.match or {}).values())]
    for required in (NEGATION_BEFORE, NEGATION_AFTER):
        if uses_negation and required not in pack.lists:
            rule, document = uses_negation[0]
            yield problem_at(
                document,
                ("match",),
                "R024",
                f"rules use negation but rules/lists/{required}.yaml is missing",
                "add the list, or set negation: false in every selection",
            )
    used = {NEGATION_BEFORE, NEGATION_AFTER} | pack.lists_named_by_broken_rules()
    # The model masks the words of every sensitive list before it reads an ad (scanner.model.sensitive).
    used |= {list_id for list_id, wordlist in lists.items() if wordlist.sensitive}
    for rule, _document in pack.valid_rules():
        for selection in (rule.match or {}).values():
            used.update(selection.lists, selection.except_lists, selection.near.lists if selection.near else ())
    unreadable = any(item.document is None for item in pack.rules)
    for list_id, loaded in pack.lists.items():
        if pack.single_file or unreadable:
            # One rule file uses only a few lists (the rest belong to its siblings); and while a rule file
            # cannot be read at all, which lists it names is unknown: its syntax error is the problem to fix.
            break
        if list_id in lists and list_id not in used and loaded.document is not None:
            yield problem_at(
                loaded.document,
                ("id",),
                "R029",
                f"list '{list_id}' is used by no rule",
                "use it in a rule or delete it",
                "warning",
            )


def validate_pack(pack: Pack) -> list[Problem]:
    problems = pack.problems()
    lists = pack.valid_lists()
    context = PackContext(
        lists=lists,
        rule_ids={rule.id for rule, _ in pack.valid_rules()} | pack.sibling_ids,
        broken_rules=pack.broken_rule_ids(),
        broken_lists=pack.broken_list_ids(),
        per_ad_rules={rule.id for rule, _ in pack.valid_rules() if rule.is_per_ad},
        group_rules={rule.id for rule, _ in pack.valid_rules() if rule.group},
        sensitive_rules={rule.id for rule, _ in pack.valid_rules() if rule.sensitive},
    )
    for loaded in pack.lists.values():
        if loaded.model and loaded.document:
            problems.extend(check_list(loaded.model, loaded.document))
    for rule, document in pack.valid_rules():
        for check in RULE_CHECKS:
            problems.extend(check.check(rule, document, context))
    problems.extend(check_pack(pack))
    return sorted(problems, key=lambda p: (p.file, p.line, p.column, p.code))


def validate_rules(path: Path) -> list[Problem]:
    """Every problem of the rules at `path` (a folder or one file), errors and warnings."""
    if not path.exists():
        return [Problem("R009", "no such file or folder", str(path), 1, 1, fix="check the path")]
    return validate_pack(read_pack(path))


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
