"""`scanner scan`: the nightly job, with one lock per database and resume after a crash."""

from __future__ import annotations

import json
import logging
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from types import FrameType

import click

from scanner.cli.context import App, pass_app
from scanner.errors import SourceFailedError
from scanner.workflow.scan import run_scan
from scanner.workflow.summary import ScanSummary


@click.command()
@click.option("--source", "sources", multiple=True, metavar="NAME", help="Only this source (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bars (default: on a terminal); without them a progress line is logged per stage and source.",
)
@click.option(
    "--now",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
    hidden=True,
    help="Simulated clock (UTC) for tests and the demo world: the time stored for what this scan sees.",
)
@pass_app
def scan(app: App, sources: tuple[str, ...], as_json: bool, progress: bool | None, now: datetime | None) -> None:
    """The nightly job: crawl, extract, link, rules, model and score, then purge; print a summary.

    Each source ends the run ok, degraded or failed, with its reasons. A failed source does not
    stop the others: the scan runs to its end and then exits with code 12; degraded exits 0 with a
    warning. Only one scan runs per database: a second one exits at once with code 5. A scan that
    was killed or stopped (Ctrl-C, SIGTERM) is resumed by the next one, from where it stopped.
    Refuses to run (code 11) until the privacy settings (controller, purpose, legal basis, DPIA
    reference) are filled in. Exit codes, health states, metrics and notifications: docs/deploy.md.

    \b
    Example:
      scanner scan
      scanner --as nightly --purpose "APV toezicht" scan --json > /var/log/scanner/last-scan.json
    """
    show_progress = sys.stderr.isatty() if progress is None else progress
    if not show_progress:
        _log_to_stderr()

    def stage_started(name: str) -> None:
        if show_progress:
            click.secho(f"» {name}", err=True, fg="cyan")

    with _stop_on_sigterm():
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
    _exit_for(summary)


def _exit_for(summary: ScanSummary) -> None:
    """Exit 12 when a source failed; warn (and exit 0) when one is degraded."""
    for name in summary.sources_in("degraded"):
        reasons = "; ".join(reason["message"] for reason in summary.sources[name]["reasons"])
        click.secho(f"warning: source {name} degraded: {reasons}", fg="yellow", err=True)
    failed = summary.sources_in("failed")
    if failed:
        first = summary.sources[failed[0]]["reasons"][0]["message"]
        raise SourceFailedError(
            f"{len(failed)} source{'' if len(failed) == 1 else 's'} failed ({', '.join(failed)}): {first}",
            context=f"scan run {summary.run_id}",
            hint="nothing of a failed source was removed and every other source was scanned; fix what the reasons "
            "above name (a source file, the network) or wait for the site: the next scan catches up",
        )


def _log_to_stderr() -> None:
    """Without a terminal (cron, systemd), log progress and warnings to stderr, with times."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)


@contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """SIGTERM (systemctl stop, a unit timeout) ends the scan like Ctrl-C: marked interrupted, then resumed."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (an embedding program): leave its signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
