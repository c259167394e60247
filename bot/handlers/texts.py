"""Texts: in the group they are speech, the moderator's words or comments; in private chat
a signed-in participant's texts are written submissions, relayed to the group."""

from __future__ import annotations

from telegram import Update
from telegram.constants import MessageLimit

from bot.catalog import t
from bot.common import Context, actor_of, chat_of, is_group, lang, reply, uow
from bot.handlers.marks import mark_keyboard
from facilitation import record
from facilitation.model import ContributionKind, SessionStatus


async def group_text(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    done = await record.record_group_text(uow(update, context), chat_id=chat_of(update).id,
                                          actor=actor_of(update, context), text=message.text,
                                          now=context.deps.clock(),
                                          message_id=message.message_id)
    if done is not None and done.contribution.kind != ContributionKind.COMMENT:
        # the moderator's mark buttons, quietly under the floor's words (not under every
        # remark from the table: Telegram allows a bot about 20 messages a minute in a group)
        language = done.session.language
        await reply(update, t(language, "mark_prompt", seq=done.contribution.seq),
                    reply_markup=mark_keyboard(language, done.contribution),
                    disable_notification=True)


def relay_text(language: str, name: str, text: str, key: str = "written_relay",
               **params: object) -> str:
    relay = t(language, key, name=name, text=text, **params)
    if len(relay) <= MessageLimit.MAX_TEXT_LENGTH:
        return relay
    note = "\n" + t(language, "text_too_long_relay")
    room = MessageLimit.MAX_TEXT_LENGTH - len(relay) + len(text) - len(note) - 1
    return t(language, key, name=name, text=text[:room] + "…", **params) + note


async def private_text(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    done = await record.submit_written(uow(update, context), actor=actor_of(update, context),
                                       text=message.text, now=context.deps.clock(),
                                       chat_id=chat_of(update).id,
                                       message_id=message.message_id)
    session = done.session
    await reply(update, t(lang(update, context), "written_received", seq=done.contribution.seq))
    await context.bot.send_message(session.chat_id, relay_text(
        session.language, done.contribution.speaker_name, done.contribution.text),
        reply_markup=mark_keyboard(session.language, done.contribution))


async def edited_text(update: Update, context: Context) -> None:
    """A recorded text edited by its author becomes its correction, as with /fix (the original
    kept). In the group the message itself shows the new words: nothing is posted (the
    group's rate limit). A written submission's correction is acknowledged in private and,
    while the session is open, relayed to the group as the submission was."""
    message = update.edited_message
    if message is None or not message.text:
        return
    done = await record.edit_text(uow(update, context), chat_id=chat_of(update).id,
                                  message_id=message.message_id,
                                  actor=actor_of(update, context), text=message.text,
                                  now=context.deps.clock())
    if done is None or is_group(update):
        return
    contribution, session = done.contribution, done.session
    await reply(update, t(lang(update, context), "written_corrected", seq=contribution.seq))
    if session.status != SessionStatus.CLOSED:
        await context.bot.send_message(session.chat_id, relay_text(
            session.language, contribution.speaker_name, contribution.text,
            "written_relay_corrected", seq=contribution.seq))
