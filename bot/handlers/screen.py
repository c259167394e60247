"""`/screen` and `/console`: the links to the room's screen and to the moderator's console on
the web (portal/), for the moderator or staff."""

from __future__ import annotations

from telegram import LinkPreviewOptions, Update
from telegram.error import Forbidden

from bot.catalog import t
from bot.common import Context, actor_of, chat_of, lang, reply, uow
from facilitation.console import console_link_for
from facilitation.screen import screen_code_for

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def screen_link(update: Update, context: Context) -> None:
    code = await screen_code_for(uow(update, context), chat_id=chat_of(update).id,
                                 actor=actor_of(update, context))
    await reply(update, t(lang(update, context), "screen_link",
                          link=f"{context.deps.web_url}/s/{code}"))


async def console_link(update: Update, context: Context) -> None:
    """`/console` in the group: the moderator's console on the web, sent privately (the link
    is a key: never posted in the group)."""
    actor = actor_of(update, context)
    language = lang(update, context)
    if not actor.has_private_chat:  # a channel, or the group's anonymous admins
        await reply(update, t(language, "anonymous_use_own_account"))
        return
    token = await console_link_for(uow(update, context), chat_id=chat_of(update).id,
                                   actor=actor, now=context.deps.clock())
    try:
        await context.bot.send_message(actor.user_id, t(
            language, "console_link", link=f"{context.deps.web_url}/m/{token}"),
            link_preview_options=NO_PREVIEW)  # a preview would fetch the key's page
    except Forbidden:
        await reply(update, t(language, "console_private_first", bot=context.bot.username))
        return
    await reply(update, t(language, "console_sent"))
