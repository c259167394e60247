"""Which speech engine the settings ask for, built for the composition root."""

from __future__ import annotations

import importlib.util

from facilitation.speech import Transcriber
from yishitang.settings import Settings

NO_WHISPER = ("faster-whisper is not installed: pip install 'yishitang[whisper]' for in-process "
              "transcription, or set YISHITANG_ASR_URL to an OpenAI-compatible server")


class SpeechEngineMissing(SystemExit):
    """The in-process engine is asked for but not installed. A SystemExit with one line, like
    a missing token: nothing of the bot should start without a way to transcribe."""


def build_transcriber(settings: Settings) -> Transcriber:
    """An OpenAI-compatible HTTP engine when ASR_URL is set, else faster-whisper in-process."""
    if settings.asr_url:
        from transcripts.http_engine import OpenAIHttpTranscriber

        key = settings.asr_api_key.get_secret_value() if settings.asr_api_key else None
        return OpenAIHttpTranscriber(settings.asr_url, api_key=key)
    if importlib.util.find_spec("faster_whisper") is None:  # the [whisper] extra is optional
        raise SpeechEngineMissing(NO_WHISPER)
    from transcripts.whisper import WhisperOptions, WhisperTranscriber

    return WhisperTranscriber(WhisperOptions(
        model=settings.whisper_model, device=settings.whisper_device,
        compute_type=settings.whisper_compute_type, beam_size=settings.whisper_beam_size,
        cpu_threads=settings.whisper_threads, workers=settings.asr_workers,
        use_hotwords=settings.whisper_hotwords,
        models_dir=settings.models_dir))
