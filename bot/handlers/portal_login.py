"""`/portal` in a private chat: a one-time link to the staff's web pages (portal/login.py),
to someone with a role or a unit's liaison (their units' items only); anyone else is told
politely whom to ask (the error's words)."""

from __future__ import annotations

from telegram import LinkPreviewOptions, Update

from bot.catalog import t
from bot.common import Context, actor_of, lang, reply, uow
from facilitation.staff_desk import issue_login_link

# a preview would fetch the page; it only shows a button, but nobody else needs the address
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def portal(update: Update, context: Context) -> None:
    token = await issue_login_link(uow(update, context), actor_of(update, context),
                                   bootstrap_ids=context.deps.staff_user_ids,
                                   now=context.deps.clock())
    await reply(update, t(lang(update, context), "portal_link",
                          link=f"{context.deps.web_url}/login/{token}"),
                link_preview_options=NO_PREVIEW)
