"""Hand-over requests ("parler à quelqu'un") kept for the dashboard instead of e-mailed with the
conversation id (a phone number on WhatsApp).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handover_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("conversation", sa.String(length=255), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by", sa.String(length=320), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_requests")),
    )
    with op.batch_alter_table("handover_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_requests_conversation"), ["conversation"], unique=False)
        batch_op.create_index(batch_op.f("ix_handover_requests_requested_at"), ["requested_at"], unique=False)


def downgrade() -> None:
    op.drop_table("handover_requests")
