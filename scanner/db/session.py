"""Engines, sessions and the schema-version guard.

`open_database(settings)` is the one door to the database: it creates the engine, checks that the
schema is at the revision this code expects (refusing with the command to run when it is behind or
ahead), and returns a `Database` whose `session()` gives SQLAlchemy sessions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from scanner.errors import DatabaseError, SchemaVersionError
from scanner.settings import Settings

ALEMBIC_DIR = Path(__file__).resolve().parent.parent.parent / "alembic"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if str(path) not in ("", ":memory:"):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    f"cannot create the database folder: {exc.strerror}",
                    context=str(path.parent),
                    hint="set database.url or SCANNER_DATA_DIR to a writable place",
                ) from None
    try:
        engine = create_engine(url, echo=echo, future=True)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise DatabaseError(
            f"cannot use database URL: {exc}", context="database.url", hint="check SCANNER_DATABASE_URL"
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None, "alembic/versions holds no revision"
    return head


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as exc:
        raise DatabaseError(
            f"cannot connect: {exc.orig}",
            context=engine.url.render_as_string(hide_password=True),
            hint="check that the server runs and database.url is right",
        ) from None


def check_schema(engine: Engine) -> None:
    """Refuse to work on a database whose schema is not the one this code was written for."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    where = engine.url.render_as_string(hide_password=True)
    if current is None:
        raise SchemaVersionError("the database has no schema yet", context=where, hint="run: scanner db upgrade")
    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions()}
    if current in known:
        raise SchemaVersionError(
            f"the database schema is behind the code (at {current}, code expects {head})",
            context=where,
            hint="run: scanner db upgrade",
        )
    raise SchemaVersionError(
        f"the database schema ({current}) is newer than this version of scanner (expects {head})",
        context=where,
        hint="upgrade scanner to the version that migrated this database, or use another database",
    )


@dataclass
class Database:
    engine: Engine
    factory: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back when it raises."""
        session = self.factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(settings: Settings, *, check: bool = True) -> Database:
    engine = make_engine(settings.database_url, echo=settings.database.echo)
    if check:
        check_schema(engine)
    return Database(engine=engine, factory=sessionmaker(engine, expire_on_commit=False))


def upgrade(settings: Settings, revision: str = "head") -> None:
    from alembic import command

    url = settings.database_url
    make_engine(url).dispose()  # creates the SQLite folder, validates the URL
    try:
        command.upgrade(alembic_config(url), revision)
    except OperationalError as exc:
        raise DatabaseError(f"migration failed: {exc.orig}", context="database", hint="check database.url") from None


def downgrade(settings: Settings, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(settings.database_url), revision)
