"""Finding what was said: Chinese word segmentation (jieba) into a full-text index.

Texts are cut into words with ``jieba.lcut_for_search`` (a long word also yields its shorter
dictionary words, so 污水处理厂 is found by 污水 and by 处理厂) and stored space-joined in
``search_terms`` (final contributions) and ``search_topics`` (session topics). The database
then only has to split on spaces: SQLite keeps an FTS5 index over them (unicode61, kept in
step by triggers), PostgreSQL a GIN index on ``to_tsvector('simple', terms)``. Queries are cut
the same way and every word must match.

What is dropped: punctuation, whitespace, words over 64 characters, and function words: the
single characters in STOP_WORDS and a few common multi-character ones. Other single
characters are kept, because in a hall they carry meaning (水, 路, 灯, 桥, 河, 车).
Latin letters are lower-cased and full-width forms folded (NFKC).
"""

from __future__ import annotations

import asyncio
import functools
import unicodedata
from collections.abc import Sequence
from types import ModuleType
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Executable,
    FromClause,
    Integer,
    Select,
    Table,
    Text,
    bindparam,
    column,
    delete,
    func,
    literal_column,
    null,
    select,
    table,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.schema import ForeignKey
from sqlalchemy.sql.expression import TableClause

from facilitation.errors import InvalidInput
from facilitation.model import Contribution
from facilitation.ports import SearchHit
from facilitation.session import Session
from storage.rows import AttendanceRow, Base, ContributionRow, SessionRow
from transcripts import segmenter

STOP_WORDS = frozenset(
    "的 地 得 了 着 过 是 在 有 和 与 及 或 而 之 其 也 都 就 还 又 很 把 被 让 给 对 从 将 "
    "这 那 哪 么 个 我 你 您 他 她 它 们 吗 呢 吧 啊 呀 哦 哈 嘛 啦 "
    "我们 你们 他们 她们 它们 大家 这个 那个 这些 那些 这样 那样 一个 就是 还是 然后 "
    "因为 所以 但是 如果 什么 怎么".split())
MAX_WORD_CHARS = 64
QUERY_MAX_CHARS = 100
SNIPPET_CHARS = 60
MAX_HITS = 50
FTS_TABLES = ("search_terms_fts", "search_topics_fts")
# What the migration adds beside the two tables below, so not in the metadata: SQLite's FTS5
# tables (each with its shadow tables) and PostgreSQL's expression indexes.
OUTSIDE_METADATA = frozenset(
    [f"{name}{part}" for name in FTS_TABLES
     for part in ("", "_data", "_idx", "_docsize", "_config")]
    + ["ix_search_terms_tsv", "ix_search_topics_tsv"])


class SearchTermRow(Base):
    """The words of a final contribution, space-joined (the text itself stays in its row)."""

    __tablename__ = "search_terms"

    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contributions.id", ondelete="CASCADE"), primary_key=True,
        autoincrement=False)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"),
                                            index=True)
    terms: Mapped[str] = mapped_column(Text)


class SearchTopicRow(Base):
    """The words of a session's topic (set when the session opens, never changed after)."""

    __tablename__ = "search_topics"

    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"),
                                            primary_key=True, autoincrement=False)
    terms: Mapped[str] = mapped_column(Text)


SEARCH_TERMS = cast(Table, SearchTermRow.__table__)
SEARCH_TOPICS = cast(Table, SearchTopicRow.__table__)
TERMS_FTS = table("search_terms_fts", column("rowid", Integer))
TOPICS_FTS = table("search_topics_fts", column("rowid", Integer))
SESSIONS = cast(Table, SessionRow.__table__)
CONTRIBUTIONS = cast(Table, ContributionRow.__table__)
ATTENDANCE = cast(Table, AttendanceRow.__table__)
# A literal, not a parameter: the GIN index is on this very expression.
SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")


def _jieba() -> ModuleType:
    return segmenter.jieba()


def warm() -> None:
    """Load the segmenter's dictionary now (blocking: run it in an executor at start)."""
    _jieba()


def _kept(word: str) -> bool:
    return (len(word) <= MAX_WORD_CHARS and word not in STOP_WORDS
            and any(c.isalnum() for c in word))


def tokens(text: str) -> list[str]:
    """The searchable words of ``text``, in order, repeats kept (they weigh in the ranking)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    words = cast(list[str], _jieba().lcut_for_search(folded))
    return [w for w in (w.strip() for w in words) if _kept(w)]


async def tokens_async(text: str) -> list[str]:
    """``tokens``, but the first call of a process (the dictionary load) leaves the loop."""
    if segmenter.jieba.cache_info().currsize:
        return tokens(text)
    return await asyncio.to_thread(tokens, text)


@functools.cache
def _upsert(dialect: str, target: Table) -> Executable:
    """INSERT ... ON CONFLICT DO UPDATE, touching the row (and the index) only on a change."""
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(target)
    key = next(iter(target.primary_key.columns))
    return cast(Executable, statement.on_conflict_do_update(
        index_elements=[key], set_={"terms": statement.excluded.terms},
        where=target.c.terms != statement.excluded.terms))


async def _write(connection: AsyncConnection, target: Table, values: dict[str, Any]) -> None:
    await connection.execute(_upsert(connection.dialect.name, target), values)


async def index_contribution(
    connection: AsyncConnection, contribution: Contribution, *, new: bool = False
) -> None:
    """Index a final contribution's words, or take any other one out of the index
    (``new``: it was just inserted, so there is nothing to take out)."""
    assert contribution.id is not None
    words = await tokens_async(contribution.text) if contribution.final else []
    if words:
        await _write(connection, SEARCH_TERMS, {
            "contribution_id": contribution.id, "session_id": contribution.session_id,
            "terms": " ".join(words)})
    elif not new:
        await connection.execute(
            delete(SEARCH_TERMS).where(SEARCH_TERMS.c.contribution_id == contribution.id))


async def index_topic(connection: AsyncConnection, session: Session) -> None:
    assert session.id is not None
    words = await tokens_async(session.topic)
    if words:
        await _write(connection, SEARCH_TOPICS,
                     {"session_id": session.id, "terms": " ".join(words)})


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'  # an FTS5 string: no operator survives in it


def _expression(dialect: str, words: Sequence[str]) -> str:
    """The bound query text: FTS5 phrases joined by AND, or words for plainto_tsquery (whose
    lexemes are ANDed)."""
    if dialect == "postgresql":
        return " ".join(words)
    return " AND ".join(_phrase(w) for w in words)


def _match(dialect: str, index: Table, fts: TableClause
           ) -> tuple[FromClause, ColumnElement[Any], ColumnElement[bool], ColumnElement[Any]]:
    """What to select from, its key column, the match condition and the rank (higher is
    better) on one of the two indexes."""
    if dialect == "postgresql":
        vector = func.to_tsvector(SIMPLE, index.c.terms)
        query = func.plainto_tsquery(SIMPLE, bindparam("q"))
        key = next(iter(index.primary_key.columns))
        return index, key, vector.bool_op("@@")(query), func.ts_rank(vector, query)
    # FTS5: the table's own name stands for all its columns.
    whole: ColumnElement[Any] = literal_column(fts.name)
    return fts, fts.c.rowid, whole.op("MATCH")(bindparam("q")), -func.bm25(whole)


def _scoped(statement: Select[Any], by_chat: bool, by_person: bool) -> Select[Any]:
    if by_chat:
        statement = statement.where(SESSIONS.c.chat_id == bindparam("chat_id"))
    if by_person:
        attended = select(ATTENDANCE.c.session_id).where(
            ATTENDANCE.c.person_id == bindparam("person_id"))
        statement = statement.where(SESSIONS.c.id.in_(attended)
                                    | (SESSIONS.c.moderator_id == bindparam("person_id")))
    return statement


@functools.cache
def _statement(dialect: str, topics: bool, by_chat: bool, by_person: bool) -> Select[Any]:
    index, fts = (SEARCH_TOPICS, TOPICS_FTS) if topics else (SEARCH_TERMS, TERMS_FTS)
    source, key, matches, rank = _match(dialect, index, fts)
    said: tuple[ColumnElement[Any], ...]
    if topics:
        joined = source.join(SESSIONS, SESSIONS.c.id == key)
        said = (null().label("seq"), null().label("speaker_name"), SESSIONS.c.topic.label("said"))
    else:
        joined = (source.join(CONTRIBUTIONS, CONTRIBUTIONS.c.id == key)
                  .join(SESSIONS, SESSIONS.c.id == CONTRIBUTIONS.c.session_id))
        said = (CONTRIBUTIONS.c.seq, CONTRIBUTIONS.c.speaker_name,
                CONTRIBUTIONS.c.text.label("said"))
    ranked = rank.label("rank")
    statement = (select(SESSIONS.c.id.label("session_id"), SESSIONS.c.topic,
                        SESSIONS.c.created_at, SESSIONS.c.started_at, *said, ranked)
                 .select_from(joined).where(matches)
                 .order_by(ranked.desc(), SESSIONS.c.id.desc()))
    return _scoped(statement, by_chat, by_person)


def snippet(text: str, words: Sequence[str], width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``text`` around the first of ``words`` found in it."""
    flat = " ".join(text.split())
    folded = unicodedata.normalize("NFKC", flat).lower()
    haystack = folded if len(folded) == len(flat) else flat.lower()
    at = min((i for i in (haystack.find(w) for w in words) if i >= 0), default=0)
    start = max(0, min(at - width // 3, len(flat) - width))
    end = start + width
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")


def _hit(row: Row[Any], words: Sequence[str]) -> SearchHit:
    return SearchHit(
        session_id=row.session_id, topic=row.topic,
        session_at=row.started_at or row.created_at, seq=row.seq,
        speaker=row.speaker_name, snippet=snippet(row.said, words), rank=float(row.rank))


async def query_words(query: str) -> list[str]:
    """The distinct words of a query; InvalidInput when it is too long or has none."""
    if len(query) > QUERY_MAX_CHARS:
        raise InvalidInput("search_too_long", limit=QUERY_MAX_CHARS, length=len(query))
    words = list(dict.fromkeys(await tokens_async(query)))
    if not words:
        raise InvalidInput("search_empty")
    return words


class SqlAlchemySearchRepository:
    """Searches the index in its unit of work's connection (read only)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._session = connection

    async def search(self, query: str, *, chat_id: int | None = None,
                     person_id: int | None = None, limit: int = 10) -> list[SearchHit]:
        """Contributions and topics with every word of ``query``, the best first; within a
        chat's sessions, or those a person attended or moderated, or everywhere."""
        words = await query_words(query)
        dialect = self._session.dialect.name
        params = {"q": _expression(dialect, words), "chat_id": chat_id, "person_id": person_id}
        limit = max(1, min(limit, MAX_HITS))
        found: list[SearchHit] = []
        for topics in (False, True):
            statement = _statement(dialect, topics, chat_id is not None, person_id is not None)
            rows = await self._session.execute(statement.limit(limit), params)
            found += [_hit(row, words) for row in rows]
        return sorted(found, key=lambda hit: -hit.rank)[:limit]
