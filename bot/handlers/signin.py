"""Sign-in (group, deep link, proxy), sign-out, profiles and the recording notice."""

from __future__ import annotations

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot.acks import Ack, ack_of
from bot.callbacks import number
from bot.catalog import t
from bot.common import (
    Context,
    acknowledge,
    actor_of,
    answer,
    chat_of,
    is_group,
    kind_label,
    lang,
    reply,
    uow,
    user_of,
)
from bot.handlers import units
from bot.parsing import REMOTE_WORDS, optional, parse_kind
from facilitation import services
from facilitation.services import SignedIn


def _extra(language: str, done: SignedIn) -> str:
    return (t(language, "signed_in_remote") if done.attendance.remote else "") + (
        t(language, "signed_in_late") if done.attendance.late else "")


def _signed_in_item(language: str, done: SignedIn) -> str:
    notes = [t(language, key) for key, on in (("ack_note_remote", done.attendance.remote),
                                              ("ack_note_late", done.attendance.late)) if on]
    name = done.attendance.name
    note = t(language, "ack_note_separator").join(notes)
    return t(language, "ack_item_note", name=name, note=note) if notes else name


def notice_button(language: str) -> InlineKeyboardMarkup:
    """Whoever presses it accepts the notice (one notice may name several people)."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(language, "btn_notice_ok"),
                                                       callback_data="notice")]])


def notice_ack(update: Update, language: str, done: SignedIn) -> Ack:
    name = done.attendance.name
    return ack_of(update, "acks_notice", language, t(language, "notice", name=name), name,
                  notice_button(language), quote=False)


async def _announce(update: Update, context: Context, done: SignedIn) -> None:
    language = lang(update, context)
    if not done.changed:
        await reply(update, t(language, "already_signed_in", name=done.attendance.name))
        return
    written = InlineKeyboardMarkup([[InlineKeyboardButton(
        t(language, "btn_written"),
        url=f"https://t.me/{context.bot.username}?start={done.session.code}")]])
    text = t(language, "signed_in", name=done.attendance.name, present=done.present,
             kind=kind_label(language, done.attendance.kind), extra=_extra(language, done))
    signed = ack_of(update, "acks_signed_in", language, text, _signed_in_item(language, done),
                    written, present=done.present)
    await acknowledge(update, context, signed,
                      *([notice_ack(update, language, done)] if done.show_notice else []))


async def sign_in(update: Update, context: Context) -> None:
    if not is_group(update):
        await reply(update, t(lang(update, context), "group_only"))
        return
    remote = any(a.lower() in REMOTE_WORDS for a in context.args or [])
    done = await services.sign_in(uow(update, context), actor=actor_of(update, context),
                                  now=context.deps.clock(), chat_id=chat_of(update).id,
                                  remote=remote)
    await _announce(update, context, done)


async def sign_in_button(update: Update, context: Context) -> None:
    done = await services.sign_in(uow(update, context), actor=actor_of(update, context),
                                  now=context.deps.clock(), chat_id=chat_of(update).id)
    await answer(update.callback_query, t(lang(update, context), "signed_in" if done.changed
                                          else "already_signed_in", name=done.attendance.name,
                                          kind=kind_label(lang(update, context),
                                                          done.attendance.kind),
                                          present=done.present, extra=""))
    if done.changed:
        await _announce(update, context, done)


async def start(update: Update, context: Context) -> None:
    """/start in private: the welcome, or a sign-in through the deep link's code."""
    language = lang(update, context)
    if is_group(update):
        await reply(update, t(language, "help_group"))
        return
    if not context.args:
        await reply(update, t(language, "welcome"))
        return
    if context.args[0].startswith(units.INVITE_PREFIX):  # a liaison's invite (/units invite)
        await units.redeem(update, context, context.args[0].removeprefix(units.INVITE_PREFIX))
        return
    code, _, flag = context.args[0].partition("_")
    actor = actor_of(update, context)
    chat_id = await services.chat_of_code(context.deps.uow(), code=code)
    done = await services.sign_in_with_code(
        uow(update, context), actor=actor, now=context.deps.clock(), code=code,
        remote=flag == "r", member=await _is_member(context, chat_id, actor.user_id))
    if isinstance(done, services.AdmissionAsked):
        await _ask_admission(context, done)
        await reply(update, t(language, "admission_asked", topic=done.session.topic))
        return
    await reply(update, t(language, "signed_in_private", topic=done.session.topic))
    if done.changed:
        await context.bot.send_message(done.session.chat_id, t(
            done.session.language, "signed_in", name=done.attendance.name, present=done.present,
            kind=kind_label(done.session.language, done.attendance.kind),
            extra=t(done.session.language, "signed_in_remote") if done.attendance.remote else ""))
    if done.show_notice:
        await chat_of(update).send_message(t(language, "notice", name=done.attendance.name),
                                           reply_markup=notice_button(language))


async def _is_member(context: Context, chat_id: int, user_id: int) -> bool:
    """Whether Telegram says the user is in the group now (asked at every sign-in)."""
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError:  # not found, the bot was removed...: not known to be a member
        return False
    return member.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER) \
        or bool(getattr(member, "is_member", False))


async def _ask_admission(context: Context, asked: services.AdmissionAsked) -> None:
    session, person = asked.session, asked.person
    language, flag = session.language, "r" if asked.remote else "p"
    assert session.id is not None and person.id is not None
    keys = InlineKeyboardMarkup([[
        InlineKeyboardButton(t(language, "btn_admit"),
                             callback_data=f"admit:{session.id}:{person.id}:{flag}"),
        InlineKeyboardButton(t(language, "btn_refuse"),
                             callback_data=f"refuse:{session.id}:{person.id}:{flag}")]])
    await context.bot.send_message(session.chat_id, t(
        language, "admission_request", name=person.display_name,
        remote=t(language, "signed_in_remote") if asked.remote else ""), reply_markup=keys)


async def admission_button(update: Update, context: Context) -> None:
    """The moderator's answer to a request to sign in from outside the group."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action, session_id, person_id, flag = query.data.split(":")
    language = lang(update, context)
    if action == "refuse":
        person = await services.refuse_admission(
            context.deps.uow(), session_id=number(session_id), person_id=number(person_id),
            actor=actor_of(update, context))
        await answer(query, t(language, "admission_refused", name=person.display_name))
        await query.edit_message_reply_markup(None)
        if person.telegram_user_id is not None:
            await context.bot.send_message(person.telegram_user_id, t(
                language, "admission_refused_you"))
        return
    done = await services.admit(uow(update, context), session_id=number(session_id),
                                person_id=number(person_id), actor=actor_of(update, context),
                                now=context.deps.clock(), remote=flag == "r")
    await answer(query, t(language, "admission_done", name=done.attendance.name))
    await query.edit_message_reply_markup(None)
    await _announce(update, context, done)
    if done.person.telegram_user_id is not None:
        await context.bot.send_message(done.person.telegram_user_id, t(
            language, "signed_in_private", topic=done.session.topic))


async def sign_out(update: Update, context: Context) -> None:
    await services.sign_out(uow(update, context), chat_id=chat_of(update).id,
                            actor=actor_of(update, context), now=context.deps.clock())
    await reply(update, t(lang(update, context), "signed_out",
                          name=actor_of(update, context).display_name))


async def proxy(update: Update, context: Context) -> None:
    language = lang(update, context)
    args = context.args or []
    if len(args) < 2 or not is_group(update):
        await reply(update, t(language, "usage_proxy" if is_group(update) else "group_only"))
        return
    remote = any(a.lower() in REMOTE_WORDS for a in args[2:])
    unit = " ".join(a for a in args[2:] if a.lower() not in REMOTE_WORDS) or None
    done = await services.proxy_sign_in(uow(update, context), chat_id=chat_of(update).id,
                                        actor=actor_of(update, context), name=args[0],
                                        kind=parse_kind(args[1]), unit=unit, remote=remote,
                                        now=context.deps.clock())
    await reply(update, t(language, "proxy_signed_in", name=done.attendance.name,
                          present=done.present, kind=kind_label(language, done.attendance.kind)))


async def profile(update: Update, context: Context) -> None:
    language = lang(update, context)
    args = context.args or []
    if len(args) == 1 or len(args) > 4:
        await reply(update, t(language, "usage_profile"))
        return
    if not args:
        async with context.deps.uow() as work:
            person = await services.person_for(work, actor_of(update, context))
            await work.commit()
    else:
        person = await services.set_profile(
            uow(update, context), actor=actor_of(update, context), name=args[0],
            kind=parse_kind(args[1]), sector=optional(args[2] if len(args) > 2 else None),
            unit=optional(args[3] if len(args) > 3 else None))
    await reply(update, t(language, "profile_set" if args else "profile_show",
                          name=person.display_name, kind=kind_label(language, person.kind),
                          sector=f"，{person.sector}" if person.sector else "",
                          unit=f"，{person.unit}" if person.unit else ""))


async def accept_notice(update: Update, context: Context) -> None:
    """The notice's button: ``notice`` (anyone it names), or ``notice:<user id>`` on notices
    sent before they were shared (only that user; the button then goes)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    language = lang(update, context)
    _, _, owner = query.data.partition(":")
    if owner and int(owner) != user_of(update).id:
        await answer(query, t(language, "notice_not_yours", name="?"), alert=True)
        return
    await services.accept_notice(uow(update, context), actor=actor_of(update, context),
                                 now=context.deps.clock())
    await answer(query, t(language, "notice_accepted"))
    if owner and query.message is not None:
        await context.bot.edit_message_reply_markup(query.message.chat.id,
                                                    query.message.message_id, reply_markup=None)
