"""Metrics of the nightly scan for Prometheus, through node-exporter's textfile collector.

With `monitoring.textfile` set, every scan that ends (completed, failed or interrupted) writes that
file with prometheus_client's `write_to_textfile`, which writes a temporary file and renames it, so
node-exporter never reads half a file. Point node-exporter's `--collector.textfile.directory` at the
folder and alert on `scanner_scan_last_success_timestamp_seconds` (docs/deploy.md has the rule).

    scanner_scan_last_success_timestamp_seconds  end of the last scan that completed with no failed source (0: none yet)
    scanner_scan_last_run_timestamp_seconds      end of the scan this file describes
    scanner_scan_duration_seconds                how long it took
    scanner_scan_status{status}                  1 for its status: completed, failed or interrupted
    scanner_scan_health{state}                   1 for its health: ok, degraded or failed
    scanner_source_health{source,state}          1 for each source's health
    scanner_source_pages{source}                 pages fetched
    scanner_source_errors{source,class}          failed pages by class (scanner.crawl.failures)
    scanner_source_ads{source,change}            ads new, changed, removed, and listed this run
    scanner_flagged_ads, scanner_flagged_networks  newly flagged in this run
    scanner_possible_minor_ads                   ads newly escalated as possibly underage
    scanner_watchlist_hits                       new or changed ads matching a watchlist entry
    scanner_notification_failures                notifications of this run that could not be sent

A gauge more is one more `_gauge(...)` call in `build_registry`.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Gauge, write_to_textfile

from scanner.crawl.failures import CLASSES
from scanner.crawl.health import STATES
from scanner.db.models import ScanRun
from scanner.db.session import Database
from scanner.errors import ConfigError
from scanner.investigate.last_scan import last_success
from scanner.settings import Settings
from scanner.workflow.summary import ScanSummary

RUN_STATUSES = ("completed", "failed", "interrupted")
AD_CHANGES = ("new_ads", "changed_ads", "removed_ads", "listed_ads")


def check_textfile(settings: Settings) -> None:
    """Refuse to start a scan whose metrics could not be written at its end."""
    if not settings.monitoring.textfile:
        return
    folder = Path(settings.monitoring.textfile).parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise ConfigError(
            f"cannot write the metrics file: {folder} is not a writable folder",
            context="monitoring.textfile",
            hint="create the folder node-exporter reads (--collector.textfile.directory) and let this user write it",
        )
    if not settings.monitoring.textfile.endswith(".prom"):
        raise ConfigError(
            "node-exporter reads only files ending in .prom",
            context="monitoring.textfile",
            hint="name the file e.g. scanner.prom",
        )


def _epoch(moment: datetime | None) -> float:
    return moment.replace(tzinfo=UTC).timestamp() if moment is not None else 0.0


def build_registry(
    summary: ScanSummary, *, started: datetime, finished: datetime | None, succeeded: datetime | None
) -> CollectorRegistry:
    """The metrics of one scan (see the module docstring for the names)."""
    registry = CollectorRegistry()

    def _gauge(name: str, documentation: str, labels: tuple[str, ...] = ()) -> Gauge:
        return Gauge(name, documentation, labels, registry=registry)

    _gauge(
        "scanner_scan_last_success_timestamp_seconds",
        "End of the last scan that completed with no failed source (0: none yet).",
    ).set(_epoch(succeeded))
    _gauge("scanner_scan_last_run_timestamp_seconds", "End of the last scan, whatever became of it.").set(
        _epoch(finished or started)
    )
    _gauge("scanner_scan_duration_seconds", "How long the last scan took.").set(
        ((finished or started) - started).total_seconds()
    )
    status = _gauge("scanner_scan_status", "1 for the status of the last scan.", ("status",))
    for name in RUN_STATUSES:
        status.labels(status=name).set(int(summary.status == name))
    health = _gauge("scanner_scan_health", "1 for the health of the last scan, the worst over its sources.", ("state",))
    for state in STATES:
        health.labels(state=state).set(int(summary.health == state))
    _sources(_gauge, summary)
    _gauge("scanner_flagged_ads", "Ads newly flagged by the last scan.").set(summary.newly_flagged_ads)
    _gauge("scanner_flagged_networks", "Networks newly flagged by the last scan.").set(summary.newly_flagged_networks)
    _gauge("scanner_possible_minor_ads", "Ads the last scan newly escalated as possibly underage.").set(
        len(summary.possible_minor_ads)
    )
    _gauge("scanner_watchlist_hits", "New or changed ads of the last scan matching a watchlist entry.").set(
        summary.watchlist_hits
    )
    failures = sum(1 for what in summary.notifications.values() if what.startswith("failed"))
    _gauge("scanner_notification_failures", "Notifications of the last scan that could not be sent.").set(failures)
    if summary.audit_head:
        # Kept outside the database, the head shows a later rewrite of the audit log (`scanner audit verify --head`).
        entry_id, _, entry_hash = summary.audit_head.partition(":")
        head = _gauge("scanner_audit_head", "Id of the audit log's newest entry, its chain hash as a label.", ("hash",))
        head.labels(hash=entry_hash).set(int(entry_id))
    return registry


def _sources(gauge: Any, summary: ScanSummary) -> None:
    health = gauge("scanner_source_health", "1 for each source's health in the last scan.", ("source", "state"))
    pages = gauge("scanner_source_pages", "Pages fetched per source in the last scan.", ("source",))
    errors = gauge("scanner_source_errors", "Failed pages per source and failure class.", ("source", "class"))
    ads = gauge("scanner_source_ads", "Ads per source: new, changed, removed, listed.", ("source", "change"))
    crawl = summary.stages.get("crawl", {}).get("sources", {})
    for name in sorted(set(summary.sources) | set(crawl)):
        verdict = summary.sources.get(name, {})
        for state in STATES:
            health.labels(source=name, state=state).set(int(verdict.get("state") == state))
        counts = crawl.get(name, {})
        pages.labels(source=name).set(int(counts.get("pages", 0)))
        by_class = verdict.get("errors_by_class", {})
        for error_class in CLASSES:  # every class, zeros too: a series that vanishes breaks alert rules
            errors.labels(source=name, **{"class": error_class}).set(int(by_class.get(error_class, 0)))
        for change in AD_CHANGES:
            ads.labels(source=name, change=change.removesuffix("_ads")).set(int(counts.get(change, 0)))


def write_metrics(db: Database, settings: Settings, summary: ScanSummary) -> Path | None:
    """Write the metrics file of this scan, when monitoring.textfile is set; returns its path."""
    if not settings.monitoring.textfile:
        return None
    with db.session() as session:
        run = session.get(ScanRun, summary.run_id)
        assert run is not None
        registry = build_registry(
            summary, started=run.started_at, finished=run.finished_at, succeeded=last_success(session)
        )
    path = Path(settings.monitoring.textfile)
    write_to_textfile(str(path), registry)
    return path
