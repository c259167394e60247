"""Voice: contributions get a status (pending while their audio is transcribed), the
segments and the engine that made them; audio jobs keep the work durable.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint([column], [target], ondelete=ondelete,
                                   name=f"fk_audio_jobs_{column}_{referred}")


def upgrade() -> None:
    op.add_column("contributions", sa.Column("status", sa.String(16), nullable=False,
                                             server_default="final"))
    op.add_column("contributions", sa.Column("segments", sa.Text(), nullable=True))
    op.add_column("contributions", sa.Column("engine", sa.String(64), nullable=True))
    op.add_column("contributions", sa.Column("model", sa.String(128), nullable=True))
    op.create_table(
        "audio_jobs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("file_id", sa.Text(), nullable=False),
        sa.Column("file_unique_id", sa.String(128), nullable=True),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("claimed_duration_s", sa.Float(), nullable=True),
        sa.Column("mime_type", sa.String(128), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reply_message_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("audio_path", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audio_jobs"),
        _fk("session_id", "sessions.id", "CASCADE"),
        _fk("contribution_id", "contributions.id", "SET NULL"),
        _fk("person_id", "people.id", "SET NULL"),
    )
    for column in ("session_id", "contribution_id", "person_id"):
        op.create_index(f"ix_audio_jobs_{column}", "audio_jobs", [column])
    op.create_index("ix_audio_jobs_due", "audio_jobs", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("audio_jobs")
    for column in ("model", "engine", "segments", "status"):
        with op.batch_alter_table("contributions") as batch:
            batch.drop_column(column)
