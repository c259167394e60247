"""Kept audio files in the data folder (DATA_DIR/audio), deleted on request."""

from __future__ import annotations

import asyncio
from pathlib import Path


class FolderAudioFiles:
    """The ``AudioFiles`` port on a folder: paths are relative to it, as the scribe keeps
    them (``<session id>/<job id>.<ext>``); a path leading outside it is refused."""

    def __init__(self, root: Path) -> None:
        self._root = root.resolve()

    def _path(self, relative: str) -> Path:
        path = (self._root / relative).resolve()
        if not path.is_relative_to(self._root):
            raise ValueError(f"audio path outside {self._root}: {relative!r}")
        return path

    async def delete(self, path: str) -> bool:
        target = self._path(path)
        existed = await asyncio.to_thread(target.exists)
        await asyncio.to_thread(target.unlink, missing_ok=True)
        return existed
