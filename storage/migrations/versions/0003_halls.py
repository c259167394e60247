"""Halls: a per-hall glossary (place and unit names) for the speech recogniser.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "halls",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("glossary", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name="pk_halls"),
    )


def downgrade() -> None:
    op.drop_table("halls")
