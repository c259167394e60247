"""The Bot API sandbox driven by python-telegram-bot's real Bot/Application over HTTP."""

from __future__ import annotations

import asyncio
import io
import socket
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest
from PIL import Image
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken
from telegram.ext import (
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.sandbox import RunningSandbox, Sandbox, SandboxUser, running_sandbox

TOKEN = "123456789:SANDBOX-TEST-TOKEN"
USERNAME = "yishitang_bot"


@pytest.fixture
async def served() -> AsyncIterator[RunningSandbox]:
    sandbox = Sandbox()
    sandbox.add_bot(TOKEN, USERNAME, "议事堂")
    async with running_sandbox(sandbox) as running:
        yield running


@pytest.fixture
async def bot(served: RunningSandbox) -> AsyncIterator[Bot]:
    ptb_bot = served.make_bot()
    async with ptb_bot:
        yield ptb_bot


@pytest.fixture
def alice(served: RunningSandbox) -> SandboxUser:
    """A user who has opened the private chat with the bot (sent /start)."""
    user = served.sandbox.add_user("Alice", "Wang", username="alice_w")
    served.sandbox.send_text(user, user.id, "/start")
    served.sandbox.bot.updates.clear()
    return user


def png_bytes(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


async def test_get_me_reports_bot_fields(served: RunningSandbox, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username, me.first_name) == (123456789, True, USERNAME, "议事堂")
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is False
    served.sandbox.set_privacy(None, True)
    assert (await bot.get_me()).can_read_all_group_messages is True


async def test_long_poll_delivers_command_and_offset_confirms(
    served: RunningSandbox, bot: Bot, alice: SandboxUser
) -> None:
    sandbox = served.sandbox
    generation = sandbox.bot.poll_generation
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await sandbox.wait_for(lambda sb: sb.bot.poll_generation > generation)
    assert not poll.done()  # it is really long-polling on an empty queue
    sent = sandbox.send_text(alice, alice.id, "please /vote@yishitang_bot now")
    updates = await asyncio.wait_for(poll, 5)
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.message_id == sent["message_id"]
    assert message.parse_entities() == {message.entities[0]: "/vote@yishitang_bot"}
    assert (message.entities[0].type, message.entities[0].offset) == ("bot_command", 7)
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [updates[0].update_id]  # unconfirmed: served again
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()
    assert sandbox.pending_updates() == []


async def test_newer_get_updates_terminates_older_with_conflict(
    served: RunningSandbox, bot: Bot
) -> None:
    generation = served.sandbox.bot.poll_generation
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await served.sandbox.wait_for(lambda sb: sb.bot.poll_generation > generation)
    async with served.make_bot() as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 5)


async def test_send_message_with_keyboard_and_reply_round_trips(
    served: RunningSandbox, bot: Bot, alice: SandboxUser
) -> None:
    question = served.sandbox.send_text(alice, alice.id, "我想发言")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("同意", callback_data="agree")]])
    sent = await bot.send_message(
        alice.id,
        "<b>收到</b> &amp; 排队中",
        parse_mode="HTML",
        reply_markup=keyboard,
        reply_parameters=ReplyParameters(question["message_id"]),
    )
    assert sent.text == "收到 & 排队中"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 2)]
    assert sent.reply_markup == keyboard
    assert sent.reply_to_message is not None
    assert sent.reply_to_message.message_id == question["message_id"]
    reply = await served.sandbox.wait_for_reply(question)
    assert reply["message_id"] == sent.message_id
    assert reply["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "agree"
    assert served.sandbox.timings[(alice.id, question["message_id"])].replied_ns is not None


async def test_callback_answer_and_edits(
    served: RunningSandbox, bot: Bot, alice: SandboxUser
) -> None:
    sandbox = served.sandbox
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("举手", callback_data="hand")]])
    sent = await bot.send_message(alice.id, "议题一", reply_markup=keyboard)
    query_id = sandbox.press_button(alice, sandbox.messages(alice.id)[-1], "hand")
    (update,) = await bot.get_updates(timeout=0)
    assert update.callback_query is not None
    assert (update.callback_query.id, update.callback_query.data) == (query_id, "hand")
    assert await bot.answer_callback_query(query_id, text="已举手") is True
    assert sandbox.callback_answers[-1].text == "已举手"
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    edited = await bot.edit_message_text("议题一（已结束）", alice.id, sent.message_id)
    assert not isinstance(edited, bool) and edited.edit_date is not None
    assert sandbox.messages(alice.id)[-1]["text"] == "议题一（已结束）"
    assert "reply_markup" not in sandbox.messages(alice.id)[-1]  # edit without markup drops it
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("议题一（已结束）", alice.id, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", alice.id, 9999)


async def test_bot_api_validation_errors(bot: Bot, alice: SandboxUser) -> None:
    await bot.send_message(alice.id, "字" * 4096)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(alice.id, "字" * 4097)
    await bot.send_message(alice.id, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(alice.id, "  \n ")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities.*reserved"):
        await bot.send_message(alice.id, "第1项.", parse_mode="MarkdownV2")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(alice.id, "<b>未闭合", parse_mode="HTML")
    button = InlineKeyboardButton("x", callback_data="d" * 65)
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(alice.id, "x", reply_markup=InlineKeyboardMarkup([[button]]))
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(-100999, "x")


async def test_unknown_method_and_bad_token(served: RunningSandbox) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{served.base_url}{TOKEN}/noSuchMethod") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found",
            }
        async with session.post(f"{served.base_url}{TOKEN}/GETME") as response:
            assert (await response.json())["result"]["username"] == USERNAME
    wrong = Bot("987654:WRONG", base_url=served.base_url, base_file_url=served.base_file_url)
    with pytest.raises(InvalidToken):
        await wrong.initialize()
    await wrong.shutdown()
    rejected = served.sandbox.calls[-1]
    assert (rejected.method, rejected.error_code, rejected.description) == (
        "getMe",
        401,
        "Unauthorized",
    )


async def test_private_chat_forbidden_until_started_and_after_block(
    served: RunningSandbox, bot: Bot
) -> None:
    sandbox = served.sandbox
    bob = sandbox.add_user("Bob")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(bob.id, "你好")
    sandbox.send_text(bob, bob.id, "/start")
    assert (await bot.send_message(bob.id, "你好")).chat.id == bob.id
    sandbox.block_bot(bob)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(bob.id, "还在吗")
    kinds = [next(k for k in u if k != "update_id") for u in sandbox.pending_updates()]
    assert kinds == ["message", "my_chat_member"]


async def test_send_photo_then_get_file_and_download(bot: Bot, alice: SandboxUser) -> None:
    message = await bot.send_photo(alice.id, png_bytes(1600, 900), caption="白板照片")
    assert message.caption == "白板照片"
    sizes = sorted(message.photo, key=lambda s: s.width)
    assert (sizes[0].width, sizes[-1].width, sizes[-1].height) == (90, 1280, 720)
    remote = await bot.get_file(sizes[-1].file_id)
    assert remote.file_size == sizes[-1].file_size
    data = await remote.download_as_bytearray()
    assert len(data) == sizes[-1].file_size
    assert Image.open(io.BytesIO(bytes(data))).size == (1280, 720)
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(alice.id, b"not an image")


async def test_user_voice_is_downloadable(
    served: RunningSandbox, bot: Bot, alice: SandboxUser
) -> None:
    audio = b"OggS" + bytes(range(256)) * 40
    served.sandbox.send_voice(alice, alice.id, audio, duration=7)
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.voice is not None
    voice = update.message.voice
    assert (voice.to_dict()["duration"], voice.file_size) == (7, len(audio))
    assert voice.mime_type == "audio/ogg"
    downloaded = await (await bot.get_file(voice.file_id)).download_as_bytearray()
    assert bytes(downloaded) == audio


async def test_commands_are_stored_per_scope_and_language(served: RunningSandbox, bot: Bot) -> None:
    group = served.sandbox.add_group("居民议事会", [served.sandbox.add_user("Chen")])
    scope = BotCommandScopeChat(group.id)
    commands = [BotCommand("start", "开始"), BotCommand("agenda", "议程")]
    assert await bot.set_my_commands(commands, scope=scope, language_code="zh")
    assert list(await bot.get_my_commands(scope=scope, language_code="zh")) == commands
    assert await bot.get_my_commands(scope=scope) == ()
    assert await bot.get_my_commands(language_code="zh") == ()
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


def test_group_privacy_mode_filters_messages() -> None:
    sandbox = Sandbox()
    account = sandbox.add_bot(TOKEN, USERNAME)
    chen = sandbox.add_user("Chen")
    group = sandbox.add_group("楼栋群", [chen])
    account.updates.clear()
    sandbox.send_text(chen, group, "大家好")
    sandbox.send_text(chen, group, "/agenda@other_bot")
    assert sandbox.pending_updates() == []
    sandbox.send_text(chen, group, "/agenda")
    sandbox.send_text(chen, group, f"@{USERNAME} 请记录")
    assert [u["message"]["text"] for u in sandbox.pending_updates()] == [
        "/agenda",
        f"@{USERNAME} 请记录",
    ]
    sandbox.set_privacy(account, True)
    sandbox.send_text(chen, group, "大家好")
    assert sandbox.pending_updates()[-1]["message"]["text"] == "大家好"


async def test_wait_for_times_out_with_call_dump(bot: Bot, served: RunningSandbox) -> None:
    await bot.get_me()
    with pytest.raises(TimeoutError, match=r"(?s)never.*getMe"):
        await served.sandbox.wait_for(lambda sb: False, timeout=0.01, what="never")


async def test_application_echo_bot_end_to_end(served: RunningSandbox) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text("欢迎来到议事堂", do_quote=True)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text, do_quote=True)

    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(served.base_url)
        .base_file_url(served.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    sandbox = served.sandbox
    user = sandbox.add_user("Li", username="li_lei")
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(timeout=5)
    try:
        welcome = await sandbox.wait_for_reply(sandbox.send_text(user, user.id, "/start"))
        assert welcome["text"] == "欢迎来到议事堂"
        echoed = await sandbox.wait_for_reply(sandbox.send_text(user, user.id, "三号楼电梯"))
        assert echoed["text"] == "三号楼电梯"
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
    stats = sandbox.stats()["summary"]
    assert (stats["user_messages"], stats["replied"]) == (2, 2)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _wait_ready(
    url: str, session: aiohttp.ClientSession, proc: asyncio.subprocess.Process
) -> None:
    """Bounded retry loop: try to connect; between attempts wait for the process to print."""
    assert proc.stdout is not None
    for _ in range(50):
        try:
            async with session.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            line = await asyncio.wait_for(proc.stdout.readline(), 20)
            assert line, "sandbox process exited before becoming ready"
    raise AssertionError("sandbox process never answered getMe")


async def test_module_entry_point_serves_api_and_control() -> None:
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.sandbox", "--port", str(port), "--token", TOKEN,
        "--bot-username", USERNAME,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        async with aiohttp.ClientSession() as session:
            await _wait_ready(f"{root}/bot{TOKEN}/getMe", session, proc)
            async with session.get(f"{root}/bot{TOKEN}/getMe") as response:
                assert (await response.json())["result"]["username"] == USERNAME
            async with session.post(f"{root}/_sandbox/users", json={"count": 2}) as response:
                users = (await response.json())["result"]
            texts = [{"user_id": u["id"], "chat_id": u["id"], "text": "/start"} for u in users]
            async with session.post(f"{root}/_sandbox/send_texts", json=texts) as response:
                sent = (await response.json())["result"]
            remote = Bot(TOKEN, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot")
            async with remote:
                updates = await remote.get_updates(timeout=0)
                assert len(updates) == 2
                first = updates[0].message
                assert first is not None
                await first.reply_text("hi", do_quote=True)
            async with session.get(f"{root}/_sandbox/stats") as response:
                stats = {
                    (m["chat_id"], m["message_id"]): m
                    for m in (await response.json())["result"]["messages"]
                }
            replied = stats[(sent[0]["chat_id"], sent[0]["message_id"])]
            assert replied["replied_ns"] >= replied["delivered_ns"] >= replied["created_ns"]
            assert stats[(sent[1]["chat_id"], sent[1]["message_id"])]["replied_ns"] is None
    finally:
        proc.terminate()
        assert proc.stdout is not None
        await asyncio.wait_for(proc.stdout.read(), 20)
        assert await asyncio.wait_for(proc.wait(), 20) == 0
