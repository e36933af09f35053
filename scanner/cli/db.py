"""`scanner db`: create and migrate the schema."""

from __future__ import annotations

import click

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

    \b
    Example:
      SCANNER_DATABASE_URL=postgresql+psycopg://127.0.0.1/test scanner db upgrade
    """
    db_session.upgrade(app.settings, revision)
    engine = db_session.make_engine(app.settings.database_url)
    try:
        click.echo(f"database at revision {db_session.current_revision(engine)}")
    finally:
        engine.dispose()


@db.command()
@click.argument("revision")
@pass_app
def downgrade(app: App, revision: str) -> None:
    """Migrate the database back to REVISION ('base' removes every table).

    \b
    Example:
      scanner db downgrade base
    """
    db_session.downgrade(app.settings, revision)
    click.echo(f"database downgraded to {revision}")


@db.command()
@pass_app
def current(app: App) -> None:
    """Print the database's revision and the one this code expects.

    \b
    Example:
      scanner db current
    """
    engine = db_session.make_engine(app.settings.database_url)
    try:
        found = db_session.current_revision(engine)
    finally:
        engine.dispose()
    head = db_session.head_revision()
    state = "up to date" if found == head else "needs: scanner db upgrade" if found else "empty"
    click.echo(f"database: {found or '(none)'}\ncode:     {head}\nstate:    {state}")
