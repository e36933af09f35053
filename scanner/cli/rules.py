"""`scanner rules`: validate, test, list, show and explain indicator rules; apply them to stored ads."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from scanner.cli.context import App, pass_app
from scanner.errors import InputError
from scanner.investigate.evidence import evidence_item, print_evidence, weight_text
from scanner.investigate.render import Output
from scanner.rules.engine import AdInput, CompiledRule, Explanation
from scanner.rules.explain import StoredExplanation, explain_stored_ad
from scanner.rules.model import CATEGORY_MEANING, EVIDENCE_MEANING, STATUS_MEANING
from scanner.rules.ruleset import RuleSet

rules_dir_option = click.option(
    "--rules-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of the rule pack (default: the paths.rules_dir setting).",
)


def _rules_dir(app: App, given: Path | None) -> Path:
    return given if given is not None else Path(app.settings.paths.rules_dir)


def _load(app: App, given: Path | None) -> RuleSet:
    return RuleSet.load(_rules_dir(app, given), app.settings)


@click.group()
def rules() -> None:
    """Validate, test, list and explain indicator rules (the YAML files under rules/).

    The format is documented for rule authors in docs/rules.md.

    \b
    Example:
      scanner rules validate
      scanner rules test
      scanner rules explain 42
    """


@rules.command("validate")
@click.argument("path", type=click.Path(path_type=Path), required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the problems as a JSON list.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@pass_app
def validate(app: App, path: Path | None, as_json: bool, strict: bool) -> None:
    """Check rule files and word lists; print every problem as file:line:column with a code and a fix.

    PATH is the rules folder (default: paths.rules_dir) or one rule file. All problems are shown, not
    just the first. Exits 1 when there are errors (with --strict: warnings too).

    \b
    Example:
      scanner rules validate
      scanner rules validate rules/youth-language.yaml
      scanner rules validate --json | jq '.[].code'
    """
    from scanner.rules.validate import validate_rules

    target = path if path is not None else Path(app.settings.paths.rules_dir)
    problems = validate_rules(target)
    failing = [p for p in problems if p.severity == "error" or strict]
    if as_json:
        click.echo(json.dumps([asdict(p) for p in problems], indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            click.secho(str(problem), fg="red" if problem.severity == "error" else "yellow")
        errors = sum(p.severity == "error" for p in problems)
        warnings = len(problems) - errors
        files = len({p.file for p in problems})
        summary = f"{errors} error(s), {warnings} warning(s)" + (f" in {files} file(s)" if problems else "")
        click.secho(summary if problems else f"{target}: no problems", fg="red" if failing else "green", err=True)
    if failing:
        sys.exit(1)


@rules.command("test")
@rules_dir_option
@click.option("--rule", "rule_id", metavar="ID", help="Test only this rule (skips the baseline).")
@click.option("--no-baseline", is_flag=True, help="Do not run the benign baseline corpus.")
@click.option("--verbose", "-v", is_flag=True, help="Show every rule, not only those with failures.")
@pass_app
def test(app: App, rules_dir: Path | None, rule_id: str | None, no_baseline: bool, verbose: bool) -> None:
    """Run every rule's examples, then the rules over the benign baseline corpus.

    Prints per rule the true positives (TP), false negatives (FN, a match example that did not
    fire), true negatives (TN) and false positives (FP, a no_match example that fired), then baseline
    hits not listed as known false positives in rules/baseline/ads.yaml. Exits 1 on any failure.

    \b
    Example:
      scanner rules test
      scanner rules test --rule unsafe-services -v
    """
    from scanner.rules.testing import default_extractor, run_tests

    folder = _rules_dir(app, rules_dir)
    ruleset = RuleSet.load(folder, app.settings)
    report = run_tests(
        folder, ruleset, only=rule_id, baseline=not no_baseline, extractor=default_extractor(app.settings)
    )
    click.echo(f"{'rule':34} {'TP':>3} {'FN':>3} {'TN':>3} {'FP':>3}")
    for result in report.rules:
        if verbose or result.failures or result.notes:
            colour = "red" if result.failures else None
            click.secho(
                f"{result.rule_id:34} {result.true_positives:3} {result.false_negatives:3} "
                f"{result.true_negatives:3} {result.false_positives:3}",
                fg=colour,
            )
            for failure in result.failures:
                click.secho(f"    {failure.kind} {failure.where}: {failure.text!r}\n      {failure.detail}", fg="red")
            for note in result.notes:
                click.secho(f"    note {note.where}: {note.text!r}: {note.detail}", fg="yellow")
    totals = [
        sum(getattr(r, name) for r in report.rules)
        for name in ("true_positives", "false_negatives", "true_negatives", "false_positives")
    ]
    click.echo(
        f"{'total (' + str(len(report.rules)) + ' rules)':34} {totals[0]:3} {totals[1]:3} {totals[2]:3} {totals[3]:3}"
    )
    if report.baseline_ads:
        click.echo(
            f"baseline: {report.baseline_ads} benign ads, {report.baseline_hits} hits, "
            f"{report.baseline_known} known false positives, {len(report.baseline_failures)} unexpected"
        )
        for failure in report.baseline_failures:
            click.secho(f"    {failure.where} {failure.rule_id}: {failure.text!r}\n      {failure.detail}", fg="red")
    click.secho("passed" if report.passed else "FAILED", fg="green" if report.passed else "red", err=True)
    if not report.passed:
        sys.exit(1)


@rules.command("list")
@rules_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def list_(app: App, rules_dir: Path | None, as_json: bool) -> None:
    """List every rule with its status, category, weight and whether it runs in this deployment.

    \b
    Example:
      scanner rules list
      scanner --set 'rules.overrides={"movement-language": {"enabled": false}}' rules list
    """
    ruleset = _load(app, rules_dir)
    rows = [_summary(rule) for rule in ruleset.rules]
    if as_json:
        click.echo(json.dumps({"ruleset_hash": ruleset.hash, "rules": rows}, indent=2, ensure_ascii=False))
        return
    click.echo(f"{'id':30} {'status':12} {'category':11} {'weight':>6}  runs")
    for row in rows:
        runs = "yes" if row["enabled"] else f"no: {row['disabled_reason']}"
        click.echo(f"{row['id']:30} {row['status']:12} {row['category']:11} {row['weight']:6g}  {runs}")
    click.echo(f"rule-set hash {ruleset.hash[:16]}, {len(ruleset.enabled)} of {len(rows)} rules run")


def _summary(rule: CompiledRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "title": rule.rule.title,
        "version": rule.rule.version,
        "status": rule.rule.status,
        "category": rule.rule.category,
        "weight": rule.weight,
        "evidence": rule.rule.evidence,
        "kind": "group" if rule.rule.group else "ad",
        "sensitive": rule.rule.sensitive,
        "enabled": rule.enabled,
        "disabled_reason": rule.disabled_reason,
    }


@rules.command("show")
@click.argument("rule_id", metavar="ID")
@rules_dir_option
@pass_app
def show(app: App, rule_id: str, rules_dir: Path | None) -> None:
    """Show one rule: what it signals, how it matches, its evidence, examples and false positives.

    \b
    Example:
      scanner rules show youth-language
    """
    compiled = _load(app, rules_dir).get(rule_id)
    rule = compiled.rule
    lines = [
        f"{rule.id} (version {rule.version}): {rule.title}",
        "",
        rule.description.strip(),
        "",
        f"status      {rule.status}: {STATUS_MEANING[rule.status]}",
        f"evidence    {rule.evidence}: {EVIDENCE_MEANING[rule.evidence]}",
        f"category    {rule.category}: {CATEGORY_MEANING[rule.category]}",
        f"weight      {compiled.weight:g} (file: {rule.weight:g}); severity {rule.severity}; confidence "
        f"{rule.confidence}",
        f"runs        {'yes' if compiled.enabled else 'no: ' + compiled.disabled_reason}",
    ]
    if rule.match:
        lines.append(
            "matches     "
            + json.dumps(
                {name: s.model_dump(exclude_defaults=True, by_alias=True) for name, s in rule.match.items()},
                ensure_ascii=False,
            )
        )
        if rule.condition is not None:
            lines.append(f"condition   {json.dumps(rule.condition, ensure_ascii=False)}")
    if rule.group:
        g = rule.group
        lines.append(f"group       ads sharing a {g.by}: {g.count} >= {g.at_least} within {g.within_days} days")
        if rule.match:
            lines.append("members     only the ads that match the selections above are counted")
    lines += ["", "references:", *[f"  - {r}" for r in rule.references]]
    lines += ["false positives:", *[f"  - {f}" for f in rule.false_positives]]
    lines.append(
        f"examples    {len(rule.examples.match)} must match, {len(rule.examples.no_match)} must not; "
        f"{len(rule.known_misses)} known misses"
    )
    click.echo("\n".join(lines))


@rules.command("explain")
@click.argument("ad", required=False)
@click.option("--text", help="Explain this text instead of a stored ad (features are extracted from it).")
@click.option("--all", "show_all", is_flag=True, help="Also list every rule that did not fire, with its reason.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@rules_dir_option
@pass_app
def explain(app: App, ad: str | None, text: str | None, show_all: bool, as_json: bool, rules_dir: Path | None) -> None:
    """Which rules fire on an ad and which do not, and why, selection by selection.

    AD is the id of a stored ad: its current version is judged with the statistics its last nightly
    evaluation used (the hourly prices of its area), so the answer agrees with the stored hits; when
    it cannot (the ad changed since, another rule set, statistics not recorded) it says what differs.
    Cross-ad rules are shown as stored by the last run. The look is recorded in the audit log. With
    --text, any text is explained without a database.

    \b
    Example:
      scanner rules explain 42
      scanner rules explain --text "Net 18, 24/7 beschikbaar, niet zonder condoom" --all
    """
    ruleset = _load(app, rules_dir)
    found: StoredExplanation | None = None
    if text is not None:
        from scanner.extract import extract

        ad_input = AdInput(text=text, features=extract(text, settings=app.settings).to_json())
        explanations, members = ruleset.explain_ad(ad_input), ruleset.explain_members(ad_input)
    elif ad is not None and ad.isdigit():
        with app.database().session() as session:
            found = explain_stored_ad(session, app.settings, ruleset, int(ad))
            app.audit(session, "rules explain", "read", {"ad_id": int(ad)})
        explanations, members = found.rules, found.members
    else:
        raise InputError("give an ad id or --text", context="rules explain", hint="e.g. scanner rules explain 42")
    cross_ad = [_stored_json(hit) for hit in found.cross_ad] if found else []
    if as_json:
        document: dict[str, Any] = {
            "ruleset_hash": ruleset.hash,
            "rules": [_explanation_json(e) for e in explanations],
            "cross_ad_hits": cross_ad,
            "member_filters": [_explanation_json(e) for e in members],
        }
        if found is not None:
            document |= {
                "ad_id": found.ad_id,
                "version_id": found.version_id,
                "prices": found.prices,
                "stored_hits": [_stored_json(hit) for hit in found.stored],
                "differences": found.differences,
            }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False, default=str))
        return
    out = Output()
    if found is not None:
        out.line(f"ad {found.ad_id}, version {found.version_id}; rule set {ruleset.hash[:12]}")
        out.line(f"prices compared with: {found.prices}")
        for difference in found.differences:
            out.line(f"DIFFERS FROM THE NIGHTLY RUN: {difference}", style="bold yellow")
    fired = [e for e in explanations if e.fired]
    out.line(f"{len(fired)} rule(s) fire", style="bold")
    for item in fired:
        hit = item.hit
        assert hit is not None
        state = "" if item.enabled else f"  [does not run: {item.reason.split(';')[0]}]"
        out.line(
            f"  {item.rule_id} ({hit.category}, weight {weight_text(hit.weight)}){state}",
            style="red" if item.enabled else "yellow",
        )
        out.line(f"    {hit.explanation}")
        _print_spans(out, hit.evidence, found, None if found else ad_input, app.settings.report.snippet_chars)
    for row in cross_ad:
        out.line(f"  {row['rule_id']} (cross-ad, {row['category']}, weight {weight_text(row['weight'])})", style="red")
        out.line(f"    {row['explanation']}")
        _print_spans(out, row["evidence"], found, None, app.settings.report.snippet_chars)
    if show_all:
        out.line("did not fire:", style="bold")
        for item in explanations:
            if item.fired:
                continue
            out.line(f"  {item.rule_id}: {item.reason}")
            for selection in item.selections:
                mark = "+" if selection.matched else "-"
                detail = ", ".join(selection.values) if selection.matched else selection.reason
                out.line(f"      {mark} {selection.name}: {detail}")
    else:
        out.line(f"{len(explanations) - len(fired)} rule(s) do not fire (show why with --all)")
    if members:
        out.line("group rules that count only the ads they match:", style="bold")
        for item in members:
            state = "" if item.enabled else "  [does not run]"
            out.line(f"  {item.rule_id}: {'counted' if item.fired else 'not counted'}{state}")
            for selection in item.selections:
                mark = "+" if selection.matched else "-"
                detail = ", ".join(selection.values) if selection.matched else selection.reason
                out.line(f"      {mark} {selection.name}: {detail}")


def _print_spans(
    out: Output, spans: list[dict[str, Any]], found: StoredExplanation | None, ad_input: AdInput | None, chars: int
) -> None:
    """The evidence of a hit, quoted from the stored ad's fields (or the explained text) as every view quotes it."""
    for span in spans:
        field = str(span.get("field") or "text")
        source: str | None = None
        if found is not None:
            source = found.source(field)
        elif ad_input is not None and field == "text":
            source = ad_input.text
        print_evidence(out, evidence_item(span, source, chars), "      ")


def _stored_json(hit: Any) -> dict[str, Any]:
    return {
        "rule_id": hit.rule_id,
        "category": hit.category,
        "weight": hit.weight,
        "explanation": hit.explanation,
        "evidence": hit.evidence,
    }


def _explanation_json(item: Explanation) -> dict[str, Any]:
    return {
        "rule_id": item.rule_id,
        "fired": item.fired,
        "runs": item.enabled,
        "reason": item.reason,
        "selections": [asdict(s) for s in item.selections],
        "hit": asdict(item.hit) if item.hit else None,
    }


@rules.command("apply")
@click.option("--all", "everything", is_flag=True, help="Evaluate every ad again, not only changed ones.")
@rules_dir_option
@pass_app
def apply(app: App, everything: bool, rules_dir: Path | None) -> None:
    """Evaluate the rules on the stored ads and write their hits (part of `scanner scan`).

    Per-ad rules run on ads whose text or rule set changed since the last run (all with --all);
    cross-ad rules are recomputed over every group.

    \b
    Example:
      scanner rules apply
      scanner rules apply --all
    """
    from sqlalchemy import select

    from scanner.db.models import Ad
    from scanner.rules.store import apply_rules

    database = app.database()
    ad_ids = None
    if everything:
        with database.session() as session:
            ad_ids = list(session.scalars(select(Ad.id).where(Ad.current_version_id.is_not(None))))
    ruleset = _load(app, rules_dir)
    stats = apply_rules(database, app.settings, ad_ids=ad_ids, ruleset=ruleset)
    click.echo(
        f"{stats.ads_evaluated} ads evaluated ({stats.ads_skipped} without features skipped) in "
        f"{stats.seconds_per_ad:.2f} s; {stats.ad_hits} ad hits, {stats.group_hits} cross-ad hits and "
        f"{stats.network_hits} network hits in {stats.seconds_cross_ad:.2f} s; rule-set {stats.ruleset_hash[:16]}"
    )
