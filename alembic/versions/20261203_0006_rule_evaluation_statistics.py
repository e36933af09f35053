"""rule evaluation statistics: the region prices each per-ad evaluation compared the ad with

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rule_evaluations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statistics", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rule_evaluations", schema=None) as batch_op:
        batch_op.drop_column("statistics")
