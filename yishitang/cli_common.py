"""What the operator's commands over the database share (`yishitang person|audit`,
yishitang/people_cli.py; `yishitang report|documents`, yishitang/report_cli.py): who runs them,
the units of work of a migrated database, the clock, and failures told in one line."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from yishitang.settings import Settings

if TYPE_CHECKING:
    from facilitation.audit import Operator
    from facilitation.ports import TrackingUnitOfWorkFactory

T = TypeVar("T")


def operator() -> Operator:
    """Whoever runs the command, by their login name: trusted (they can read the database
    anyway) and logged."""
    from facilitation.audit import Operator

    try:
        return Operator(getpass.getuser())
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return Operator("unknown")


async def with_uow(settings: Settings,
                   work: Callable[[TrackingUnitOfWorkFactory], Awaitable[T]]) -> T:
    """``work`` with units of work of the database, migrated first; the engine is closed."""
    from storage.engine import make_engine
    from storage.migrate import upgrade_async
    from storage.uow import make_uow_factory

    await upgrade_async(settings.db_url)
    engine = make_engine(settings.db_url)
    try:
        return await work(make_uow_factory(engine))
    finally:
        await engine.dispose()


def now() -> datetime:
    from storage.uow import utc_now

    return utc_now()


def failures_told(command: Callable[[], int]) -> int:
    """Run ``command``: a failure the user can cause (a domain error, a file that cannot be
    written) is one line on stderr and exit code 1."""
    from bot.errors import describe
    from facilitation.errors import DomainError

    try:
        return command()
    except DomainError as error:
        print(describe("en", error), file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
