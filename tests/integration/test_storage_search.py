"""Search: Chinese words cut by jieba, indexed as contributions are written, found with every
query word, within a chat or a person's sessions; on SQLite (FTS5) and PostgreSQL (GIN)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from facilitation.errors import InvalidInput
from facilitation.model import (
    Attendance,
    Contribution,
    ContributionKind,
    ContributionStatus,
    ParticipantKind,
    Person,
    SignInMethod,
    Source,
)
from facilitation.ports import SearchHit, UnitOfWork, UnitOfWorkFactory
from facilitation.session import Session
from storage import migrate
from storage.engine import make_engine
from storage.search import snippet, tokens
from storage.uow import make_uow_factory
from tests.integration.storage_builders import CHAT, add_person, at

SMELL = "下洋溪那一段这几年一到夏天就有味道"
SEWER = "园区二期污水主管网接驳城东污水处理厂"
HOSTILE = ['"', '"污水', '污水"', "*", "污水*", "AND", "污水 AND", "OR 污水", "NOT 污水", "-污水",
           "污水 -味道", "terms:污水", ":", "(", "(污水", "污水)", "NEAR(污水 味道)", "^污水",
           "污水 & 味道", "!污水", "污水 | 味道", "'", "\\", "%", "_", "污水:*", "{污水}",
           "a'b\"c", "下洋溪;DROP TABLE contributions"]


def test_tokens_drop_stop_words_and_punctuation_but_keep_meaning() -> None:
    assert tokens("关于老旧小区加装电梯的议题") == ["关于", "老旧", "小区", "加装", "电梯", "议题"]
    assert "的" not in tokens("他的水") and "水" in tokens("他的水")  # a meaningful character
    assert tokens("Parking on ＥＬＭ Street，３号！") == [
        "parking", "on", "elm", "street", "3", "号"]
    assert tokens("“”，。！？ …  ") == [] and tokens("我们的这个吧") == []
    assert "污水处理厂" not in tokens(SEWER) and {"污水", "处理", "处理厂"} <= set(tokens(SEWER))


def test_snippet_is_about_sixty_characters_around_the_first_word() -> None:
    text = "开头" * 40 + "污水处理厂" + "结尾" * 40
    cut = snippet(text, ["处理厂", "污水"])
    assert cut.startswith("…") and cut.endswith("…") and "污水处理厂" in cut
    assert len(cut) == 62
    assert snippet("短句子\n换行", ["换行"]) == "短句子 换行"


async def _session(uow: UnitOfWork, moderator: Person, topic: str, *, chat_id: int = CHAT,
                   code: str = "S1") -> int:
    session = await uow.sessions.add(Session.create(
        chat_id=chat_id, code=code, topic=topic, moderator=moderator, now=at(0),
        turn_limit_s=180))
    assert session.id is not None
    return session.id


async def _say(uow: UnitOfWork, session_id: int, seq: int, text: str, *, name: str = "张三",
               status: ContributionStatus = ContributionStatus.FINAL) -> Contribution:
    return await uow.contributions.add(Contribution(
        session_id=session_id, seq=seq, person_id=None, speaker_name=name,
        kind=ContributionKind.SPEECH, source=Source.TEXT, text=text, at=at(seq), status=status))


async def _attend(uow: UnitOfWork, session_id: int, person: Person) -> None:
    assert person.id is not None
    await uow.attendance.add(Attendance(
        session_id=session_id, person_id=person.id, name=person.display_name,
        kind=ParticipantKind.RESIDENT, signed_in_at=at(1), method=SignInMethod.GROUP))


async def _find(uow_factory: UnitOfWorkFactory, query: str, **scope: int) -> list[SearchHit]:
    async with uow_factory() as uow:
        return await uow.search.search(query, **scope)


async def _seqs(uow_factory: UnitOfWorkFactory, query: str, **scope: int) -> list[int | None]:
    return [hit.seq for hit in await _find(uow_factory, query, **scope)]


async def _fts_in_step(engine: AsyncEngine) -> None:
    """On SQLite, FTS5's own check that its index matches its content tables."""
    if engine.dialect.name != "sqlite":
        return
    async with engine.begin() as connection:
        for fts in ("search_terms_fts", "search_topics_fts"):
            await connection.exec_driver_sql(
                f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")


async def test_words_are_segmented_and_all_must_match(
        uow_factory: UnitOfWorkFactory, engine: AsyncEngine) -> None:
    async with uow_factory() as uow:
        session_id = await _session(uow, await add_person(uow), "河道整治")
        await _say(uow, session_id, 1, SMELL)
        await _say(uow, session_id, 2, SEWER, name="王科长")
        await uow.commit()
    [hit] = await _find(uow_factory, "污水处理厂")
    assert (hit.session_id, hit.seq, hit.speaker) == (session_id, 2, "王科长")
    assert hit.topic == "河道整治"
    assert "城东污水处理厂" in hit.snippet and hit.session_at == at(0)
    assert await _seqs(uow_factory, "下洋溪 味道") == [1]
    assert await _seqs(uow_factory, "夏天有味道") == [1]
    assert await _seqs(uow_factory, "下洋溪 污水") == []  # every word must match
    assert await _seqs(uow_factory, "处理") == [2]
    assert await _seqs(uow_factory, "主干道") == []
    await _fts_in_step(engine)


async def test_topics_are_found_and_rank_orders_hits(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        session_id = await _session(uow, await add_person(uow), "老旧小区加装电梯")
        await _say(uow, session_id, 1, "电梯的钱谁来出")
        await _say(uow, session_id, 2, "电梯电梯电梯，加装电梯是大事")
        await uow.commit()
    hits = await _find(uow_factory, "电梯")
    assert sorted(hit.seq or 0 for hit in hits) == [0, 1, 2]
    assert [h.seq for h in hits if h.seq is not None] == [2, 1]  # more mentions rank higher
    assert hits == sorted(hits, key=lambda h: -h.rank)
    [topic] = await _find(uow_factory, "老旧小区")
    assert (topic.seq, topic.speaker, topic.snippet) == (None, None, "老旧小区加装电梯")
    async with uow_factory() as uow:
        assert len(await uow.search.search("电梯", limit=1)) == 1


async def test_scoped_to_a_chat_or_to_a_persons_sessions(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        moderator, resident, stranger = [await add_person(uow, n) for n in (1, 2, 3)]
        here = await _session(uow, moderator, "停车难", code="A")
        there = await _session(uow, stranger, "垃圾分类", chat_id=42, code="B")
        await _attend(uow, here, resident)
        await _say(uow, here, 1, "小区门口划停车位")
        await _say(uow, there, 1, "路边停车位太少")
        await uow.commit()
    assert moderator.id is not None and resident.id is not None and stranger.id is not None
    assert len(await _find(uow_factory, "停车位")) == 2
    assert [h.session_id for h in await _find(uow_factory, "停车位", chat_id=CHAT)] == [here]
    assert [h.session_id for h in await _find(uow_factory, "停车位", chat_id=42)] == [there]
    assert await _find(uow_factory, "停车位", chat_id=7) == []
    assert [h.session_id for h in await _find(uow_factory, "停车位", person_id=resident.id)
            ] == [here]
    assert [h.session_id for h in await _find(uow_factory, "停车位", person_id=stranger.id)
            ] == [there]  # moderated, not signed in
    assert await _find(uow_factory, "停车位", chat_id=42, person_id=resident.id) == []


async def test_only_final_text_is_indexed_and_changes_are_reindexed(
        uow_factory: UnitOfWorkFactory, engine: AsyncEngine) -> None:
    async with uow_factory() as uow:
        session_id = await _session(uow, await add_person(uow), "议题")
        voice = await _say(uow, session_id, 1, "", status=ContributionStatus.PENDING)
        await uow.commit()
    async with uow_factory() as uow:
        voice.text = "下洋溪臭味"
        await uow.contributions.save(replace(voice, status=ContributionStatus.PENDING))
        await uow.commit()
    assert await _seqs(uow_factory, "臭味") == []
    heard = replace(voice, status=ContributionStatus.FINAL)
    async with uow_factory() as uow:
        await uow.contributions.save(heard)
        await uow.commit()
    assert await _seqs(uow_factory, "臭味") == [1]
    async with uow_factory() as uow:  # a correction: the old words go, the new ones come
        await uow.contributions.save(replace(heard, text="污水管道破损"))
        await uow.commit()
    assert (await _seqs(uow_factory, "臭味"), await _seqs(uow_factory, "管道")) == ([], [1])
    async with uow_factory() as uow:
        await uow.contributions.save(replace(heard, status=ContributionStatus.DROPPED))
        await uow.commit()
    assert await _seqs(uow_factory, "管道") == []
    await _fts_in_step(engine)


async def test_index_is_written_in_the_same_transaction(
        uow_factory: UnitOfWorkFactory, engine: AsyncEngine) -> None:
    async with uow_factory() as uow:
        session_id = await _session(uow, await add_person(uow), "路灯不亮")
        await uow.commit()
    async with uow_factory() as uow:
        await _say(uow, session_id, 1, "晚上走路很危险")
        assert [h.seq for h in await uow.search.search("危险")] == [1]  # seen inside
    assert await _seqs(uow_factory, "危险") == []  # rolled back with the contribution
    async with engine.begin() as connection:  # deleting a session takes its words along
        await connection.exec_driver_sql(f"DELETE FROM sessions WHERE id = {session_id}")
    assert await _seqs(uow_factory, "路灯") == []
    await _fts_in_step(engine)


async def test_hostile_queries_are_only_words(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        session_id = await _session(uow, await add_person(uow), "河道")
        await _say(uow, session_id, 1, SEWER)
        await _say(uow, session_id, 2, 'AND OR NOT NEAR "terms" a\'b"c')
        await uow.commit()
    for query in HOSTILE:
        async with uow_factory() as uow:
            try:
                await uow.search.search(query)
            except InvalidInput as exc:
                assert exc.code == "search_empty", query
    assert await _seqs(uow_factory, '"污水*') == [1]
    assert await _seqs(uow_factory, "-污水 (接驳)") == [1]
    assert await _seqs(uow_factory, "NEAR") == [2]
    assert await _seqs(uow_factory, "not") == [2]  # lower-cased, as the text was


@pytest.mark.parametrize(("query", "code"), [
    ("", "search_empty"), ("的 了 吧！", "search_empty"), ("，。", "search_empty"),
    ("污水" * 51, "search_too_long"),
])
async def test_queries_without_words_are_refused(
        uow_factory: UnitOfWorkFactory, query: str, code: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        await _find(uow_factory, query)
    assert raised.value.code == code


def _tables(connection: Connection) -> set[str]:
    return {name for name in inspect(connection).get_table_names() if name.startswith("search")}


async def _fill_at_0003(engine: AsyncEngine) -> None:
    when = "'2026-11-27 01:00:00" + ("+00'" if engine.dialect.name == "postgresql" else "'")
    async with engine.begin() as connection:
        await connection.exec_driver_sql(
            "INSERT INTO people (display_name, kind, has_profile) "
            "VALUES ('甲', 'other', false)")
        await connection.exec_driver_sql(
            "INSERT INTO sessions (chat_id, code, topic, moderator_id, created_at, turn_limit_s, "
            f"status, language, next_hand_seq, next_contribution_seq) VALUES (-1, 'C', '污水治理', "
            f"1, {when}, 180, 'closed', 'zh', 1, 3)")
        await connection.exec_driver_sql(
            "INSERT INTO contributions (session_id, seq, speaker_name, kind, source, text, at, "
            f"status) VALUES (1, 1, '甲', 'speech', 'text', '{SMELL}', {when}, 'final'), "
            f"(1, 2, '甲', 'speech', 'voice', '', {when}, 'pending')")


async def test_migration_indexes_what_was_there_and_downgrades(db_url: str) -> None:
    config = migrate.alembic_config(db_url)
    await asyncio.to_thread(command.downgrade, config, "0003")
    engine = make_engine(db_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == set()
        await _fill_at_0003(engine)
        await migrate.upgrade_async(db_url)
        uow_factory = make_uow_factory(engine)
        assert await _seqs(uow_factory, "味道") == [1]
        assert await _seqs(uow_factory, "污水") == [None]
        await _fts_in_step(engine)
        await asyncio.to_thread(command.downgrade, config, "0003")
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == set()
        await migrate.upgrade_async(db_url)
        assert await _seqs(uow_factory, "下洋溪") == [1]
    finally:
        await engine.dispose()
