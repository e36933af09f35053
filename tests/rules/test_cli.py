"""`scanner rules ...` end to end: exit codes, the one-line problem format, lists and explanations."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import CliRun

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


def test_a_broken_pack_is_one_error_line_with_a_hint(run_cli: CliRun, tmp_path: Path) -> None:
    shutil.copytree(PACK / "lists", tmp_path / "lists")
    shutil.copy(INVALID / "missing-list.yaml", tmp_path)
    result = run_cli("rules", "list", "--rules-dir", str(tmp_path))
    assert result.exit_code == 7
    assert "missing-list.yaml:18:13: R012" in result.output and "scanner rules validate" in result.output
