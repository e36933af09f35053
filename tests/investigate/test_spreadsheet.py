"""Tables for spreadsheets: no cell of strangers' text runs as a formula, phone numbers stay exact."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from scanner.db import Database
from scanner.db.models import Ad
from scanner.investigate.evidence import weight_text
from scanner.investigate.report import ReportFilter, build_report, render_csv
from scanner.investigate.spreadsheet import phone_cell, safe_cell, to_csv, to_xlsx
from scanner.settings import Settings
from tests.conftest import CliRun
from tests.investigate.builders import NETWORK_PHONE, SmallWorld

# (cell as stored, cell as written): OWASP "CSV Injection": =, +, -, @, tab and carriage return start a formula
CELLS = [
    ('=HYPERLINK("http://x","klik")', '\'=HYPERLINK("http://x","klik")'),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("Haarlem", "Haarlem"),
    ("a=b", "a=b"),
    ("", ""),
    (12.5, 12.5),
    (True, True),
]


@pytest.mark.parametrize(("value", "written"), CELLS)
def test_text_that_could_start_a_formula_is_neutralised(value: object, written: object) -> None:
    assert safe_cell(value) == written


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("+31612345678", "+31612345678"),
        (["+31612345678", "+3249512345"], "+31612345678;+3249512345"),
        ([], ""),
        ("+31612345678;=1+1", "'+31612345678;=1+1"),  # not E.164: treated as any other text
        ("=1+1", "'=1+1"),
    ],
)
def test_phone_cells_stay_exact_when_they_are_e164(value: object, written: str) -> None:
    assert phone_cell(value) == written


def test_csv_quotes_text_and_keeps_numbers_bare() -> None:
    text = to_csv(["city", "phones", "risk"], [["=cmd|' /C calc'!A0", ["+31612345678"], 85.5]], {"phones"})
    assert text.splitlines() == ['"city","phones","risk"', '"\'=cmd|\' /C calc\'!A0","+31612345678",85.5']
    assert list(csv.reader(io.StringIO(text)))[1] == ["'=cmd|' /C calc'!A0", "+31612345678", "85.5"]


def test_xlsx_cells_of_text_are_text_never_formulas() -> None:
    data = to_xlsx([("ads", ["city", "phones", "risk"], [["=1+2", ["+31612345678"], 85.5]])], {"phones"})
    row = next(load_workbook(io.BytesIO(data))["ads"].iter_rows(min_row=2))
    assert [(cell.value, cell.data_type) for cell in row] == [("=1+2", "s"), ("+31612345678", "s"), (85.5, "n")]


def test_a_hostile_city_is_neutralised_in_the_report_and_the_export(
    db: Database, settings: Settings, world: SmallWorld, run_cli: CliRun
) -> None:
    with db.session() as session:
        session.execute(update(Ad).where(Ad.id == world.lone_flagged.id).values(city='=HYPERLINK("http://x")'))
        document = build_report(session, settings, ReportFilter())
    rows = {row[1]: row for row in csv.reader(io.StringIO(render_csv(document)))}
    assert rows[str(world.lone_flagged.id)][9] == '\'=HYPERLINK("http://x")'
    assert rows[str(world.network_ads[1].id)][12] == NETWORK_PHONE
    exported = list(csv.reader(io.StringIO(run_cli("export", "--format", "csv").output)))
    city = exported[0].index("city")
    assert '\'=HYPERLINK("http://x")' in [row[city] for row in exported[1:]]


@pytest.mark.parametrize(("weight", "text"), [(1.5, "+1.5"), (0.5, "+0.5"), (5, "+5.0"), (0, "+0.0"), (-2.25, "-2.2")])
def test_weights_print_with_one_decimal(weight: float, text: str) -> None:
    assert weight_text(weight) == text
