"""`scanner crawl`: collect ads from the configured sources, on its own (the nightly scan also crawls)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click
from sqlalchemy import select

from scanner.cli.context import App, is_terminal, pass_app
from scanner.crawl import load_sources, run_crawl
from scanner.db.audit import record
from scanner.db.models import ScanRun
from scanner.workflow.lock import scan_lock
from scanner.workflow.privacy import check_legal_basis, legal_basis_warning


@click.command()
@click.option("--source", "names", metavar="NAME", multiple=True, help="Crawl only this source (repeatable).")
@click.option("--fresh", is_flag=True, help="Start a new run even when an interrupted crawl could be resumed.")
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@pass_app
def crawl(app: App, names: tuple[str, ...], fresh: bool, as_json: bool) -> None:
    """Collect ads from the sites described in sources/*.yaml, politely and incrementally.

    Obeys robots.txt, waits crawl.delay seconds between requests to one site, asks only for pages
    that changed, and resumes an interrupted crawl (killed, or stopped with Ctrl-C) where it stopped.
    Prints statistics per source at the end: pages, bytes, status codes, new, changed and removed
    ads, errors.

    \b
    Example:
      scanner crawl
      scanner crawl --source rozewereld --source nachtlicht
      scanner --set crawl.delay=2 crawl --json
    """
    settings = app.settings
    check_legal_basis(settings.privacy)
    warning = legal_basis_warning(settings.privacy)
    if warning:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    sources = load_sources(Path(settings.paths.sources_dir), list(names) or None)
    db = app.database()
    if not is_terminal():
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
        logging.getLogger("httpx").setLevel(logging.WARNING)
    with scan_lock(db):
        resume_id = None if fresh else _interrupted_run(app)
        if resume_id is not None:
            click.echo(f"resuming interrupted crawl run {resume_id}", err=True)
        with db.session() as session:
            record(
                session,
                actor=app.actor,
                command="crawl",
                action="collect",
                purpose=app.purpose or settings.privacy.purpose,
                details={
                    "sources": [source.name for source in sources],
                    "resumed_run": resume_id,
                    **({"warning": "privacy.require_legal_basis is off"} if warning else {}),
                },
            )
        stats = run_crawl(
            db,
            settings,
            sources=sources,
            scan_run_id=resume_id,
            progress=is_terminal(),
            log_interval=None if is_terminal() else settings.monitoring.progress_interval,
        )
        if resume_id is not None:
            with db.session() as session:
                run = session.get(ScanRun, resume_id)
                if run is not None:
                    run.status = "completed"
    if as_json:
        click.echo(json.dumps(stats.to_json(), indent=2))
    else:
        for line in stats.summary_lines():
            click.echo(line)


def _interrupted_run(app: App) -> int | None:
    """The latest crawl run left running by a killed process (the scan lock is ours, so it is dead)."""
    with app.database().session() as session:
        return session.scalar(
            select(ScanRun.id)
            .where(ScanRun.kind == "crawl", ScanRun.status.in_(("running", "interrupted")))
            .order_by(ScanRun.id.desc())
            .limit(1)
        )
