"""Every command has help with an example, and is documented in docs/cli.md."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from scanner.cli import COMMANDS, cli

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def all_command_paths() -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []
    context = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(context, name)
        assert command is not None, f"scanner {name} is registered but its module is missing"
        paths.append((name,))
        if isinstance(command, click.Group):
            paths.extend((name, sub) for sub in command.list_commands(context))
    return paths


@pytest.mark.parametrize("path", all_command_paths(), ids=" ".join)
def test_help_has_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"], env={"SCANNER_CONFIG": ""})
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"scanner {' '.join(path)} --help has no example"


@pytest.mark.parametrize("path", all_command_paths(), ids=" ".join)
def test_command_is_documented(path: tuple[str, ...]) -> None:
    documented = DOCS.read_text(encoding="utf-8")
    assert f"scanner {' '.join(path)}" in documented, f"docs/cli.md does not document scanner {' '.join(path)}"
