"""`scanner db`: create and migrate the schema; migrations are recorded in the audit log."""

from __future__ import annotations

import click

from scanner import __version__
from scanner.cli.context import App, pass_app
from scanner.db import session as db_session


@click.group()
def db() -> None:
    """Create, migrate and inspect the database schema.

    \b
    Example:
      scanner db upgrade
      scanner db current
    """


@db.command()
@click.argument("revision", default="head")
@pass_app
def upgrade(app: App, revision: str) -> None:
    """Migrate the database to REVISION (default: the newest). Creates it when new.

    A database migrated by a newer scanner is refused (exit 4) with the version it needs. The
    migration is recorded in the audit log with the scanner version that made it.

    \b
    Example:
      SCANNER_DATABASE_URL=postgresql+psycopg://127.0.0.1/test scanner db upgrade
    """
    from scanner.db.audit import record_schema_change

    before, after = db_session.upgrade(app.settings, revision)
    if before != after:
        engine = db_session.make_engine(app.settings.database_url, create=False)
        try:
            record_schema_change(
                engine,
                actor=app.actor,
                command="db upgrade",
                purpose=app.purpose,
                details={"from": before, "to": after, "scanner": __version__},
                at_head=after == db_session.head_revision(),
            )
        finally:
            engine.dispose()
    click.echo(f"database at revision {after}")


@db.command()
@click.argument("revision")
@click.option(
    "--drop-audit-protection",
    is_flag=True,
    help="Downgrade even though it drops the audit log, its append-only triggers or its hash chain "
    "while the log holds entries.",
)
@pass_app
def downgrade(app: App, revision: str, drop_audit_protection: bool) -> None:
    """Migrate the database back to REVISION ('base' removes every table).

    Every downgrade is recorded in the audit log before it runs, and the log's head is printed: keep
    it. A downgrade that drops the audit log or its protections (append-only triggers, hash chain)
    while the log holds entries is refused (exit 11) unless --drop-audit-protection is given: without
    them entries could be deleted and the database upgraded again without a trace.

    \b
    Example:
      scanner db downgrade 0002 --drop-audit-protection
      scanner db downgrade base --drop-audit-protection
    """
    head = db_session.downgrade(
        app.settings,
        revision,
        actor=app.actor,
        purpose=app.purpose,
        drop_audit_protection=drop_audit_protection,
    )
    if head:
        click.echo(
            f"audit head before the downgrade: {head} (keep it; after upgrading again, "
            f"`scanner audit verify --head {head}` shows whether entries were removed meanwhile)"
        )
    click.echo(f"database downgraded to {revision}")


@db.command()
@pass_app
def current(app: App) -> None:
    """Print the database's revision and the one this code expects; never creates a database.

    \b
    Example:
      scanner db current
    """
    head = db_session.head_revision()
    path = db_session.sqlite_file(app.settings.database_url)
    if path is not None and not path.is_file():
        click.echo(f"database: (none: no file at {path})\ncode:     {head}\nstate:    create it: scanner db upgrade")
        return
    engine = db_session.make_engine(app.settings.database_url, create=False)
    try:
        found = db_session.current_revision(engine)
    finally:
        engine.dispose()
    if found == head:
        state = "up to date"
    elif found is None:
        state = "empty: scanner db upgrade"
    elif db_session.is_known_revision(found):
        state = "behind: scanner db upgrade"
    else:
        state = "newer than this scanner: install the version that migrated it"
    click.echo(f"database: {found or '(none)'}\ncode:     {head}\nstate:    {state}")
