"""`scanner model`: train, evaluate and inspect the risk model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from scanner.cli.context import App, pass_app
from scanner.clock import utcnow
from scanner.errors import InputError, ModelError
from scanner.model.sources import TrainingSet


@click.group()
def model() -> None:
    """Train, evaluate and inspect the risk model.

    The model learns from investigators' reviews which ads to show first. It is saved with skops
    (never pickle) beside a model card that records its training data, libraries and metrics.

    \b
    Example:
      scanner model train --from-reviews
      scanner model evaluate --demo-world --seed 11
      scanner model show
    """


def _check_one_source(from_reviews: bool, jsonl: Path | None, demo_world: bool) -> None:
    if from_reviews + (jsonl is not None) + demo_world > 1:
        raise InputError(
            "choose one source of labels", context="--from-reviews, --jsonl, --demo-world", hint="give only one"
        )


def _training_set(app: App, jsonl: Path | None, demo_world: bool, seed: int, days: int) -> TrainingSet:
    if jsonl is not None:
        from scanner.model.sources import from_jsonl

        return from_jsonl(jsonl)
    if demo_world:
        from scanner.lab.demo.world import WorldConfig
        from scanner.lab.demo_training import demo_training_set

        return demo_training_set(app.settings, WorldConfig(seed=seed, days=days)).training
    from scanner.model.sources import from_reviews

    return from_reviews(app.database())


def _source_options(function: Any) -> Any:
    function = click.option("--days", default=14, show_default=True, help="Simulated days of the demo world.")(function)
    function = click.option("--seed", default=7, show_default=True, help="Seed of the demo world.")(function)
    function = click.option(
        "--demo-world", is_flag=True, help="Labels from a synthetic demo world's ground truth (network ads positive)."
    )(function)
    function = click.option(
        "--jsonl",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Labels from a JSON lines file (format in docs/model.md).",
    )(function)
    return click.option("--from-reviews", is_flag=True, help="Labels from the reviews in the database (the default).")(
        function
    )


def _print_metrics(title: str, metrics: dict[str, Any], budget: int) -> None:
    overall = metrics.get("overall", {})
    click.echo(
        f"{title}: {overall.get('ads', 0)} ads, {overall.get('positives', 0)} positive; "
        f"PR-AUC {overall.get('pr_auc', 'n/a')}, precision at {budget} {overall.get(f'precision_at_{budget}', 'n/a')}, "
        f"recall {overall.get('recall', 'n/a')}, Brier {overall.get('brier', 'n/a')}"
    )
    for key in ("by_site", "by_language"):
        for group, values in metrics.get(key, {}).items():
            click.echo(
                f"  {key[3:]} {group}: {values.get('ads')} ads, PR-AUC {values.get('pr_auc', 'n/a')}, "
                f"precision at {budget} {values.get(f'precision_at_{budget}', 'n/a')}, "
                f"recall {values.get('recall', 'n/a')}"
            )


@model.command()
@_source_options
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Model file to write (.skops).")
@click.option("--name", help="Model name (default: bootstrap for --demo-world, local otherwise).")
@click.option("--folds", default=4, show_default=True, help="Folds of the grouped cross-validation.")
@pass_app
def train(
    app: App,
    from_reviews: bool,
    jsonl: Path | None,
    demo_world: bool,
    seed: int,
    days: int,
    output: Path | None,
    name: str | None,
    folds: int,
) -> None:
    """Train a model on labelled ads and save it with its card.

    Labels come from the reviews in the database (trafficking-suspect is positive, benign negative;
    other labels are left out), from a JSON lines file, or from the demo world's ground truth. The
    metrics in the card come from cross-validation grouped by network: no network is on both sides,
    with the false-positive rate per ad language, site and region. Sensitive rules never become model
    features, and the words of the sensitive lists (nationality, country, language) are removed from
    every text unless model.sensitive_features allows them with a reason.

    \b
    Example:
      scanner model train --from-reviews --output models/local.skops
      scanner model train --demo-world --seed 7 --output models/bootstrap.skops
    """
    from scanner.lab.training import train_model, training_mask
    from scanner.model.io import save_model
    from scanner.model.train import TrainingOptions

    _check_one_source(from_reviews, jsonl, demo_world)
    mask = training_mask(app.settings)  # before the data: a wrong setting fails at once
    data = _training_set(app, jsonl, demo_world, seed, days)
    name = name or ("bootstrap" if demo_world else "local")
    path = output or Path(app.settings.paths.models_dir) / f"{name}.skops"
    options = TrainingOptions(folds=folds, seed=seed)
    oversight = None
    if not demo_world and jsonl is None:
        from scanner.model.oversight import oversight_figures

        with app.database().session() as session:
            oversight = oversight_figures(session)
    trained = train_model(
        data,
        name=name,
        now=utcnow(),
        options=options,
        without_rules=set(app.settings.rules.sensitive_enabled),
        mask=mask,
        score=app.settings.score,
        fairness=app.settings.fairness,
        oversight=oversight,
    )
    card = save_model(trained.estimator, trained.card, path)
    _print_metrics("cross-validated", card["metrics"], app.settings.score.review_budget)
    _print_error_rates(card["metrics"]["error_rates"])
    click.echo(f"saved {path} (version {card['version']}) and its card {path.with_suffix('')}.card.md")
    if str(path) != app.settings.model.path:
        click.echo(f"to score with it, set model.path = {str(path)!r} in scanner.toml")


@model.command()
@_source_options
@click.option("--model", "model_path", type=click.Path(dir_okay=False, path_type=Path), help="Model file.")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("calibration.png"),
    show_default=True,
    help="Where to save the calibration plot (PNG).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@pass_app
def evaluate(
    app: App,
    from_reviews: bool,
    jsonl: Path | None,
    demo_world: bool,
    seed: int,
    days: int,
    model_path: Path | None,
    plot: Path,
    as_json: bool,
) -> None:
    """Measure a model on labelled ads it was not trained on.

    Prints PR-AUC, precision at the review budget (score.review_budget), recall and Brier score,
    overall, per site and per language, and the share of negatives the full score (rules and model)
    flags at score.flag_threshold; on a demo world also per true class (independent, agency). Then
    the false-positive rate per ad language, site and region with counts and 95% intervals, and a
    warning for each group above fairness.max_rate_ratio times the rest.

    \b
    Example:
      scanner model evaluate --demo-world --seed 11 --plot calibration.png
      scanner model evaluate --jsonl labelled.jsonl --model models/local.skops --json
    """
    from scanner.lab.training import evaluate_model
    from scanner.model.io import load_model, resolve_model_path

    path = model_path or resolve_model_path(app.settings.model.path)
    if path is None:
        raise ModelError("no model to evaluate", context="model.path", hint="train one with `scanner model train`")
    _check_one_source(from_reviews, jsonl, demo_world)
    loaded = load_model(path, extra_trusted=app.settings.model.trusted_types)
    classes = None
    if demo_world:
        from scanner.lab.demo.world import WorldConfig
        from scanner.lab.demo_training import demo_training_set

        demo = demo_training_set(app.settings, WorldConfig(seed=seed, days=days))
        data, classes = demo.training, demo.classes
    else:
        data = _training_set(app, jsonl, demo_world, seed, days)
    if not data.records:
        raise InputError("no labelled ads to evaluate on", context=data.source, hint="label ads with `scanner review`")
    report = evaluate_model(
        loaded,
        data.records,
        data.labels,
        app.settings.score,
        classes=classes,
        plot=plot,
        fairness=app.settings.fairness,
    )
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    budget = app.settings.score.review_budget
    _print_metrics(f"model {loaded.version} on {data.source}", report, budget)
    flags = report["score"]["flags"]
    click.echo(
        f"score at threshold {report['score']['threshold']}: {flags['flagged_positives']} of {flags['positives']} "
        f"positives flagged; false-positive rate {flags['false_positive_rate']} "
        f"({flags['flagged_negatives']} of {flags['negatives']} negatives)"
    )
    for cls, values in flags.get("by_class", {}).items():
        click.echo(f"  {cls}: {values['flagged']} of {values['ads']} flagged ({values['flagged_share']:.1%})")
    rules_only = report["score"]["rules_only_flags"]
    click.echo(
        f"rules only (no model): {rules_only['flagged_positives']} of {rules_only['positives']} positives flagged; "
        f"false-positive rate {rules_only['false_positive_rate']}"
    )
    _print_error_rates(report["error_rates"])
    if not report["masked"]:
        click.echo("WARNING this model was trained before sensitive words were masked: retrain it (docs/model.md)")
    click.echo(f"calibration plot: {report['calibration_plot']}")


def _print_error_rates(rates: dict[str, Any]) -> None:
    from scanner.model.fairness import rate_text, ratio_text

    click.echo(
        f"false-positive rate (negatives flagged at {rates['threshold']}) per group; compared with the rest "
        f"when both have {rates['min_group_ads']}+ ads:"
    )
    for population, section in rates["populations"].items():
        click.echo(f"  {population}: {rate_text(section['overall'])}")
        for key, groups in section.items():
            if key.startswith("by_"):
                for group, values in groups.items():
                    click.echo(f"    {key[3:]} {group}: {rate_text(values)}, {ratio_text(values)}")
    for warning in rates["warnings"]:
        click.echo(f"WARNING {warning}")


@model.command()
@click.option("--model", "model_path", type=click.Path(dir_okay=False, path_type=Path), help="Model file.")
@click.option("--features", "feature_count", default=15, show_default=True, help="Strongest features to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the card as JSON.")
@pass_app
def show(app: App, model_path: Path | None, feature_count: int, as_json: bool) -> None:
    """Show the model card of the configured model (or --model) and its strongest features.

    The model is loaded, so this also checks that the file is trusted, untampered and compatible.

    \b
    Example:
      scanner model show
      scanner model show --model models/local.skops --json
    """
    from scanner.model.card import to_markdown
    from scanner.model.io import load_model, resolve_model_path

    path = model_path or resolve_model_path(app.settings.model.path)
    if path is None:
        raise ModelError(
            f"no model file at {app.settings.model.path!r}",
            context="model.path",
            hint="scores use the rules only; train a model with `scanner model train`",
        )
    loaded = load_model(path, extra_trusted=app.settings.model.trusted_types)
    strongest = loaded.strongest_features(feature_count)
    if as_json:
        click.echo(json.dumps({**loaded.card, "strongest_features": strongest}, indent=2, ensure_ascii=False))
        return
    click.echo(to_markdown(loaded.card))
    click.echo("## Strongest features (log-odds weight; negative lowers the risk)\n")
    for feature in strongest:
        click.echo(f"- {feature['name']}: {feature['weight']:+.3f}")


CARD_FORMATS = ("markdown", "json", "ai-act", "register")


@model.command()
@click.option("--model", "model_path", type=click.Path(dir_okay=False, path_type=Path), help="Model file.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CARD_FORMATS),
    default="markdown",
    show_default=True,
    help="markdown or json: the model card with tonight's figures; ai-act: the technical documentation of "
    "Annex IV of the AI Act; register: a draft entry for the Dutch algorithm register.",
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@pass_app
def card(app: App, model_path: Path | None, fmt: str, output: Path | None) -> None:
    """Write the model card, the AI Act technical documentation or an algorithm register draft.

    Every value comes from the settings, the rule pack, the model card and the database: the scans
    and the model versions they used, tonight's flag rates per group, the oversight figures (flags
    reviewed, time to review, disagreement) and the audit log. What the tool cannot know is marked
    [TO COMPLETE: ...]; docs/model.md says what to add by hand. Reads counts only, no ad data.

    \b
    Example:
      scanner model card --format ai-act --output ai-act.md
      scanner model card --format register --output algoritmeregister.md
    """
    from scanner.model.card import to_markdown
    from scanner.model.documents import ai_act_markdown, register_markdown
    from scanner.model.facts import deployment_facts
    from scanner.model.io import load_model, resolve_model_path

    path = model_path or resolve_model_path(app.settings.model.path)
    loaded = load_model(path, extra_trusted=app.settings.model.trusted_types) if path is not None else None
    if loaded is None and fmt in ("markdown", "json"):
        raise ModelError(
            f"no model file at {app.settings.model.path!r}",
            context="model.path",
            hint="scores use the rules only; --format ai-act documents that, or train a model first",
        )
    with app.database().session() as session:
        facts = deployment_facts(session, app.settings, loaded)
    if fmt == "ai-act":
        text = ai_act_markdown(facts)
    elif fmt == "register":
        text = register_markdown(facts)
    elif fmt == "json":
        text = json.dumps(facts, indent=2, ensure_ascii=False)
    else:
        from scanner.model.flag_rates import flag_rate_lines
        from scanner.model.oversight import oversight_lines

        assert loaded is not None
        tonight = ["## Tonight", "", *[f"- {line}" for line in flag_rate_lines(facts["flag_rates"])]]
        oversight = ["## Human oversight (now)", "", *[f"- {line}" for line in oversight_lines(facts["oversight"])]]
        text = "\n".join([to_markdown(loaded.card), *tonight, "", *oversight, ""])
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
