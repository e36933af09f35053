"""Exit codes mean one thing each, and every one is documented where operators and users look."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scanner import errors
from scanner.errors import EXIT_CODES, ScannerError, SourceFailedError

DOCS = Path(__file__).resolve().parents[2] / "docs"


def subclasses(root: type[ScannerError]) -> list[type[ScannerError]]:
    found = []
    for child in root.__subclasses__():
        found += [child, *subclasses(child)]
    return found


@pytest.mark.parametrize("page", ["deploy.md", "cli.md", "cli/_intro.md"])
def test_every_exit_code_is_in_the_tables_of_the_docs(page: str) -> None:
    rows = set(re.findall(r"^\| (\d+) \|", (DOCS / page).read_text(encoding="utf-8"), flags=re.MULTILINE))
    assert rows == {str(code) for code in EXIT_CODES}


def test_a_failed_source_has_a_code_of_its_own() -> None:
    codes = {error.exit_code for error in subclasses(ScannerError) if error.__module__ == errors.__name__}
    assert codes <= set(EXIT_CODES)
    owners = [error for error in subclasses(ScannerError) if error.exit_code == SourceFailedError.exit_code]
    assert owners == [SourceFailedError] and SourceFailedError.exit_code not in (0, 1, 2)
    assert "SourceFailedError             exit 12" in (errors.__doc__ or "")
