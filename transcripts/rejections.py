"""Plain-English words for the AudioRejected codes, for the CLI and the ASR server (the bot
has its own catalogues, in the user's language)."""

from __future__ import annotations

from facilitation.speech import AudioRejected

MESSAGES = {
    "not_audio": "not audio that can be transcribed",
    "corrupt_audio": "the audio file is damaged and cannot be decoded",
    "empty_audio": "the audio file holds no sound",
    "audio_too_long": "the audio is too long ({duration_s} s, at most {limit_s} s)",
    "audio_too_large": "the file is too large ({size_mb} MB, at most {limit_mb} MB)",
    "no_speech": "only silence or noise was heard",
    "audio_rejected": "this audio cannot be transcribed",
}


class _Keep(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "?"


def explain(rejected: AudioRejected) -> str:
    """One lower-case sentence saying why ``rejected`` was refused."""
    template = MESSAGES.get(rejected.code, rejected.code.replace("_", " "))
    return template.format_map(_Keep(rejected.params))
