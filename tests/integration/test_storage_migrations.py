"""Migrations: idempotent, recorded, and producing exactly the schema of storage/rows.py."""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage import migrate, search
from storage.engine import make_engine
from storage.rows import Base

ROOT = Path(__file__).resolve().parents[2]


def _declared(name: str | None, _type: str, _parent: object) -> bool:
    """Leave out what no row class declares: the FTS5 tables, the tsvector indexes."""
    return name not in search.OUTSIDE_METADATA


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": _declared})
    return list(compare_metadata(context, Base.metadata))


def _partial_indexes(connection: Connection) -> dict[str, tuple[list[str | None], str]]:
    """Unique indexes with a WHERE clause: name -> (columns, predicate as the server has it)."""
    found = {}
    for table in inspect(connection).get_table_names():
        for index in inspect(connection).get_indexes(table):
            options = index.get("dialect_options", {})
            where = options.get("postgresql_where") or options.get("sqlite_where")
            if where is not None and index["unique"]:
                found[str(index["name"])] = (list(index["column_names"]), str(where))
    return found


async def test_schema_matches_the_row_classes(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
        partial = await connection.run_sync(_partial_indexes)
    assert {name: columns for name, (columns, _) in partial.items()} == {
        "uq_sessions_open_chat_id": ["chat_id"],
        "uq_hands_pending_session_id_person_id": ["session_id", "person_id"],
        "uq_turns_active_session_id": ["session_id"],
    }
    assert "<>" in partial["uq_sessions_open_chat_id"][1]
    assert "'closed'" in partial["uq_sessions_open_chat_id"][1]
    assert "'pending'" in partial["uq_hands_pending_session_id_person_id"][1]
    assert "ended_at IS NULL" in partial["uq_turns_active_session_id"][1]


async def test_upgrade_is_idempotent(db_url: str) -> None:
    head = migrate.head()
    assert head is not None and head >= "0004"
    assert await migrate.current_async(db_url) == head
    await migrate.upgrade_async(db_url)
    await migrate.upgrade_async(db_url)
    assert await migrate.current_async(db_url) == head


async def test_fresh_database_from_scratch(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/new/y.db"
    assert await migrate.current_async(url) is None
    await migrate.upgrade_async(url)
    assert await migrate.current_async(url) == migrate.head()
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


def test_migration_scripts_ship_with_the_package() -> None:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["storage"]
    package = ROOT / "storage"
    shipped = {path for pattern in patterns for path in package.glob(pattern)}
    needed = {package / "migrations" / "env.py", package / "migrations" / "script.py.mako"}
    needed |= set((package / "migrations" / "versions").glob("*.py"))
    assert migrate.MIGRATIONS == package / "migrations"
    assert needed <= shipped


async def test_upgrade_from_0001_keeps_contributions_final(empty_db_url: str) -> None:
    url = empty_db_url
    await migrate.upgrade_async(url, "0001")
    assert await migrate.current_async(url) == "0001"
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql(
                "INSERT INTO people (display_name, kind, is_staff, has_profile) "
                "VALUES ('甲', 'other', FALSE, FALSE)")
            await connection.exec_driver_sql(
                "INSERT INTO sessions (chat_id, code, topic, moderator_id, created_at, "
                "turn_limit_s, status, language, next_hand_seq, next_contribution_seq) "
                "VALUES (-1, 'C', 't', 1, '2026-11-27 01:00:00', 180, 'closed', 'zh', 1, 2)")
            await connection.exec_driver_sql(
                "INSERT INTO contributions (session_id, seq, speaker_name, kind, source, text, at)"
                " VALUES (1, 1, '甲', 'speech', 'text', '说过的话', '2026-11-27 01:00:00')")
        await migrate.upgrade_async(url)
        async with engine.connect() as connection:
            row = (await connection.exec_driver_sql(
                "SELECT status, text FROM contributions")).one()
            assert tuple(row) == ("final", "说过的话")
            assert await connection.run_sync(_differences) == []
        assert await migrate.current_async(url) == migrate.head()
    finally:
        await engine.dispose()


async def _downgrade(url: str, revision: str) -> None:
    from alembic import command

    await asyncio.to_thread(command.downgrade, migrate.alembic_config(url), revision)


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _columns(connection: Connection, table: str) -> set[str]:
    return {column["name"] for column in inspect(connection).get_columns(table)}


async def test_0007_audit_log_and_forgotten_at_up_and_down(db_url: str) -> None:
    """0007 adds the audit log and people.forgotten_at; going back to 0006 removes them and
    keeps the people (and what refers to them), going forward again restores the schema."""
    await _downgrade(db_url, "0007")
    engine = make_engine(db_url)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql(
                "INSERT INTO people (display_name, kind, is_staff, has_profile, forgotten_at) "
                "VALUES ('甲', 'other', false, false, NULL)")
            await connection.exec_driver_sql(
                "INSERT INTO sessions (chat_id, code, topic, moderator_id, created_at, "
                "turn_limit_s, status, language, next_hand_seq, next_contribution_seq) "
                "SELECT -1, 'C', 't', id, '2026-12-10 01:00:00+00', 180, 'closed', 'zh', 1, 1 "
                "FROM people")
            await connection.exec_driver_sql(
                "INSERT INTO audit_log (at, action, session_id, actor_id, detail) "
                "SELECT '2026-12-10 01:00:00+00', 'opened', id, moderator_id, '{}' "
                "FROM sessions")
        await engine.dispose()
        await _downgrade(db_url, "0006")
        assert await migrate.current_async(db_url) == "0006"
        async with engine.connect() as connection:
            assert "audit_log" not in await connection.run_sync(_tables)
            assert "forgotten_at" not in await connection.run_sync(_columns, "people")
            kept = await connection.exec_driver_sql(
                "SELECT p.display_name, s.code FROM people p JOIN sessions s "
                "ON s.moderator_id = p.id")
            assert [tuple(row) for row in kept] == [("甲", "C")]
        await engine.dispose()
        await migrate.upgrade_async(db_url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
            assert (await connection.exec_driver_sql(
                "SELECT count(*) FROM audit_log")).scalar_one() == 0
            assert (await connection.exec_driver_sql(
                "SELECT forgotten_at FROM people")).scalar_one() is None
    finally:
        await engine.dispose()


async def test_0008_outbox_and_no_stored_staff_flag_up_and_down(db_url: str) -> None:
    """0008 adds the outbox and drops people.is_staff (roles come from configuration); the
    people stay, with what refers to them. Down again, is_staff comes back as false."""
    await _downgrade(db_url, "0007")
    engine = make_engine(db_url)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql(
                "INSERT INTO people (display_name, kind, is_staff, has_profile) "
                "VALUES ('甲', 'other', true, false)")
        await engine.dispose()
        await migrate.upgrade_async(db_url)
        async with engine.connect() as connection:
            assert "is_staff" not in await connection.run_sync(_columns, "people")
            assert "outbox" in await connection.run_sync(_tables)
            assert await connection.run_sync(_differences) == []
            assert (await connection.exec_driver_sql(
                "SELECT display_name FROM people")).scalar_one() == "甲"
        await engine.dispose()
        await _downgrade(db_url, "0007")
        async with engine.connect() as connection:
            assert "outbox" not in await connection.run_sync(_tables)
            assert tuple((await connection.exec_driver_sql(
                "SELECT display_name, is_staff FROM people")).one()) == ("甲", False)
        await engine.dispose()
        await migrate.upgrade_async(db_url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


TRACKING_TABLES = {"units", "unit_aliases", "unit_liaisons", "unit_mappings",
                   "unknown_unit_names", "tracked_items", "item_events", "scheduled_reminders"}


def _index_where(connection: Connection, table: str, name: str) -> str | None:
    for index in inspect(connection).get_indexes(table):
        if index["name"] == name:
            options = index.get("dialect_options", {})
            return str(options.get("postgresql_where") or options.get("sqlite_where"))
    return None


async def _a_closed_session(connection: AsyncConnection, codes: tuple[str, ...] = ("C",)) -> None:
    """One person, 甲, and the closed sessions they moderated (codes C by default), written as
    plain SQL (the schema of 0009 on)."""
    await connection.exec_driver_sql(
        "INSERT INTO people (display_name, kind, has_profile) VALUES ('甲', 'other', false)")
    for code in codes:
        await connection.exec_driver_sql(
            "INSERT INTO sessions (chat_id, code, topic, moderator_id, created_at, "
            "turn_limit_s, status, language, next_hand_seq, next_contribution_seq) "
            f"SELECT -1, '{code}', 't', id, '2026-12-14 01:00:00+00', 180, 'closed', 'zh', 1, 1 "
            "FROM people")


async def test_0009_tracking_up_and_down(db_url: str) -> None:
    """0009 adds the tables of following items up; back to 0008 they go (with what they
    held) and the sessions and people stay; up again, the schema is the row classes'."""
    engine = make_engine(db_url)
    try:
        async with engine.begin() as connection:
            assert TRACKING_TABLES <= await connection.run_sync(_tables)
            assert "sent_at IS NULL" in str(await connection.run_sync(
                _index_where, "scheduled_reminders", "ix_scheduled_reminders_due"))
            await _a_closed_session(connection)
            await connection.exec_driver_sql(
                "INSERT INTO units (name, level) VALUES ('县住建局', 'county')")
            await connection.exec_driver_sql(
                "INSERT INTO tracked_items (session_id, kind, seq, text, proposers, unit_id, "
                "status, reopens, created_at, updated_at) SELECT s.id, 'follow_up', 1, '修路', "
                "'', u.id, 'referred', 0, '2026-12-14 01:00:00+00', '2026-12-14 01:00:00+00' "
                "FROM sessions s, units u")
            await connection.exec_driver_sql(
                "INSERT INTO item_events (item_id, n, kind, at, to_status, detail) "
                "SELECT id, 1, 'created', '2026-12-14 01:00:00+00', 'referred', '{}' "
                "FROM tracked_items")
            await connection.exec_driver_sql(
                "INSERT INTO scheduled_reminders (item_id, key, due_at) "
                "SELECT id, '2026-12-31/before/7', '2026-12-24 01:00:00+00' FROM tracked_items")
        await engine.dispose()
        await _downgrade(db_url, "0008")
        assert await migrate.current_async(db_url) == "0008"
        async with engine.connect() as connection:
            assert not TRACKING_TABLES & await connection.run_sync(_tables)
            kept = await connection.exec_driver_sql(
                "SELECT p.display_name, s.code FROM people p JOIN sessions s "
                "ON s.moderator_id = p.id")
            assert [tuple(row) for row in kept] == [("甲", "C")]
        await engine.dispose()
        await migrate.upgrade_async(db_url)
        assert await migrate.current_async(db_url) == migrate.head()
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
            assert (await connection.exec_driver_sql(
                "SELECT count(*) FROM tracked_items")).scalar_one() == 0
    finally:
        await engine.dispose()


async def test_0010_invites_and_hall_follow_up_up_and_down(db_url: str) -> None:
    """0010 adds unit invitations, a hall's town and settled notice, and the events' notified
    mark; back to 0009 they go and the halls keep what they had; up again, events already
    there count as notified (nobody is told of old news) and the schema is the row
    classes'."""
    engine = make_engine(db_url)
    try:
        async with engine.begin() as connection:
            assert "unit_invites" in await connection.run_sync(_tables)
            await connection.exec_driver_sql(
                "INSERT INTO halls (chat_id, glossary, town, settled_notice) "
                "VALUES (-7, '竹坞', '平桥镇', true)")
            await connection.exec_driver_sql(
                "INSERT INTO units (name, level) VALUES ('县住建局', 'county')")
            await connection.exec_driver_sql(
                "INSERT INTO unit_invites (code, unit_id, created_at, expires_at) "
                "SELECT 'abc', id, '2026-12-14 01:00:00+00', '2026-12-21 01:00:00+00' "
                "FROM units")
        await engine.dispose()
        await _downgrade(db_url, "0009")
        async with engine.begin() as connection:
            assert "unit_invites" not in await connection.run_sync(_tables)
            kept = await connection.exec_driver_sql("SELECT chat_id, glossary FROM halls")
            assert [tuple(row) for row in kept] == [(-7, "竹坞")]
            await _a_closed_session(connection)
            await connection.exec_driver_sql(
                "INSERT INTO tracked_items (session_id, kind, seq, text, proposers, "
                "status, reopens, created_at, updated_at) SELECT id, 'follow_up', 1, '修路', "
                "'', 'referred', 0, '2026-12-14 01:00:00+00', '2026-12-14 01:00:00+00' "
                "FROM sessions")
            await connection.exec_driver_sql(
                "INSERT INTO item_events (item_id, n, kind, at, to_status, detail) "
                "SELECT id, 1, 'created', '2026-12-14 01:00:00+00', 'referred', '{}' "
                "FROM tracked_items")
        await engine.dispose()
        await migrate.upgrade_async(db_url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
            assert (await connection.exec_driver_sql(
                "SELECT count(*) FROM item_events WHERE notified_at IS NULL")).scalar_one() == 0
            assert (await connection.exec_driver_sql(
                "SELECT count(*) FROM unit_invites")).scalar_one() == 0
    finally:
        await engine.dispose()


async def test_0011_gives_old_sessions_a_screen_code_and_goes_back(empty_db_url: str) -> None:
    url = empty_db_url
    await migrate.upgrade_async(url, "0010")
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await _a_closed_session(connection, ("C1", "C2"))
        await migrate.upgrade_async(url, "0011")
        async with engine.connect() as connection:
            codes = (await connection.exec_driver_sql(
                "SELECT screen_code FROM sessions")).scalars().all()
            assert len(set(codes)) == 2 and all(c and len(c) >= 20 for c in codes)
        await asyncio.to_thread(migrate.downgrade, url, "0010")
        async with engine.connect() as connection:
            columns = await connection.run_sync(
                lambda c: {col["name"] for col in inspect(c).get_columns("sessions")})
        assert "screen_code" not in columns and "code" in columns
    finally:
        await engine.dispose()


async def test_0012_web_room_up_and_down(empty_db_url: str) -> None:
    """0012 adds the web's participants (a token's hash), console links, the closing shown on
    the screen and the room's notices; back to 0011 they go, the people and sessions stay;
    up again, the schema is the row classes'."""
    url = empty_db_url
    await migrate.upgrade_async(url, "0011")
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await _a_closed_session(connection, ("C1",))
        await migrate.upgrade_async(url)
        async with engine.begin() as connection:
            assert {"console_links", "room_notices"} <= await connection.run_sync(_tables)
            await connection.exec_driver_sql(
                "UPDATE people SET web_token_hash = 'abc'")
            await connection.exec_driver_sql(
                "INSERT INTO room_notices (session_id, chat_id, key, params, created_at) "
                "SELECT id, chat_id, 'written', '{}', '2026-12-14 01:00:00+00' FROM sessions")
        await asyncio.to_thread(migrate.downgrade, url, "0011")
        async with engine.begin() as connection:
            assert "room_notices" not in await connection.run_sync(_tables)
            assert (await connection.exec_driver_sql(
                "SELECT count(*) FROM sessions")).scalar_one() == 1
            columns = await connection.run_sync(
                lambda c: {col["name"] for col in inspect(c).get_columns("people")})
            assert "web_token_hash" not in columns
        await migrate.upgrade_async(url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


async def test_0013_roles_and_login_links_up_and_down(empty_db_url: str) -> None:
    """0013 adds role grants and the web's one-time login links; back to 0012 they go, the
    people stay; up again, the schema is the row classes'."""
    url = empty_db_url
    await migrate.upgrade_async(url, "0012")
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            assert "role_grants" not in await connection.run_sync(_tables)
            await _a_closed_session(connection, ("C1",))
        await migrate.upgrade_async(url, "0013")
        async with engine.begin() as connection:
            assert {"role_grants", "login_links"} <= await connection.run_sync(_tables)
            await connection.exec_driver_sql(
                "INSERT INTO role_grants (person_id, role, hall_chat_id, operator, granted_at) "
                "SELECT id, 'viewer', -7, 'cli:root', '2026-12-14 01:00:00+00' FROM people")
            await connection.exec_driver_sql(
                "INSERT INTO login_links (token_hash, person_id, created_at, expires_at) "
                "SELECT 'abc', id, '2026-12-14 01:00:00+00', '2026-12-14 01:10:00+00' "
                "FROM people")
        await asyncio.to_thread(migrate.downgrade, url, "0012")
        async with engine.begin() as connection:
            tables = await connection.run_sync(_tables)
            assert "role_grants" not in tables and "login_links" not in tables
            assert (await connection.exec_driver_sql(
                "SELECT count(*) FROM people")).scalar_one() >= 1
        await migrate.upgrade_async(url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
            assert (await connection.exec_driver_sql(
                "SELECT count(*) FROM role_grants")).scalar_one() == 0
    finally:
        await engine.dispose()


async def test_0014_live_board_up_and_down(empty_db_url: str) -> None:
    """0014 adds the live boards (and the outbox row's link to one); down again they go, the
    outbox's rows stay; up again, the schema is the row classes'."""
    url = empty_db_url
    await migrate.upgrade_async(url, "0013")
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql(
                "INSERT INTO outbox (chat_id, kind, payload, created_at) "
                "VALUES (-5, 'message', '{\"priority\": 2}', '2026-12-01 01:00:00+00')")
        await migrate.upgrade_async(url, "0014")
        async with engine.begin() as connection:
            assert "boards" in await connection.run_sync(_tables)
        await asyncio.to_thread(migrate.downgrade, url, "0013")
        async with engine.begin() as connection:
            assert "boards" not in await connection.run_sync(_tables)
            assert (await connection.exec_driver_sql(
                "SELECT payload FROM outbox")).scalar_one() == '{"priority": 2}'
        await migrate.upgrade_async(url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


async def test_0015_password_logins_up_and_down(empty_db_url: str) -> None:
    """0015 gives login links a kind (the /portal links already there are "login") and adds
    the password logins; down again they go, the links stay; up again, the schema is the row
    classes'."""
    url = empty_db_url
    await migrate.upgrade_async(url, "0014")
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql(
                "INSERT INTO people (display_name, kind, has_profile) "
                "VALUES ('某人', 'resident', true)")
            await connection.exec_driver_sql(
                "INSERT INTO login_links (token_hash, person_id, created_at, expires_at) "
                "VALUES ('abc', 1, '2026-12-01 01:00:00+00', '2026-12-01 01:10:00+00')")
        await migrate.upgrade_async(url, "0015")
        async with engine.begin() as connection:
            assert "web_credentials" in await connection.run_sync(_tables)
            assert (await connection.exec_driver_sql(
                "SELECT kind FROM login_links")).scalar_one() == "login"
        await asyncio.to_thread(migrate.downgrade, url, "0014")
        async with engine.begin() as connection:
            assert "web_credentials" not in await connection.run_sync(_tables)
            assert (await connection.exec_driver_sql(
                "SELECT count(*) FROM login_links")).scalar_one() == 1
        await migrate.upgrade_async(url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()
