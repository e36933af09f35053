"""Progress without a terminal: a line per stage at a steady interval, in the log (the crawl's per source
lines: tests/crawl/test_progress.py)."""

from __future__ import annotations

import logging
import threading

import pytest

from scanner.workflow.progress import StageTicker


def test_the_ticker_logs_the_running_stage_at_its_interval(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="scanner.workflow")
    ticked = threading.Event()

    class Watch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if sum("link running for" in r.getMessage() for r in caplog.records) >= 3:
                ticked.set()

    watch = Watch()
    logging.getLogger("scanner.workflow").addHandler(watch)
    try:
        with StageTicker(run_id=7, interval=0.02) as ticker:
            assert ticker.line() is None  # nothing runs yet: nothing to say
            ticker.start_stage("link")
            assert ticked.wait(30), "the ticker logged nothing"
    finally:
        logging.getLogger("scanner.workflow").removeHandler(watch)
    lines = [record.getMessage() for record in caplog.records]
    assert lines[0] == "scan run 7: link started"
    assert all(line.startswith("scan run 7: link running for ") and line.endswith(" s") for line in lines[1:4])
