"""意见建议: suggestions found in what was said (stub; being written)."""

from __future__ import annotations

from transcripts.minutes.model import ConsensusItem, Suggestion, Transcript


def find_suggestions(transcript: Transcript) -> list[Suggestion]:
    return []


def find_consensus(transcript: Transcript) -> list[ConsensusItem]:
    return []
