"""Whole-meeting recordings uploaded on the workbench (issue 13): such a job has no Telegram
message (audio_jobs.message_id NULL), and a recording's job keeps how far its transcription
has got (progress, a fraction) and, once done, how many turns it added (turns_added), for the
session page's status line.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audio_jobs") as batch:
        batch.alter_column("message_id", existing_type=sa.BigInteger(), nullable=True)
        batch.add_column(sa.Column("progress", sa.Float(), nullable=True))
        batch.add_column(sa.Column("turns_added", sa.Integer(), nullable=True))


def downgrade() -> None:
    # an upload's job had no message: 0 stands for "none" where the column requires one
    op.execute("UPDATE audio_jobs SET message_id = 0 WHERE message_id IS NULL")
    with op.batch_alter_table("audio_jobs") as batch:
        batch.drop_column("turns_added")
        batch.drop_column("progress")
        batch.alter_column("message_id", existing_type=sa.BigInteger(), nullable=False)
