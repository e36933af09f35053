"""`scanner export`: flagged ads and networks as CSV, Excel, JSON or GraphML, with the minimum of fields."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from scanner.cli.context import App, pass_app
from scanner.cli.outfile import OutputFile
from scanner.investigate import export as export_module


@click.command()
@click.option("--format", "fmt", type=click.Choice(export_module.FORMATS), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@click.option("--network", metavar="N-LABEL", help="Only the ads of this network (flagged or not).")
@click.option("--min-score", type=click.FloatRange(0, 100), default=0.0, help="Lowest risk score exported.")
@click.option(
    "--region",
    metavar="R",
    help="Only ads in this place or area: municipality, residence, province, safety region or police unit.",
)
@click.option("--all", "include_unflagged", is_flag=True, help="Also export ads that are not flagged.")
@click.option("--recipient", default="", help="Who receives the export (recorded in the audit log).")
@pass_app
def export(
    app: App,
    fmt: str,
    output: Path | None,
    network: str | None,
    min_score: float,
    region: str | None,
    include_unflagged: bool,
    recipient: str,
) -> None:
    """Export flagged ads, their phones, networks and links, without ad text or photos.

    Fields: id, network, source, url, city, first and last seen, risk and licensing scores, the
    model's probability and version, flagged, underage, phones, indicator ids (CSV adds the model
    card's warning). CSV and xlsx are safe to open in a spreadsheet: no cell runs as a formula and
    phone numbers stay exact (text cells in xlsx). GraphML (ads as nodes, links as edges) opens in
    Gephi and yEd. Every export is recorded in the audit log with the recipient and purpose. With -o
    the folder must exist; the file is written whole (readable only by you) after the export is
    recorded, or not at all.

    \b
    Example:
      scanner --purpose "referral, case 2026-014" export --format graphml --recipient "politie PCT" -o n7.graphml
      scanner export --network N-000007 --format xlsx -o n7.xlsx
      scanner export --region Kennemerland --format csv -o kennemerland.csv
    """
    target = OutputFile(output) if output else None  # a bad -o fails here: nothing read, exported or audited
    export_filter = export_module.ExportFilter(
        include_unflagged=include_unflagged, network=network, min_score=min_score, region=region
    )
    with contextlib.ExitStack() as cleanup:
        if target:
            cleanup.enter_context(target)
        with app.database().session() as session:
            records = export_module.collect(session, app.settings, export_filter)
            content = export_module.RENDERERS[fmt](records)
            if target:
                target.write(content)
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
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
