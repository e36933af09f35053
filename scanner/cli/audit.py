"""`scanner audit`: the append-only audit log of who read, exported, changed or purged personal data, its
chain check (`verify`), and the oversight figures (`--oversight`: flags reviewed, time from flag to
review, disagreement)."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Any

import click

from scanner.cli.context import App, pass_app
from scanner.db.audit import ACTIONS, chain_rows
from scanner.db.auditchain import Head, heads_in
from scanner.db.auditchain import verify as verify_chain
from scanner.errors import InputError
from scanner.investigate.audit_query import audit_entries
from scanner.investigate.render import Output, to_json
from scanner.model.oversight import oversight_figures, oversight_lines
from scanner.utf8 import NotUTF8, decode_utf8


@click.group(invoke_without_command=True)
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
@click.pass_context
def audit(
    ctx: click.Context, since: str | None, actor: str | None, action: str | None, limit: int, fmt: str, oversight: bool
) -> None:
    """List who read, exported, changed or purged personal data, when, with which command and why.

    The log is append-only: the database refuses to change or delete entries, and every entry is
    hash-chained to the one before, so `scanner audit verify` shows any that were changed, deleted
    or inserted behind the application's back. Listing it is not itself recorded (it holds no ad data).
    The table ends with the oversight figures in one line; --oversight shows them in full.

    \b
    Example:
      scanner audit --since 2026-01-01
      scanner audit --actor jdevries --action export --format csv > exports.csv
      scanner audit --oversight
      scanner audit verify --heads-from /var/log/scanner/scans.log
    """
    if ctx.invoked_subcommand is not None:
        return
    app = ctx.find_object(App)
    assert app is not None
    if oversight:
        _print_oversight(app, fmt)
        return
    with app.database().session() as session:
        entries = audit_entries(session, since=since, actor=actor, action=action, limit=limit)
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


def _heads(values: tuple[str, ...], files: tuple[Path, ...]) -> list[Head]:
    heads = []
    for value in values:
        try:
            heads.append(Head.parse(value))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--head") from None
    for path in files:
        try:
            text = decode_utf8(_read(path), allow_nul=True)
        except (OSError, NotUTF8) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else exc.message
            raise InputError(
                f"cannot read heads: {reason}", context=str(path), hint="give the saved scan output"
            ) from None
        found = heads_in(text)
        if not found:
            raise InputError(
                "no audit head (ID:HASH) in this file",
                context=str(path),
                hint="give the output of `scanner scan` (its 'audit head' line) or `scanner scan --json`",
            )
        heads.extend(found)
    return list(dict.fromkeys(heads))


def _read(path: Path) -> bytes:
    return sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()


@audit.command("verify")
@click.option("--head", "head_values", multiple=True, metavar="ID:HASH", help="A head kept outside (repeatable).")
@click.option(
    "--heads-from",
    "head_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
    help="A file holding heads, e.g. saved scan summaries or a log of them; - reads standard input (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def verify(app: App, head_values: tuple[str, ...], head_files: tuple[Path, ...], as_json: bool) -> None:
    """Check the audit log's hash chain; name every entry changed, deleted or inserted behind its back.

    Without heads it checks that every entry matches its hash and links to the one before. An attacker
    who recomputes the whole chain, or deletes the newest entries, is caught only against a head kept
    outside the database: every scan prints one ("audit head: ID:HASH"). Exits 0 when the log is
    intact, 1 when it is not. Verifying is not itself recorded.

    \b
    Example:
      scanner audit verify
      scanner audit verify --head 1234:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
      scanner audit verify --heads-from /var/log/scanner/scans.log
      journalctl -u scanner-scan --output cat | scanner audit verify --heads-from -
    """
    heads = _heads(head_values, head_files)
    with app.database().session() as session:
        result = verify_chain(chain_rows(session), heads)
    if as_json:
        click.echo(
            to_json(
                {
                    "intact": result.intact,
                    "entries": result.entries,
                    "head": str(result.head) if result.head else None,
                    "heads_checked": result.heads_checked,
                    "findings": [
                        {"kind": finding.kind, "entry": finding.entry_id, "message": finding.message}
                        for finding in result.findings
                    ],
                }
            )
        )
    else:
        for finding in result.findings:
            click.echo(f"{finding.kind}: {finding.message}")
        checked = f", checked against {result.heads_checked} heads kept outside" if result.heads_checked else ""
        state = "intact" if result.intact else f"NOT intact: {len(result.findings)} problems"
        click.echo(f"audit log {state}: {result.entries} entries, head {result.head or '(empty)'}{checked}")
    if not result.intact:
        sys.exit(1)
