"""Taking the notices the events of followed-up items owe, each event once.

An event is stored with ``notified_at`` unset (item_events). :func:`take_notices` reads the
next such events in the order they were stored, claims each (compare and set: another process
that claimed it first writes its notices, not this one), and works out what it owes with the
rules of facilitation/tracking_notices.py. The caller writes the notices as outbox rows in the
same transaction (bot/item_notices.py): committed together, a notice is written exactly once;
rolled back, the events are still unnotified and taken again.

The hall's switch for the group's notice (every item of a session settled) is here too: the
hall's settings are changed by whoever may change them (facilitation/documents.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from facilitation.audit import AuditAction, audit_entry
from facilitation.documents import _require_hall_editor  # the rule for a hall's settings
from facilitation.errors import NotFound
from facilitation.model import ParticipantKind, Person
from facilitation.ports import TrackingUnitOfWork, UnitOfWork, UnnotifiedEvent
from facilitation.roles import RoleGrant, managers_of
from facilitation.services import Actor, person_for
from facilitation.session import Session
from facilitation.tracking import (
    Conversion,
    ItemEvent,
    ItemKind,
    ItemStatus,
    Reply,
    Satisfaction,
    TrackedItem,
    replay,
)
from facilitation.tracking_access import (
    TrackingRoles,
    proposers_of,
    require_liaison,
    require_party,
)
from facilitation.tracking_notices import (
    Audience,
    NoticeKind,
    Recipient,
    notices,
    owed,
    people_told,
    resolves,
    settles_session,
    users_told,
)
from facilitation.tracking_services import item_by_id
from facilitation.tracking_views import ItemHead
from facilitation.units import Unit


@dataclass(frozen=True)
class ItemBrief(ItemHead):
    """What a notice says of its item, as the event left it."""

    unit: str | None  # the unit's name in the directory, else as written
    deadline: date | None
    topic: str  # of the session it came from
    held_on: date | None  # the session's day, in the hall's time zone
    proposer_kinds: tuple[ParticipantKind, ...]  # never their names
    conversion: Conversion | None = None
    reference: str | None = None
    reply: Reply | None = None
    satisfaction: Satisfaction | None = None
    reopens: int = 0


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    to: Recipient
    item: ItemBrief
    items: int = 0  # SETTLED: how many items the session has (withdrawn ones aside)


@dataclass(frozen=True)
class Taken:
    notices: tuple[Notice, ...]
    events: int  # events read (claimed here, or already claimed by another process)


class _Reading:
    """What one batch reads, each thing once."""

    def __init__(self, uow: TrackingUnitOfWork, tz: tzinfo) -> None:
        self.uow, self.tz = uow, tz
        self._items: dict[int, TrackedItem | None] = {}
        self._sessions: dict[int, Session | None] = {}
        self._units: dict[int, Unit | None] = {}
        self._proposers: dict[int, list[Person]] = {}
        self._people: dict[int, Person | None] = {}
        self._grants: list[RoleGrant] | None = None

    async def item(self, item_id: int) -> TrackedItem | None:
        if item_id not in self._items:
            self._items[item_id] = await self.uow.tracked.get(item_id)
        return self._items[item_id]

    async def event(self, ref: UnnotifiedEvent) -> tuple[TrackedItem, ItemEvent] | None:
        item = await self.item(ref.item_id)
        if item is None or not 0 < ref.n <= len(item.history):
            return None
        return item, item.history[ref.n - 1]

    async def session(self, session_id: int) -> Session | None:
        if session_id not in self._sessions:
            self._sessions[session_id] = await self.uow.sessions.get(session_id)
        return self._sessions[session_id]

    async def unit(self, unit_id: int | None) -> Unit | None:
        if unit_id is None:
            return None
        if unit_id not in self._units:
            self._units[unit_id] = await self.uow.units.get(unit_id)
        return self._units[unit_id]

    async def users(self, user_ids: Iterable[int]) -> list[Recipient]:
        ids = list(user_ids)
        for user_id in ids:
            if user_id not in self._people:
                self._people[user_id] = await self.uow.people.by_telegram_id(user_id)
        return users_told(ids, [p for u in ids if (p := self._people[u]) is not None])

    async def managers(self, item: TrackedItem, configured: Iterable[int]) -> list[Recipient]:
        """Staff to tell of the item: configuration's admins, and whoever manages its hall by
        a grant now (read once a batch)."""
        if self._grants is None:
            self._grants = await self.uow.roles.grants()
        session = await self.session(item.session_id)
        granted = managers_of(self._grants, session.chat_id) if session else set()
        people = await self.uow.people.get_many(sorted(granted))
        ids = [*configured, *(p.telegram_user_id for p in people.values()
                              if p.telegram_user_id is not None and p.forgotten_at is None)]
        return await self.users(dict.fromkeys(ids))

    async def proposers(self, item: TrackedItem) -> list[Person]:
        """Who may evaluate the item (what decides it does not change with its events)."""
        assert item.id is not None
        if item.id not in self._proposers:
            self._proposers[item.id] = await proposers_of(self.uow, item)
        return self._proposers[item.id]

    async def brief(self, item: TrackedItem) -> ItemBrief:
        assert item.id is not None
        session = await self.session(item.session_id)
        unit = await self.unit(item.unit_id)
        kinds: tuple[ParticipantKind, ...] = () if item.kind == ItemKind.FOLLOW_UP else tuple(
            dict.fromkeys(p.kind for p in await self.proposers(item)))
        held = (session.started_at or session.created_at) if session else None
        return ItemBrief(item.id, item.session_id, item.kind, item.number, item.text,
                         item.status, unit.name if unit else item.unit_name, item.deadline,
                         session.topic if session else "",
                         held.astimezone(self.tz).date() if held else None,
                         kinds, item.conversion, item.reference, item.reply,
                         item.satisfaction, item.reopens)


async def _personal(reading: _Reading, event: ItemEvent, then: TrackedItem,
                    current: TrackedItem, staff: Iterable[int]) -> list[Notice]:
    """The notices ``event`` owes to people, in private."""
    wanted = {audience for audience, _kind in owed(event, then)}
    if not wanted:
        return []
    unit = await reading.unit(then.unit_id)
    liaisons = (await reading.users(unit.liaisons)
                if Audience.LIAISON in wanted and unit is not None else [])
    proposers = (people_told(await reading.proposers(then))
                 if Audience.PROPOSER in wanted else [])
    told = notices(event, then, liaisons=liaisons, proposers=proposers,
                   staff=await reading.managers(then, staff), current=current)
    if not told:
        return []
    brief = await reading.brief(then)
    return [Notice(t.kind, t.to, brief) for t in told]


async def _group(reading: _Reading, ref: UnnotifiedEvent, event: ItemEvent,
                 item: TrackedItem) -> list[Notice]:
    """The hall's notice that every item of the session is settled, if this event owes it."""
    if not resolves(event):
        return []
    session = await reading.session(item.session_id)
    if session is None or not await reading.uow.halls.settled_notice(session.chat_id):
        return []
    later = await reading.uow.tracked.unnotified(after=ref.event_id, session_id=item.session_id,
                                                 limit=1000)
    resolved_later = False
    for other in later:
        found = await reading.event(other)
        resolved_later = resolved_later or (found is not None and resolves(found[1]))
    siblings = await reading.uow.tracked.for_session(item.session_id)
    if not settles_session(event, siblings, resolved_later=resolved_later):
        return []
    kept = [s for s in siblings if s.status != ItemStatus.WITHDRAWN]
    return [Notice(NoticeKind.SETTLED, Recipient(session.chat_id, session.language),
                   await reading.brief(item), items=len(kept))]


async def take_notices(uow: TrackingUnitOfWork, *, now: datetime, staff: Iterable[int],
                       tz: tzinfo, limit: int = 100) -> Taken:
    """Claim the next ``limit`` events whose notices are owed and return those notices (none
    may be owed: most events owe nothing). Inside the caller's transaction: the unit of work
    commits, and the caller commits the notices it writes with it. ``staff``: staff's
    Telegram user ids; ``tz``: the hall's time zone (the session's day)."""
    staff = tuple(staff)
    async with uow:
        refs = await uow.tracked.unnotified(limit=limit)
        reading = _Reading(uow, tz)
        taken: list[Notice] = []
        for ref in refs:
            if not await uow.tracked.mark_notified(ref.event_id, now):
                continue  # another process claimed it: its notices are written there
            found = await reading.event(ref)
            if found is None:
                continue
            item, event = found
            then = replay(item.history[:ref.n], item.id)
            taken += await _personal(reading, event, then, item, staff)
            taken += await _group(reading, ref, event, item)
        await uow.commit()
        return Taken(tuple(taken), len(refs))


# ------------------------------------------------------------------ the hall's switch
async def settled_notice(uow: UnitOfWork, *, chat_id: int) -> bool:
    async with uow:
        return await uow.halls.settled_notice(chat_id)


async def set_settled_notice(uow: UnitOfWork, *, chat_id: int, actor: Actor, on: bool) -> None:
    """Whether the group hears when every item of one of its sessions is settled; changed by
    whoever may change the hall's settings."""
    async with uow:
        await _require_hall_editor(uow, chat_id, actor)
        await uow.halls.set_settled_notice(chat_id, on)
        await uow.audit.add(audit_entry(AuditAction.HALL, await person_for(uow, actor),
                                        chat_id=chat_id, field="settled_notice", on=on))
        await uow.commit()


# ------------------------------------------------------------------ what the buttons read
async def item_for_liaison(uow: TrackingUnitOfWork, *, item_id: int, actor: Actor,
                           roles: TrackingRoles) -> TrackedItem:
    """The item, to a liaison of its unit only: what the 办理中 and 办结 buttons check before
    they ask for the note or the reply (the command that follows checks again)."""
    async with uow:
        item = await item_by_id(uow, item_id)
        await require_liaison(uow, roles, actor, item)
        return item


async def reply_document(uow: TrackingUnitOfWork, *, item_id: int, actor: Actor,
                         roles: TrackingRoles) -> str:
    """The reference of the document of the item's reply, to staff, the unit's liaisons and
    the proposer."""
    async with uow:
        item = await item_by_id(uow, item_id)
        await require_party(uow, roles, actor, item)
        if item.reply is None or item.reply.document is None:
            raise NotFound("liaison_no_document", item=item_id)
        return item.reply.document
