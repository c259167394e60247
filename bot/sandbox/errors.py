"""Errors raised by the sandbox: Bot API errors (sent to the bot) and usage errors (for tests)."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API error, rendered as ``{"ok": false, "error_code": N, "description": ...}``."""

    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(f"{error_code}: {description}")
        self.error_code = error_code
        self.description = description

    def to_json(self) -> dict[str, Any]:
        return {"ok": False, "error_code": self.error_code, "description": self.description}


class SandboxUsageError(ValueError):
    """Raised when a test drives the sandbox in a way Telegram clients could not (bad button...)."""


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    return ApiError(403, f"Forbidden: {detail}")


def conflict(detail: str) -> ApiError:
    return ApiError(409, f"Conflict: {detail}")


def parse_entities_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


UNAUTHORIZED = ApiError(401, "Unauthorized")
NOT_FOUND = ApiError(404, "Not Found")
TOO_LARGE = ApiError(413, "Request Entity Too Large")

CHAT_NOT_FOUND = "chat not found"
TEXT_EMPTY = "message text is empty"
TEXT_TOO_LONG = "message is too long"
CAPTION_TOO_LONG = "message caption is too long"
EDIT_NOT_FOUND = "message to edit not found"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
BUTTON_DATA_INVALID = "BUTTON_DATA_INVALID"
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
CANT_INITIATE = "bot can't initiate conversation with a user"
BLOCKED = "bot was blocked by the user"
GET_UPDATES_CONFLICT = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
