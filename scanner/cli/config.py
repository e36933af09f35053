"""`scanner config`: the effective settings."""

from __future__ import annotations

import json

import click

from scanner.cli.context import App, pass_app
from scanner.settings import all_keys, env_name, mask


@click.group()
def config() -> None:
    """Show the effective settings and where each came from.

    \b
    Example:
      scanner config show
      SCANNER_CRAWL_DELAY=2 scanner config show --json
    """


@config.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def show(app: App, as_json: bool) -> None:
    """Print every setting, its value (secrets masked) and its layer: default, file, env or cli.

    \b
    Example:
      scanner --set crawl.delay=2 config show
    """
    rows = []
    for key in all_keys():
        layer, where = app.loaded.origins[key]
        rows.append(
            {
                "key": key,
                "value": mask(key, app.loaded.value(key)),
                "layer": layer,
                "from": where,
                "env": env_name(key),
            }
        )
    rows.append(
        {
            "key": "(derived) database_url",
            "value": mask("database.url", app.settings.database_url),
            "layer": app.loaded.origins["database.url"][0],
            "from": "database.url or data dir",
            "env": "",
        }
    )
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("setting", "value", "layer", "from")
    for row in rows:
        value = row["value"]
        shown = json.dumps(value, default=str) if not isinstance(value, str) else value
        table.add_row(row["key"], shown, row["layer"], row["from"])
    Console().print(table)
