"""What a hall's minutes are sent as (发文要素: 主送, 抄送, 落款, the form of the issue number),
who may set it, and the issue number each approved minutes gets; the town its figures count
under; and the settings of the halls one edits, as the workbench shows them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from facilitation.audit import AuditAction, audit_entry
from facilitation.errors import InvalidInput, PermissionDenied
from facilitation.model import DEFAULT_NUMBERING, HallDocument, clean_text
from facilitation.ports import UnitOfWork
from facilitation.services import Actor, person_for, standing_of_actor
from facilitation.tracking_figures import UNASSIGNED_TOWN, town_of

FIELDS = ("to", "cc", "issuer", "numbering")
MAX_UNITS = 12  # names in 主送 or 抄送
MAX_NAME = 60
MAX_TOWN = 30  # a 乡镇/街道's name; the figures' page asks for a scope of at most 60


async def hall_document(uow: UnitOfWork, *, chat_id: int) -> HallDocument:
    async with uow:
        return await uow.halls.document(chat_id)


async def set_hall_document(uow: UnitOfWork, *, chat_id: int, actor: Actor, field: str,
                            values: Sequence[str]) -> HallDocument:
    """Set one field (``values`` empty: back to none, or to the default numbering). Staff may,
    and so may whoever runs the hall's latest session."""
    if field not in FIELDS:
        raise InvalidInput("usage_hall")
    async with uow:
        await _require_hall_editor(uow, chat_id, actor)
        document = _with(await uow.halls.document(chat_id), field, values)
        await uow.halls.set_document(chat_id, document)
        await uow.audit.add(audit_entry(AuditAction.HALL, await person_for(uow, actor),
                                        chat_id=chat_id, field=field))
        await uow.commit()
        return document


async def set_hall_template(uow: UnitOfWork, *, chat_id: int, actor: Actor, data: bytes | None,
                            check: Callable[[bytes], None]) -> None:
    """The hall's own Word template for its minutes (None: the built-in layout); ``check``
    raises ValueError for a file that cannot serve as one, with a ``reason`` word when it can
    say why (not_docx, too_big, cannot_fill)."""
    async with uow:
        await _require_hall_editor(uow, chat_id, actor)
        if data is not None:
            try:
                check(data)
            except ValueError as error:
                why = getattr(error, "reason", "cannot_fill")
                raise InvalidInput("hall_template_bad", why=why) from error
        await uow.halls.set_template(chat_id, data)
        await uow.audit.add(audit_entry(AuditAction.TEMPLATE, await person_for(uow, actor),
                                        chat_id=chat_id, set=data is not None))
        await uow.commit()


async def set_hall_town(uow: UnitOfWork, *, chat_id: int, actor: Actor,
                        town: str | None) -> str | None:
    """The 乡镇/街道 the hall's figures are counted under; empty: the one its name starts with
    (tracking_figures.town_of). The hall's staff only: the figures are the office's, not a
    moderator's. The log keeps whether it was set, never the name (audit.py)."""
    cleaned = clean_text(town, limit=MAX_TOWN, field_name="town", required=False)
    async with uow:
        person = await person_for(uow, actor)
        if not (await standing_of_actor(uow, actor, person)).may_edit(chat_id):
            raise PermissionDenied("not_staff")
        await uow.halls.set_town(chat_id, cleaned)
        await uow.audit.add(audit_entry(AuditAction.TOWN, person, chat_id=chat_id,
                                        set=cleaned is not None))
        await uow.commit()
        return cleaned


async def hall_template_set(uow: UnitOfWork, *, chat_id: int) -> bool:
    async with uow:
        return await uow.halls.template(chat_id) is not None


async def hall_template(uow: UnitOfWork, *, session_id: int) -> bytes | None:
    """The template of the hall a session was held in, if it has one."""
    async with uow:
        session = await uow.sessions.get(session_id)
        return await uow.halls.template(session.chat_id) if session is not None else None


async def _require_hall_editor(uow: UnitOfWork, chat_id: int, actor: Actor) -> None:
    """Staff of the hall, or whoever runs the hall's latest session (roles decided live)."""
    person = await person_for(uow, actor)
    if (await standing_of_actor(uow, actor, person)).may_edit(chat_id):
        return
    latest = await uow.sessions.latest(chat_id)
    if latest is None or not latest.can_run(person):
        raise PermissionDenied("not_moderator")


def _with(document: HallDocument, field: str, values: Sequence[str]) -> HallDocument:
    names = tuple(dict.fromkeys(
        n for n in (clean_text(v, limit=MAX_NAME, field_name=field, required=False)
                    for v in values) if n))
    if field in ("to", "cc"):
        if len(names) > MAX_UNITS:
            raise InvalidInput("too_long", field=field, limit=MAX_UNITS, length=len(names))
        return replace(document, to=names) if field == "to" else replace(document, cc=names)
    text = "".join(names) or None
    if field == "issuer":
        return replace(document, issuer=text)
    if text is not None and "{n}" not in text:
        raise InvalidInput("hall_numbering")
    return replace(document, numbering=text or DEFAULT_NUMBERING)


def issue_number(document: HallDocument, first_approvals: Sequence[tuple[int, datetime]],
                 session_id: int, tz: tzinfo) -> str | None:
    """期号: the hall's n-th minutes first approved in that year (hall time), in the hall's
    form; None before the session's minutes are approved. Derived, never stored: first
    approvals are append-only, so the number never changes."""
    years = [(sid, when.astimezone(tz).year) for sid, when in first_approvals]
    mine = next((year for sid, year in years if sid == session_id), None)
    if mine is None:
        return None
    earlier = [sid for sid, year in years if year == mine]
    return document.number(mine, earlier.index(session_id) + 1)


@dataclass(frozen=True)
class HallSettings:
    chat_id: int
    name: str  # its newest session's hall text, else its chat id
    document: HallDocument
    template: bool  # the hall has its own Word template
    glossary: tuple[str, ...] = ()  # the recogniser's words (services.set_hall_glossary)
    town: str | None = None  # as staff set it
    derived_town: str = UNASSIGNED_TOWN  # what the figures use while ``town`` is unset


HALLS_LOOKED_AT = 1000  # recent sessions whose halls are listed


async def editable_halls(uow: UnitOfWork, *, actor: Actor) -> list[HallSettings]:
    """The halls whose settings the person may change as staff (an admin: every hall with a
    session), with their settings; refused for someone who edits none."""
    async with uow:
        halls = (await standing_of_actor(uow, actor)).halls_edited()
        if halls is not None and not halls:
            raise PermissionDenied("not_staff")
        names = await _newest_names(uow, halls)
        return [await _settings(uow, chat_id, name)
                for chat_id, name in sorted(names.items(), key=lambda kv: kv[1] or str(kv[0]))]


async def _newest_names(uow: UnitOfWork, halls: frozenset[int] | None) -> dict[int, str | None]:
    """Each hall's name as its newest session that gave one says (as the figures name it);
    None for a hall no session named."""
    names: dict[int, str | None] = dict.fromkeys(halls or ())
    for s in await uow.sessions.recent(None, limit=HALLS_LOOKED_AT):  # newest first
        if halls is None or s.chat_id in halls:
            if names.get(s.chat_id) is None:
                names[s.chat_id] = (s.hall or "").strip() or None
    return names


async def _settings(uow: UnitOfWork, chat_id: int, name: str | None) -> HallSettings:
    return HallSettings(chat_id, name or str(chat_id), await uow.halls.document(chat_id),
                        await uow.halls.template(chat_id) is not None,
                        await uow.halls.glossary(chat_id), await uow.halls.town(chat_id),
                        town_of(name))
