"""The room's screen (issue 12): each session gets an unguessable code for its page on the
web (`/s/<screen code>`), unique; sessions from before this revision are given one here.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("screen_code", sa.String(32), nullable=True))
    connection = op.get_bind()
    ids = connection.execute(sa.text("SELECT id FROM sessions")).scalars().all()
    for session_id in ids:  # facilitation/screen.py: new_screen_code, the same form
        connection.execute(sa.text("UPDATE sessions SET screen_code = :code WHERE id = :id"),
                           {"code": secrets.token_urlsafe(16), "id": session_id})
    with op.batch_alter_table("sessions") as batch:
        batch.create_unique_constraint("uq_sessions_screen_code", ["screen_code"])


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_constraint("uq_sessions_screen_code", type_="unique")
        batch.drop_column("screen_code")
