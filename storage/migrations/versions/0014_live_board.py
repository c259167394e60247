"""The group's live board (issue 9, point 11): one message per session edited in place
(boards: the session's opening message, its fixed head kept), and the outbox row that sends
its first message names the session.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "boards",
        sa.Column("session_id", sa.Integer(),
                  sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("head", sa.Text(), nullable=True),
        sa.Column("pinned", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("finished", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_boards_finished", "boards", ["finished"])
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("board_session_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("board_session_id")
    op.drop_index("ix_boards_finished", "boards")
    op.drop_table("boards")
