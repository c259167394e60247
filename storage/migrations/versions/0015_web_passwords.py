"""Logins without Telegram (issue 13): an admin's invitation is a one-time link of its own kind
(login_links.kind = 'invite'), and a person who accepted one has a login name and the argon2
hash of their password (web_credentials).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("login_links") as batch:
        batch.add_column(sa.Column("kind", sa.String(10), nullable=False,
                                   server_default="login"))
    op.create_table(
        "web_credentials",
        sa.Column("person_id", sa.Integer(),
                  sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("login_name", sa.String(40), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("login_name", name="uq_web_credentials_login_name"),
    )


def downgrade() -> None:
    op.drop_table("web_credentials")
    with op.batch_alter_table("login_links") as batch:
        batch.drop_column("kind")
