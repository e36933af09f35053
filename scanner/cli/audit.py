"""`scanner audit`: the append-only audit log of who read, exported, changed or purged personal data, and
the oversight figures (`--oversight`: flags reviewed, time from flag to review, disagreement)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import click
from sqlalchemy import select

from scanner.cli.context import App, pass_app
from scanner.db.models import AuditEntry
from scanner.errors import InputError
from scanner.model.oversight import oversight_figures, oversight_lines
from scanner.report.render import Output, to_json
from scanner.workflow.audit import ACTIONS


def _entry(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(timespec="seconds"),
        "actor": entry.actor,
        "command": entry.command,
        "action": entry.action,
        "purpose": entry.purpose,
        "details": entry.details,
    }


@click.command()
@click.option("--since", metavar="DATE", help="Only entries from this date or date-time on.")
@click.option("--actor", help="Only entries of this person.")
@click.option("--action", type=click.Choice(sorted(ACTIONS)), help="Only this kind of access.")
@click.option("--limit", default=200, show_default=True, help="Newest entries shown.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option(
    "--oversight",
    is_flag=True,
    help="Show the human-oversight figures instead of the log: the share of flags a person reviewed, the "
    "time from flag to review, and how often reviewers disagreed with the score and with each other.",
)
@pass_app
def audit(
    app: App, since: str | None, actor: str | None, action: str | None, limit: int, fmt: str, oversight: bool
) -> None:
    """List who read, exported, changed or purged personal data, when, with which command and why.

    The log is append-only: the database refuses to change or delete entries. Listing it is not
    itself recorded (it holds no ad data). The table ends with the oversight figures in one line;
    --oversight shows them in full.

    \b
    Example:
      scanner audit --since 2026-01-01
      scanner audit --actor jdevries --action export --format csv > exports.csv
      scanner audit --oversight
    """
    if oversight:
        _print_oversight(app, fmt)
        return
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if since:
        try:
            query = query.where(AuditEntry.at >= datetime.fromisoformat(since))
        except ValueError:
            raise InputError(f"cannot read {since!r} as a date", context="--since", hint="e.g. 2026-01-03") from None
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    with app.database().session() as session:
        entries = [_entry(entry) for entry in reversed(session.scalars(query).all())]
    if fmt == "json":
        click.echo(to_json(entries))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", "at", "actor", "command", "action", "purpose", "details"])
        for row in entries:
            writer.writerow([*list(row.values())[:-1], to_json(row["details"]).replace("\n", "")])
        click.echo(out.getvalue(), nl=False)
    else:
        Output().table(
            ["id", "at", "actor", "command", "action", "purpose", "details"],
            [[*list(row.values())[:-1], _short(row["details"])] for row in entries],
        )
        with app.database().session() as session:
            figures = oversight_figures(session)
        lines = oversight_lines(figures)
        click.echo(f"oversight: {lines[0]}; {lines[4]} (details: scanner audit --oversight)")


def _print_oversight(app: App, fmt: str) -> None:
    with app.database().session() as session:
        figures = oversight_figures(session)
    if fmt == "json":
        click.echo(to_json(figures))
    elif fmt == "csv":
        raise InputError("the oversight figures have no CSV form", context="--format csv", hint="use --format json")
    else:
        click.echo("Human oversight of the risk score (reviews in this database):")
        for line in oversight_lines(figures):
            click.echo(f"  {line}")


def _short(details: dict[str, Any]) -> str:
    parts = []
    for key, value in details.items():
        if isinstance(value, list):
            parts.append(f"{key}={len(value)}")
        elif not isinstance(value, dict):
            parts.append(f"{key}={value}")
    return " ".join(parts)
