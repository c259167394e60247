"""The JSON API's OpenAPI document (`/api/openapi.json`), and its parameters as the handlers
read them (portal/api.py): one description for both, so what the document promises is what
the handlers accept (anything else is 400) and answer (tests/portal/test_api_schemathesis.py
holds them to it). Objects we shape ourselves allow no other property; the minutes are the
documented interchange format (yishitang/schemas/minutes.schema.json), described here by its
required part only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from facilitation.model import (
    ContributionKind,
    ContributionStatus,
    Mark,
    ParticipantKind,
    SessionStatus,
    SignInMethod,
    Source,
)
from facilitation.tracking import Conversion, EventKind, ItemKind, ItemStatus
from facilitation.tracking_services import MAX_ROW_ID
from portal.login import COOKIE

JSON = dict[str, Any]
INT64 = 2**63 - 1
# a year (1901-2999, as tracking_figures.parse_period takes it), a quarter or a month
PERIOD = r"^(190[1-9]|19[1-9][0-9]|2[0-9]{3})(Q[1-4]|-(0?[1-9]|1[0-2]))?$"
HALL_MAX = 60  # characters of a hall or town as asked (the figures' page keeps as many)


@dataclass(frozen=True)
class Param:
    """A query or path parameter: its OpenAPI schema, and how the handler reads it."""

    name: str
    schema: JSON
    description: str
    where: str = "query"

    @property
    def openapi(self) -> JSON:
        return {"name": self.name, "in": self.where, "required": self.where == "path",
                "description": self.description, "schema": self.schema}


def _id(name: str, what: str) -> Param:
    return Param(name, {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID},
                 f"the {what}'s number", "path")


FLAG = {"type": "boolean"}
SESSION_ID = _id("session", "session")
ITEM_ID = _id("item", "item")
SESSIONS = (
    Param("hall", {"type": "integer", "minimum": -INT64, "maximum": INT64},
          "only this hall's sessions (its group's chat id)"),
    Param("state", {"type": "string", "enum": [s.value for s in SessionStatus]},
          "only the sessions in this state"),
    Param("period", {"type": "string", "pattern": PERIOD},
          "only the sessions held in 2026 (a year), 2026Q4 (a quarter) or 2026-12 (a month) "
          "of the halls' time zone, by their start (else their creation)"),
)
MINUTES = (Param("public", FLAG, "the public version (approved minutes only): residents' "
                                 "names replaced by their kind, personal data by labels"),)
ITEMS = (
    Param("overdue", FLAG, "only the overdue items"),
    Param("unit", {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID},
          "only this unit's items (its number)"),
    Param("state", {"type": "string", "enum": [s.value for s in ItemStatus]},
          "the items in this state instead of the open ones (settled ones too)"),
    Param("page", {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID},
          "the page (50 items a page; past the last, the last)"),
)
FIGURES = (
    Param("period", {"type": "string", "pattern": PERIOD},
          "2026 (a year), 2026Q4 (a quarter) or 2026-12 (a month); default: this year"),
    Param("hall", {"type": "string", "minLength": 1, "maxLength": HALL_MAX},
          "one hall (its name, part of it, or its chat id) or a town; default: every hall"),
)


def matches(param: Param, said: str) -> bool:
    """Whether a string schema's pattern allows ``said`` (the handler's check, the schema's
    words)."""
    pattern = param.schema.get("pattern")
    return pattern is None or re.search(pattern, said) is not None


# ------------------------------------------------------------------ schemas
def _nullable(schema: JSON) -> JSON:
    return {"anyOf": [schema, {"type": "null"}]}


def _obj(required: dict[str, JSON], optional: dict[str, JSON] | None = None,
         description: str | None = None) -> JSON:
    shaped: JSON = {"type": "object", "additionalProperties": False,
                    "required": list(required), "properties": {**required, **(optional or {})}}
    return shaped | ({"description": description} if description else {})


def _ref(name: str) -> JSON:
    return {"$ref": f"#/components/schemas/{name}"}


def _enum(values: Any) -> JSON:
    return {"type": "string", "enum": [v.value for v in values]}


def _list(items: JSON) -> JSON:
    return {"type": "array", "items": items}


STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
COUNT = {"type": "integer", "minimum": 0}
TIME, DAY = {"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}
RATE = _nullable({"type": "number", "minimum": 0, "maximum": 1})

SESSION_HEAD = {"id": INT, "topic": STR, "hall": _nullable(STR), "hall_chat_id": INT,
                "status": _enum(SessionStatus), "created_at": TIME,
                "started_at": _nullable(TIME), "closed_at": _nullable(TIME)}
DETAIL_KEYS = ("unit_name", "deadline", "previous", "conversion", "reference", "reason",
               "note", "text", "satisfaction")
FIGURE_COUNTS = ("sessions", "suggestions", "follow_ups", "proposal", "opinion", "report",
                 "reserved", "referred", "settled", "replied", "due_replied",
                 "settled_on_time", "overdue", "open", "evaluated", "satisfied", "basically",
                 "unsatisfied", "converted", "items", "people")

SCHEMAS: dict[str, JSON] = {
    "Error": _obj({"error": STR, "message": STR},
                  description="error: a stable code; message: words for people"),
    "SessionRow": _obj({**SESSION_HEAD, "signed_in": COUNT}),
    "SessionList": _obj({
        "sessions": _list(_ref("SessionRow")),
        "halls": _list(_obj({"chat_id": INT, "name": STR}))},
        description="the newest sessions (200 at most) of the halls one sees, newest "
                    "first, filtered (hall, state, period) before the 200 are counted; "
                    "halls: those of the newest 200, to filter by"),
    "Attendee": _obj({
        "person_id": INT, "name": STR, "kind": _enum(ParticipantKind),
        "unit": _nullable(STR), "sector": _nullable(STR), "remote": BOOL, "late": BOOL,
        "method": _enum(SignInMethod), "signed_in_at": TIME, "left_at": _nullable(TIME)}),
    "Turn": _obj({
        "seq": INT, "speaker": STR, "kind": _enum(ContributionKind), "source": _enum(Source),
        "status": _enum(ContributionStatus), "at": TIME, "text": STR,
        "addressed_to": _nullable(STR), "duration_s": _nullable({"type": "number"}),
        "marks": _list(_enum(Mark)), "to_check": BOOL, "corrected_from": _nullable(STR),
        "audio": _nullable(STR)}, description="to_check: 待核对; audio: where its kept "
                                              "audio is served (while kept)"),
    "Session": _obj({
        "session": _obj({**SESSION_HEAD, "moderator": STR,
                         "minutes_version": _nullable(INT)}),
        "attendance": _obj({"total": COUNT, "present": COUNT, "remote": COUNT,
                            "people": _list(_ref("Attendee"))}),
        "turns": _list(_ref("Turn")), "to_check": COUNT}),
    "Minutes": {"type": "object", "additionalProperties": True,
                "required": ["format", "format_version", "session", "attendance",
                             "proceedings", "suggestions", "consensus", "actions",
                             "keywords", "statistics", "status"],
                "properties": {"format": {"const": "yishitang-minutes"},
                               "format_version": {"const": 1},
                               "version": _nullable(INT), "extra": {"type": "object"}},
                "description": "the minutes interchange format, as the JSON download: "
                               "yishitang/schemas/minutes.schema.json"},
    "ItemRow": _obj({
        "id": INT, "session_id": INT, "kind": _enum(ItemKind), "number": _nullable(INT),
        "text": STR, "status": _enum(ItemStatus), "unit_id": _nullable(INT),
        "unit": _nullable(STR), "deadline": _nullable(DAY), "overdue": BOOL,
        "days_left": _nullable(INT), "reopens": COUNT}),
    "ItemList": _obj({
        "items": _list(_ref("ItemRow")), "page": INT, "pages": INT, "page_size": INT,
        "total": COUNT, "overdue": COUNT,
        "unit": _nullable(_obj({"id": INT, "name": STR})), "can_manage": BOOL},
        description="open items (not settled nor withdrawn), or those in the state asked "
                    "for, overdue first, then by deadline"),
    "HistoryLine": _obj({
        "n": INT, "kind": _enum(EventKind), "at": TIME, "who": _nullable(STR),
        "by_proposer": BOOL, "from_status": _nullable(_enum(ItemStatus)),
        "to_status": _enum(ItemStatus), "detail": _obj({}, {key: STR for key in DETAIL_KEYS})},
        description="who: a person or an operator; null: the system (an approval), or, with "
                    "by_proposer, the proposer, whom a unit's liaison is not told"),
    "Item": _obj({
        "item": _obj({
            "id": INT, "session_id": INT, "kind": _enum(ItemKind), "number": _nullable(INT),
            "text": STR, "status": _enum(ItemStatus),
            "conversion": _nullable(_enum(Conversion)), "reference": _nullable(STR),
            "unit_id": _nullable(INT), "unit_name": _nullable(STR),
            "deadline": _nullable(DAY),
            "reply": _nullable(_obj({"text": _nullable(STR), "document": _nullable(STR)}))}),
        "session": _obj({"id": INT, "topic": STR, "hall": _nullable(STR),
                         "held_at": _nullable(TIME)}),
        "history": _list(_ref("HistoryLine")), "can_manage": BOOL}),
    "Figures": _obj({
        **{key: COUNT for key in FIGURE_COUNTS},
        "participants": {"type": "object", "additionalProperties": COUNT,
                         "propertyNames": _enum(ParticipantKind)},
        "satisfaction": RATE, "on_time_rate": RATE}),
    "FigureLine": _obj({"name": STR, "figures": _ref("Figures"), "town": _nullable(STR),
                        "halls": COUNT, "chat_id": _nullable(INT)}),
    "Report": _obj({
        "period": _obj({"label": STR, "first": DAY, "end": DAY}),
        "scope": _nullable(STR), "as_of": DAY, "total": _ref("FigureLine"),
        "halls": _list(_ref("FigureLine")), "towns": _list(_ref("FigureLine"))},
        description="scope: the town or hall asked for; null: every hall one sees. "
                    "period.end is the day after the last"),
}


# ------------------------------------------------------------------ the operations
ERRORS = {
    400: "a parameter that is not as described",
    401: "not logged in (or idle for 30 minutes): log in on /login first",
    403: "logged in, but no role any more (or a unit's liaison, who reads the items only)",
    404: "none, or not one the person may see (a guessed number tells nothing)",
    409: "not possible in its present state",
}


def _json(schema: JSON, description: str) -> JSON:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(summary: str, ok: JSON, params: tuple[Param, ...], *errors: int) -> JSON:
    responses = {"200": _json(ok, "OK")}
    for status in (400, 401, 403, *errors):
        responses[str(status)] = _json(_ref("Error"), ERRORS[status])
    return {"get": {"summary": summary, "parameters": [p.openapi for p in params],
                    "responses": responses}}


PATHS: dict[str, JSON] = {
    "/api/sessions": _operation(
        "the sessions of the halls one sees, newest first (the workbench's /staff)",
        _ref("SessionList"), SESSIONS),
    "/api/sessions/{session}": _operation(
        "one session: attendance, and every turn with its marks and 待核对 (/staff/s/<id>)",
        _ref("Session"), (SESSION_ID,), 404),
    "/api/sessions/{session}/minutes": _operation(
        "the minutes as the JSON download: the latest approved version to whoever may read "
        "it, else the draft to its moderator and the hall's staff; public=true, the public "
        "version once approved. Any other case is 404, alike", _ref("Minutes"),
        (SESSION_ID, *MINUTES), 404),
    "/api/items": _operation(
        "the open followed-up items one may see, or one state's: one's halls', a "
        "liaison's units' (/staff/items, the bot's /track)", _ref("ItemList"), ITEMS, 404),
    "/api/items/{item}": _operation(
        "one item and its whole history (/staff/items/<id>)", _ref("Item"), (ITEM_ID,), 404),
    "/api/figures": _operation(
        "the figures of one's halls for a period, per hall and town (/staff/figures, "
        "the bot's /stats)", _ref("Report"), FIGURES, 404),
    "/api/openapi.json": {"get": {
        "summary": "this document", "security": [],
        "responses": {"200": _json({"type": "object"}, "the OpenAPI document")}}},
}


def document() -> JSON:
    """The OpenAPI document: every operation is read-only (GET) and needs the staff's web
    login (the cookie /login sets), but this document itself."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "议事堂 Yishitang: the workbench's data", "version": "1",
                 "description": "Read-only JSON of the staff workbench: the same data, the "
                                "same roles (read at every request). Log in on /login (or "
                                "the bot's /portal link); the login cookie is the "
                                "credential; 30 idle minutes end it."},
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"staffLogin": {
                "type": "apiKey", "in": "cookie", "name": COOKIE,
                "description": "the encrypted web session cookie set by the login"}}},
        "security": [{"staffLogin": []}],
    }
