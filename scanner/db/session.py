"""Engines, sessions and the schema-version guard.

`open_database(settings)` is the one door to the database: it creates the engine, checks that the
schema is at the revision this code expects (refusing with the command to run when it is behind or
ahead), and returns a `Database` whose `session()` gives SQLAlchemy sessions.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util.exc import CommandError
from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from scanner import __version__
from scanner.errors import DatabaseError, InputError, PrivacyError, SchemaVersionError
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


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str, *, echo: bool = False, create: bool = True) -> Engine:
    """An engine for `url`; with create=False a SQLite file that does not exist is refused, not created."""
    path = sqlite_file(url)
    if path is not None and not create and not path.is_file():
        raise DatabaseError(
            "there is no database file here",
            context=str(path),
            hint="run: scanner db upgrade (it creates the database), or check database.url and SCANNER_DATA_DIR",
        )
    if path is not None and create:
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


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def is_known_revision(revision: str) -> bool:
    return revision in {script.revision for script in _script().walk_revisions()}


def _migrated_by(engine: Engine) -> str | None:
    """The scanner version that last upgraded this database, from its audit log (when it tells)."""
    try:
        with engine.connect() as connection:
            details = connection.execute(
                text("SELECT details FROM audit_log WHERE command = 'db upgrade' ORDER BY id DESC LIMIT 1")
            ).scalar()
    except SQLAlchemyError:
        return None
    if isinstance(details, str):
        try:
            details = json.loads(details)
        except ValueError:
            return None
    version = details.get("scanner") if isinstance(details, dict) else None
    # The same version as ours tells nothing (a development copy whose version was not raised).
    return str(version) if version and str(version) != __version__ else None


def newer_schema_error(engine: Engine, current: str) -> SchemaVersionError:
    """A database migrated by a newer scanner: name its revision and, when recorded, that scanner's version."""
    by = _migrated_by(engine)
    return SchemaVersionError(
        f"the database schema ({current}) is newer than this version of scanner ({__version__}, which knows "
        f"revisions up to {head_revision()})" + (f"; it was last migrated by scanner {by}" if by else ""),
        context=engine.url.render_as_string(hide_password=True),
        hint=(f"install scanner {by} or newer" if by else "install the scanner version that migrated this database")
        + ", or use another database",
    )


def check_schema(engine: Engine) -> None:
    """Refuse to work on a database whose schema is not the one this code was written for."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    where = engine.url.render_as_string(hide_password=True)
    if current is None:
        raise SchemaVersionError("the database has no schema yet", context=where, hint="run: scanner db upgrade")
    if is_known_revision(current):
        raise SchemaVersionError(
            f"the database schema is behind the code (at {current}, code expects {head})",
            context=where,
            hint="run: scanner db upgrade",
        )
    raise newer_schema_error(engine, current)


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
    """The database of the settings; a missing SQLite file is refused (only `scanner db upgrade` creates one)."""
    engine = make_engine(settings.database_url, echo=settings.database.echo, create=False)
    if check:
        check_schema(engine)
    return Database(engine=engine, factory=sessionmaker(engine, expire_on_commit=False))


def upgrade(settings: Settings, revision: str = "head") -> tuple[str | None, str | None]:
    """Migrate to `revision` (creating a SQLite file); returns the revisions before and after.

    A database newer than this code is refused before Alembic sees it, naming the version it needs.
    """
    from alembic import command

    url = settings.database_url
    engine = make_engine(url)  # creates the SQLite folder, validates the URL
    try:
        before = current_revision(engine)
        if before is not None and not is_known_revision(before):
            raise newer_schema_error(engine, before)
        try:
            command.upgrade(alembic_config(url), revision)
        except OperationalError as exc:
            raise DatabaseError(
                f"migration failed: {exc.orig}", context="database", hint="check database.url"
            ) from None
        except (CommandError, RevisionError) as exc:
            raise InputError(
                f"cannot upgrade to {revision!r}: {exc}", context="db upgrade", hint=_revision_hint()
            ) from None
        return before, current_revision(engine)
    finally:
        engine.dispose()


# Revisions whose downgrade drops the audit log or one of its protections.
AUDIT_REVISIONS = {
    "0001": "the audit log itself",
    "0002": "its append-only triggers",
    "0004": "its hash chain",
}


@dataclass
class DowngradePlan:
    current: str
    target: str
    undone: list[str]  # revisions undone, newest first
    removes: list[str]  # what the downgrade does to the audit log
    audit_entries: int  # entries the audit log holds (0 when there is none)


def _audit_entries(engine: Engine) -> int:
    if "audit_log" not in inspect(engine).get_table_names():
        return 0
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT COUNT(*) FROM audit_log")).scalar() or 0)


def plan_downgrade(engine: Engine, revision: str) -> DowngradePlan:
    """What migrating back to `revision` would undo; refuses a database without schema or newer than the code."""
    current = current_revision(engine)
    where = engine.url.render_as_string(hide_password=True)
    if current is None:
        raise SchemaVersionError("the database has no schema: there is nothing to downgrade", context=where)
    if not is_known_revision(current):
        raise newer_schema_error(engine, current)
    try:
        undone = [script.revision for script in _script().iterate_revisions(current, revision)]
    except (CommandError, RevisionError) as exc:
        raise InputError(
            f"cannot downgrade from {current} to {revision!r}: {exc}", context="db downgrade", hint=_revision_hint()
        ) from None
    removes = [AUDIT_REVISIONS[name] for name in undone if name in AUDIT_REVISIONS]
    return DowngradePlan(current, revision, undone, removes, _audit_entries(engine))


def downgrade(
    settings: Settings,
    revision: str,
    *,
    actor: str | None = None,
    purpose: str = "",
    drop_audit_protection: bool = False,
) -> str | None:
    """Migrate back to `revision`, recording it in the audit log first; returns the log's head before.

    A downgrade that drops the audit log or its protections while the log holds entries is refused
    (PrivacyError) unless `drop_audit_protection` is given: without its triggers and chain, entries
    could be deleted and the database upgraded again without a trace. The entry written before the
    downgrade, and the head returned, are what shows later that it happened.
    """
    from alembic import command

    from scanner.db.audit import record_schema_change

    url = settings.database_url
    engine = make_engine(url, create=False)
    try:
        plan = plan_downgrade(engine, revision)
        if plan.removes and plan.audit_entries and not drop_audit_protection:
            entries = f"{plan.audit_entries} {'entry' if plan.audit_entries == 1 else 'entries'}"
            removes = ", ".join(plan.removes[:-1]) + (" and " if len(plan.removes) > 1 else "") + plan.removes[-1]
            raise PrivacyError(
                f"the audit log holds {entries}, and downgrading to {revision} removes {removes}",
                context=engine.url.render_as_string(hide_password=True),
                hint="keep a copy first (scanner audit --format csv > audit.csv), "
                "then add --drop-audit-protection to downgrade anyway",
            )
        head = None
        if plan.undone and _has_audit_log(engine):
            head = record_schema_change(
                engine,
                actor=actor or os_user(),
                command="db downgrade",
                purpose=purpose,
                details={
                    "from": plan.current,
                    "to": revision,
                    "removes": plan.removes,
                    "audit_entries": plan.audit_entries,
                    "forced": drop_audit_protection and bool(plan.removes and plan.audit_entries),
                },
                at_head=plan.current == head_revision(),
            )
    finally:
        engine.dispose()
    command.downgrade(alembic_config(url), revision)
    return head


def _has_audit_log(engine: Engine) -> bool:
    return "audit_log" in inspect(engine).get_table_names()


def os_user() -> str:
    """Who runs this process, for the audit log when no `--as NAME` is given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _revision_hint() -> str:
    names = ", ".join(script.revision for script in reversed(list(_script().walk_revisions())))
    return f"give one of: {names}, base or head (scanner db current shows where the database is)"
