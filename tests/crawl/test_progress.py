"""Progress of a crawl without a terminal: a line per source at a steady interval, in the log."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest

from scanner.crawl import SourceConfig, run_crawl
from scanner.db import Database
from scanner.settings import Settings
from tests.crawl.site import FakeSite


def test_the_crawl_logs_a_line_per_source_while_it_runs(
    db: Database,
    crawl_settings: Settings,
    site: FakeSite,
    source: SourceConfig,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="scanner.crawl")
    site.latency = 0.05  # each answer takes a while: the crawl outlasts many intervals
    run_crawl(db, crawl_settings, sources=[source], now=datetime(2026, 1, 2), log_interval=0.01)
    lines = [record.getMessage() for record in caplog.records if record.getMessage().startswith("crawl testsite:")]
    progress = [line for line in lines if " queued, " in line]
    assert len(progress) >= 2
    assert all(" pages, ads " in line and " errors, " in line for line in progress)
    pages = [int(line.split(": ", 1)[1].split(" pages")[0]) for line in progress]
    assert pages == sorted(pages) and pages[-1] > pages[0]  # the crawl is seen advancing
    assert lines[-1] == "crawl testsite: ok"  # and when it ends, its verdict
