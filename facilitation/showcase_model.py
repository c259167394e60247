"""The public showcase's records (issue 13): the office's pages, the halls' plans and listed
people, the photos moderators sent, and how a hall and its sessions look from outside."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class ShowcasePage:
    """A page of 工作制度, in Markdown (rendered without raw HTML)."""

    slug: str
    title: str
    body: str
    position: int
    updated_at: datetime
    id: int | None = None


@dataclass(frozen=True)
class PlannedConsultation:
    chat_id: int
    topic: str
    planned_on: date
    created_at: datetime
    note: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class ListedMember:
    """Someone who agreed to be named under a hall (a member, a convenor, the staff)."""

    chat_id: int
    name: str
    title: str
    agreed_at: datetime
    person_id: int | None = None
    id: int | None = None


@dataclass(frozen=True)
class SessionPhoto:
    session_id: int
    message_id: int
    path: str  # relative to the data folder's photo directory
    width: int
    height: int
    sent_at: datetime
    caption: str | None = None
    shown: bool = False  # public once the hall's staff approve it
    id: int | None = None


@dataclass(frozen=True)
class HallListing:
    chat_id: int
    listed: bool
    name: str | None = None  # its public name, given by the office
    intro: str | None = None


@dataclass(frozen=True)
class PublicHall:
    chat_id: int
    name: str  # the public name the office gave it
    intro: str | None
    held: int  # closed sessions
    published: int  # of them with approved minutes


@dataclass(frozen=True)
class PublicSession:
    id: int
    chat_id: int
    hall: str  # the hall's public name
    topic: str  # as the moderator typed it: shown only through the public rewriting
    held_at: datetime  # when it began (or was opened)
    approved: bool
    settled: int = 0  # its followed-up items settled
