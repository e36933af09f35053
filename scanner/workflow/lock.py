"""One scan at a time per database: a file lock beside a SQLite file, an advisory lock on PostgreSQL.

`scan_lock(db)` is a context manager held for the whole scan. A second scan that asks for the lock
while it is held gets `LockHeldError` at once (exit code 5) instead of waiting. The lock dies with
its process (the kernel drops the file lock, PostgreSQL drops the session's advisory lock), so a
scan killed with SIGKILL leaves no stale lock behind: the next scan gets the lock and resumes.

PostgreSQL ends a killed client's session only once it notices the closed connection, a moment
after the process died; so a refused advisory lock is asked for again for `RELEASE_GRACE_SECONDS`
before the scan gives up. A scan that is really running holds it far longer than that.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Connection, text

from scanner.db.session import Database
from scanner.errors import LockHeldError

# Any fixed 64-bit number works; it only has to be the same for every scanner process.
ADVISORY_LOCK_KEY = 0x5C4_22E8
RELEASE_GRACE_SECONDS = 1.0
RETRY_INTERVAL_SECONDS = 0.1
HINT = "wait for the running scan to finish (see `scanner audit` or the scan_runs table), or stop it"


def sqlite_lock_path(db: Database) -> Path | None:
    """The lock file beside a SQLite database file; None for an in-memory database."""
    database = db.engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(database).with_name(Path(database).name + ".lock")


@contextmanager
def scan_lock(db: Database) -> Iterator[None]:
    """Hold the scan lock of `db` for the duration of the block; refuse at once when it is taken."""
    if db.dialect == "postgresql":
        with _advisory_lock(db):
            yield
        return
    path = sqlite_lock_path(db)
    if path is None:
        yield
        return
    lock = FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise LockHeldError("another scan is running on this database", context=str(path), hint=HINT) from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def _advisory_lock(db: Database) -> Iterator[None]:
    # A dedicated connection outside the session pool: the lock belongs to this connection's
    # session and must live exactly as long as the scan, whatever the stages commit meanwhile.
    connection = db.engine.connect()
    try:
        deadline = time.monotonic() + RELEASE_GRACE_SECONDS
        while not (acquired := _try_advisory_lock(connection)) and time.monotonic() < deadline:
            time.sleep(RETRY_INTERVAL_SECONDS)
        if not acquired:
            where = db.engine.url.render_as_string(hide_password=True)
            raise LockHeldError("another scan is running on this database", context=where, hint=HINT)
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
            connection.commit()
    finally:
        connection.close()


def _try_advisory_lock(connection: Connection) -> bool:
    acquired = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}).scalar()
    connection.commit()
    return bool(acquired)
