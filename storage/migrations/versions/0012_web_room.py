"""The room on the web (issue 12): participants without Telegram (a token's hash on their
person), the moderator's console links, the closing shown on the screen, and the notices the
bot owes the group for what was done on the web.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("web_token_hash", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_people_web_token_hash", ["web_token_hash"])
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("closing_shown_at", UTC_TIME, nullable=True))
        batch.add_column(sa.Column("web_signin_open", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
    op.create_table(
        "console_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("session_id", sa.Integer(),
                  sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("person_id", sa.Integer(),
                  sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
    )
    op.create_index("ix_console_links_session_id", "console_links", ["session_id"])
    op.create_table(
        "room_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.Integer(),
                  sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("notified_at", UTC_TIME, nullable=True),
    )
    op.create_index("ix_room_notices_notified_at", "room_notices", ["notified_at"])


def downgrade() -> None:
    op.drop_index("ix_room_notices_notified_at", "room_notices")
    op.drop_table("room_notices")
    op.drop_index("ix_console_links_session_id", "console_links")
    op.drop_table("console_links")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("web_signin_open")
        batch.drop_column("closing_shown_at")
    with op.batch_alter_table("people") as batch:
        batch.drop_constraint("uq_people_web_token_hash", type_="unique")
        batch.drop_column("web_token_hash")
