"""identity judgements, kinds of group, and the hold of ads whose place is not resolved

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity_judgements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_judgements")),
        sa.UniqueConstraint("kind", "value", name=op.f("uq_identity_judgements_kind_value")),
    )
    with op.batch_alter_table("identity_judgements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_judgements_verdict"), ["verdict"], unique=False)
    with op.batch_alter_table("networks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), server_default="network", nullable=False))
        batch_op.create_index(batch_op.f("ix_networks_kind"), ["kind"], unique=False)
    with op.batch_alter_table("ads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("place_held_since", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_ads_place_held_since"), ["place_held_since"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ads_place_held_since"))
        batch_op.drop_column("place_held_since")
    with op.batch_alter_table("networks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_networks_kind"))
        batch_op.drop_column("kind")
    with op.batch_alter_table("identity_judgements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_judgements_verdict"))
    op.drop_table("identity_judgements")
