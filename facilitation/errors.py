"""Domain errors: one base class, each with a code that adapters translate into words."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the deliberation was broken; nothing was changed.

    ``code`` names the message in the adapters' catalogues; ``params`` fill it in.
    """

    code = "domain_error"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        if code is not None:
            self.code = code
        self.params = params
        super().__init__(f"{self.code} {params}" if params else self.code)


class NotFound(DomainError):
    code = "not_found"


class PermissionDenied(DomainError):
    code = "not_moderator"


class InvalidInput(DomainError):
    code = "invalid_input"


class InvalidState(DomainError):
    code = "invalid_state"
