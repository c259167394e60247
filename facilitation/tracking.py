"""Following every suggestion and follow-up item of approved minutes until it is settled
(协商成果转化与督办, the "后半篇文章").

A :class:`TrackedItem` is one suggestion (意见建议) or follow-up item (下一步工作) of a
session's minutes. Its life cycle is a state machine; every change is an :class:`ItemEvent`
appended to its history (never rewritten, but for the one case below), and the item's state
is exactly the fold of its events (:func:`replay`), because each action builds its event
first and then applies it with the one function that changes an item.

Erasing personal data is the one rewrite of a stored history. When a person is forgotten
(facilitation/people.py), their names in every text of the events of the items of the
sessions they took part in (the item's text and revisions, proposers, unit names, replies,
reasons, notes) become their label, by the rename that redacts the minutes
(facilitation.redact.redact_item). Nothing else of an event changes (its number, kind, time,
author, states), and the item is replayed from the rewritten events and its snapshot written
from that replay, so the replay stays consistent: the item its rewritten events make is its
rewritten snapshot.

Suggestion: 待处理 → 已转化 (提案 / 社情民意信息 / 专报, with its number) | 已交办 (to a unit,
with a deadline) | 留作参考 (with a reason). A follow-up item starts 已交办 to its unit. Then
已接收 → 办理中 (progress notes) → 已办结 (办理答复: text and/or a document) → evaluated by the
proposer: 满意 / 基本满意 settle it; 不满意 reopens it once (再办理), a second 不满意 stands.
An item dropped from a later version of the minutes is withdrawn (已撤销), never deleted, and
reinstated if it comes back. Times are parameters; nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from facilitation.errors import InvalidInput, InvalidState
from facilitation.model import clean_text

REASON_MAX_CHARS = 500
NOTE_MAX_CHARS = 2000
REPLY_MAX_CHARS = 10_000
REFERENCE_MAX_CHARS = 64
ITEM_TEXT_MAX_CHARS = 2000
MAX_REOPENS = 1  # 不满意 sends an item back to its unit once (再办理)


class ItemKind(StrEnum):
    SUGGESTION = "suggestion"  # 意见建议
    FOLLOW_UP = "follow_up"  # 下一步工作


class ItemStatus(StrEnum):
    PENDING = "pending"  # 待处理
    CONVERTED = "converted"  # 已转化
    RESERVED = "reserved"  # 留作参考
    REFERRED = "referred"  # 已交办
    ACCEPTED = "accepted"  # 已接收
    IN_PROGRESS = "in_progress"  # 办理中
    DONE = "done"  # 已办结
    REOPENED = "reopened"  # 再办理
    EVALUATED = "evaluated"  # 已评价
    WITHDRAWN = "withdrawn"  # 已撤销: dropped from the minutes


class Conversion(StrEnum):
    PROPOSAL = "proposal"  # 提案
    OPINION = "opinion"  # 社情民意信息
    REPORT = "report"  # 专报


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY = "basically"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意


class EventKind(StrEnum):
    CREATED = "created"
    REVISED = "revised"  # the text changed in a later version, identity kept
    CONVERTED = "converted"
    NUMBERED = "numbered"  # the reference number of a conversion, given later
    REFERRED = "referred"
    REASSIGNED = "reassigned"  # 改交办: to another unit (or the same, anew), with a reason
    UNIT_MAPPED = "unit_mapped"  # the unit of an item whose unit name did not resolve
    RESERVED = "reserved"
    ACCEPTED = "accepted"
    PROGRESS = "progress"
    REPLIED = "replied"
    EVALUATED = "evaluated"
    DEADLINE_CHANGED = "deadline_changed"
    WITHDRAWN = "withdrawn"
    REINSTATED = "reinstated"


# With the unit: deadlines run, reminders go, the item may be overdue.
WITH_UNIT = frozenset({ItemStatus.REFERRED, ItemStatus.ACCEPTED, ItemStatus.IN_PROGRESS,
                       ItemStatus.REOPENED})
SETTLED = frozenset({ItemStatus.CONVERTED, ItemStatus.RESERVED, ItemStatus.DONE,
                     ItemStatus.EVALUATED})
_ANY = frozenset(ItemStatus) - {ItemStatus.WITHDRAWN}
_HANDLING = frozenset({ItemStatus.ACCEPTED, ItemStatus.IN_PROGRESS, ItemStatus.REOPENED})

# Where each action may start from (its end state is decided by the action).
LEGAL_FROM: Mapping[EventKind, frozenset[ItemStatus]] = MappingProxyType({
    EventKind.REVISED: _ANY,
    EventKind.CONVERTED: frozenset({ItemStatus.PENDING}),
    EventKind.NUMBERED: frozenset({ItemStatus.CONVERTED}),
    EventKind.REFERRED: frozenset({ItemStatus.PENDING}),
    EventKind.RESERVED: frozenset({ItemStatus.PENDING}),
    EventKind.REASSIGNED: WITH_UNIT,
    EventKind.UNIT_MAPPED: WITH_UNIT,
    EventKind.ACCEPTED: frozenset({ItemStatus.REFERRED}),
    EventKind.PROGRESS: _HANDLING,
    EventKind.REPLIED: _HANDLING,
    EventKind.EVALUATED: frozenset({ItemStatus.DONE}),
    EventKind.DEADLINE_CHANGED: WITH_UNIT,
    EventKind.WITHDRAWN: _ANY,
    EventKind.REINSTATED: frozenset({ItemStatus.WITHDRAWN}),
})

# Every code this module and facilitation.units raise, for the adapters' catalogues.
TRACKING_ERROR_CODES = (
    "item_illegal_transition", "item_withdrawn", "item_reason_required",
    "item_deadline_unchanged", "item_deadline_required", "item_reply_empty", "item_no_unit",
    "item_unit_set", "empty_field", "too_long", "unit_name_empty", "unit_name_taken",
    "unit_already_resolved", "unit_not_saved", "bad_liaison", "bad_lead_days",
)


class IllegalTransition(InvalidState):
    """The action does not apply to an item in this state; nothing was changed."""

    code = "item_illegal_transition"  # params: action, status

    def __init__(self, action: EventKind, status: ItemStatus) -> None:
        super().__init__(action=action.value, status=status.value)
        self.action = action
        self.status = status


class ItemWithdrawn(IllegalTransition):
    code = "item_withdrawn"


@dataclass(frozen=True)
class Who:
    """Who acted: a person (by row), an operator of the command line, or (neither) the
    system itself, e.g. approving minutes."""

    person_id: int | None = None
    operator: str | None = None


SYSTEM = Who()


@dataclass(frozen=True)
class ItemEvent:
    """One change of an item: who, when, what, from which state to which. ``detail`` holds
    JSON values (texts, numbers, ISO dates) so storage can keep it as it is."""

    n: int  # 1, 2, 3 ... within the item
    kind: EventKind
    at: datetime
    who: Who
    from_status: ItemStatus | None  # None for CREATED
    to_status: ItemStatus
    detail: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Reply:
    """办理答复: the unit's written reply, a document (a stored file's reference), or both."""

    text: str | None = None
    document: str | None = None


def _text(value: str | None, limit: int, name: str, required: bool = True) -> str | None:
    return clean_text(value, limit=limit, field_name=name, required=required)


def _reason(reason: str | None) -> str:
    text = clean_text(reason, limit=REASON_MAX_CHARS, field_name="reason", required=False)
    if text is None:
        raise InvalidInput("item_reason_required")
    return text


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass
class TrackedItem:
    session_id: int
    kind: ItemKind
    seq: int  # the turn of the record it came from
    text: str
    status: ItemStatus
    number: int | None = None  # the suggestion's number in the minutes
    proposers: tuple[str, ...] = ()  # as named in the minutes
    category: str | None = None
    unit_name: str | None = None  # as written in the minutes, or as referred
    unit_id: int | None = None  # None: not resolved yet (staff map it)
    deadline: date | None = None
    conversion: Conversion | None = None
    reference: str | None = None  # the 提案 / 社情民意信息 / 专报 number
    reason: str | None = None  # why it was kept for reference (留作参考)
    reply: Reply | None = None
    satisfaction: Satisfaction | None = None
    reopens: int = 0
    settled_at: datetime | None = None  # converted, reserved or replied; None once reopened
    version: int | None = None  # the minutes version that last created or changed it
    history: list[ItemEvent] = field(default_factory=list, repr=False)
    id: int | None = None

    # ------------------------------------------------------------------ reading
    @property
    def events(self) -> tuple[ItemEvent, ...]:
        return tuple(self.history)

    @property
    def settled(self) -> bool:
        return self.status in SETTLED

    @property
    def open(self) -> bool:
        return self.status not in SETTLED and self.status != ItemStatus.WITHDRAWN

    @property
    def can_reopen(self) -> bool:
        return self.reopens < MAX_REOPENS

    def overdue_from(self, tz: tzinfo) -> datetime | None:
        """The moment the item becomes overdue: the local midnight after its deadline."""
        return overdue_from(self.deadline, tz) if self.deadline else None

    def is_overdue(self, now: datetime, tz: tzinfo) -> bool:
        """Deadline passed without 已办结, in the hall's time zone ``tz``."""
        start = self.overdue_from(tz)
        return self.status in WITH_UNIT and start is not None and _aware(now) >= start

    def settled_on_time(self, tz: tzinfo) -> bool | None:
        """Replied by the end of the deadline day (local); None when it has no deadline or
        is not settled by a reply."""
        if self.deadline is None or self.settled_at is None or self.reply is None:
            return None
        return self.settled_at.astimezone(tz).date() <= self.deadline

    # ------------------------------------------------------------------ the actions
    def revise(self, text: str, *, version: int, who: Who, at: datetime) -> ItemEvent | None:
        """A later version of the minutes words it differently (identity kept)."""
        clean = _text(text, ITEM_TEXT_MAX_CHARS, "text")
        if clean == self.text:
            return None
        return self._do(EventKind.REVISED, self.status, who, at, text=clean, version=version)

    def convert(self, into: Conversion, reference: str | None, *, who: Who,
                at: datetime) -> ItemEvent:
        ref = _text(reference, REFERENCE_MAX_CHARS, "reference", required=False)
        return self._do(EventKind.CONVERTED, ItemStatus.CONVERTED, who, at,
                        conversion=Conversion(into).value, reference=ref)

    def number_conversion(self, reference: str, *, who: Who, at: datetime) -> ItemEvent:
        ref = _text(reference, REFERENCE_MAX_CHARS, "reference")
        return self._do(EventKind.NUMBERED, ItemStatus.CONVERTED, who, at, reference=ref)

    def refer(self, unit_id: int, unit_name: str, deadline: date | None, *, who: Who,
              at: datetime) -> ItemEvent:
        """交办 a pending suggestion to a unit, with a deadline (the use case gives the
        default one when staff name none)."""
        self._check(EventKind.REFERRED)
        if deadline is None:
            raise InvalidInput("item_deadline_required")
        name = _text(unit_name, REFERENCE_MAX_CHARS, "unit")
        return self._do(EventKind.REFERRED, ItemStatus.REFERRED, who, at, unit_id=unit_id,
                        unit_name=name, deadline=_iso(deadline))

    def reassign(self, unit_id: int | None, unit_name: str, *, reason: str | None,
                 deadline: date | None = None, who: Who, at: datetime) -> ItemEvent:
        """改交办: to another unit, which must accept it anew; a new deadline is optional.
        ``unit_id`` None: a name no unit answers to yet (staff map it, :meth:`map_unit`)."""
        self._check(EventKind.REASSIGNED)
        why = _reason(reason)
        name = _text(unit_name, REFERENCE_MAX_CHARS, "unit")
        return self._do(EventKind.REASSIGNED, ItemStatus.REFERRED, who, at, unit_id=unit_id,
                        unit_name=name, deadline=_iso(deadline or self.deadline), reason=why)

    def map_unit(self, unit_id: int, *, who: Who, at: datetime) -> ItemEvent:
        """The unit a name that did not resolve stands for (the name as written is kept)."""
        self._check(EventKind.UNIT_MAPPED)
        if self.unit_id is not None:
            raise InvalidState("item_unit_set", unit_id=self.unit_id)
        return self._do(EventKind.UNIT_MAPPED, self.status, who, at, unit_id=unit_id)

    def reserve(self, reason: str | None, *, who: Who, at: datetime) -> ItemEvent:
        self._check(EventKind.RESERVED)
        return self._do(EventKind.RESERVED, ItemStatus.RESERVED, who, at, reason=_reason(reason))

    def accept(self, *, who: Who, at: datetime) -> ItemEvent:
        self._check(EventKind.ACCEPTED)
        if self.unit_id is None:
            raise InvalidState("item_no_unit")
        return self._do(EventKind.ACCEPTED, ItemStatus.ACCEPTED, who, at)

    def progress(self, note: str, *, who: Who, at: datetime) -> ItemEvent:
        self._check(EventKind.PROGRESS)
        clean = _text(note, NOTE_MAX_CHARS, "note")
        return self._do(EventKind.PROGRESS, ItemStatus.IN_PROGRESS, who, at, note=clean)

    def reply_with(self, text: str | None = None, document: str | None = None, *, who: Who,
                   at: datetime) -> ItemEvent:
        """办结 with the unit's 办理答复."""
        self._check(EventKind.REPLIED)
        body = _text(text, REPLY_MAX_CHARS, "reply", required=False)
        doc = _text(document, REFERENCE_MAX_CHARS * 4, "document", required=False)
        if body is None and doc is None:
            raise InvalidInput("item_reply_empty")
        return self._do(EventKind.REPLIED, ItemStatus.DONE, who, at, text=body, document=doc)

    def evaluate(self, satisfaction: Satisfaction, *, who: Who, at: datetime) -> ItemEvent:
        """The proposer's evaluation; the first 不满意 reopens the item (再办理)."""
        self._check(EventKind.EVALUATED)
        rating = Satisfaction(satisfaction)
        reopen = rating == Satisfaction.UNSATISFIED and self.can_reopen
        return self._do(EventKind.EVALUATED,
                        ItemStatus.REOPENED if reopen else ItemStatus.EVALUATED, who, at,
                        satisfaction=rating.value)

    def change_deadline(self, deadline: date | None, *, reason: str | None, who: Who,
                        at: datetime) -> ItemEvent:
        """A new deadline (None: none any more). Giving a first one needs no reason;
        changing one does."""
        self._check(EventKind.DEADLINE_CHANGED)
        if deadline == self.deadline:
            raise InvalidInput("item_deadline_unchanged")
        why = _reason(reason) if self.deadline is not None else _text(
            reason, REASON_MAX_CHARS, "reason", required=False)
        return self._do(EventKind.DEADLINE_CHANGED, self.status, who, at,
                        deadline=_iso(deadline), previous=_iso(self.deadline), reason=why)

    def withdraw(self, *, version: int | None, who: Who, at: datetime,
                 reason: str | None = None) -> ItemEvent:
        return self._do(EventKind.WITHDRAWN, ItemStatus.WITHDRAWN, who, at, version=version,
                        reason=_text(reason, REASON_MAX_CHARS, "reason", required=False))

    def reinstate(self, *, version: int | None, who: Who, at: datetime) -> ItemEvent:
        """Back in a later version: to the state it was withdrawn from."""
        self._check(EventKind.REINSTATED)
        before = next(e.from_status for e in reversed(self.history)
                      if e.kind == EventKind.WITHDRAWN)
        assert before is not None
        return self._do(EventKind.REINSTATED, before, who, at, version=version)

    # ------------------------------------------------------------------ the machinery
    def _check(self, kind: EventKind) -> None:
        if self.status not in LEGAL_FROM[kind]:
            error = ItemWithdrawn if self.status == ItemStatus.WITHDRAWN else IllegalTransition
            raise error(kind, self.status)

    def _do(self, kind: EventKind, to: ItemStatus, who: Who, at: datetime,
            **detail: Any) -> ItemEvent:
        self._check(kind)
        event = ItemEvent(len(self.history) + 1, kind, _aware(at), who, self.status, to,
                          MappingProxyType(detail))
        apply_event(self, event)
        return event


def apply_event(item: TrackedItem, event: ItemEvent) -> None:
    """The one place an item changes: append ``event`` and take its consequences."""
    d = event.detail
    kind = event.kind
    if kind == EventKind.REVISED:
        item.text = d["text"]
        item.version = d.get("version", item.version)
    elif kind in (EventKind.CONVERTED, EventKind.NUMBERED):
        if kind == EventKind.CONVERTED:
            item.conversion = Conversion(d["conversion"])
            item.settled_at = event.at
        item.reference = d.get("reference")
    elif kind in (EventKind.REFERRED, EventKind.REASSIGNED):
        item.unit_id, item.unit_name, item.deadline = (d["unit_id"], d["unit_name"],
                                                       _day(d.get("deadline")))
    elif kind == EventKind.UNIT_MAPPED:
        item.unit_id = d["unit_id"]
    elif kind == EventKind.RESERVED:
        item.reason = d["reason"]
        item.settled_at = event.at
    elif kind == EventKind.REPLIED:
        item.reply = Reply(d.get("text"), d.get("document"))
        item.settled_at = event.at
    elif kind == EventKind.EVALUATED:
        item.satisfaction = Satisfaction(d["satisfaction"])
        if event.to_status == ItemStatus.REOPENED:
            item.reopens += 1
            item.settled_at = None
    elif kind == EventKind.DEADLINE_CHANGED:
        item.deadline = _day(d.get("deadline"))
    elif kind in (EventKind.WITHDRAWN, EventKind.REINSTATED):
        item.version = d.get("version") or item.version
    item.status = event.to_status
    item.history.append(event)


def _aware(when: datetime) -> datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("a time with its time zone is needed")
    return when


def overdue_from(deadline: date, tz: tzinfo) -> datetime:
    """An item due on ``deadline`` is overdue from the next local midnight in ``tz``."""
    return datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=tz)


# ------------------------------------------------------------------ creating and replaying
def _created(item: TrackedItem, who: Who, at: datetime) -> TrackedItem:
    event = ItemEvent(1, EventKind.CREATED, _aware(at), who, None, item.status,
                      MappingProxyType({
                          "session_id": item.session_id, "kind": item.kind.value,
                          "seq": item.seq, "text": item.text, "status": item.status.value,
                          "number": item.number, "proposers": list(item.proposers),
                          "category": item.category, "unit_name": item.unit_name,
                          "unit_id": item.unit_id, "deadline": _iso(item.deadline),
                          "version": item.version}))
    item.history.append(event)
    return item


def new_suggestion(session_id: int, seq: int, text: str, *, number: int | None = None,
                   proposers: Iterable[str] = (), category: str | None = None,
                   version: int | None = None, who: Who = SYSTEM,
                   at: datetime) -> TrackedItem:
    """A suggestion of approved minutes, 待处理."""
    clean = _text(text, ITEM_TEXT_MAX_CHARS, "text")
    assert clean is not None
    return _created(TrackedItem(session_id, ItemKind.SUGGESTION, seq, clean,
                                ItemStatus.PENDING, number, tuple(proposers), category,
                                version=version), who, at)


def new_follow_up(session_id: int, seq: int, text: str, *, unit_name: str | None,
                  unit_id: int | None, deadline: date | None, version: int | None = None,
                  who: Who = SYSTEM, at: datetime) -> TrackedItem:
    """A follow-up item of approved minutes: 已交办 to its unit from the start (its unit id
    None while the name as written resolves to no unit)."""
    clean = _text(text, ITEM_TEXT_MAX_CHARS, "text")
    assert clean is not None
    return _created(TrackedItem(session_id, ItemKind.FOLLOW_UP, seq, clean,
                                ItemStatus.REFERRED, unit_name=unit_name, unit_id=unit_id,
                                deadline=deadline, version=version), who, at)


def replay(events: Iterable[ItemEvent], item_id: int | None = None) -> TrackedItem:
    """The item its events make, from its CREATED event on."""
    stream = iter(events)
    first = next(stream, None)
    if first is None or first.kind != EventKind.CREATED:
        raise ValueError("an item's history starts with its creation")
    d = first.detail
    item = TrackedItem(d["session_id"], ItemKind(d["kind"]), d["seq"], d["text"],
                       ItemStatus(d["status"]), d.get("number"), tuple(d.get("proposers", ())),
                       d.get("category"), d.get("unit_name"), d.get("unit_id"),
                       _day(d.get("deadline")), version=d.get("version"), id=item_id)
    item.history.append(first)
    for event in stream:
        if event.from_status != item.status:
            raise ValueError(f"event {event.n} starts from {event.from_status}, "
                             f"the item is {item.status}")
        apply_event(item, event)
    return item


def snapshot(item: TrackedItem) -> TrackedItem:
    """A copy with its own history list (what a repository hands out)."""
    return replace(item, history=list(item.history))
