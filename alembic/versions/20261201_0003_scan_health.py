"""scan health: per-run health, removal counted in days, the removal guard's baseline, error classes

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scan_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("health", sa.String(length=20), nullable=True))
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("listed_ads", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("listed_run_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("listed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("frontier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error_class", sa.String(length=30), nullable=True))
    # Scans missed are carried over as days missed: with one scan a night they were the same.
    with op.batch_alter_table("ads", schema=None) as batch_op:
        batch_op.alter_column(
            "missing_scans", new_column_name="missing_days", existing_type=sa.Integer(), existing_nullable=False
        )
        batch_op.add_column(sa.Column("missing_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ads", schema=None) as batch_op:
        batch_op.drop_column("missing_on")
        batch_op.alter_column(
            "missing_days", new_column_name="missing_scans", existing_type=sa.Integer(), existing_nullable=False
        )
    with op.batch_alter_table("frontier", schema=None) as batch_op:
        batch_op.drop_column("error_class")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("listed_at")
        batch_op.drop_column("listed_run_id")
        batch_op.drop_column("listed_ads")
    with op.batch_alter_table("scan_runs", schema=None) as batch_op:
        batch_op.drop_column("health")
