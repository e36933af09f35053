"""Tables for spreadsheets: CSV with formula injection neutralised, and `.xlsx` with typed cells.

Ad titles, cities, notes and watched text come from strangers. A spreadsheet runs a cell that begins
with `=`, `+`, `-` or `@` (or a tab or carriage return, which some programs skip before those) as a
formula, so such a cell is written with a leading apostrophe, as OWASP advises ("CSV Injection"):
the text stays readable and is never run.

Phone columns are the exception: they hold E.164 numbers (`+31612345678`), which are checked to be
exactly that (a plus and digits, so nothing a spreadsheet can run) and written unchanged. In CSV they
are quoted; CSV has no cell types, so whether a program reads a quoted `+31…` as text is its own
choice (LibreOffice does with "Format quoted field as text"; Excel drops the plus). Open the `.xlsx`
export in Excel: there every cell of text, phone numbers included, is a text cell, and no cell is a
formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Sequence
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
E164 = re.compile(r"\+[1-9]\d{6,14}")
PHONE_SEPARATOR = ";"


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet may read it: text that could start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def phone_cell(value: Any) -> str:
    """One or more E.164 numbers joined by ';', unchanged; anything else is neutralised like other text."""
    text = PHONE_SEPARATOR.join(value) if isinstance(value, list | tuple) else str(value or "")
    parts = text.split(PHONE_SEPARATOR) if text else []
    if all(E164.fullmatch(part) for part in parts):
        return text
    return str(safe_cell(text))


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], phone_columns: Collection[str] = ()) -> str:
    """CSV with a header: every text cell quoted and neutralised, phone columns exact, lists joined with ';'.

    Numbers and booleans are written bare, empty values as an empty quoted cell.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(columns)
    phone_at = {index for index, name in enumerate(columns) if name in phone_columns}
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            if index in phone_at:
                cells.append(phone_cell(value))
            elif isinstance(value, list | tuple):
                cells.append(safe_cell(";".join(str(item) for item in value)))
            else:
                cells.append(safe_cell("" if value is None else value))
        writer.writerow(cells)
    return out.getvalue()


def to_xlsx(
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]], phone_columns: Collection[str] = ()
) -> bytes:
    """An Excel workbook: one sheet per (title, columns, rows); text and phone cells are text, never formulas."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(list(columns))
        phone_at = {index for index, name in enumerate(columns) if name in phone_columns}
        for row in rows:
            values = [
                phone_cell(value)
                if index in phone_at
                else (";".join(str(item) for item in value) if isinstance(value, list | tuple) else value)
                for index, value in enumerate(row)
            ]
            sheet.append(values)
            for cell, value in zip(sheet[sheet.max_row], values, strict=True):
                if isinstance(value, str):
                    cell.data_type = "s"  # openpyxl would store "=..." as a formula
                    cell.number_format = "@"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
