"""/minutes: recent sessions of this chat (staff: of every hall; in private, the sessions one
took part in), each sent on request as DOCX and Markdown: the latest approved version to
whoever may read it, the draft only to its editors; the public version once approved."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callbacks import number
from bot.catalog import t
from bot.common import Context, actor_of, answer, chat_of, lang, place_of, reply
from bot.handlers.minutes import send_draft, send_minutes
from bot.minutes_view import day_text, short
from facilitation import access
from facilitation import minutes as use
from facilitation.session import Session
from transcripts.minutes.drafts import readable_minutes


async def _sessions(update: Update, context: Context) -> list[Session]:
    return await access.readable_sessions(context.deps.uow(), actor_of(update, context),
                                          place_of(update))


def _row(language: str, s: Session) -> list[InlineKeyboardButton]:
    when = day_text((s.started_at or s.created_at).date())
    return [InlineKeyboardButton(f"{when} {short(s.topic, 22)}", callback_data=f"mn:files:{s.id}"),
            InlineKeyboardButton(t(language, "btn_minutes_public_short"),
                                 callback_data=f"mn:public:{s.id}"),
            InlineKeyboardButton(t(language, "btn_minutes_edit"),
                                 callback_data=f"mn:edit:{s.id}")]


async def list_minutes(update: Update, context: Context) -> None:
    language = lang(update, context)
    sessions = await _sessions(update, context)
    if not sessions:
        await reply(update, t(language, "minutes_list_empty"))
        return
    await reply(update, t(language, "minutes_list", n=len(sessions)),
                reply_markup=InlineKeyboardMarkup([_row(language, s) for s in sessions]))


async def send_session_files(update: Update, context: Context, session_id: int, *,
                             public: bool) -> None:
    language, actor = lang(update, context), actor_of(update, context)
    found = await readable_minutes(context.deps.uow(), session_id=session_id, actor=actor,
                                   place=place_of(update), public=public,
                                   tz=ZoneInfo(context.deps.timezone))
    key = "minutes_files_version" if found.version is not None else "minutes_files_draft"
    await send_minutes(context, chat_of(update).id, found.minutes, t(
        language, key, topic=found.session.topic, version=found.version or 0), session_id)


async def edit_session(update: Update, context: Context, session_id: int) -> None:
    """The 编辑 button: this session's draft becomes the one the edit commands apply to."""
    actor = actor_of(update, context)
    await use.focus_on(context.deps.uow(), session_id=session_id, actor=actor)
    await send_draft(context, actor.user_id, session_id, lang(update, context))


async def files_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    _, action, raw_id = query.data.split(":")
    if action == "edit":
        await edit_session(update, context, number(raw_id))
    else:  # errors reach on_error first, which answers the press with them
        await send_session_files(update, context, number(raw_id), public=action == "public")
    await answer(query)
