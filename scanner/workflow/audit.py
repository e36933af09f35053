"""The append-only audit log: who read, exported, changed or purged personal data, when and why.

Every command that touches personal data calls `record(...)` inside its own transaction. The table
refuses UPDATE and DELETE (triggers in the migration), so entries can only be added.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from scanner.clock import utcnow
from scanner.db.models import AuditEntry

ACTIONS = frozenset({"read", "export", "change", "purge", "collect"})


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
    """Add one audit entry; `details` holds ids and counts, never phone numbers or ad text."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; one of {sorted(ACTIONS)}")
    entry = AuditEntry(
        at=now or utcnow(),
        actor=actor,
        command=command,
        action=action,
        purpose=purpose,
        details=details or {},
    )
    session.add(entry)
    session.flush()
    return entry
