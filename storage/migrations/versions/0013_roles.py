"""Per-hall roles and the staff's login to the web (issue 13): role grants (admin, staff or
viewer; of one hall or of every hall) and the one-time login links /portal sends.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "role_grants",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(),
                  sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("hall_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("granted_by", sa.Integer(),
                  sa.ForeignKey("people.id", ondelete="SET NULL"), nullable=True),
        sa.Column("operator", sa.Text(), nullable=True),
        sa.Column("granted_at", UTC_TIME, nullable=False),
    )
    op.create_index("ix_role_grants_person_id", "role_grants", ["person_id"])
    op.create_table(
        "login_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.Integer(),
                  sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.Column("used_at", UTC_TIME, nullable=True),
    )
    op.create_index("ix_login_links_person_id", "login_links", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_login_links_person_id", "login_links")
    op.drop_table("login_links")
    op.drop_index("ix_role_grants_person_id", "role_grants")
    op.drop_table("role_grants")
