"""`run_demo`: a fresh migrated database, the legal-basis gate satisfied with demo values, a report at the end."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from scanner.db.models import AuditEntry, ScanRun
from scanner.db.session import open_database
from scanner.investigate.render import Output
from scanner.lab.demo.run import run_demo
from scanner.settings import load_settings
from tests.workflow.demo_world import SMALL

# See tests/workflow/test_end_to_end.py: the crawl still calls Result.tuples() (SQLAlchemy 2.1).
pytestmark = pytest.mark.slow


def test_demo_scans_each_day_on_a_fresh_database_and_prints_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the demo sources and rules/ are found with the code, not in the working directory
    environ = {"SCANNER_PRIVACY_REQUIRE_LEGAL_BASIS": "true", "SCANNER_MODEL_RULES_ONLY": "true"}
    stream = io.StringIO()
    run_demo(
        load_settings(environ=environ),
        "demo-user",
        days=2,
        config=SMALL,
        database_dir=tmp_path,
        out=Output(stream, rich=False),
    )
    printed = stream.getvalue()
    assert [line.split(": ", 1)[1] for line in printed.splitlines() if line.startswith("  scan run ")] == [
        "completed, health ok",
        "completed, health ok",
    ]
    assert printed.index("Last scan: run 2, started 2026-01-03T12:00:00, completed") < printed.index("== Report since")
    # Every night's summary carries the flag rates per group (this small world has no group of 30 ads).
    assert printed.count("flag rate per group: no group of 30+ ads to compare yet") == 2
    assert "== Report since 2026-01-03T12:00:00" in printed
    settings = load_settings(cli={"database.url": f"sqlite:///{tmp_path / 'demo.db'}"}, environ={}).settings
    db = open_database(settings)  # migrated to the newest revision, or this refuses
    try:
        with db.session() as session:
            runs = session.scalars(select(ScanRun).order_by(ScanRun.id)).all()
            collect = session.scalars(select(AuditEntry).where(AuditEntry.action == "collect")).first()
        assert [(run.status, run.simulated_day) for run in runs] == [("completed", 1), ("completed", 2)]
        assert (
            collect is not None
            and collect.actor == "demo-user"
            and "synthetic" in collect.purpose + str(collect.details)
        )
    finally:
        db.dispose()
