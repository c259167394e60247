"""/minutes: recent sessions of this chat (staff: of every hall), each sent on request as
DOCX and Markdown: the latest approved version, or the draft; internal or public."""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.catalog import t
from bot.common import Context, actor_of, answer, chat_of, is_group, lang, reply
from bot.handlers.minutes import current_draft, send_minutes
from bot.minutes_view import day_text, short
from facilitation.errors import NotFound, PermissionDenied
from facilitation.model import SessionStatus
from facilitation.session import Session
from transcripts.minutes.drafts import version_minutes
from transcripts.minutes.model import Minutes
from transcripts.minutes.public import public_version

LISTED = 10


async def _sessions(update: Update, context: Context) -> list[Session]:
    actor = actor_of(update, context)
    async with context.deps.uow() as work:
        if is_group(update):
            found = await work.sessions.recent(chat_of(update).id, limit=LISTED * 2)
        elif actor.is_staff:
            found = await work.sessions.recent(None, limit=LISTED * 2)
        else:
            person = await work.people.by_telegram_id(actor.user_id)
            found = [s for s in await work.sessions.recent(None, limit=200)
                     if person is not None and person.id is not None and (
                         s.moderator_id == person.id
                         or await work.attendance.get(s.id or 0, person.id) is not None)]
    return [s for s in found if s.status == SessionStatus.CLOSED][:LISTED]


async def list_minutes(update: Update, context: Context) -> None:
    language = lang(update, context)
    sessions = await _sessions(update, context)
    if not sessions:
        await reply(update, t(language, "minutes_list_empty"))
        return
    rows = []
    for s in sessions:
        when = day_text((s.started_at or s.created_at).date())
        rows.append([InlineKeyboardButton(f"{when} {short(s.topic, 24)}",
                                          callback_data=f"mn:files:{s.id}"),
                     InlineKeyboardButton(t(language, "btn_minutes_public_short"),
                                          callback_data=f"mn:public:{s.id}")])
    await reply(update, t(language, "minutes_list", n=len(sessions)),
                reply_markup=InlineKeyboardMarkup(rows))


async def _may_read(update: Update, context: Context, session: Session) -> bool:
    actor = actor_of(update, context)
    if actor.is_staff or (is_group(update) and session.chat_id == chat_of(update).id):
        return True
    return session.id in {s.id for s in await _sessions(update, context)}


async def send_session_files(update: Update, context: Context, session_id: int, *,
                             public: bool) -> None:
    language = lang(update, context)
    async with context.deps.uow() as work:
        session = await work.sessions.get(session_id)
        latest = await work.minutes.latest_version(session_id)
    if session is None or session.status != SessionStatus.CLOSED:
        raise NotFound("no_session")
    if not public and not await _may_read(update, context, session):
        raise PermissionDenied("minutes_not_yours")
    minutes: Minutes = (version_minutes(latest) if latest is not None
                        else (await current_draft(context, session_id)).minutes)
    if public:
        minutes = public_version(minutes)
        minutes = replace(minutes, extra={**minutes.extra, "public": True})
    key = "minutes_files_version" if latest is not None else "minutes_files_draft"
    await send_minutes(context, chat_of(update).id, minutes, t(
        language, key, topic=session.topic, version=latest.version if latest else 0))


async def files_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await answer(query)
    _, action, session_id = query.data.split(":")
    await send_session_files(update, context, int(session_id), public=action == "public")
