"""/whoami: one's own Telegram user id (and the group's chat id), for the staff setting."""

from __future__ import annotations

from telegram import Update

from bot.catalog import t
from bot.common import Context, chat_of, is_group, lang, reply, user_of


async def whoami(update: Update, context: Context) -> None:
    language = lang(update, context)
    message = update.effective_message
    sender = message.sender_chat if message is not None else None
    if sender is not None:  # a channel or an anonymous admin: no person's id to give
        await reply(update, t(language, "whoami_sender_chat", chat_id=sender.id,
                              title=sender.effective_name or sender.id))
        return
    user = user_of(update)
    staff = user.id in context.deps.staff_user_ids
    text = t(language, "whoami", name=user.full_name, user_id=user.id,
             role=t(language, "whoami_staff" if staff else "whoami_not_staff"))
    if is_group(update):
        text += "\n" + t(language, "whoami_group", chat_id=chat_of(update).id)
    await reply(update, text)
