"""A photo the moderator (or the hall's staff) sends to the group while a session is open is
kept for the showcase's 议事堂风采 (staff may hide it on the workbench); anyone else's photo is
left alone. The file is saved first, then recorded with the update marked handled, so a
photo redelivered after a crash is kept once. Nothing is said in the group."""

from __future__ import annotations

import asyncio
from pathlib import Path

from telegram import Update

from bot.common import Context, actor_of, is_group, uow
from facilitation import showcase
from facilitation.showcase_model import SessionPhoto

MAX_PHOTO_BYTES = 10 * 1024 * 1024  # Telegram's photos are at most 10 MB


async def on_photo(update: Update, context: Context) -> None:
    message = update.effective_message
    folder = context.deps.photo_dir
    if message is None or not message.photo or not is_group(update) or folder is None:
        return
    session_id = await showcase.photo_session(context.deps.uow(), actor_of(update, context),
                                              chat_id=message.chat.id)
    largest = message.photo[-1]
    if session_id is None or (largest.file_size or 0) > MAX_PHOTO_BYTES:
        return
    relative = Path(str(session_id)) / f"{message.message_id}.jpg"
    target = folder / relative
    await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
    file = await context.bot.get_file(largest.file_id)
    await file.download_to_drive(target)
    await showcase.keep_photo(uow(update, context), SessionPhoto(
        session_id, message.message_id, str(relative), largest.width, largest.height,
        message.date, message.caption))
