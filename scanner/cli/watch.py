"""`scanner watch`: follow phones, networks or text; the next reports mark new ads that match."""

from __future__ import annotations

import click

from scanner.cli.context import App, pass_app
from scanner.investigate import watch as watch_module
from scanner.investigate.render import Output, to_json


@click.group()
def watch() -> None:
    """Follow phones, networks or text: the next reports mark new ads that match.

    \b
    Example:
      scanner watch add phone "06 12 34 56 78" --note "case 2026-014"
      scanner watch add network N-000007
      scanner watch list
    """


@watch.command("add")
@click.argument("kind", type=click.Choice(watch_module.KINDS))
@click.argument("value")
@click.option("--note", default="", help="Why this is watched (a case number, a tip).")
@pass_app
def add(app: App, kind: str, value: str, note: str) -> None:
    """Watch a phone (any formatting), a network label or a text fragment.

    \b
    Example:
      scanner watch add phone "+31 6 1234 5678"
      scanner watch add text "nieuw in de stad" --note "template seen in Leiden"
    """
    with app.database().session() as session:
        entry = watch_module.add_entry(session, app.settings, kind=kind, value=value, note=note, actor=app.actor)
        app.audit(session, "watch add", "change", {"watch_id": entry.id, "kind": kind})
    click.echo(f"watching {kind} {entry.value} (entry {entry.id})")


@watch.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_app
def list_(app: App, fmt: str) -> None:
    """List the active watchlist entries.

    \b
    Example:
      scanner watch list --format json
    """
    with app.database().session() as session:
        entries = []
        for entry in watch_module.active_entries(session):
            row = watch_module.entry_json(entry)
            row.update(created_by=entry.created_by, created_at=entry.created_at.isoformat(timespec="seconds"))
            entries.append(row)
        app.audit(session, "watch list", "read")
    if fmt == "json":
        click.echo(to_json(entries))
        return
    Output().table(
        ["id", "kind", "value", "note", "created by", "created at"],
        [[row["id"], row["kind"], row["value"], row["note"], row["created_by"], row["created_at"]] for row in entries],
    )


@watch.command("remove")
@click.argument("entry_id", type=int)
@pass_app
def remove(app: App, entry_id: int) -> None:
    """Stop watching entry ENTRY_ID (it stays in the history, inactive).

    \b
    Example:
      scanner watch remove 3
    """
    with app.database().session() as session:
        watch_module.deactivate(session, entry_id)
        app.audit(session, "watch remove", "change", {"watch_id": entry_id})
    click.echo(f"stopped watching entry {entry_id}")
