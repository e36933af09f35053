"""Progress of a scan when nobody watches a terminal (cron, systemd): a log line per stage at a steady interval.

On a terminal the crawl shows a progress bar instead. Without one, `StageTicker` logs which stage
runs and for how long every `monitoring.progress_interval` seconds, and the crawl adds a line per
source at the same interval (`scanner.crawl.crawler.Crawl.progress_lines`), so a journal shows a
long scan advancing, or where it stalled.
"""

from __future__ import annotations

import logging
import threading
import time
from types import TracebackType

log = logging.getLogger("scanner.workflow")


class StageTicker:
    """A daemon thread that logs the running stage every `interval` seconds; a context manager."""

    def __init__(self, run_id: int, interval: float) -> None:
        self.run_id = run_id
        self.interval = interval
        self.stage: str | None = None
        self.since = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, name=f"scan-{run_id}-progress", daemon=True)

    def start_stage(self, name: str) -> None:
        self.stage, self.since = name, time.monotonic()
        log.info("scan run %s: %s started", self.run_id, name)

    def line(self) -> str | None:
        if self.stage is None:
            return None
        return f"scan run {self.run_id}: {self.stage} running for {time.monotonic() - self.since:.0f} s"

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            line = self.line()
            if line is not None:
                log.info(line)

    def __enter__(self) -> StageTicker:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
