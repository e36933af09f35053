"""Shared fixtures: settings, a database at the newest schema (SQLite, or PostgreSQL when asked), the CLI.

Test databases are built from the models (`create_all`) and stamped with the newest revision, once
per test worker, then copied per test. `alembic check` in CI and tests/test_migrations.py keep the
migrations equal to the models.

The suite runs on SQLite by default. With SCANNER_TEST_DATABASE_URL set to a PostgreSQL server URL
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) every database test runs on PostgreSQL
instead, each in a fresh database cloned from a template. Tests that need PostgreSQL whatever the
backend (advisory locks, migrations on both) use `requires_postgres`, which takes
SCANNER_TEST_POSTGRES_URL (or the PostgreSQL SCANNER_TEST_DATABASE_URL). In CI (CI=true) a test that
would be skipped for lack of PostgreSQL fails instead.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from scanner.cli import cli
from scanner.db.session import Database, alembic_config, make_engine, open_database
from scanner.settings import Settings, load_settings

PG_URL = os.environ.get("SCANNER_TEST_DATABASE_URL", "")
POSTGRES_SERVER_URL = os.environ.get("SCANNER_TEST_POSTGRES_URL", "") or PG_URL
IN_CI = os.environ.get("CI", "").lower() == "true"


_CREATED_POSTGRES: list[tuple[str, str]] = []  # (server URL, database name), dropped when the session ends


def _create_postgres_database(server_url: str, name: str, template: str | None = None) -> str:
    engine = _admin_engine(server_url)
    suffix = f' TEMPLATE "{template}"' if template else ""
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
    engine.dispose()
    _CREATED_POSTGRES.append((server_url, name))
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_databases() -> Iterator[None]:
    yield
    for server_url, name in reversed(_CREATED_POSTGRES):
        engine = _admin_engine(server_url)
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _admin_engine(url: str):  # type: ignore[no-untyped-def]
    return create_engine(url, isolation_level="AUTOCOMMIT", future=True)


def _build_schema(url: str) -> None:
    from alembic import command

    from scanner.db.models import Base

    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    command.stamp(alembic_config(url), "head")


@dataclass
class DatabaseFactory:
    """Hands out fresh, migrated databases: copies of one template made once per test worker."""

    tmp_root: Path
    template: str | None = None

    def new_url(self, data_dir: Path) -> str:
        if PG_URL:
            if self.template is None:
                name = f"scanner_tpl_{_worker()}_{uuid.uuid4().hex[:6]}"
                _build_schema(_create_postgres_database(PG_URL, name))
                self.template = name
            return _create_postgres_database(PG_URL, f"scanner_t_{uuid.uuid4().hex[:12]}", template=self.template)
        template_file = self.tmp_root / "template.db"
        if self.template is None:
            _build_schema(f"sqlite:///{template_file}")
            self.template = str(template_file)
        target = data_dir / "scanner.db"
        data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template_file, target)
        return f"sqlite:///{target}"

    def empty_url(self, data_dir: Path) -> str:
        """A database with no schema at all, for migration tests."""
        if PG_URL:
            return new_postgres_database(PG_URL)
        data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{data_dir / 'empty.db'}"


@pytest.fixture(scope="session")
def database_factory(tmp_path_factory: pytest.TempPathFactory) -> DatabaseFactory:
    return DatabaseFactory(tmp_root=tmp_path_factory.mktemp("dbtemplate"))


@pytest.fixture
def database_url(database_factory: DatabaseFactory, tmp_path: Path) -> str:
    """URL of a fresh database migrated to the newest revision."""
    return database_factory.new_url(tmp_path / "data")


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Effective settings for a test: fresh database, private data dir, no politeness delays."""
    return load_settings(
        cli={
            "database.url": database_url,
            "paths.data_dir": str(tmp_path / "data"),
            "crawl.delay": "0",
            "crawl.jitter": "0",
            "privacy.require_legal_basis": "false",
        },
        environ={},
    ).settings


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = open_database(settings)
    yield database
    database.dispose()


@pytest.fixture
def requires_postgres() -> str:
    """The PostgreSQL URL; skips without one, but fails in CI where a skip would hide a gap."""
    if not POSTGRES_SERVER_URL:
        if IN_CI:
            pytest.fail("CI=true but SCANNER_TEST_POSTGRES_URL is not set: PostgreSQL tests cannot be skipped")
        pytest.skip("set SCANNER_TEST_POSTGRES_URL to run PostgreSQL tests")
    return POSTGRES_SERVER_URL


def new_postgres_database(server_url: str) -> str:
    """A new empty PostgreSQL database on the test server; its URL."""
    return _create_postgres_database(server_url, f"scanner_e_{uuid.uuid4().hex[:12]}")


@dataclass
class CliRun:
    """Runs `scanner ...` in-process against the test's database and data dir."""

    database_url: str
    data_dir: Path

    def __call__(self, *args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
        environment = {
            "SCANNER_DATABASE_URL": self.database_url,
            "SCANNER_DATA_DIR": str(self.data_dir),
            "SCANNER_CRAWL_DELAY": "0",
            "SCANNER_CRAWL_JITTER": "0",
            "SCANNER_PRIVACY_REQUIRE_LEGAL_BASIS": "false",
            "SCANNER_CONFIG": "",
            **(env or {}),
        }
        return CliRunner().invoke(cli, list(args), input=input, env=environment, catch_exceptions=False)


@pytest.fixture
def run_cli(database_url: str, tmp_path: Path) -> CliRun:
    return CliRun(database_url=database_url, data_dir=tmp_path / "data")
