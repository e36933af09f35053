"""A scan stopped by SIGTERM (systemctl stop, a unit's timeout) in a real process, with nobody at a terminal.

While it runs it logs a progress line per stage and per source; stopped, it is marked interrupted,
says so by e-mail, by the notification command and in the metrics file (keeping the last success),
and the next scan resumes it.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from scanner.db import Database
from scanner.db.models import ScanRun
from tests.conftest import CliRun
from tests.workflow.demo_world import served
from tests.workflow.outside import Outside, SmtpServer
from tests.workflow.test_crash_and_concurrency import SCAN, process_env

pytestmark = pytest.mark.slow


def read_until(process: subprocess.Popen[str], wanted: tuple[str, ...]) -> list[str]:
    """Lines of the process's stderr until each wanted text was seen; the process must still run."""
    assert process.stderr is not None
    lines: list[str] = []
    missing = set(wanted)
    while missing:
        line = process.stderr.readline()
        assert line, f"the scan ended before logging {missing}: {''.join(lines)[-2000:]}"
        lines.append(line)
        missing = {text for text in missing if text not in line}
    return lines


def test_a_scan_stopped_by_sigterm_logs_progress_says_so_everywhere_and_resumes(
    run_cli: CliRun, db: Database, tmp_path: Path
) -> None:
    with SmtpServer() as inbox, served() as demo:
        outside = Outside(inbox, tmp_path)
        env = {**demo.env, **outside.env()}
        good = run_cli("scan", "--now", "2026-01-01T12:00:00", env=env)
        assert good.exit_code == 0, good.output
        succeeded = outside.metrics()[("scanner_scan_last_success_timestamp_seconds", ())]

        slow = {**env, "SCANNER_CRAWL_DELAY": "0.2", "SCANNER_MONITORING_PROGRESS_INTERVAL": "1"}
        process = subprocess.Popen(
            SCAN, env=process_env(run_cli, slow), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            logged = read_until(process, ("scan run 2: crawl started", "crawl rozewereld: ", "crawl nachtlicht: "))
            process.send_signal(signal.SIGTERM)
            _out, rest = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == 1  # Click's "Aborted!" after the interruption was recorded
        progress = [line for line in logged if "crawl rozewereld: " in line]
        assert " pages, ads " in progress[0] and " queued, " in progress[0]
        phones = {phone.removeprefix("+31") for record in demo.world.truth() for phone in record.phones}
        assert not any(phone in "".join(logged) + rest for phone in phones)  # logs hold ids, counts and URLs

        with db.session() as session:
            run = session.get(ScanRun, 2)
            assert run is not None and (run.status, run.error) == ("interrupted", "KeyboardInterrupt in a stage")
        (kind,) = [event["kind"] for event in outside.commands()[-1]["events"]]
        assert kind == "scan_interrupted" and outside.commands()[-1]["status"] == "interrupted"
        assert str(inbox.messages[-1]["Subject"]).strip().endswith("scan run 2: scan interrupted")
        assert "the next scan resumes it" in inbox.body()
        samples = outside.metrics()
        assert samples[("scanner_scan_status", (("status", "interrupted"),))] == 1
        assert samples[("scanner_scan_status", (("status", "completed"),))] == 0
        assert samples[("scanner_scan_last_success_timestamp_seconds", ())] == succeeded
        report = run_cli("report").stdout.splitlines()
        assert report[0] == "== Start here"
        assert report[1].startswith("Last scan: run 2, started 2026-01-02T12:00:00, INTERRUPTED at ")

        resumed = run_cli("scan", "--now", "2026-01-02T12:00:00", env=env)
        assert resumed.exit_code == 0, resumed.output
        assert "scan run 2: completed (resumed after an interruption), health ok" in resumed.stdout
        with db.session() as session:
            assert session.scalars(select(ScanRun.status).order_by(ScanRun.id)).all() == ["completed", "completed"]
        assert outside.metrics()[("scanner_scan_last_success_timestamp_seconds", ())] > succeeded
