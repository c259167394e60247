"""Search: the words of final contributions and of session topics, with a full-text index
(FTS5 on SQLite, GIN over to_tsvector('simple', ...) on PostgreSQL); see storage/search.py.

Existing contributions and topics are indexed here, so older sessions are found too.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.search import tokens

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, its key column, its FTS5 table)
INDEXES = (("search_terms", "contribution_id", "search_terms_fts"),
           ("search_topics", "session_id", "search_topics_fts"))


def _fts5(table: str, key: str, fts: str) -> list[str]:
    """An external-content FTS5 table over ``table`` and the triggers that keep it in step
    (an upsert's update and a cascaded delete fire them too)."""
    remove = f"INSERT INTO {fts}({fts}, rowid, terms) VALUES ('delete', old.{key}, old.terms);"
    add = f"INSERT INTO {fts}(rowid, terms) VALUES (new.{key}, new.terms);"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(terms, content='{table}', "
        f"content_rowid='{key}', tokenize='unicode61')",
        f"CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {table}_ad AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {table}_au AFTER UPDATE ON {table} BEGIN {remove} {add} END",
    ]


def _gin(table: str) -> str:
    return (f"CREATE INDEX ix_{table}_tsv ON {table} "
            "USING gin (to_tsvector('simple'::regconfig, terms))")


def _create_tables() -> None:
    op.create_table(
        "search_terms",
        sa.Column("contribution_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["contribution_id"], ["contributions.id"],
                                name="fk_search_terms_contribution_id_contributions",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"],
                                name="fk_search_terms_session_id_sessions", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("contribution_id", name="pk_search_terms"),
    )
    op.create_index("ix_search_terms_session_id", "search_terms", ["session_id"])
    op.create_table(
        "search_topics",
        sa.Column("session_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"],
                                name="fk_search_topics_session_id_sessions",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", name="pk_search_topics"),
    )


def _backfill(connection: sa.Connection) -> None:
    said = connection.execute(sa.text(
        "SELECT id, session_id, text FROM contributions WHERE status = 'final'")).all()
    terms = [{"c": c, "s": s, "t": " ".join(tokens(text))} for c, s, text in said]
    if rows := [row for row in terms if row["t"]]:
        connection.execute(sa.text("INSERT INTO search_terms (contribution_id, session_id, "
                                   "terms) VALUES (:c, :s, :t)"), rows)
    topics = connection.execute(sa.text("SELECT id, topic FROM sessions")).all()
    words = [{"s": s, "t": " ".join(tokens(topic))} for s, topic in topics]
    if rows := [row for row in words if row["t"]]:
        connection.execute(sa.text("INSERT INTO search_topics (session_id, terms) "
                                   "VALUES (:s, :t)"), rows)


def upgrade() -> None:
    _create_tables()
    connection = op.get_bind()
    for table, key, fts in INDEXES:
        if connection.dialect.name == "sqlite":
            for statement in _fts5(table, key, fts):
                op.execute(statement)
        elif connection.dialect.name == "postgresql":
            op.execute(_gin(table))
    _backfill(connection)  # after the triggers, which fill the FTS5 tables as rows arrive


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, _key, fts in INDEXES:
        if sqlite:
            for trigger in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
        op.drop_table(table)  # PostgreSQL's GIN index goes with it
