"""/hall and /template: what the hall's minutes are sent as (主送, 抄送, 落款, the form of the
issue number) and in what layout (the hall's own Word template)."""

from __future__ import annotations

from telegram import Update

from bot.catalog import t
from bot.common import Context, actor_of, chat_of, lang, reply, uow
from facilitation import documents, tracking_notifying
from facilitation.errors import InvalidInput
from facilitation.model import HallDocument
from transcripts.minutes.render_template import MAX_TEMPLATE_BYTES, check_template

# what people type for each field, in either language
FIELDS = {"主送": "to", "抄送": "cc", "落款": "issuer", "编号": "numbering", "期号": "numbering",
          "to": "to", "cc": "cc", "issuer": "issuer", "numbering": "numbering"}
# the group told when every item of a session is settled (bot/item_notices.py)
SETTLED_WORDS = ("办结通知", "settled")
SWITCH = {"开": True, "关": False, "on": True, "off": False}


def _shown(language: str, document: HallDocument) -> str:
    none = t(language, "glossary_empty")
    return t(language, "hall_document_show", to="、".join(document.to) or none,
             cc="、".join(document.cc) or none, issuer=document.issuer or none,
             numbering=document.numbering)


async def hall_document(update: Update, context: Context) -> None:
    """/hall shows the settings; /hall 主送 单位1 单位2 … sets one (- clears it)."""
    language = lang(update, context)
    chat_id = chat_of(update).id
    args = list(context.args or [])
    if not args:
        document = await documents.hall_document(context.deps.uow(), chat_id=chat_id)
        on = await tracking_notifying.settled_notice(context.deps.uow(), chat_id=chat_id)
        await reply(update, _shown(language, document) + "\n" + _settled(language, on))
        return
    if args[0].lower() in SETTLED_WORDS:
        await settled_notice(update, context, args[1:])
        return
    field = FIELDS.get(args[0].lower())
    if field is None:
        raise InvalidInput("usage_hall")
    values = [] if args[1:] == ["-"] else args[1:]
    document = await documents.set_hall_document(
        uow(update, context), chat_id=chat_id, actor=actor_of(update, context), field=field,
        values=values)
    await reply(update, t(language, "hall_document_set") + "\n" + _shown(language, document))


def _settled(language: str, on: bool) -> str:
    return t(language, "hall_settled_state",
             state=t(language, "hall_settled_on" if on else "hall_settled_off"))


async def settled_notice(update: Update, context: Context, args: list[str]) -> None:
    """/hall 办结通知 开|关: whether the group hears that a session's items are all settled;
    set by whoever may set the hall's other settings."""
    on = SWITCH.get(args[0].lower()) if len(args) == 1 else None
    if on is None:
        raise InvalidInput("usage_hall_settled")
    await tracking_notifying.set_settled_notice(uow(update, context), chat_id=chat_of(update).id,
                                                actor=actor_of(update, context), on=on)
    language = lang(update, context)
    await reply(update, t(language, "hall_settled_set", state=_settled(language, on)))


async def template(update: Update, context: Context) -> None:
    """The hall's own Word template (红头) for its minutes: a .docx sent with the caption
    /template sets it; /template - goes back to the built-in layout; /template says which."""
    language = lang(update, context)
    chat_id = chat_of(update).id
    message = update.effective_message
    document = message.document if message is not None else None
    if document is None and list(context.args or []) != ["-"]:
        has = await documents.hall_template_set(context.deps.uow(), chat_id=chat_id)
        await reply(update, t(language, "hall_template_on" if has else "hall_template_off"))
        return
    data: bytes | None = None
    if document is not None:
        if (document.file_size or 0) > MAX_TEMPLATE_BYTES:
            raise InvalidInput("hall_template_bad", why="too_big")
        data = bytes(await (await context.bot.get_file(document.file_id))
                     .download_as_bytearray())
    await documents.set_hall_template(uow(update, context), chat_id=chat_id,
                                      actor=actor_of(update, context), data=data,
                                      check=check_template)
    await reply(update, t(language, "hall_template_set" if data else "hall_template_cleared"))
