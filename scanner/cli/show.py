"""`scanner show ad|network|phone ID`: everything known about one ad, network or phone number."""

from __future__ import annotations

from typing import Any

import click

from scanner.cli.context import App, pass_app
from scanner.errors import InputError
from scanner.investigate import show as show_module
from scanner.investigate.render import Output, to_json

KINDS = ("ad", "network", "phone")


@click.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("key", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_app
def show(app: App, kind: str, key: str, fmt: str) -> None:
    """Everything known about an ad (by id), a network (N-000123) or a phone (any formatting).

    An ad: its texts across versions with the evidence highlighted, every indicator with its
    explanation, scores, linked ads, network, movement (cities by date) and reviews. Looking is
    recorded in the audit log.

    \b
    Example:
      scanner show ad 42
      scanner show network N-000007 --format json
      scanner show phone "06 12 34 56 78"
    """
    with app.database().session() as session:
        if kind == "ad":
            if not key.isdigit():
                raise InputError(
                    f"an ad id is a number, not {key!r}", context="show ad", hint="e.g. scanner show ad 42"
                )
            document = show_module.show_ad(session, app.settings, int(key))
            details: dict[str, Any] = {"ad_id": int(key)}
        elif kind == "network":
            document = show_module.show_network(session, app.settings, key)
            details = {"network": document["network"]["label"]}
        else:
            document = show_module.show_phone(session, app.settings, key)
            details = {"phone_ads": [ad["id"] for ad in document["ads"]]}
        app.audit(session, f"show {kind}", "read", details)
    if fmt == "json":
        click.echo(to_json(document))
    else:
        show_module.render_text(document, Output())
