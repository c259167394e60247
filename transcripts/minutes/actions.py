"""下一步工作: follow-up items with unit and deadline (stub; being written)."""

from __future__ import annotations

from transcripts.minutes.model import Action, Transcript


def find_actions(transcript: Transcript) -> list[Action]:
    return []
