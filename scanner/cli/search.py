"""`scanner search`: find ads by phone number, words or photo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from scanner.cli.context import App, pass_app
from scanner.errors import InputError
from scanner.report import search as search_module
from scanner.report.render import Output, to_json

COLUMNS = ("id", "match", "risk_score", "flagged", "network", "city", "source", "last_seen_at", "title")


@click.command()
@click.option("--phone", metavar="NUMBER", help='A phone number in any formatting: "06 12 34 56 78", +31612345678.')
@click.option("--text", metavar="WORDS", help="Words that appear in the ad's title or text (any version).")
@click.option(
    "--image",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A photo: finds ads with a perceptually similar photo (also mirrored).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_app
def search(app: App, phone: str | None, text: str | None, image: Path | None, fmt: str) -> None:
    """Find ads by phone (any formatting), text or image (perceptual hash). Recorded in the audit log.

    \b
    Example:
      scanner search --phone "06-12 34 56 78"
      scanner search --text "nieuw in de stad"
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
            e164, ads = search_module.by_phone(session, app.settings, phone)
            query = {"phone": e164}
        elif text:
            ads = search_module.by_text(session, app.settings, text)
            query = {"text": True}
        else:
            assert image is not None
            ads = search_module.by_image(session, app.settings, image)
            query = {"image": True}
        # Which kind of search and which ads it showed; never the phone number or the words.
        app.audit(session, "search", "read", {"by": next(iter(query)), "ads": [ad["id"] for ad in ads]})
    if fmt == "json":
        click.echo(to_json({"query": query, "ads": ads}))
        return
    out = Output()
    out.table(
        [key.replace("_", " ") for key in COLUMNS],
        [[ad[key] for key in COLUMNS] for ad in ads],
        title=f"{len(ads)} ads",
    )
