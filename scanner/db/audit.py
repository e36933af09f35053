"""The append-only, hash-chained audit log: who read, exported, changed or purged personal data, when and why.

Every command that touches personal data calls `record(...)` inside its own transaction. The table
refuses UPDATE and DELETE (triggers in the migrations), and each entry carries a hash chained to the
entry before it (`scanner.db.auditchain`), so what the triggers cannot stop (someone who drops
them, edits the database file or restores an old copy) still shows: `scanner audit verify` names the
changed, deleted or inserted entries, and checks the head each scan prints against the database.

Inserts are serialised so the chain stays one line when several commands write at once: PostgreSQL
takes a transaction advisory lock (other inserts wait until the transaction ends; reads go on, and
unlike `LOCK TABLE` it needs no UPDATE or DELETE right on the table, which an append-only log's role
should not have); SQLite takes its database write lock with a write that changes nothing. Either
way the lock is held before the newest hash is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, String, Text, column, insert, select, table, text
from sqlalchemy.orm import Session

from scanner.clock import utcnow
from scanner.db.auditchain import GENESIS, ChainRow, Head, canonical_details, entry_hash
from scanner.db.models import AuditEntry

# read | export | change | purge | collect: what was done with personal data; schema: a migration of
# the database (an upgrade, or a downgrade that may remove the audit log's protections).
ACTIONS = frozenset({"read", "export", "change", "purge", "collect", "schema"})
CHAIN_LOCK_KEY = 0x5C4_A0D1  # PostgreSQL advisory lock of audit inserts (the scan lock has another key)
_NEWEST = select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)


def _lock_chain(session: Session) -> None:
    """Hold the audit log's insert lock until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    else:
        # Matches no row, but opens SQLite's write transaction: no other connection can insert (or
        # commit a stale read of the newest hash) until this one commits.
        session.execute(text("UPDATE audit_log SET id = id WHERE 0 = 1"))


def _next_id(session: Session, newest: int | None) -> int:
    """The new entry's id, known before the insert because the hash covers it."""
    if session.get_bind().dialect.name == "postgresql":
        value = session.scalar(text("SELECT nextval(pg_get_serial_sequence('audit_log', 'id'))"))
        assert value is not None
        return int(value)
    return (newest or 0) + 1


def record(
    session: Session,
    *,
    actor: str,
    command: str,
    action: str,
    purpose: str = "",
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Add one chained audit entry; `details` holds ids and counts, never phone numbers or ad text."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; one of {sorted(ACTIONS)}")
    stored = canonical_details(details)
    _lock_chain(session)
    newest = session.execute(_NEWEST).first()
    prev_hash = newest.entry_hash if newest else GENESIS
    entry = AuditEntry(
        id=_next_id(session, newest.id if newest else None),
        at=now or utcnow(),
        actor=actor,
        command=command,
        action=action,
        purpose=purpose,
        details=stored,
        prev_hash=prev_hash,
    )
    entry.entry_hash = entry_hash(
        prev_hash,
        entry_id=entry.id,
        at=entry.at,
        actor=actor,
        command=command,
        action=action,
        purpose=purpose,
        details=stored,
    )
    session.add(entry)
    session.flush()
    return entry


def head(session: Session) -> Head | None:
    """The newest entry's id and hash: the value to keep outside the database."""
    newest = session.execute(_NEWEST).first()
    return Head(newest.id, newest.entry_hash) if newest else None


def chain_rows(session: Session, batch: int = 2000) -> Iterator[ChainRow]:
    """Every entry in id order, as the chain sees it, read in batches."""
    columns = (
        AuditEntry.id,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.command,
        AuditEntry.action,
        AuditEntry.purpose,
        AuditEntry.details,
        AuditEntry.prev_hash,
        AuditEntry.entry_hash,
    )
    after = None
    while True:
        query = select(*columns).order_by(AuditEntry.id).limit(batch)
        if after is not None:
            query = query.where(AuditEntry.id > after)
        rows = session.execute(query).all()
        for row in rows:
            yield ChainRow(*row)
        if len(rows) < batch:
            return
        after = rows[-1].id


def record_schema_change(
    engine: Engine,
    *,
    actor: str,
    command: str,
    purpose: str,
    details: dict[str, Any],
    at_head: bool,
) -> str | None:
    """Record a migration in the audit log, whatever revision the database is at; the head after it.

    At the code's revision the entry is chained like any other. Below it (a downgrade done in steps)
    the table may predate the chain; the entry is then written with the columns it has.
    """
    if at_head:
        with Session(engine) as session, session.begin():
            record(session, actor=actor, command=command, action="schema", purpose=purpose, details=details)
            newest = head(session)
        return str(newest) if newest else None
    unchained = table(
        "audit_log",
        column("at", DateTime),
        column("actor", String),
        column("command", String),
        column("action", String),
        column("purpose", Text),
        column("details", JSON),
    )
    with engine.begin() as connection:
        connection.execute(
            insert(unchained).values(
                at=utcnow(),
                actor=actor,
                command=command,
                action="schema",
                purpose=purpose,
                details=canonical_details(details),
            )
        )
    return None
