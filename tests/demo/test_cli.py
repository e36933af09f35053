"""`scanner demo truth` and `scanner demo stats` write what the world holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.lab.demo.world import World, WorldConfig
from scanner.settings import LoadedSettings
from tests.conftest import CliRun


def test_truth_writes_one_record_per_ad(run_cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "truth.jsonl"
    result = run_cli("demo", "truth", "--seed", "5", "--days", "3", "--out", str(out))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = World.generate(WorldConfig(seed=5, days=3)).truth()
    assert [record["key"] for record in records] == [record.key for record in expected]
    assert records[0] == json.loads(json.dumps(expected[0].to_json()))


def test_stats_prints_markdown_and_json(run_cli: CliRun) -> None:
    markdown = run_cli("demo", "stats", "--seed", "5", "--days", "3")
    assert markdown.exit_code == 0
    assert "| family | independent | network | agency |" in markdown.output
    numbers = json.loads(run_cli("demo", "stats", "--seed", "5", "--days", "3", "--json").output)
    assert numbers["advertisers"]["network"] == WorldConfig().networks
    assert set(numbers["indicators"]) >= {"youth", "new_in_town", "third_person"}


def test_plain_demo_runs_the_end_to_end_scan(run_cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    import scanner.lab.demo.run

    calls: list[dict[str, object]] = []

    def fake_run_demo(loaded: object, actor: object, **options: object) -> None:
        calls.append({"loaded": loaded, "actor": actor, **options})

    monkeypatch.setattr(scanner.lab.demo.run, "run_demo", fake_run_demo)
    result = run_cli("demo", "--seed", "3", "--days", "2")
    assert result.exit_code == 0, result.output
    assert len(calls) == 1 and calls[0]["seed"] == 3 and calls[0]["days"] == 2
    assert isinstance(calls[0]["loaded"], LoadedSettings) and calls[0]["actor"]
    assert run_cli("demo", "stats", "--seed", "3", "--days", "2").exit_code == 0 and len(calls) == 1
