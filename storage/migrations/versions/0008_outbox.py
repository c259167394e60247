"""The outbox of messages the bot owes (written in the transaction of the change they report,
sent afterwards, each once); people.is_staff goes (roles come from configuration at every
action, issue 9).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("audio_job_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("attempt", sa.Text(), nullable=True),
        sa.Column("attempted_at", UTC_TIME, nullable=True),
        sa.Column("sent_at", UTC_TIME, nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("failed", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbox_chat_id", "outbox", ["chat_id"])
    op.create_index("ix_outbox_sent_at", "outbox", ["sent_at"])
    # SQLite >= 3.35 and PostgreSQL drop a plain column in place (no table rebuild)
    op.execute("ALTER TABLE people DROP COLUMN is_staff")


def downgrade() -> None:
    op.add_column("people", sa.Column("is_staff", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.drop_index("ix_outbox_sent_at", table_name="outbox")
    op.drop_index("ix_outbox_chat_id", table_name="outbox")
    op.drop_table("outbox")
