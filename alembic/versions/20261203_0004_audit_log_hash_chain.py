"""audit log hash chain: prev_hash and entry_hash on every entry, computed for the entries already there

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03

The append-only triggers are dropped while the existing entries get their hashes (an UPDATE they would
refuse) and while SQLite rebuilds the table, then created again. The hashes are those of
`scanner.db.auditchain`, the function the application and `scanner audit verify` use.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from scanner.db.auditchain import GENESIS, entry_hash

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "audit_log is append-only"

audit_log = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime),
    sa.column("actor", sa.String),
    sa.column("command", sa.String),
    sa.column("action", sa.String),
    sa.column("purpose", sa.Text),
    sa.column("details", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("entry_hash", sa.String),
)


def _drop_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{event}")


def _create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def _chain_existing_entries() -> None:
    bind = op.get_bind()
    prev_hash = GENESIS
    rows = bind.execute(
        sa.select(
            audit_log.c.id,
            audit_log.c.at,
            audit_log.c.actor,
            audit_log.c.command,
            audit_log.c.action,
            audit_log.c.purpose,
            audit_log.c.details,
        ).order_by(audit_log.c.id)
    ).all()
    for row in rows:
        digest = entry_hash(
            prev_hash,
            entry_id=row.id,
            at=row.at,
            actor=row.actor,
            command=row.command,
            action=row.action,
            purpose=row.purpose,
            details=row.details,
        )
        bind.execute(
            sa.update(audit_log).where(audit_log.c.id == row.id).values(prev_hash=prev_hash, entry_hash=digest)
        )
        prev_hash = digest


def upgrade() -> None:
    _drop_triggers()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
    _chain_existing_entries()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("entry_hash", existing_type=sa.String(length=64), nullable=False)
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("prev_hash")
    _create_triggers()
