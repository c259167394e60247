"""Who is told what when a followed-up item changes: pure rules over one event.

Notices are derived from the item's events (facilitation/tracking.py), whatever made them
(staff's commands, an approval, a unit mapped later, the command line), in one place:
:func:`owed` says what an event owes to which audience, :func:`notices` puts names (chats)
on it, :func:`settles_session` says when the hall hears that a session's items are all
settled. Reading the events and recording that their notices are written is the use case's
(facilitation/tracking_notifying.py); the words are the bot's (bot/item_notices.py).

Who hears what:

- the liaisons of the item's unit, on 交办: a follow-up item created with its unit, a
  suggestion referred, an item reassigned (to a unit the directory knows) or its unit mapped
  later; and on 再办理, when the proposer was not satisfied and the item went back;
- the proposer (facilitation.tracking_access.proposers_of: who may evaluate), when their
  suggestion is converted or referred, and when the unit replied (asked to rate it);
- staff, when a rating is 不满意 (sent back, or, the second time, standing), and when an item
  is referred to a unit with no liaison to tell: the two cases that need a person to step in.
  Staff are not told of every reply: /track and the figures show those;
- the hall's group, if it asked for it, once every item of a session is settled.

Nobody hears of a revision, a progress note, a conversion's number, a deadline changed or an
item withdrawn or reinstated: the reminders and /mine carry those.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from facilitation.model import Person
from facilitation.services import reachable
from facilitation.tracking import (
    SETTLED,
    WITH_UNIT,
    EventKind,
    ItemEvent,
    ItemKind,
    ItemStatus,
    Satisfaction,
    TrackedItem,
)


class Audience(StrEnum):
    LIAISON = "liaison"  # the liaisons of the item's unit
    PROPOSER = "proposer"  # who may evaluate the item
    STAFF = "staff"
    GROUP = "group"  # the hall the session was held in


class NoticeKind(StrEnum):
    ASSIGNED = "assigned"  # 交办: to the unit's liaisons
    REDO = "redo"  # 再办理: the proposer was not satisfied; to the liaisons
    CONVERTED = "converted"  # to the proposer
    REFERRED = "referred"  # to the proposer
    REPLIED = "replied"  # to the proposer, with the rating buttons
    UNSATISFIED = "unsatisfied"  # to staff
    NO_LIAISON = "no_liaison"  # to staff: referred to a unit nobody is there to tell
    SETTLED = "settled"  # to the group: every item of the session settled


@dataclass(frozen=True)
class Recipient:
    """A chat to tell: a private chat (a Telegram user id) or a group, and its language
    (None: the bot's default)."""

    chat_id: int
    language: str | None = None


def _closed(status: ItemStatus) -> bool:
    return status in SETTLED or status == ItemStatus.WITHDRAWN


def owed(event: ItemEvent, item: TrackedItem) -> tuple[tuple[Audience, NoticeKind], ...]:
    """What ``event`` owes, to whom; ``item`` is the item as that event left it."""
    kind = event.kind
    if kind == EventKind.CREATED:
        assigned = (item.kind == ItemKind.FOLLOW_UP and item.unit_id is not None
                    and item.status == ItemStatus.REFERRED)
        return ((Audience.LIAISON, NoticeKind.ASSIGNED),) if assigned else ()
    if kind == EventKind.REFERRED:
        return ((Audience.LIAISON, NoticeKind.ASSIGNED), (Audience.PROPOSER, NoticeKind.REFERRED))
    if kind in (EventKind.REASSIGNED, EventKind.UNIT_MAPPED):
        return ((Audience.LIAISON, NoticeKind.ASSIGNED),) if item.unit_id is not None else ()
    if kind == EventKind.CONVERTED:
        return ((Audience.PROPOSER, NoticeKind.CONVERTED),)
    if kind == EventKind.REPLIED:
        return ((Audience.PROPOSER, NoticeKind.REPLIED),)
    if kind == EventKind.EVALUATED:
        if event.to_status == ItemStatus.REOPENED:
            return ((Audience.LIAISON, NoticeKind.REDO), (Audience.STAFF, NoticeKind.UNSATISFIED))
        if event.detail.get("satisfaction") == Satisfaction.UNSATISFIED.value:
            return ((Audience.STAFF, NoticeKind.UNSATISFIED),)
    return ()


@dataclass(frozen=True)
class Told:
    """One notice to one chat."""

    kind: NoticeKind
    to: Recipient


def stale(kind: NoticeKind, then: TrackedItem, current: TrackedItem) -> bool:
    """A notice whose news the item has outrun before it was written (a backlog: the bot was
    stopped): a unit's liaisons are not asked to handle an item that has since left their
    unit, nor a proposer to rate a reply that is no longer the item's last word."""
    if kind in (NoticeKind.ASSIGNED, NoticeKind.REDO):
        return current.unit_id != then.unit_id or current.status not in WITH_UNIT
    if kind == NoticeKind.REPLIED:
        return current.status != ItemStatus.DONE
    return False


def notices(event: ItemEvent, item: TrackedItem, *, liaisons: Sequence[Recipient],
            proposers: Sequence[Recipient], staff: Sequence[Recipient],
            current: TrackedItem | None = None) -> list[Told]:
    """The notices ``event`` owes, each chat told each kind once. A 交办 with no liaison to
    tell becomes a notice to staff that nobody was told. ``current``: the item as it is now,
    when later events followed (stale notices are dropped)."""
    audiences = {Audience.LIAISON: liaisons, Audience.PROPOSER: proposers,
                 Audience.STAFF: staff}
    told: dict[tuple[NoticeKind, int], Told] = {}
    for audience, kind in owed(event, item):
        if current is not None and stale(kind, item, current):
            continue
        chats = audiences.get(audience, ())
        if kind == NoticeKind.ASSIGNED and not chats:
            kind, chats = NoticeKind.NO_LIAISON, staff
        for recipient in chats:
            told.setdefault((kind, recipient.chat_id), Told(kind, recipient))
    return list(told.values())


def people_told(people: Iterable[Person]) -> list[Recipient]:
    """The people who can be told, in private: not forgotten, with a Telegram account."""
    chats: dict[int, Recipient] = {}
    for person in people:
        user_id = person.telegram_user_id
        if person.forgotten_at is None and user_id is not None and reachable(user_id):
            chats.setdefault(user_id, Recipient(user_id, person.language))
    return list(chats.values())


def users_told(user_ids: Iterable[int], known: Iterable[Person] = ()) -> list[Recipient]:
    """Telegram users to tell in private (liaisons, staff), in the language of the person
    stored for each, if any; a forgotten person is not told."""
    people = {p.telegram_user_id: p for p in known if p.telegram_user_id is not None}
    chats: dict[int, Recipient] = {}
    for user_id in user_ids:
        person = people.get(user_id)
        if not reachable(user_id) or (person is not None and person.forgotten_at is not None):
            continue
        chats.setdefault(user_id, Recipient(user_id, person.language if person else None))
    return list(chats.values())


def resolves(event: ItemEvent) -> bool:
    """Whether the event took its item out of the open ones (settled or withdrawn)."""
    return (event.from_status is not None and not _closed(event.from_status)
            and _closed(event.to_status))


def all_settled(items: Iterable[TrackedItem]) -> bool:
    """Every item of a session settled (withdrawn ones aside), and there is at least one."""
    kept = [i for i in items if i.status != ItemStatus.WITHDRAWN]
    return bool(kept) and all(i.settled for i in kept)


def settles_session(event: ItemEvent, session_items: Iterable[TrackedItem], *,
                    resolved_later: bool) -> bool:
    """Whether the group hears, with ``event``, that its session's items are all settled:
    the event closed its item, every item of the session is settled now, and no later event
    whose notices are still owed closes another (that one tells it; so the group hears it
    once, however many replies a batch holds). An item sent back and replied again makes it
    true again: the group hears it again."""
    return resolves(event) and not resolved_later and all_settled(session_items)
