"""Following items up in the bot (issue 11): invitations that bind a liaison to a unit
(a one-time deep-link code); per hall its town (for the figures) and whether the group is
told when every item of a session is settled; and the mark that an item's event has had its
notices sent (events before this revision count as notified: nobody is told of old news).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
EVENT_UNNOTIFIED = "notified_at IS NULL"  # storage/rows.py, the same text on both databases


def upgrade() -> None:
    op.create_table(
        "unit_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.Column("used_by", sa.BigInteger(), nullable=True),  # the liaison's Telegram id
        sa.Column("used_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name="fk_unit_invites_unit_id_units", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["people.id"],
                                name="fk_unit_invites_created_by_people", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_unit_invites"),
        sa.UniqueConstraint("code", name="uq_unit_invites_code"),
    )
    op.create_index("ix_unit_invites_unit_id", "unit_invites", ["unit_id"])
    with op.batch_alter_table("halls") as batch:
        batch.add_column(sa.Column("town", sa.Text(), nullable=True))
        batch.add_column(sa.Column("settled_notice", sa.Boolean(), nullable=True))
    with op.batch_alter_table("item_events") as batch:
        batch.add_column(sa.Column("notified_at", UTC_TIME, nullable=True))
    op.execute("UPDATE item_events SET notified_at = at")
    op.create_index("ix_item_events_unnotified", "item_events", ["id"],
                    sqlite_where=sa.text(EVENT_UNNOTIFIED),
                    postgresql_where=sa.text(EVENT_UNNOTIFIED))


def downgrade() -> None:
    op.drop_index("ix_item_events_unnotified", table_name="item_events")
    with op.batch_alter_table("item_events") as batch:
        batch.drop_column("notified_at")
    with op.batch_alter_table("halls") as batch:
        batch.drop_column("settled_notice")
        batch.drop_column("town")
    op.drop_table("unit_invites")
