"""/forget and /export: a person's data on request, for staff. Who may is decided by the
use cases (facilitation/people.py) from the actor's staff status, as for every command.

``/forget`` names the person by a reply to one of their messages, their Telegram id, our id
(``#12``) or their name, shows what would be erased and asks; the button erases. The
confirmation names them, so it is rewritten without the name once they are forgotten.
``/export`` (private chat only: it holds their data) sends everything stored as JSON."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update

from bot.catalog import t
from bot.common import Context, actor_of, answer, is_group, lang, reply, uow
from facilitation import people
from facilitation.people import Forgotten, PersonRef
from facilitation.personal_data import personal_data_json
from facilitation.ports import Footprint

PATTERN = r"^pf:(yes|no):\d+$"


@dataclass(frozen=True)
class ForgetButton:
    """The payload of the confirmation's buttons: erase person #N, or not."""

    confirm: bool
    person_id: int

    def pack(self) -> str:
        return f"pf:{'yes' if self.confirm else 'no'}:{self.person_id}"

    @classmethod
    def unpack(cls, data: str) -> ForgetButton:
        _, answer_, person_id = data.split(":")
        return cls(answer_ == "yes", int(person_id))


def person_ref(update: Update, words: list[str]) -> PersonRef | None:
    """Whom the command means: the author of the message it replies to, else ``#12`` (our
    id), digits (a Telegram id) or a name; None when it says nobody."""
    message = update.effective_message
    replied = message.reply_to_message if message is not None else None
    author = replied.from_user if replied is not None else None
    sender = update.effective_user
    if author is not None and not author.is_bot and (sender is None or author.id != sender.id):
        return PersonRef(telegram_user_id=author.id)
    return PersonRef.said(" ".join(words))


def _summary(language: str, found: Footprint) -> str:
    p = found.person
    return t(language, "forget_confirm", id=p.id, name=p.display_name,
             sessions=len(found.sessions), turns=len(found.contributions),
             audio=sum(job.audio_path is not None for job in found.audio_jobs))


def _keyboard(language: str, person_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t(language, "btn_forget_yes"),
                             callback_data=ForgetButton(True, person_id).pack()),
        InlineKeyboardButton(t(language, "btn_forget_no"),
                             callback_data=ForgetButton(False, person_id).pack())]])


async def forget(update: Update, context: Context) -> None:
    language = lang(update, context)
    ref = person_ref(update, list(context.args or []))
    if ref is None:
        await reply(update, t(language, "forget_usage"))
        return
    found = await people.footprint(context.deps.uow(), ref=ref, by=actor_of(update, context))
    assert found.person.id is not None
    if found.person.forgotten_at is not None:
        await reply(update, t(language, "forget_already", id=found.person.id,
                              label=found.person.display_name))
        return
    await reply(update, _summary(language, found),
                reply_markup=_keyboard(language, found.person.id))


def _done(language: str, done: Forgotten) -> str:
    if done.already:
        return t(language, "forget_already", id=done.person_id, label=done.label)
    return t(language, "forget_done", id=done.person_id, label=done.label,
             sessions=done.sessions, turns=done.turns, audio=done.audio_files,
             items=done.items)


async def forget_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    language = lang(update, context)
    button = ForgetButton.unpack(query.data)
    if not button.confirm:
        text = t(language, "forget_cancelled")
    else:
        audio = context.deps.audio_files
        if audio is None:
            raise RuntimeError("no audio folder configured: BotDeps.audio_files")
        text = _done(language, await people.forget_person(
            uow(update, context), ref=PersonRef(person_id=button.person_id),
            by=actor_of(update, context), now=context.deps.clock(), audio=audio))
    await query.edit_message_text(text)  # the question named them; the answer does not
    await answer(query, text)


async def export(update: Update, context: Context) -> None:
    language = lang(update, context)
    if is_group(update):  # what it sends is the person's data: never to a group
        await reply(update, t(language, "export_private_only"))
        return
    ref = person_ref(update, list(context.args or []))
    if ref is None:
        await reply(update, t(language, "export_usage"))
        return
    now = context.deps.clock()
    found = await people.export_person(uow(update, context), ref=ref,
                                       by=actor_of(update, context), now=now)
    message = update.effective_message
    assert message is not None and found.person.id is not None
    await message.reply_document(
        InputFile(personal_data_json(found, now).encode(), f"person-{found.person.id}.json"),
        do_quote=True,
        caption=t(language, "export_sent", id=found.person.id, name=found.person.display_name))
