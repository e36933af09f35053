"""What every scan leaves for accountability: the audit head in its summary, and a warning while the
legal-basis gate is off (printed and recorded), with stand-in stages."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from scanner.clock import demo_day
from scanner.db import Database, audit
from scanner.db.auditchain import Head, heads_in, verify
from scanner.db.models import AuditEntry
from scanner.settings import Settings
from scanner.workflow.scan import run_scan
from tests.conftest import CliRun
from tests.workflow.test_scan import Stages

PRIVACY = {
    "controller": "Gemeente Haarlem",
    "purpose": "APV toezicht",
    "legal_basis": "art. 6(1)(e) AVG",
    "dpia_reference": "DPIA-2026-07",
}


def collect_entries(db: Database) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "collect")))


def test_the_summary_carries_the_audit_head_after_the_scans_last_entry(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    Stages().install(monkeypatch)
    summary = run_scan(db, settings, actor="cron", now=demo_day(2))
    with db.session() as session:
        newest = audit.head(session)
        result = verify(audit.chain_rows(session), [Head.parse(str(summary.audit_head))])
    assert newest is not None and summary.audit_head == str(newest)
    assert newest.id == 2  # the collect entry, then the purge entry
    assert result.intact
    assert f"audit head: {newest}" in summary.lines()
    assert summary.as_dict()["audit_head"] == str(newest)


def test_with_the_gate_off_every_scan_warns_and_records_it(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    Stages().install(monkeypatch)
    assert settings.privacy.require_legal_basis is False
    for day in (1, 2):
        summary = run_scan(db, settings, actor="cron", now=demo_day(day))
        (warning,) = summary.warnings
        assert warning.startswith("privacy.require_legal_basis is off")
        assert "privacy.controller, privacy.purpose, privacy.legal_basis, privacy.dpia_reference not set" in warning
        assert f"warning: {warning}" in summary.lines()
    assert sum("privacy.require_legal_basis is off" in record.message for record in caplog.records) == 2
    entries = collect_entries(db)
    assert [entry.details.get("warning") for entry in entries] == ["privacy.require_legal_basis is off"] * 2


def test_with_the_gate_on_and_the_basis_recorded_there_is_no_warning(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    Stages().install(monkeypatch)
    settings.privacy.require_legal_basis = True
    for name, value in PRIVACY.items():
        setattr(settings.privacy, name, value)
    summary = run_scan(db, settings, actor="cron", now=demo_day(1))
    assert summary.warnings == [] and not any(line.startswith("warning:") for line in summary.lines())
    (entry,) = collect_entries(db)
    assert "warning" not in entry.details and entry.details["legal_basis"] == PRIVACY["legal_basis"]


def test_scan_json_output_holds_a_head_that_audit_verify_reads(
    run_cli: CliRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    Stages().install(monkeypatch)
    result = run_cli("scan", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("{") :])
    assert summary["warnings"] and summary["audit_head"]
    assert heads_in(result.output) == [Head.parse(summary["audit_head"])]
    checked = run_cli("audit", "verify", "--head", summary["audit_head"])
    assert checked.exit_code == 0 and "checked against 1 heads" in checked.output
