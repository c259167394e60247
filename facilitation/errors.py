"""Domain errors: one base class, each with a code that adapters translate into words."""

from __future__ import annotations

from collections.abc import Callable
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


def describe(words: Callable[..., str], language: str, error: DomainError) -> str:
    """The error in words (``words(language, key, **params)``): a field, a kind of numbered
    item or why a file will not do are words of their own (field_<name>, minutes_what_<what>,
    why_<why>). The bot, the web and the command line all say it so."""
    params = dict(error.params)
    if "field" in params:
        params["field"] = words(language, f"field_{params['field']}")
    if "what" in params:  # which kind of numbered item: 意见建议, 工作事项
        params["what"] = words(language, f"minutes_what_{params['what']}")
    if "why" in params:  # why a file will not do, in a word
        params["why"] = words(language, f"why_{params['why']}")
    return words(language, error.code, **params)
