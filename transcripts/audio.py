"""Audio in any common container (OGG/Opus voice notes, MP3, M4A/AAC, WAV, MP4 video notes)
decoded with PyAV to 16 kHz mono float32, refused early when it is too long or not audio.

The duration the sender claims is never trusted: the container is probed before decoding, and
decoding stops as soon as the decoded audio passes the limit, because a header can lie (a 20 MB
Opus file can hold hours, over half a gigabyte once decoded).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

import av
import av.container
import numpy as np
import numpy.typing as npt

from facilitation.speech import AudioTooLong, CorruptAudio, EmptyAudio, NotAudio

SAMPLE_RATE = 16_000
Samples = npt.NDArray[np.float32]
AudioSource = Path | bytes

LIMIT_SLACK_S = 1.0  # codec padding and rounding past a container's own duration
FRAME_S = 0.1  # frame length for energy measurements
SILENCE_DBFS = -50.0  # loudest 100 ms frame below this: nothing anyone said
ESTIMATED_DURATION_FORMATS = {"mp3", "aac"}  # ffmpeg guesses these from the bit rate
# Signatures of media files: when such a file does not open it is damaged, not "not audio".
_MAGIC: tuple[tuple[int, bytes], ...] = (
    (0, b"OggS"), (0, b"ID3"), (0, b"RIFF"), (0, b"fLaC"), (0, b"#!AMR"), (0, b"FORM"),
    (0, b"\x1aE\xdf\xa3"), (4, b"ftyp"), (0, b"caff"), (0, b"\x30\x26\xb2\x75"),
)


@dataclass(frozen=True)
class AudioChunk:
    offset_s: float  # where the chunk starts in the whole audio
    samples: Samples

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def _looks_like_media(head: bytes) -> bool:
    if any(head[offset:offset + len(magic)] == magic for offset, magic in _MAGIC):
        return True
    return len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0  # MP3/ADTS sync


def _seconds(value: float) -> float | int:
    """A duration for people: whole seconds from 10 s up, else one decimal."""
    shown = math.ceil(value) if value >= 10 else round(value, 1)
    return int(shown) if shown == int(shown) else shown


class AudioReader:
    """An opened, probed audio file; iterate ``chunks()`` to decode it piece by piece.

    Opening raises NotAudio, CorruptAudio, EmptyAudio or AudioTooLong (claimed duration).
    """

    def __init__(self, source: AudioSource, max_duration_s: float | None = None) -> None:
        self.max_duration_s = max_duration_s
        self.decoded_s = 0.0
        self._container = _open(source)
        try:
            self._stream = _audio_stream(self._container)
            self.format = self._container.format.name
            self.codec = self._stream.codec_context.name
            self.claimed_s = _claimed_duration(self._container, self._stream)
            if max_duration_s is not None and \
                    (self.claimed_s or 0) > max_duration_s + LIMIT_SLACK_S:
                raise AudioTooLong(duration_s=_seconds(self.claimed_s or 0),
                                   limit_s=_seconds(max_duration_s))
        except BaseException:
            self._container.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._container.close()

    def chunks(self, chunk_s: float = 60.0, search_s: float = 10.0) -> Iterator[AudioChunk]:
        """Chunks of about ``chunk_s`` seconds, each cut at the quietest moment of its last
        ``search_s`` seconds so that words are not split."""
        target, search = int(chunk_s * SAMPLE_RATE), int(search_s * SAMPLE_RATE)
        pending: list[Samples] = []
        held, offset = 0, 0
        for block in self._blocks():
            pending.append(block)
            held += len(block)
            while held >= target + search:
                joined = np.concatenate(pending)
                cut = quiet_cut(joined, target - search, target + search)
                yield AudioChunk(offset / SAMPLE_RATE, joined[:cut])
                pending, held, offset = [joined[cut:]], len(joined) - cut, offset + cut
        if held:
            yield AudioChunk(offset / SAMPLE_RATE, np.concatenate(pending))

    def first_sound(self, packets: int) -> None:
        """Decode until a first frame of sound, within ``packets`` packets: CorruptAudio
        when none decodes, EmptyAudio when there are none."""
        read = 0
        for packet in self._container.demux(self._stream):
            if read >= packets:
                break
            read += 1
            try:
                if packet.decode():
                    return
            except av.error.FFmpegError:
                continue
        raise CorruptAudio() if read else EmptyAudio()

    def decode(self) -> Samples:
        """The whole audio at once (bounded by ``max_duration_s``)."""
        blocks = list(self._blocks())
        return np.concatenate(blocks)

    def _blocks(self) -> Iterator[Samples]:
        limit = None
        if self.max_duration_s is not None:
            limit = int((self.max_duration_s + LIMIT_SLACK_S) * SAMPLE_RATE)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        total, errors, packets = 0, 0, 0
        for packet in self._container.demux(self._stream):
            packets += 1
            try:
                frames = packet.decode()
            except av.error.FFmpegError:
                errors += 1  # one damaged packet; ffmpeg resynchronises on the next
                continue
            for frame in frames:
                for out in resampler.resample(frame):
                    block = out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
                    total += len(block)
                    if limit is not None and total > limit:
                        raise AudioTooLong(duration_s=_seconds(total / SAMPLE_RATE),
                                           limit_s=_seconds(self.max_duration_s or 0))
                    self.decoded_s = total / SAMPLE_RATE
                    yield block
        for out in resampler.resample(None):
            block = out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
            total += len(block)
            self.decoded_s = total / SAMPLE_RATE
            yield block
        self._check_complete(total, errors, packets)

    def _check_complete(self, total: int, errors: int, packets: int) -> None:
        decoded = total / SAMPLE_RATE
        claimed = self.claimed_s
        if total == 0:  # nothing decodes, though the file declares audio: damaged
            raise CorruptAudio() if errors or (claimed or 0) > 0.5 else EmptyAudio()
        if errors > max(3, packets // 10):
            raise CorruptAudio(decoded_s=_seconds(decoded), errors=errors)
        estimated = self.format in ESTIMATED_DURATION_FORMATS and not errors
        if claimed and not estimated and decoded < claimed / 2 and claimed - decoded > 1.0:
            # the file declares far more than it holds: cut off in transit
            raise CorruptAudio(decoded_s=_seconds(decoded), claimed_s=_seconds(claimed))


def _open(source: AudioSource) -> av.container.InputContainer:
    target: str | io.BytesIO
    if isinstance(source, bytes):
        head, target = source[:16], io.BytesIO(source)
    else:
        with source.open("rb") as file:
            head, target = file.read(16), str(source)
    if not head:
        raise EmptyAudio()
    try:
        return av.open(target, "r")
    except (av.error.FFmpegError, EOFError, UnicodeDecodeError) as error:
        if _looks_like_media(head):
            raise CorruptAudio() from error
        raise NotAudio() from error


def _audio_stream(container: av.container.InputContainer) -> av.AudioStream:
    if not container.streams.audio:
        raise NotAudio()  # an image, a silent video, a subtitle file...
    stream = container.streams.audio[0]
    stream.codec_context.thread_type = "AUTO"
    return stream


def _claimed_duration(container: av.container.InputContainer,
                      stream: av.AudioStream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


# Containers a recording may be uploaded in (ffmpeg's names): what phones, recorders and
# meeting software save; suffix and type of the file kept.
UPLOAD_FORMATS = {
    "ogg": (".ogg", "audio/ogg"), "mp3": (".mp3", "audio/mpeg"),
    "mov,mp4,m4a,3gp,3g2,mj2": (".m4a", "audio/mp4"), "aac": (".aac", "audio/aac"),
    "wav": (".wav", "audio/wav"), "flac": (".flac", "audio/flac"),
    "matroska,webm": (".webm", "audio/webm"), "amr": (".amr", "audio/amr"),
}
SNIFF_PACKETS = 200  # packets read for a first frame of sound before calling it damaged


@dataclass(frozen=True)
class Sniffed:
    suffix: str
    mime_type: str
    claimed_s: float | None


def sniff(source: Path, max_duration_s: float | None = None) -> Sniffed:
    """What an uploaded file is, by its content (the name proves nothing): one of the upload
    containers, with an audio stream whose start decodes. NotAudio, CorruptAudio, EmptyAudio
    or AudioTooLong (declared) otherwise; the rest is decoded by the scribe."""
    with AudioReader(source, max_duration_s) as reader:
        if reader.format not in UPLOAD_FORMATS:
            raise NotAudio()
        reader.first_sound(SNIFF_PACKETS)
        suffix, mime_type = UPLOAD_FORMATS[reader.format]
        return Sniffed(suffix, mime_type, reader.claimed_s)


def probe(source: AudioSource, max_duration_s: float | None = None) -> float | None:
    """The duration the container declares, after the cheap checks (nothing decoded)."""
    with AudioReader(source, max_duration_s) as reader:
        return reader.claimed_s


def decode(source: AudioSource, max_duration_s: float | None = None) -> Samples:
    """The whole audio as 16 kHz mono float32 in -1..1."""
    with AudioReader(source, max_duration_s) as reader:
        return reader.decode()


def frame_levels(samples: Samples) -> npt.NDArray[np.float64]:
    """RMS level of each 100 ms frame, in dBFS (-120 for digital silence)."""
    size = int(FRAME_S * SAMPLE_RATE)
    usable = len(samples) - len(samples) % size
    if usable == 0:
        frames = samples[None, :].astype(np.float64)
    else:
        frames = samples[:usable].reshape(-1, size).astype(np.float64)
    power = np.mean(frames * frames, axis=1)
    return np.asarray(10.0 * np.log10(np.maximum(power, 1e-12)), dtype=np.float64)


def loudest_dbfs(samples: Samples) -> float:
    """The level of the loudest 100 ms frame: robust to long pauses around short speech."""
    if len(samples) == 0:
        return -120.0
    return float(np.max(frame_levels(samples)))


def is_silent(samples: Samples, threshold_dbfs: float = SILENCE_DBFS) -> bool:
    """No 100 ms frame reaches ``threshold_dbfs``: nothing to transcribe (saves inference)."""
    return loudest_dbfs(samples) < threshold_dbfs


def quiet_cut(samples: Samples, start: int, stop: int) -> int:
    """The sample index at the centre of the quietest 100 ms frame in [start, stop)."""
    size = int(FRAME_S * SAMPLE_RATE)
    start, stop = max(0, start), min(len(samples), stop)
    if stop - start < size:
        return stop
    levels = frame_levels(samples[start:stop])
    return start + int(np.argmin(levels)) * size + size // 2
