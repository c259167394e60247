"""The audit log: which moderator or staff action was taken, by whom, when, on what.

An entry is written by the use case that takes the action, in the same unit of work, so an
action and its entry are committed together or not at all. Entries carry numbers and codes
(a turn's number, a version, a position in the queue), never names or texts: people are
referred to by their row, so forgetting a person needs no rewriting of the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from facilitation.model import Person


class AuditAction(StrEnum):
    OPENED = "opened"  # /new
    PROXY = "proxy"  # /proxy: someone signed in by the moderator
    NEXT = "next"  # the floor given to the next speaker (or to a chosen hand)
    ENDED_TURN = "ended_turn"  # someone else's turn ended by the moderator
    MOVED = "moved"  # /up: a hand moved to the front
    SKIPPED = "skipped"  # /skip: the head sent to the back
    REMOVED = "removed"  # /remove: a hand taken out of the queue
    LIMIT = "limit"  # /limit
    GLOSSARY = "glossary"  # /glossary
    CLOSED = "closed"  # /end
    FIXED = "fixed"  # /fix: a turn's transcript corrected
    EDITED = "edited"  # an edit of the draft minutes (/addsug, /dropsug, /unit, ...)
    APPROVED = "approved"  # /approve: a version of the minutes frozen
    HALL = "hall"  # /hall: what the hall's minutes are sent as
    TEMPLATE = "template"  # /template: the hall's Word template set or cleared
    TOWN = "town"  # the hall's 乡镇/街道 for the figures set or cleared (/staff/halls)
    FORGOT = "forgot"  # a person's data erased on request
    EXPORTED = "exported"  # a person's data exported on request
    GRANTED = "granted"  # a role given (facilitation/roles.py); detail: role
    REVOKED = "revoked"  # a role taken back
    LOGIN = "login"  # a web session started by a one-time link (/portal)
    LOGOUT = "logout"  # a web session ended by its owner
    UPLOADED = "uploaded"  # a whole meeting's recording uploaded on the workbench; detail: job
    SHOWCASE = "showcase"  # the public showcase changed (facilitation/showcase.py); detail: what


@dataclass(frozen=True)
class Operator:
    """Someone acting from outside the chat: the command line, run by ``name`` (the login)."""

    name: str

    @property
    def label(self) -> str:
        return f"cli:{self.name}"


@dataclass(frozen=True)
class AuditEntry:
    action: AuditAction
    at: datetime | None = None  # None: stamped by storage with the unit of work's clock
    session_id: int | None = None
    chat_id: int | None = None
    actor_id: int | None = None  # the person who acted (in the chat); None from the CLI
    operator: str | None = None  # who acted from outside the chat, e.g. "cli:root"
    subject_id: int | None = None  # the person acted upon
    detail: dict[str, Any] = field(default_factory=dict)  # numbers and codes only
    id: int | None = None


def audit_entry(action: AuditAction, actor: Person | Operator | None, *,
                session_id: int | None = None, chat_id: int | None = None,
                at: datetime | None = None, subject_id: int | None = None,
                **detail: Any) -> AuditEntry:
    """An entry for ``action`` taken by a person of the chat, or by an operator."""
    if isinstance(actor, Operator):
        return AuditEntry(action, at, session_id, chat_id, None, actor.label, subject_id, detail)
    return AuditEntry(action, at, session_id, chat_id, actor.id if actor else None, None,
                      subject_id, detail)
