"""Commands that touch the database refuse, with the command to run, when its schema is not the code's."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from scanner.db.session import check_schema, make_engine
from scanner.errors import SchemaVersionError
from tests.conftest import CliRun, DatabaseFactory


def test_empty_database_asks_for_upgrade(database_factory: DatabaseFactory, tmp_path: Path) -> None:
    engine = make_engine(database_factory.empty_url(tmp_path))
    try:
        with pytest.raises(SchemaVersionError) as caught:
            check_schema(engine)
    finally:
        engine.dispose()
    assert "no schema" in caught.value.message
    assert caught.value.hint == "run: scanner db upgrade"


def test_database_ahead_of_code_is_refused(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
        with pytest.raises(SchemaVersionError) as caught:
            check_schema(engine)
    finally:
        engine.dispose()
    assert "newer than this version" in caught.value.message


def test_cli_refuses_behind_database_with_exit_4(database_factory: DatabaseFactory, tmp_path: Path) -> None:
    run = CliRun(database_url=database_factory.empty_url(tmp_path / "x"), data_dir=tmp_path)
    result = run("audit")
    assert result.exit_code == 4, result.output
    assert "Traceback" not in result.output
    assert "fix: run: scanner db upgrade" in result.output
    upgraded = run("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    current = run("db", "current")
    assert "up to date" in current.output
