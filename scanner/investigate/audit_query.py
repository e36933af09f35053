"""The audit log as `scanner audit` lists it: the newest entries, filtered by date, person and action.

Writing entries and checking their hash chain is `scanner.db.audit`; this module only reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanner.db.models import AuditEntry
from scanner.errors import InputError


def _entry(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(timespec="seconds"),
        "actor": entry.actor,
        "command": entry.command,
        "action": entry.action,
        "purpose": entry.purpose,
        "details": entry.details,
    }


def audit_entries(
    session: Session, *, since: str | None = None, actor: str | None = None, action: str | None = None, limit: int
) -> list[dict[str, Any]]:
    """The newest `limit` entries that match, oldest first; `since` is a date or date-time (InputError if not)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if since:
        try:
            query = query.where(AuditEntry.at >= datetime.fromisoformat(since))
        except ValueError:
            raise InputError(f"cannot read {since!r} as a date", context="--since", hint="e.g. 2026-01-03") from None
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    return [_entry(entry) for entry in reversed(session.scalars(query).all())]
