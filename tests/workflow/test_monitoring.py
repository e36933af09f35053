"""The Prometheus textfile: written by every scan however it ends, with the documented names, readable by Prometheus."""

from __future__ import annotations

import re
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from scanner.clock import demo_day
from scanner.crawl.failures import CLASSES
from scanner.db import Database
from scanner.db.models import ScanRun
from scanner.errors import ConfigError
from scanner.settings import Settings
from scanner.workflow import scan as scan_module
from scanner.workflow.monitoring import build_registry
from scanner.workflow.scan import StageContext, run_scan
from scanner.workflow.summary import ScanSummary
from tests.workflow.outside import read_metrics

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


def crawl_result(state: str) -> dict[str, Any]:
    """What the crawl stage returns for one source in `state` (the other is ok)."""
    verdict = {"state": state, "reasons": [], "complete": state == "ok", "removals": "held"}
    return {
        "health": state,
        "totals": {"new_ads": 2},
        "sources": {
            "rozewereld": {
                "pages": 9,
                "new_ads": 2,
                "error_count": 3,
                "health": {**verdict, "errors_by_class": {"http_5xx": 3}},
            },
            "nachtlicht": {"pages": 4, "health": {**verdict, "state": "ok", "errors_by_class": {}}},
        },
    }


def stand_in_stages(monkeypatch: pytest.MonkeyPatch, crawl_state: str, fail_at: str | None = None) -> None:
    def make(name: str) -> scan_module.Stage:
        def stage(context: StageContext) -> dict[str, Any]:
            if name == fail_at:
                raise RuntimeError(f"{name} broke")
            return crawl_result(crawl_state) if name == "crawl" else {}

        return stage

    monkeypatch.setattr(scan_module, "STAGES", tuple((name, make(name)) for name, _ in scan_module.STAGES))


def test_every_scan_writes_the_file_and_a_failure_keeps_the_last_success(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    metrics = tmp_path / "scanner.prom"
    settings.monitoring.textfile = str(metrics)
    stand_in_stages(monkeypatch, "degraded")
    run_scan(db, settings, actor="cron", now=demo_day(1))
    samples = read_metrics(metrics)
    with db.session() as session:
        first = session.scalars(select(ScanRun)).one()
    assert first.finished_at is not None and first.finished_at >= demo_day(1)  # on the simulated clock
    ended = first.finished_at.replace(tzinfo=UTC).timestamp()
    assert samples[("scanner_scan_last_success_timestamp_seconds", ())] == pytest.approx(ended)
    assert samples[("scanner_scan_last_run_timestamp_seconds", ())] == pytest.approx(ended)
    assert samples[("scanner_scan_health", (("state", "degraded"),))] == 1  # degraded still counts as a success
    assert samples[("scanner_source_errors", (("class", "http_5xx"), ("source", "rozewereld")))] == 3
    assert samples[("scanner_source_pages", (("source", "rozewereld"),))] == 9
    assert samples[("scanner_source_ads", (("change", "new"), ("source", "rozewereld")))] == 2
    assert {labels[0][1] for name, labels in samples if name == "scanner_source_errors"} == set(CLASSES)
    succeeded = samples[("scanner_scan_last_success_timestamp_seconds", ())]

    stand_in_stages(monkeypatch, "failed")
    run_scan(db, settings, actor="cron", now=demo_day(2))
    samples = read_metrics(metrics)
    assert samples[("scanner_scan_health", (("state", "failed"),))] == 1
    assert samples[("scanner_source_health", (("source", "rozewereld"), ("state", "failed")))] == 1
    assert samples[("scanner_scan_last_success_timestamp_seconds", ())] == succeeded  # a failed source is no success
    assert samples[("scanner_scan_last_run_timestamp_seconds", ())] > succeeded

    stand_in_stages(monkeypatch, "ok", fail_at="link")
    with pytest.raises(RuntimeError, match="link broke"):
        run_scan(db, settings, actor="cron", now=demo_day(3))
    samples = read_metrics(metrics)
    assert samples[("scanner_scan_status", (("status", "failed"),))] == 1
    assert samples[("scanner_scan_last_success_timestamp_seconds", ())] == succeeded


def test_no_success_yet_reads_zero_so_the_alert_fires() -> None:
    registry = build_registry(
        ScanSummary(run_id=1, status="failed"), started=demo_day(1), finished=None, succeeded=None
    )
    assert registry.get_sample_value("scanner_scan_last_success_timestamp_seconds") == 0
    assert registry.get_sample_value("scanner_scan_duration_seconds") == 0


def test_every_metric_is_documented_in_deploy_md(tmp_path: Path) -> None:
    summary = ScanSummary(run_id=1, status="completed", health="ok", sources={"a": {"state": "ok"}})
    registry = build_registry(summary, started=demo_day(1), finished=demo_day(1), succeeded=demo_day(1))
    names = {metric.name for metric in registry.collect()}
    documented = set(re.findall(r"`(scanner_[a-z_]+)", DEPLOY.read_text(encoding="utf-8")))
    assert names and names <= documented, names - documented


@pytest.mark.parametrize(
    ("textfile", "problem"),
    [("{tmp}/missing/scanner.prom", "is not a writable folder"), ("{tmp}/scanner.txt", "only files ending in .prom")],
)
def test_a_metrics_file_that_cannot_be_written_stops_the_scan_before_it_collects(
    db: Database, settings: Settings, tmp_path: Path, textfile: str, problem: str
) -> None:
    settings.monitoring.textfile = textfile.format(tmp=tmp_path)
    with pytest.raises(ConfigError, match=problem):
        run_scan(db, settings, actor="cron")
    with db.session() as session:
        assert session.scalars(select(ScanRun)).all() == []
