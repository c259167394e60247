"""/whoami: one's own Telegram user id (and the group's chat id), for the staff setting."""

from __future__ import annotations

from telegram import Update

from bot.catalog import t
from bot.common import Context, actor_of, chat_of, is_group, lang, reply, user_of
from facilitation.services import my_standing


async def whoami(update: Update, context: Context) -> None:
    language = lang(update, context)
    message = update.effective_message
    sender = message.sender_chat if message is not None else None
    if sender is not None:  # a channel or an anonymous admin: no person's id to give
        await reply(update, t(language, "whoami_sender_chat", chat_id=sender.id,
                              title=sender.effective_name or sender.id))
        return
    user = user_of(update)
    standing = await my_standing(context.deps.uow(), actor_of(update, context))
    if standing.bootstrap_admin:
        role = t(language, "whoami_staff")
    elif standing.grants:
        role = t(language, "whoami_granted", roles="、".join(
            t(language, "whoami_grant", role=g.role.value, hall=g.hall_chat_id)
            if g.hall_chat_id is not None else
            t(language, "whoami_grant_every", role=g.role.value) for g in standing.grants))
    else:
        role = t(language, "whoami_not_staff")
    text = t(language, "whoami", name=user.full_name, user_id=user.id, role=role)
    if is_group(update):
        text += "\n" + t(language, "whoami_group", chat_id=chat_of(update).id)
    await reply(update, text)
