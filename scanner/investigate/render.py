"""Terminal output: rich tables and colour on a terminal, plain tab-separated text when piped, JSON on request.

Commands describe what to show (headings, lines, tables, highlighted evidence) to an `Output`; it
decides how, from whether stdout is a terminal. Piped text has no colour codes and no box drawing,
so `grep`, `cut` and spreadsheets read it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text


def to_json(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, default=str)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, list | tuple):
        return ", ".join(cell(item) for item in value)
    return str(value)


class Output:
    """Where a command writes: a rich console on a terminal, plain text otherwise."""

    def __init__(self, stream: TextIO | None = None, *, rich: bool | None = None) -> None:
        self.stream = stream or sys.stdout
        self.rich = self.stream.isatty() if rich is None else rich
        self.console = Console(file=self.stream, highlight=False, soft_wrap=not self.rich) if self.rich else None

    def write(self, text: str = "") -> None:
        self.stream.write(text + "\n")

    def heading(self, text: str) -> None:
        if self.console:
            self.console.print(Text(text, style="bold underline"))
        else:
            self.write(f"== {text}")

    def line(self, text: str, style: str = "") -> None:
        if self.console:
            self.console.print(Text(text, style=style))
        else:
            self.write(text)

    def evidence(self, label: str, before: str, matched: str, after: str) -> None:
        """A snippet with the matched words highlighted (marked with [[ ]] in plain text)."""
        before, matched, after = _one_line(before), _one_line(matched), _one_line(after)
        if self.console:
            self.console.print(Text.assemble((label, "dim"), before, (matched, "bold black on yellow"), after))
        else:
            self.write(f"{label}{before}[[{matched}]]{after}")

    def table(self, columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> None:
        if self.console:
            table = Table(*columns, title=title, title_justify="left")
            for row in rows:
                table.add_row(*(cell(value) for value in row))
            self.console.print(table)
            return
        if title:
            self.write(f"== {title}")
        self.write("\t".join(columns))
        for row in rows:
            self.write("\t".join(_one_line(cell(value)) for value in row))


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)
