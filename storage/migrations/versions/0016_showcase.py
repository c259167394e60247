"""The public showcase (issue 13): a hall opts in (halls.showcase) under the public name the
office gives it (halls.showcase_name: never the group's title, which any member may change);
the office's pages on its 工作制度 in Markdown (showcase_pages); the year's planned
consultations (consultation_plans); the people who agreed to be listed under 组织架构
(listed_members); the photos a moderator sent to a session's group (session_photos), kept in
the data folder and shown once staff approve each one.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("halls") as batch:
        batch.add_column(sa.Column("showcase", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("showcase_name", sa.String(60), nullable=True))
        batch.add_column(sa.Column("showcase_intro", sa.Text(), nullable=True))
    op.create_table(
        "showcase_pages",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("slug", sa.String(40), nullable=False),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("slug", name="uq_showcase_pages_slug"),
    )
    op.create_table(
        "consultation_plans",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("topic", sa.String(120), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_consultation_plans_planned_on", "consultation_plans", ["planned_on"])
    op.create_table(
        "listed_members",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.Integer(),
                  sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=True),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("title", sa.String(60), nullable=False),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_listed_members_chat_id", "listed_members", ["chat_id"])
    op.create_table(
        "session_photos",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.Integer(),
                  sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shown", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("session_id", "message_id", name="uq_session_photos_message"),
    )


def downgrade() -> None:
    op.drop_table("session_photos")
    op.drop_index("ix_listed_members_chat_id", table_name="listed_members")
    op.drop_table("listed_members")
    op.drop_index("ix_consultation_plans_planned_on", table_name="consultation_plans")
    op.drop_table("consultation_plans")
    op.drop_table("showcase_pages")
    with op.batch_alter_table("halls") as batch:
        batch.drop_column("showcase_intro")
        batch.drop_column("showcase_name")
        batch.drop_column("showcase")
