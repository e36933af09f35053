"""Migrations: upgrade, downgrade to base, upgrade again, on SQLite and PostgreSQL; models never drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError as SQLDatabaseError
from sqlalchemy.orm import Session

from scanner.db.audit import record
from scanner.db.models import Base
from scanner.db.session import downgrade, head_revision, make_engine, upgrade
from scanner.settings import Settings, load_settings
from tests.conftest import DatabaseFactory, new_postgres_database


def settings_for(url: str, data_dir: Path) -> Settings:
    return load_settings(cli={"database.url": url, "paths.data_dir": str(data_dir)}, environ={}).settings


def round_trip(url: str, data_dir: Path) -> None:
    settings = settings_for(url, data_dir)
    expected = set(Base.metadata.tables)
    engine = make_engine(url)
    try:
        upgrade(settings)
        assert expected <= set(inspect(engine).get_table_names())
        downgrade(settings, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(settings)
        assert expected <= set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert context.get_current_revision() == head_revision()
            differences = compare_metadata(context, Base.metadata)
        assert differences == [], f"models and migrations differ: {differences}"
    finally:
        engine.dispose()


def test_round_trip_on_test_backend(database_factory: DatabaseFactory, tmp_path: Path) -> None:
    round_trip(database_factory.empty_url(tmp_path), tmp_path)


def test_round_trip_on_sqlite(tmp_path: Path) -> None:
    round_trip(f"sqlite:///{tmp_path / 'fresh.db'}", tmp_path)


def test_round_trip_on_postgres(requires_postgres: str, tmp_path: Path) -> None:
    round_trip(new_postgres_database(requires_postgres), tmp_path)


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"])
def test_audit_log_refuses_update_and_delete(database_factory: DatabaseFactory, tmp_path: Path, statement: str) -> None:
    url = database_factory.empty_url(tmp_path)
    upgrade(settings_for(url, tmp_path))
    engine = make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            record(session, actor="ana", command="show", action="read")
        with pytest.raises(SQLDatabaseError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT actor FROM audit_log")).scalar_one() == "ana"
    finally:
        engine.dispose()
