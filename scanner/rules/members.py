"""Member filters of group rules: which ads of a group count, judged by what each ad says.

A group rule with `match:` selections (and optionally `condition:`) counts only the ads on which its
condition holds: "ads that mention a hotel and being new in town, sharing one phone within a week"
is one rule. Each ad is judged on its own text and features exactly as a per-ad rule would judge it
(terms with negation, regular expressions, feature checks); the group is then counted over its
members alone, in the same time windows, so non-members neither add values nor stretch a window.

Filtering can only remove members, so only the ads of groups that reach the threshold before
filtering can matter (`candidate_ads`); the nightly run judges those and no others. The same
functions serve the examples of `scanner rules test` and the run over the database.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from scanner.rules.crossad import Membership, example_memberships, find_in_groups, group_hit, rate_findings
from scanner.rules.engine import AdContext, CompiledRule, Hit, merge_evidence
from scanner.rules.features import Evidence
from scanner.rules.model import Group, GroupAdExample

SHOWN_PER_SELECTION = 6


@dataclass(frozen=True)
class Member:
    """An ad that passed a member filter: what each selection found in it, and where."""

    values: dict[str, list[str]]
    evidence: list[Evidence]


def judge(rule: CompiledRule, context: AdContext) -> Member | None:
    """The ad as a member of `rule`'s groups, or None when its member filter does not accept it."""
    results = rule.member_results(context)
    if results is None:
        return None
    evidence = merge_evidence(results.values())
    return Member({name: list(r.values) for name, r in results.items() if r.matched}, evidence)


def candidate_ads(by_group: Mapping[Hashable, list[Membership]], group: Group) -> set[int]:
    """The ads of every group that reaches `group.at_least` distinct values before any filtering."""
    return {
        row.ad_id for rows in by_group.values() if len({row.value for row in rows}) >= group.at_least for row in rows
    }


def only_members(
    by_group: Mapping[Hashable, list[Membership]], members: Mapping[int, Member]
) -> dict[Hashable, list[Membership]]:
    """The groups counted over their members alone (a group without members is left out)."""
    filtered: dict[Hashable, list[Membership]] = {}
    for key, rows in by_group.items():
        kept = [row for row in rows if row.ad_id in members]
        if kept:
            filtered[key] = kept
    return filtered


def found_in(ad_ids: Iterable[int], members: Mapping[int, Member]) -> dict[str, str]:
    """Per selection, the distinct values the members found, as the explanation shows them ('hotel', ...)."""
    found: dict[str, list[str]] = {}
    for ad_id in ad_ids:
        member = members.get(ad_id)
        if member is None:
            continue
        for name, values in member.values.items():
            shown = found.setdefault(name, [])
            for value in values:
                if value.lower() not in (v.lower() for v in shown):
                    shown.append(value)
    return {
        name: ", ".join(values[:SHOWN_PER_SELECTION])
        + (f" and {len(values) - SHOWN_PER_SELECTION} more" if len(values) > SHOWN_PER_SELECTION else "")
        for name, values in found.items()
    }


def evaluate_example(
    rule: CompiledRule, ads: list[GroupAdExample], members: Mapping[int, Member] | None = None
) -> list[Hit]:
    """The hits of a group rule on the ads of one example (ad i is number i); `members` when it filters them."""
    group = rule.rule.group
    assert group is not None
    by_group: dict[Hashable, list[Membership]] = {}
    for row in example_memberships(group, ads):
        by_group.setdefault(row.group, []).append(row)
    if members is not None:
        by_group = only_members(by_group, members)
    findings = find_in_groups(by_group, group)
    licensed_ads = {index for index, ad in enumerate(ads) if ad.licence}
    return [
        group_hit(rule, finding, licensed=licensed, found=found_in(finding.ad_ids, members or {}))
        for finding, licensed in rate_findings(rule, findings, licensed_ads)
    ]
