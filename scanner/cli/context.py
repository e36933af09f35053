"""What every command shares: the effective settings, the database, who is acting and why."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import click
from sqlalchemy.orm import Session

from scanner.db.session import Database, open_database, os_user
from scanner.settings import LoadedSettings, Settings, load_settings


@dataclass
class App:
    loaded: LoadedSettings
    actor: str
    purpose: str = ""
    _database: Database | None = field(default=None, repr=False)

    @classmethod
    def create(cls, *, config_path: str | None, overrides: dict[str, Any], actor: str | None, purpose: str) -> App:
        loaded = load_settings(config=config_path, cli=overrides)
        return cls(loaded=loaded, actor=actor or os_user(), purpose=purpose)

    @property
    def settings(self) -> Settings:
        return self.loaded.settings

    def database(self) -> Database:
        """The database, after checking its schema is the one this code expects."""
        if self._database is None:
            self._database = open_database(self.settings)
        return self._database

    def audit(self, session: Session, command: str, action: str, details: dict[str, Any] | None = None) -> None:
        """Record in the audit log that this actor, for this purpose, ran `command` (see scanner.db.audit)."""
        # Imported here: the models are not needed for `scanner --help` or commands without a database.
        from scanner.db.audit import record

        record(session, actor=self.actor, command=command, action=action, purpose=self.purpose, details=details)

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()
            self._database = None


def get_app(ctx: click.Context | None = None) -> App:
    ctx = ctx or click.get_current_context()
    app = ctx.find_object(App)
    assert app is not None, "commands run inside the scanner group"
    return app


def is_terminal() -> bool:
    return sys.stdout.isatty()


pass_app = click.make_pass_decorator(App)
