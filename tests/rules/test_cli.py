"""`scanner rules ...` end to end: exit codes, the one-line problem format, lists and explanations."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import select

from scanner.db import Database
from scanner.db.models import AuditEntry
from scanner.rules import apply_rules
from scanner.settings import Settings
from tests.conftest import CliRun
from tests.rules.test_store import build

PACK = Path(__file__).resolve().parents[2] / "rules"
INVALID = Path(__file__).parent / "data" / "invalid"


def test_validate_the_shipped_pack(run_cli: CliRun) -> None:
    result = run_cli("rules", "validate", str(PACK))
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_validate_reports_every_problem_and_exits_1(run_cli: CliRun, tmp_path: Path) -> None:
    shutil.copytree(PACK / "lists", tmp_path / "lists")
    shutil.copy(INVALID / "several-problems.yaml", tmp_path)
    result = run_cli("rules", "validate", str(tmp_path), "--json")
    assert result.exit_code == 1
    problems = [p for p in json.loads(result.stdout) if p["severity"] == "error"]
    assert [p["code"] for p in problems] == ["R012", "R015", "R016"]
    assert all(p["line"] > 1 and p["snippet"] and p["fix"] for p in problems)


def test_test_command_prints_the_table_and_passes(run_cli: CliRun) -> None:
    result = run_cli("rules", "test", "--rules-dir", str(PACK), "-v")
    assert result.exit_code == 0, result.output
    assert "unsafe-services" in result.output and "baseline: 40 benign ads" in result.output


def test_list_and_show(run_cli: CliRun) -> None:
    listed = json.loads(run_cli("rules", "list", "--rules-dir", str(PACK), "--json").stdout)
    assert len(listed["rules"]) >= 25 and len(listed["ruleset_hash"]) == 64
    shown = run_cli("rules", "show", "movement-language", "--rules-dir", str(PACK))
    assert shown.exit_code == 0 and "contrary" in shown.output and "false positives:" in shown.output
    missing = run_cli("rules", "show", "youth-languag", "--rules-dir", str(PACK))
    assert missing.exit_code == 10 and "did you mean 'youth-language'" in missing.output


def test_explain_text_shows_fired_and_not_fired_rules(run_cli: CliRun) -> None:
    text = "Net 18, geen 24/7, pijpen zonder condoom"
    result = run_cli("rules", "explain", "--text", text, "--all", "--rules-dir", str(PACK))
    assert result.exit_code == 0, result.output
    assert "youth-language" in result.output and "'pijpen zonder condoom'" in result.output
    assert "'24/7' is negated by 'geen'" in result.output


def test_explain_says_whether_a_group_rule_counts_the_ad_and_why(run_cli: CliRun) -> None:
    counted = run_cli("rules", "explain", "--text", "Nieuw in Haarlem, in mijn hotelkamer", "--rules-dir", str(PACK))
    assert counted.exit_code == 0, counted.output
    tail = counted.output.split("group rules that count only the ads they match:")[1]
    assert "hotel-newcomers-one-phone: counted  [does not run]" in tail
    assert "+ hotel: 'hotelkamer'" in tail and "+ new_in_town: 'Nieuw in'" in tail
    assert "hotel-newcomers-one-phone (" not in counted.output  # a member is no hit of its own
    refused = run_cli("rules", "explain", "--text", "Nieuw in Haarlem, geen hotel", "--json", "--rules-dir", str(PACK))
    [member] = json.loads(refused.stdout)["member_filters"]
    assert member["rule_id"] == "hotel-newcomers-one-phone" and member["fired"] is False and member["hit"] is None
    hotel = next(s for s in member["selections"] if s["name"] == "hotel")
    assert "'hotel' is negated by 'geen'" in hotel["reason"]


def test_a_broken_pack_is_one_error_line_with_a_hint(run_cli: CliRun, tmp_path: Path) -> None:
    shutil.copytree(PACK / "lists", tmp_path / "lists")
    shutil.copy(INVALID / "missing-list.yaml", tmp_path)
    result = run_cli("rules", "list", "--rules-dir", str(tmp_path))
    assert result.exit_code == 7
    assert "missing-list.yaml:18:13: R012" in result.output and "scanner rules validate" in result.output


def test_explain_a_stored_ad_is_audited(run_cli: CliRun, db: Database, settings: Settings) -> None:
    world = build(db)
    settings.paths.rules_dir = str(PACK)
    apply_rules(db, settings)
    result = run_cli(
        "--as", "inv1", "--purpose", "why flagged", "rules", "explain", str(world.ads["anna"]), "--rules-dir", str(PACK)
    )
    assert result.exit_code == 0, result.output
    assert "youth-language" in result.output and "shared-phone-names (cross-ad" in result.output
    with db.session() as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert (entry.actor, entry.purpose) == ("inv1", "why flagged")
    assert (entry.command, entry.action, entry.details) == ("rules explain", "read", {"ad_id": world.ads["anna"]})
    assert run_cli("rules", "explain", "999999", "--rules-dir", str(PACK)).exit_code == 10


def test_apply_evaluates_changed_ads_only_unless_all(run_cli: CliRun, db: Database) -> None:
    build(db)
    first = run_cli("rules", "apply", "--rules-dir", str(PACK))
    assert first.exit_code == 0, first.output
    assert "4 ads evaluated" in first.output
    assert "0 ads evaluated" in run_cli("rules", "apply", "--rules-dir", str(PACK)).output
    assert "4 ads evaluated" in run_cli("rules", "apply", "--all", "--rules-dir", str(PACK)).output
