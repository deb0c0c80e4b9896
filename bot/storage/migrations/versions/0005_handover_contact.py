"""How a citizen who asked for a person can be reached, when they left a phone or an e-mail in the
chat after the request (no complaint filed yet).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("handover_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact", sa.String(length=320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handover_requests", schema=None) as batch_op:
        batch_op.drop_column("contact")
