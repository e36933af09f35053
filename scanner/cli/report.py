"""`scanner report`: what is new since the last run and why, grouped by network, highest risk first."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import click

from scanner.cli.context import App, pass_app
from scanner.cli.outfile import OutputFile
from scanner.investigate.html import render_html
from scanner.investigate.render import Output, to_json
from scanner.investigate.report import CATEGORIES, FORMATS, ReportFilter, build_report, render_csv, report_ad_ids
from scanner.investigate.text import render_text


@click.command()
@click.option(
    "--since",
    default="last-run",
    show_default=True,
    metavar="DATE|last-run",
    help="Only what happened since this date (2026-01-03, 2026-01-03T06:00), or since the last completed scan.",
)
@click.option("--min-score", type=click.FloatRange(0, 100), help="Lowest score listed (default: report.min_score).")
@click.option("--category", type=click.Choice(CATEGORIES), help="Only trafficking signals, or only licensing.")
@click.option(
    "--region",
    metavar="R",
    help="Only ads in this place or area: municipality, residence, province, safety region or police unit, in any "
    'spelling (Kennemerland, "Zuid Holland"). An unknown name is refused with a suggestion.',
)
@click.option("--all", "include_unflagged", is_flag=True, help="Also list ads that are not flagged.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@pass_app
def report(
    app: App,
    since: str,
    min_score: float | None,
    category: str | None,
    region: str | None,
    include_unflagged: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """What is new and why: newly flagged ads and networks, watchlist hits, with evidence.

    Opens with a "start here" block: the last scan, the model and its warning, possible minors not
    yet reviewed, watchlist hits and newly flagged networks. Then groups ads by network (possible
    minors first, then watchlist hits, then the highest score); each ad shows its risk and
    licensing scores, the parts of its risk (rules, model) and its top indicators with the words
    that triggered them, quoted from the field they came from. `--format html` writes one
    self-contained file that opens offline. Reading the report is recorded in the audit log.

    \b
    Example:
      scanner report
      scanner report --region "Zuid Holland"
      scanner report --since 2026-01-03 --category licensing --format csv > licensing.csv
      scanner --purpose "weekly review" report --format html -o report.html
    """
    target = OutputFile(output) if output else None  # a bad -o fails here: nothing read or audited
    report_filter = ReportFilter(
        since=since, min_score=min_score, category=category, region=region, include_unflagged=include_unflagged
    )
    with contextlib.ExitStack() as cleanup:
        if target:
            cleanup.enter_context(target)
        with app.database().session() as session:
            document = build_report(session, app.settings, report_filter)
            text = _rendered(document, fmt, target)
            app.audit(
                session,
                "report",
                "read",
                {
                    "format": fmt,
                    "filters": document["filters"],
                    "since": document["since"],
                    "ads": report_ad_ids(document),
                },
            )
        if target:
            target.publish()
            click.echo(f"wrote {output}", err=True)
            return
    if text is None:
        render_text(document, Output())
    else:
        click.echo(text, nl=not text.endswith("\n"))


def _rendered(document: dict[str, Any], fmt: str, target: OutputFile | None) -> str | None:
    """The report as text (None: a table for the terminal, printed after the audit entry is committed)."""
    if fmt == "table":
        if target:
            with target.stream() as stream:
                render_text(document, Output(stream, rich=False))
        return None
    text = {"json": to_json, "csv": render_csv, "html": render_html}[fmt](document)
    if target:
        target.write(text if text.endswith("\n") else text + "\n")
    return text
