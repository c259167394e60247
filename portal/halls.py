"""`/staff/halls`: what each hall's minutes are sent as (主送, 抄送, 落款, the form of the issue
number), its own Word template (红头), the recogniser's glossary and the town its figures count
under, for the halls one edits as staff (an admin: every hall), beside its group (chat id and
newest name, read-only). The same use cases as the bot's /hall, /template and /glossary
(facilitation/documents.py, services.py), which check the role again and write each change to
the audit log."""

from __future__ import annotations

from aiohttp import BodyPartReader, web

from facilitation import documents, services
from facilitation.errors import DomainError, InvalidInput
from portal import room
from portal.login import Visit, posted, visit
from transcripts.minutes.render_template import MAX_TEMPLATE_BYTES, check_template

FIELD_NAMES = {"to": "to", "cc": "cc", "issuer": "issuer", "numbering": "numbering"}


def _chat_id(request: web.Request) -> int:
    return room.path_number(request, "hall", signed=True, digits=15)


async def _page(request: web.Request, seen: Visit, *, error: DomainError | None = None,
                hall: int | None = None, typed: dict[str, str] | None = None) -> web.Response:
    """The halls' settings; after a refusal, its words at that hall and what was typed there
    (``typed``), so nothing typed is lost; above the halls when it is not one of them."""
    try:
        halls = await documents.editable_halls(room.deps(request).uow(), actor=seen.actor)
    except DomainError as failed:
        return room.error_page(request, failed, "/staff")
    return room.render("staff_halls.html", request, {
        "halls": halls, "csrf": seen.csrf, "done": request.query.get("done", ""),
        "error": room.error_text(request, error) if error is not None else None,
        "error_hall": hall, "error_elsewhere": all(h.chat_id != hall for h in halls),
        "typed": typed or {}, "glossary_max": services.GLOSSARY_MAX_WORDS,
        "max_mb": MAX_TEMPLATE_BYTES // (1024 * 1024)},
        status=room.status_of(error) if error is not None else 200)


async def page(request: web.Request) -> web.Response:
    return await _page(request, await visit(request))


def _lines(said: str) -> list[str]:
    """One name a line, or separated by 、，, as people also write lists."""
    return [v.strip() for v in said.replace("、", "\n").replace("，", "\n")
            .replace(",", "\n").splitlines() if v.strip()]


def _values(field: str, said: str) -> list[str]:
    """主送 and 抄送: one unit a line (or separated by 、，,); the others: the text as it is."""
    if field in ("to", "cc"):
        return _lines(said)
    return [said.strip()] if said.strip() else []


async def document(request: web.Request) -> web.StreamResponse:
    chat_id = _chat_id(request)
    fields, seen = await posted(request)
    uow = room.deps(request).uow
    try:
        current = await documents.hall_document(uow(), chat_id=chat_id)
        shown = {"to": "\n".join(current.to), "cc": "\n".join(current.cc),
                 "issuer": current.issuer or "", "numbering": current.numbering}
        for field in FIELD_NAMES:
            said = fields.get(field)
            if said is None or _values(field, said) == _values(field, shown[field]):
                continue  # unchanged: nothing written, nothing logged
            await documents.set_hall_document(uow(), chat_id=chat_id, actor=seen.actor,
                                              field=field, values=_values(field, said))
    except DomainError as error:
        return await _page(request, seen, error=error, hall=chat_id)
    raise web.HTTPSeeOther(f"/staff/halls?done=document#hall{chat_id}")


async def glossary(request: web.Request) -> web.StreamResponse:
    """The recogniser's words: the bot's /glossary use case, its limits and its words."""
    chat_id = _chat_id(request)
    fields, seen = await posted(request)
    said = fields.get("glossary", "")
    try:
        await services.set_hall_glossary(room.deps(request).uow(), chat_id=chat_id,
                                         actor=seen.actor, words=_lines(said))
    except DomainError as error:
        return await _page(request, seen, error=error, hall=chat_id, typed={"glossary": said})
    raise web.HTTPSeeOther(f"/staff/halls?done=glossary#hall{chat_id}")


async def town(request: web.Request) -> web.StreamResponse:
    """The 乡镇/街道 of the hall's figures; empty: the one its name starts with."""
    chat_id = _chat_id(request)
    fields, seen = await posted(request)
    said = fields.get("town", "")
    try:
        await documents.set_hall_town(room.deps(request).uow(), chat_id=chat_id,
                                      actor=seen.actor, town=said)
    except DomainError as error:
        return await _page(request, seen, error=error, hall=chat_id, typed={"town": said})
    raise web.HTTPSeeOther(f"/staff/halls?done=town#hall{chat_id}")


async def _upload(request: web.Request) -> tuple[dict[str, str], bytes | None]:
    """The form's fields and the file, read part by part (a template may be larger than the
    app's limit for ordinary forms); a file over the limit is refused."""
    fields: dict[str, str] = {}
    data: bytes | None = None
    reader = await request.multipart()
    async for part in reader:
        if not isinstance(part, BodyPartReader):
            continue
        if part.filename is not None:
            chunks, size = [], 0
            while chunk := await part.read_chunk():
                size += len(chunk)
                if size > MAX_TEMPLATE_BYTES:
                    raise InvalidInput("hall_template_bad", why="too_big")
                chunks.append(chunk)
            data = b"".join(chunks) or None
        elif part.name:
            fields[part.name] = (await part.text())[:200]
    return fields, data


async def template(request: web.Request) -> web.StreamResponse:
    chat_id = _chat_id(request)
    room.check_write(request)
    try:
        fields, data = (await _upload(request) if request.content_type.startswith("multipart/")
                        else (await room.form(request), None))  # "clear" alone
    except InvalidInput as error:
        return await _page(request, await visit(request), error=error, hall=chat_id)
    seen = await visit(request, fields)
    clear = fields.get("clear") == "yes"
    try:
        if data is None and not clear:
            raise InvalidInput("hall_template_bad", why="not_docx")
        await documents.set_hall_template(room.deps(request).uow(), chat_id=chat_id,
                                          actor=seen.actor, data=None if clear else data,
                                          check=check_template)
    except DomainError as error:
        return await _page(request, seen, error=error, hall=chat_id)
    raise web.HTTPSeeOther(f"/staff/halls?done={'cleared' if clear else 'template'}"
                           f"#hall{chat_id}")


def routes(app: web.Application) -> None:
    app.router.add_get("/staff/halls", page, name="staff-halls")
    app.router.add_post("/staff/halls/{hall}/document", document, name="staff-hall-document")
    app.router.add_post("/staff/halls/{hall}/template", template, name="staff-hall-template")
    app.router.add_post("/staff/halls/{hall}/glossary", glossary, name="staff-hall-glossary")
    app.router.add_post("/staff/halls/{hall}/town", town, name="staff-hall-town")
