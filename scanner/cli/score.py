"""`scanner score`: store explained assessments of every ad and network."""

from __future__ import annotations

import json

import click

from scanner.cli.context import App, pass_app


@click.command()
@click.option("--ad", "ad_ids", type=int, multiple=True, help="Score only this ad (and its network); repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@pass_app
def score(app: App, ad_ids: tuple[int, ...], as_json: bool) -> None:
    """Score ads and networks from their indicator hits and the model, and store why.

    Each ad and network gets a trafficking-risk score and a licensing-compliance score (0 to 100,
    kept apart), the model version, and an explanation: the rules that fired with their evidence and
    the model's strongest features for it. Any underage hit flags the ad whatever its score. With
    model.rules_only set the scores use the rules only; a model.path that names no file exits 8.
    The formula is in docs/model.md.
    Run `scanner rules apply` first to bring the indicator hits up to date (the nightly scan does).

    \b
    Example:
      scanner score
      scanner score --ad 12 --ad 13 --json
    """
    from scanner.score import score_all

    stats = score_all(app.database(), app.settings, ad_ids=ad_ids or None)
    if as_json:
        click.echo(json.dumps(stats.as_dict(), indent=2))
        return
    model = stats.model_version or "none (rules only)"
    click.echo(
        f"scored {stats.ads} ads and {stats.networks} networks: {stats.flagged} flagged, "
        f"{stats.underage} underage escalations; model {model}"
    )
