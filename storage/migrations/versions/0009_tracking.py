"""Following items up (issue 11): the directory of responsible units with their aliases,
liaisons and the mappings staff made, unit names still unknown, tracked items with their
append-only events, and the reminders of their deadlines.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-14
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
REMINDER_UNSENT = "sent_at IS NULL"  # storage/rows.py, the same text on both databases


def _fk(table: str, column: str, referred: str, ondelete: str | None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{referred}.id"],
                                   name=f"fk_{table}_{column}_{referred}", ondelete=ondelete)


def _units() -> None:
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_units"),
        sa.UniqueConstraint("name", name="uq_units_name"),
    )
    op.create_table(
        "unit_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(64), nullable=False),
        _fk("unit_aliases", "unit_id", "units", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_unit_aliases"),
        sa.UniqueConstraint("alias", name="uq_unit_aliases_alias"),
    )
    op.create_index("ix_unit_aliases_unit_id", "unit_aliases", ["unit_id"])
    op.create_table(
        "unit_liaisons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        _fk("unit_liaisons", "unit_id", "units", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_unit_liaisons"),
        sa.UniqueConstraint("unit_id", "telegram_user_id",
                            name="uq_unit_liaisons_unit_id_telegram_user_id"),
    )
    op.create_index("ix_unit_liaisons_telegram_user_id", "unit_liaisons", ["telegram_user_id"])
    op.create_table(
        "unit_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("written", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("at", UTC_TIME, nullable=True),
        _fk("unit_mappings", "unit_id", "units", "CASCADE"),
        _fk("unit_mappings", "person_id", "people", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_unit_mappings"),
        sa.UniqueConstraint("key", name="uq_unit_mappings_key"),
    )
    op.create_index("ix_unit_mappings_unit_id", "unit_mappings", ["unit_id"])


def _items() -> None:
    op.create_table(
        "tracked_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("proposers", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("unit_name", sa.Text(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("conversion", sa.String(16), nullable=True),
        sa.Column("reference", sa.String(64), nullable=True),
        sa.Column("satisfaction", sa.String(16), nullable=True),
        sa.Column("reopens", sa.Integer(), nullable=False),
        sa.Column("settled_at", UTC_TIME, nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        _fk("tracked_items", "session_id", "sessions", "CASCADE"),
        _fk("tracked_items", "unit_id", "units", None),
        sa.PrimaryKeyConstraint("id", name="pk_tracked_items"),
    )
    op.create_index("ix_tracked_items_session", "tracked_items", ["session_id", "seq"])
    op.create_index("ix_tracked_items_unit", "tracked_items", ["unit_id", "status", "deadline"])
    op.create_index("ix_tracked_items_deadline", "tracked_items", ["status", "deadline"])
    op.create_table(
        "item_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("operator", sa.Text(), nullable=True),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        _fk("item_events", "item_id", "tracked_items", "CASCADE"),
        _fk("item_events", "person_id", "people", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_item_events"),
        sa.UniqueConstraint("item_id", "n", name="uq_item_events_item_id_n"),
    )
    op.create_index("ix_item_events_person_id", "item_events", ["person_id"])
    op.create_table(
        "scheduled_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("due_at", UTC_TIME, nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=True),
        _fk("scheduled_reminders", "item_id", "tracked_items", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_scheduled_reminders"),
        sa.UniqueConstraint("item_id", "key", name="uq_scheduled_reminders_item_id_key"),
    )
    op.create_index("ix_scheduled_reminders_due", "scheduled_reminders", ["due_at"],
                    sqlite_where=sa.text(REMINDER_UNSENT),
                    postgresql_where=sa.text(REMINDER_UNSENT))
    op.create_table(
        "unknown_unit_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("written", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("seen_at", UTC_TIME, nullable=True),
        sa.Column("candidates", sa.Text(), nullable=False),
        _fk("unknown_unit_names", "session_id", "sessions", "SET NULL"),
        _fk("unknown_unit_names", "item_id", "tracked_items", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_unknown_unit_names"),
        sa.UniqueConstraint("key", name="uq_unknown_unit_names_key"),
    )


def upgrade() -> None:
    _units()
    _items()


def downgrade() -> None:
    # children first; dropping a table drops its indexes with it
    for table in ("unknown_unit_names", "scheduled_reminders", "item_events", "tracked_items",
                  "unit_mappings", "unit_liaisons", "unit_aliases", "units"):
        op.drop_table(table)
