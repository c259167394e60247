"""The audit log of moderator and staff actions, and when a person was forgotten (erased on
request).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
INDEXED = ("at", "session_id", "actor_id", "subject_id")


def upgrade() -> None:
    # plain ADD COLUMN: no table rebuild on SQLite
    op.add_column("people", sa.Column("forgotten_at", UTC_TIME, nullable=True))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("operator", sa.Text(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"],
                                name="fk_audit_log_session_id_sessions", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["actor_id"], ["people.id"],
                                name="fk_audit_log_actor_id_people", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["subject_id"], ["people.id"],
                                name="fk_audit_log_subject_id_people", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    for column in INDEXED:
        op.create_index(f"ix_audit_log_{column}", "audit_log", [column])


def downgrade() -> None:
    for column in INDEXED:
        op.drop_index(f"ix_audit_log_{column}", table_name="audit_log")
    op.drop_table("audit_log")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("forgotten_at")
