"""`scanner link`: links, lists networks, prints JSON, documents itself."""

from __future__ import annotations

import json

from tests.conftest import CliRun


def test_link_on_an_empty_database_reports_nothing_linked(run_cli: CliRun) -> None:
    result = run_cli("link")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("linked 0 ads (0 new or changed)")
    stats = json.loads(run_cli("link", "--rebuild", "--json").output)
    assert stats["ads"] == 0 and stats["networks_active"] == 0


def test_list_shows_no_networks_yet_and_help_ends_with_an_example(run_cli: CliRun) -> None:
    listed = run_cli("link", "--list", "--json")
    assert listed.exit_code == 0 and json.loads(listed.output) == []
    help_text = run_cli("link", "--help").output
    assert "Example:" in help_text and "scanner link --evaluate-demo 7" in help_text
