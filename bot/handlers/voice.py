"""Voice messages, audio files and whole-meeting recordings: recorded at once as pending,
transcribed by the scribe in the background."""

from __future__ import annotations

from telegram import Audio, Document, Message, Update, Video, VideoNote, Voice

from bot import outbox
from bot.catalog import t
from bot.common import Context, actor_of, chat_of, duration, is_group, lang, reply, uow
from facilitation import voice
from facilitation.errors import DomainError
from facilitation.speech import AudioTooLarge, AudioTooLong, NotAudio
from facilitation.voice import Accepted, AudioMessage

MB = 1024 * 1024


def audio_of(message: Message) -> tuple[AudioMessage, bool] | None:
    """The audio a message carries, and whether it is a file (audio/document) or a note."""
    media: Voice | VideoNote | Audio | Video | Document | None = (
        message.voice or message.video_note or message.audio or message.video)
    if media is None and message.document is not None:
        mime = message.document.mime_type or ""
        if not mime.startswith(("audio/", "video/")):
            return None
        media = message.document
    if media is None:
        return None
    is_file = message.voice is None and message.video_note is None
    fields = media.to_dict()  # plain values (PTB is moving duration to timedelta)
    return AudioMessage(
        chat_id=message.chat.id, message_id=message.message_id, file_id=media.file_id,
        file_unique_id=media.file_unique_id, file_size=media.file_size,
        duration_s=fields.get("duration"), mime_type=fields.get("mime_type"),
    ), is_file


def check_limits(audio: AudioMessage, context: Context, recording: bool) -> None:
    """Refuse before downloading: what Telegram says of size, and the claimed duration."""
    limits = context.deps.audio
    if audio.file_size is not None and audio.file_size > limits.max_file_bytes:
        raise AudioTooLarge(size_mb=round(audio.file_size / MB, 1),
                            limit_mb=limits.max_file_bytes // MB)
    limit = limits.max_recording_s if recording else limits.max_voice_s
    if audio.duration_s is not None and audio.duration_s > limit:
        raise AudioTooLong(duration_s=int(audio.duration_s), limit_s=limit)


async def on_audio(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    found = audio_of(message)
    if found is None:
        if not is_group(update):
            raise NotAudio()
        return  # other files in a group are none of our business
    audio, is_file = found
    accepted = await _accept(update, context, audio, is_file)
    if accepted is None:
        return
    language = lang(update, context)
    if accepted.contribution is None:
        text = t(language, "recording_received",
                 duration=duration(language, int(audio.duration_s or 0)))
    else:
        text = t(language, "voice_transcribing", name=accepted.person.display_name,
                 duration=duration(language, int(audio.duration_s or 0)))
    sent = await reply(update, text)
    job_id = accepted.job.id
    if sent is not None and job_id is not None and not outbox.link_last(audio_job=job_id):
        await voice.set_reply_message(context.deps.uow(), job_id=job_id,
                                      message_id=sent.message_id)
    context.deps.on_audio()


async def _accept(update: Update, context: Context, audio: AudioMessage,
                  is_file: bool) -> Accepted | None:
    actor, now = actor_of(update, context), context.deps.clock()
    if not is_group(update):
        check_limits(audio, context, recording=False)
        return await voice.accept_private_voice(uow(update, context), actor=actor,
                                                audio=audio, now=now)
    if is_file and await _runs_session(update, context):
        check_limits(audio, context, recording=True)
        return await voice.accept_recording(uow(update, context), actor=actor, audio=audio,
                                            now=now)
    check_limits(audio, context, recording=False)
    return await voice.accept_group_voice(uow(update, context), actor=actor, audio=audio,
                                          now=now)


async def _runs_session(update: Update, context: Context) -> bool:
    """Audio files from the moderator or staff are recordings of the meeting."""
    return await voice.runs_session(context.deps.uow(), actor=actor_of(update, context),
                                    chat_id=chat_of(update).id)


def describe_rejection(language: str, error: DomainError) -> str:
    return t(language, error.code, **error.params)
