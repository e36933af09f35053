"""Alembic environment: the URL comes from scanner's settings unless a caller set one."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from scanner.db.models import Base
from scanner.settings import load_settings

config = context.config
target_metadata = Base.metadata

url = config.get_main_option("sqlalchemy.url") or load_settings().settings.database_url
if url.startswith("sqlite:///"):
    from scanner.db.session import make_engine

    make_engine(url).dispose()  # creates the folder of a new SQLite file


def run_offline() -> None:
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connectable = engine_from_config({"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
