"""`scanner export`: flagged ads and networks as CSV, JSON or GraphML, with the minimum of fields."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from scanner.cli.context import App, pass_app
from scanner.cli.outfile import OutputFile
from scanner.report import export as export_module


@click.command()
@click.option("--format", "fmt", type=click.Choice(export_module.FORMATS), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@click.option("--network", metavar="N-LABEL", help="Only the ads of this network (flagged or not).")
@click.option("--min-score", type=click.FloatRange(0, 100), default=0.0, help="Lowest risk score exported.")
@click.option("--all", "include_unflagged", is_flag=True, help="Also export ads that are not flagged.")
@click.option("--recipient", default="", help="Who receives the export (recorded in the audit log).")
@pass_app
def export(
    app: App,
    fmt: str,
    output: Path | None,
    network: str | None,
    min_score: float,
    include_unflagged: bool,
    recipient: str,
) -> None:
    """Export flagged ads, their phones, networks and links, without ad text or photos.

    Fields: id, network, source, url, city, first and last seen, scores, flagged, underage, phones,
    indicator ids. GraphML (ads as nodes, links as edges) opens in Gephi and yEd. Every export is
    recorded in the audit log with the recipient and purpose. With -o the folder must exist; the
    file is written whole (readable only by you) after the export is recorded, or not at all.

    \b
    Example:
      scanner --purpose "referral, case 2026-014" export --format graphml --recipient "politie PCT" -o n7.graphml
      scanner export --network N-000007 --format json
    """
    target = OutputFile(output) if output else None  # a bad -o fails here: nothing read, exported or audited
    export_filter = export_module.ExportFilter(
        include_unflagged=include_unflagged, network=network, min_score=min_score
    )
    with contextlib.ExitStack() as cleanup:
        if target:
            cleanup.enter_context(target)
        with app.database().session() as session:
            records = export_module.collect(session, app.settings, export_filter)
            text = export_module.RENDERERS[fmt](records)
            if target:
                target.write(text)
            app.audit(
                session,
                "export",
                "export",
                {
                    "format": fmt,
                    "recipient": recipient,
                    "ads": [row["id"] for row in records["ads"]],
                    "networks": [network["label"] for network in records["networks"]],
                    "file": str(output) if output else "stdout",
                },
            )
        if target:
            target.publish()
            click.echo(f"exported {len(records['ads'])} ads to {output}", err=True)
            return
    click.echo(text, nl=False)
