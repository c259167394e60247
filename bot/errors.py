"""One error handler: domain errors become friendly replies, a database outage is handed back
to the poller, anything else is logged."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.catalog import t
from bot.common import Context, answer, lang, reply
from bot.outbox import not_first
from facilitation import errors
from facilitation.errors import DomainError, PermissionDenied

log = logging.getLogger(__name__)


def describe(language: str, error: DomainError) -> str:
    return errors.describe(t, language, error)


async def on_error(update: object, context: Context) -> None:
    error = context.error
    if not isinstance(update, Update):
        log.error("error outside an update", exc_info=error)
        return
    if error is not None and context.deps.health.unavailable(error):
        # the database is out of reach: no "something went wrong", the poller handles this
        # update again when it is back (bot/poller.py); no other handler runs on it now
        context.deps.interrupted[update.update_id] = error
        raise ApplicationHandlerStop
    language = lang(update, context)
    if isinstance(error, PermissionDenied):
        not_first()  # a refusal does not take the moderator's share of the group's budget
    if isinstance(error, DomainError):
        text = describe(language, error)
    else:
        log.error("unhandled error in update %s", update.update_id, exc_info=error)
        text = t(language, "internal_error")
    try:
        if update.callback_query is not None:
            await answer(update.callback_query, text, alert=True)
        elif update.effective_message is not None:
            await reply(update, text)
    except TelegramError:
        log.warning("could not tell the user about an error", exc_info=True)
