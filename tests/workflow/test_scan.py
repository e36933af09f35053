"""The nightly scan's machinery with stand-in stages: lock, resume after a crash, statistics, purge, gate."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from sqlalchemy import select

from scanner.clock import demo_day
from scanner.db import Database
from scanner.db.models import AuditEntry, ScanRun
from scanner.errors import LockHeldError, PrivacyError
from scanner.settings import Settings
from scanner.workflow import scan as scan_module
from scanner.workflow.lock import scan_lock
from scanner.workflow.scan import StageContext, run_scan
from tests.conftest import CliRun


class Stages:
    """Stand-in stages that record their calls; `fail_at` makes one raise like a crash would."""

    def __init__(self, fail_at: str | None = None) -> None:
        self.calls: list[tuple[str, int]] = []
        self.fail_at = fail_at

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        stages = tuple((name, self._stage(name)) for name, _ in scan_module.STAGES)
        monkeypatch.setattr(scan_module, "STAGES", stages)

    def _stage(self, name: str) -> scan_module.Stage:
        def stage(context: StageContext) -> dict[str, Any]:
            self.calls.append((name, context.run_id))
            if name == self.fail_at:
                raise SystemExit(f"killed during {name}")
            if name == "crawl":
                return {"totals": {"new_ads": 3, "changed_ads": 1}, "sources": {"rozewereld": {"error_count": 2}}}
            if name == "score":
                return {"ruleset_hash": "abc123", "model_version": "m-1"}
            return {"done": True}

        return stage


def runs(db: Database) -> list[ScanRun]:
    with db.session() as session:
        return list(session.scalars(select(ScanRun).order_by(ScanRun.id)))


def test_scan_runs_every_stage_and_records_the_run(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    stages = Stages()
    stages.install(monkeypatch)
    summary = run_scan(db, settings, actor="cron", now=demo_day(2), simulated_day=2)
    assert [name for name, _ in stages.calls] == ["crawl", "extract", "places", "link", "rules", "score"]
    assert (summary.status, summary.new_ads, summary.changed_ads, summary.errors) == (
        "completed",
        3,
        1,
        {"rozewereld": 2},
    )
    (run,) = runs(db)
    assert (run.status, run.ruleset_hash, run.model_version, run.simulated_day) == ("completed", "abc123", "m-1", 2)
    assert run.started_at == demo_day(2)
    assert run.stats["stages_done"] == ["crawl", "extract", "places", "link", "rules", "score"]
    assert "purge" in summary.stages
    with db.session() as session:
        actions = [entry.action for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["collect", "purge"]


@pytest.mark.parametrize("killed", [True, False])
def test_an_unfinished_scan_is_resumed_in_place_without_redoing_finished_stages(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch, killed: bool
) -> None:
    crashing = Stages(fail_at="rules")
    crashing.install(monkeypatch)
    with pytest.raises(SystemExit):
        run_scan(db, settings, actor="cron", now=demo_day(1))
    (crashed,) = runs(db)
    assert crashed.status == "failed"
    assert crashed.stats["stages_done"] == ["crawl", "extract", "places", "link"]
    if killed:  # what SIGKILL leaves behind: the run still marked running, nobody holding the lock
        with db.session() as session:
            row = session.get(ScanRun, crashed.id)
            assert row is not None
            row.status, row.error = "running", None

    resuming = Stages()
    resuming.install(monkeypatch)
    summary = run_scan(db, settings, actor="cron", now=demo_day(1))
    assert resuming.calls == [("rules", crashed.id), ("score", crashed.id)]
    assert summary.resumed and summary.run_id == crashed.id
    (run,) = runs(db)
    assert run.status == "completed"
    assert [resume["status"] for resume in run.stats["resumes"]] == ["running" if killed else "failed"]
    # A completed run is not resumed: the next scan is a new run.
    run_scan(db, settings, actor="cron", now=demo_day(2))
    assert [r.status for r in runs(db)] == ["completed", "completed"]


def test_a_failing_stage_marks_the_run_failed(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(context: StageContext) -> dict[str, Any]:
        raise RuntimeError("bug")

    monkeypatch.setattr(scan_module, "STAGES", (("crawl", broken),))
    with pytest.raises(RuntimeError):
        run_scan(db, settings, actor="cron")
    (run,) = runs(db)
    assert run.status == "failed"
    assert run.error == "RuntimeError in a stage"


def test_the_privacy_gate_refuses_to_collect(db: Database, settings: Settings) -> None:
    settings.privacy.require_legal_basis = True
    settings.privacy.controller = "Gemeente Haarlem"
    with pytest.raises(PrivacyError) as raised:
        run_scan(db, settings, actor="cron")
    assert "privacy.purpose" in str(raised.value) and "privacy.controller" not in str(raised.value)
    assert runs(db) == []


HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    from scanner.settings import load_settings
    from scanner.db.session import open_database
    from scanner.workflow.lock import scan_lock
    db = open_database(load_settings(cli={"database.url": sys.argv[1]}, environ={}).settings)
    with scan_lock(db):
        print("locked", flush=True)
        time.sleep(60)
    """
)


def test_a_second_scan_is_refused_while_one_holds_the_lock(db: Database, run_cli: CliRun, database_url: str) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, database_url], stdout=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(LockHeldError), scan_lock(db):
            pass
        result = run_cli("scan")
        assert result.exit_code == 5
        assert "another scan is running" in result.output
    finally:
        holder.kill()
        holder.wait()
    # The kernel released the dead process's lock: a scan may run again.
    with scan_lock(db):
        pass


@pytest.mark.postgres
def test_postgres_advisory_lock_is_held_per_connection_for_the_whole_scan(requires_postgres: str) -> None:
    from sqlalchemy.orm import sessionmaker

    from scanner.db.session import make_engine
    from tests.conftest import new_postgres_database

    url = new_postgres_database(requires_postgres)
    first, second = (Database(engine, sessionmaker(engine)) for engine in (make_engine(url), make_engine(url)))
    try:
        with scan_lock(first):
            with pytest.raises(LockHeldError) as refused, scan_lock(second):
                pass
            assert refused.value.exit_code == 5
            with first.session() as session:  # the stages' own sessions and commits do not release it
                session.execute(select(1))
            with pytest.raises(LockHeldError), scan_lock(second):
                pass
        with scan_lock(second):
            pass
    finally:
        first.dispose()
        second.dispose()
