"""`scanner extract`: JSON lines or plain text in, one JSON object per line out."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliRun


def test_json_lines_in_and_out(run_cli: CliRun, tmp_path: Path) -> None:
    source = tmp_path / "ads.jsonl"
    source.write_text(
        json.dumps({"id": "ad-1", "text": "Anna 21 jaar in Haarlem, bel nul6-12345678, 1 uur 150"}) + "\n"
        "\n" + json.dumps({"id": 7, "title": "Lisa", "text": "", "fields": {"city": "The Hague"}}) + "\n",
        encoding="utf-8",
    )
    result = run_cli("extract", str(source))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["id"] for line in lines] == ["ad-1", 7]
    first = lines[0]
    assert first["phones"] == ["+31612345678"]
    assert first["ages"] == [21]
    assert first["cities"] == ["Haarlem"]
    assert first["prices"][0]["amount"] == 150 and first["prices"][0]["per"] == "hour"
    for key in ("age_hints", "emails", "handles", "license_numbers", "languages", "spans"):
        assert key in first
    assert lines[1]["cities"] == ["Den Haag"]


def test_plain_text_from_stdin(run_cli: CliRun) -> None:
    result = run_cli("extract", "--plain", input="bel 06 12 34 56 78\n{not json but plain}\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["id"] for line in lines] == [1, 2]
    assert lines[0]["phones"] == ["+31612345678"]


def test_broken_json_line_is_an_input_error(run_cli: CliRun) -> None:
    result = run_cli("extract", input='{"id": 1, "text": "ok"}\n{"id": 2, "text": \n')
    assert result.exit_code == 9
    assert "<stdin>:2" in result.output


def test_pending_runs_over_the_database(run_cli: CliRun) -> None:
    result = run_cli("extract", "--pending")
    assert result.exit_code == 0, result.output
    assert "extracted 0 ad versions" in result.output
