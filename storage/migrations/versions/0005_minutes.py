"""Minutes: live marks and corrections on contributions, draft edits, approved versions,
speakers' confirmations, and which session's minutes a person is editing.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def _session_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["session_id"], ["sessions.id"],
                                   name=f"fk_{table}_session_id_sessions", ondelete="CASCADE")


def upgrade() -> None:
    # plain ADD COLUMN: no table rebuild on SQLite
    op.add_column("contributions", sa.Column("marks", sa.String(64), nullable=True))
    op.add_column("contributions", sa.Column("original_text", sa.Text(), nullable=True))
    op.create_table(
        "minutes_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(32), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("at", UTC_TIME, nullable=False),
        _session_fk("minutes_edits"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name="fk_minutes_edits_person_id_people", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_minutes_edits"),
    )
    op.create_index("ix_minutes_edits_session_id", "minutes_edits", ["session_id"])
    op.create_table(
        "minutes_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", UTC_TIME, nullable=False),
        _session_fk("minutes_versions"),
        sa.ForeignKeyConstraint(["approved_by"], ["people.id"],
                                name="fk_minutes_versions_approved_by_people",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_minutes_versions"),
        sa.UniqueConstraint("session_id", "version",
                            name="uq_minutes_versions_session_id_version"),
    )
    op.create_table(
        "confirmations",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        _session_fk("confirmations"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name="fk_confirmations_person_id_people", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", "person_id", name="pk_confirmations"),
    )
    op.create_table(
        "minutes_focus",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        _session_fk("minutes_focus"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name="fk_minutes_focus_person_id_people", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("person_id", name="pk_minutes_focus"),
    )


def downgrade() -> None:
    op.drop_table("minutes_focus")
    op.drop_table("confirmations")
    op.drop_table("minutes_versions")
    op.drop_index("ix_minutes_edits_session_id", table_name="minutes_edits")
    op.drop_table("minutes_edits")
    with op.batch_alter_table("contributions") as batch:
        batch.drop_column("original_text")
        batch.drop_column("marks")
