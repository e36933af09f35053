"""`scanner scan`: the nightly job, with one lock per database and resume after a crash."""

from __future__ import annotations

import json
import sys
from datetime import datetime

import click

from scanner.cli.context import App, pass_app
from scanner.workflow.scan import run_scan


@click.command()
@click.option("--source", "sources", multiple=True, metavar="NAME", help="Only this source (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--progress/--no-progress", default=None, help="Progress bars (default: on a terminal).")
@click.option(
    "--now",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
    hidden=True,
    help="Simulated clock (UTC) for tests and the demo world: the time stored for what this scan sees.",
)
@pass_app
def scan(app: App, sources: tuple[str, ...], as_json: bool, progress: bool | None, now: datetime | None) -> None:
    """The nightly job: crawl, extract, link, rules, model and score, then purge; print a summary.

    Only one scan runs per database: a second one exits at once with code 5. A scan that was
    killed is resumed by the next one, from where it stopped. Refuses to run (code 11) until the
    privacy settings (controller, purpose, legal basis, DPIA reference) are filled in. Exit codes
    are listed in docs/deploy.md.

    \b
    Example:
      scanner scan
      scanner --as nightly --purpose "APV toezicht" scan --json > /var/log/scanner/last-scan.json
    """
    show_progress = sys.stderr.isatty() if progress is None else progress

    def stage_started(name: str) -> None:
        if show_progress:
            click.secho(f"» {name}", err=True, fg="cyan")

    summary = run_scan(
        app.database(),
        app.settings,
        actor=app.actor,
        purpose=app.purpose,
        sources=list(sources) or None,
        now=now,
        progress=show_progress,
        on_stage=stage_started,
    )
    if as_json:
        click.echo(json.dumps(summary.as_dict(), indent=2, default=str))
    else:
        for line in summary.lines():
            click.echo(line)
