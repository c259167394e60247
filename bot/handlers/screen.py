"""`/screen`: the link to the room's screen on the web (portal/), for the moderator or staff."""

from __future__ import annotations

from telegram import Update

from bot.catalog import t
from bot.common import Context, actor_of, chat_of, lang, reply, uow
from facilitation.screen import screen_code_for


async def screen_link(update: Update, context: Context) -> None:
    code = await screen_code_for(uow(update, context), chat_id=chat_of(update).id,
                                 actor=actor_of(update, context))
    await reply(update, t(lang(update, context), "screen_link",
                          link=f"{context.deps.web_url}/s/{code}"))
