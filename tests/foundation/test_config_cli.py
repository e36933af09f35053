"""`scanner config show`: effective values, their layer, secrets masked; config errors without traceback."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import cli


def test_config_show_reports_layers_and_masks_secrets(tmp_path: Path) -> None:
    config = tmp_path / "scanner.toml"
    config.write_text("[crawl]\ndelay = 2.0\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["--config", str(config), "--set", "crawl.max_retries=5", "config", "show", "--json"],
        env={"SCANNER_DATABASE_URL": "postgresql+psycopg://scanner:hunter2@db/scanner", "SCANNER_CONFIG": ""},
    )
    assert result.exit_code == 0, result.output
    rows = {row["key"]: row for row in json.loads(result.output)}
    assert rows["crawl.delay"]["layer"] == "file" and rows["crawl.delay"]["value"] == 2.0
    assert rows["crawl.max_retries"]["layer"] == "cli" and rows["crawl.max_retries"]["value"] == 5
    assert rows["database.url"]["layer"] == "env"
    assert "hunter2" not in result.output
    assert rows["crawl.obey_robots"]["layer"] == "default"


def test_bad_config_is_one_line_with_fix_and_exit_code_3(tmp_path: Path) -> None:
    config = tmp_path / "scanner.toml"
    config.write_text("[crawl]\ndelai = 2.0\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "config", "show"], env={"SCANNER_CONFIG": ""})
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    assert f"error: {config}: unknown setting 'crawl.delai'" in result.output
    assert "fix: did you mean 'delay'?" in result.output


def test_bad_set_flag_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["--set", "crawl.delay", "config", "show"], env={"SCANNER_CONFIG": ""})
    assert result.exit_code == 2
    assert "KEY=VALUE" in result.output
