"""Photos for the showcase's 议事堂风采 (bot/handlers/photos.py): the real bot over the
sandbox. The moderator's photo in the group during a session is kept (its file in the data
folder, its row in the record, not public until staff approve it); anyone else's, or one
sent with no session open, is left alone, and nothing is said in the group. (A message
delivered twice is kept once: tests/portal/test_showcase.py.)"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from yishitang.stage import Stage, staged

MOD = "李主席"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (164, 22, 26)).save(out, "JPEG")
    return out.getvalue()


JPEG = _jpeg()


@pytest.fixture
async def stage(tmp_path: Path, sqlite_url: str) -> AsyncIterator[Stage]:
    async with staged(tmp_path, database_url=sqlite_url) as running:
        running.open_group("议事堂", [MOD, "张三"])
        yield running


async def _photos(stage: Stage) -> list[tuple[int, str | None, tuple[int, int]]]:
    """(message id, caption, the kept file's pixel size) of each photo kept."""
    async with stage.runtime.uow() as u:
        sessions = await u.sessions.recent(stage.group.id, limit=5)
        photos = await u.showcase.photos_of([s.id for s in sessions if s.id], shown_only=False)
    folder = stage.runtime.settings.data_dir / "photos"
    found = []
    for p in photos:
        with Image.open(folder / p.path) as image:
            found.append((p.message_id, p.caption, image.size))
    return found


async def test_the_moderators_photo_is_kept_and_no_one_elses(stage: Stage) -> None:
    before = stage.sandbox.send_photo(stage.person(MOD), stage.group, JPEG, caption="还没开会")
    await stage.settled()
    await stage.ask(MOD, "/new 村道路灯")
    await stage.ask("张三", "/signin")
    kept = stage.sandbox.send_photo(stage.person(MOD), stage.group, JPEG, caption="协商现场")
    other = stage.sandbox.send_photo(stage.person("张三"), stage.group, JPEG, caption="我家门口")
    await stage.settled()
    assert await _photos(stage) == [(kept["message_id"], "协商现场", (64, 48))]  # the largest
    assert before["message_id"] != kept["message_id"]
    # the bot said nothing about the photos
    photos = {before["message_id"], kept["message_id"], other["message_id"]}
    assert not [m for m in stage.sandbox.messages(stage.group.id)
                if (m.get("reply_to_message") or {}).get("message_id") in photos]
