"""Schema migrations (Alembic), driven from code: ``upgrade(url)``, ``current(url)``.

The scripts live in this package (storage/migrations), found through the package path, so
this works from a source checkout and from an installed wheel alike.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, Connection

from storage.engine import make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | URL) -> Config:
    """An Alembic Config for ``url`` without an .ini file (the URL is never interpolated)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = url if isinstance(url, str) else url.render_as_string(False)
    return config


def head() -> str | None:
    """The newest revision among the scripts."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def is_known(revision: str) -> bool:
    """Whether ``revision`` is among the scripts: a database upgraded by a newer version of
    the code is at a revision this one does not know."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return any(s.revision == revision for s in script.walk_revisions())


def upgrade(url: str | URL, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision``; a no-op when it is there already.

    Synchronous (it runs its own event loop): call it from a CLI, or from async code through
    ``upgrade_async`` / ``asyncio.to_thread``.
    """
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | URL, revision: str) -> None:
    """Undo the migrations above ``revision`` (what they added is dropped). Synchronous."""
    command.downgrade(alembic_config(url), revision)


async def upgrade_async(url: str | URL, revision: str = "head") -> None:
    await asyncio.to_thread(upgrade, url, revision)


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_async(url: str | URL) -> str | None:
    """The revision the database is at; None when it has never been migrated."""
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_revision)
    finally:
        await engine.dispose()


def current(url: str | URL) -> str | None:
    """Synchronous ``current_async`` (it runs its own event loop: not from async code)."""
    return asyncio.run(current_async(url))
