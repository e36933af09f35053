"""`scanner purge`: apply the retention settings now."""

from __future__ import annotations

import json

import click

from scanner.cli.context import App, pass_app
from scanner.workflow.lock import scan_lock
from scanner.workflow.retention import purge as purge_ads


@click.command()
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@pass_app
def purge(app: App, dry_run: bool, as_json: bool) -> None:
    """Delete what the retention settings no longer allow to keep, and record it in the audit log.

    Ads never flagged go retention.unflagged_days after they were last seen; flagged ads without
    a review go after retention.flagged_days; ads under review (an open label) stay; reviews stay
    (benign ones without the ad's text and phone). With the ads go the identifiers, photos, cached
    pages and crawl queue entries only they used, and their traces in network summaries, group
    evidence and crawl errors. --dry-run counts exactly what the purge would do. Every scan ends
    with a purge unless retention.purge_after_scan is off. Takes the scan lock, so it never runs
    during a scan.

    \b
    Example:
      scanner purge --dry-run
      scanner --set retention.unflagged_days=14 purge
    """
    db = app.database()
    with scan_lock(db):
        stats = purge_ads(
            db,
            app.settings.retention,
            actor=app.actor,
            purpose=app.purpose,
            dry_run=dry_run,
            linking=app.settings.linking,
        )
    if as_json:
        click.echo(json.dumps(stats.as_dict(), indent=2))
        return
    verb, changed = ("would delete", "would clean") if dry_run else ("deleted", "cleaned")
    click.echo(
        f"{verb} {stats.ads} ads ({stats.versions} versions, {stats.sightings} sightings), "
        f"{stats.identifiers} identifiers, {stats.photos} photos, {stats.networks} networks, "
        f"{stats.http_cache} cached pages and {stats.frontier} crawl queue entries of them; "
        f"kept {stats.kept_under_review} ads under review"
    )
    click.echo(
        f"{changed}: {stats.networks_updated} network summaries, {stats.hits_cleaned} indicator hits and "
        f"{stats.assessments_cleaned} assessments that counted them, crawl errors of {stats.scan_runs_cleaned} "
        f"scan runs; redacted {stats.reviews_redacted} benign reviews"
    )
