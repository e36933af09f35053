"""`scanner search`: find ads by phone number, words or photo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from scanner.cli.context import App, pass_app
from scanner.errors import InputError
from scanner.investigate import search as search_module
from scanner.investigate.render import Output, to_json

COLUMNS = (
    "id",
    "match",
    "risk_score",
    "licensing_score",
    "flagged",
    "network",
    "city",
    "source",
    "last_seen_at",
)


@click.command()
@click.option(
    "--phone",
    metavar="NUMBER",
    help='A phone number in any formatting ("06 12 34 56 78", +31612345678), its last 6+ digits, or its start '
    '("06 12 3", "+31 6 123").',
)
@click.option(
    "--text", metavar="WORDS", help="Words in the ad's title or text (any version), ignoring case and accents."
)
@click.option(
    "--image",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A photo: finds ads with a perceptually similar photo (also mirrored).",
)
@click.option(
    "--region",
    metavar="R",
    help="Only ads in this place or area: municipality, residence, province, safety region or police unit.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_app
def search(app: App, phone: str | None, text: str | None, image: Path | None, region: str | None, fmt: str) -> None:
    """Find ads by phone (whole or part), text or image (perceptual hash). Recorded in the audit log.

    \b
    Example:
      scanner search --phone "06-12 34 56 78"
      scanner search --phone 345678                 # the last digits
      scanner search --text "prive ontvangst" --region "Zuid Holland"
      scanner search --image suspect.jpg --format json
    """
    given = [name for name, value in (("--phone", phone), ("--text", text), ("--image", image)) if value]
    if len(given) != 1:
        raise InputError(
            "give exactly one of --phone, --text or --image", context="search", hint="scanner search --help"
        )
    query: dict[str, Any] = {}
    with app.database().session() as session:
        if phone:
            query, ads = search_module.by_phone(session, app.settings, phone, region=region)
        elif text:
            ads = search_module.by_text(session, app.settings, text, region=region)
            query = {"text": True}
        else:
            assert image is not None
            ads = search_module.by_image(session, app.settings, image, region=region)
            query = {"image": True}
        if region:
            query["region"] = region
        # Which kind of search and which ads it showed; never the phone number or the words.
        app.audit(session, "search", "read", {"by": next(iter(query)), "ads": [ad["id"] for ad in ads]})
    if fmt == "json":
        click.echo(to_json({"query": query, "ads": ads}))
        return
    out = Output()
    out.table(
        [*(key.replace("_", " ") for key in COLUMNS), "model p", "title"],
        [[*(ad[key] for key in COLUMNS), _probability(ad), ad["title"]] for ad in ads],
        title=f"{len(ads)} ads",
    )
    models = [model for model in map(_model, ads) if model is not None]
    for warning in sorted({str(model["warning"]) for model in models if model.get("warning")}):
        out.line(f"MODEL WARNING: {warning}", style="bold yellow")


def _model(ad: dict[str, Any]) -> dict[str, Any] | None:
    model = (ad.get("score") or {}).get("model")
    return model if isinstance(model, dict) else None


def _probability(ad: dict[str, Any]) -> str:
    model = _model(ad)
    return f"{model['probability']:.2f}" if model else ""
