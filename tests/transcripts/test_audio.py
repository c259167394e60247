"""Decoding: every container people send, refused early when too long (even when the header
lies), and told apart: not audio, damaged, empty."""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from facilitation.speech import AudioTooLong, CorruptAudio, EmptyAudio, NotAudio
from tests.transcripts.conftest import encode, wav
from transcripts.audio import (
    SAMPLE_RATE,
    AudioReader,
    Samples,
    decode,
    frame_levels,
    is_silent,
    loudest_dbfs,
    probe,
)


def _ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def lying_ogg(data: bytes, factor: float) -> bytes:
    """The same Ogg file with every page's granule position (its clock) scaled by ``factor``
    and the page checksums redone: the container then declares a fraction of what it holds."""
    pages = bytearray(data)
    offset = 0
    while offset < len(pages):
        assert pages[offset:offset + 4] == b"OggS"
        count = pages[offset + 26]
        size = 27 + count + sum(pages[offset + 27:offset + 27 + count])
        granule = struct.unpack_from("<q", pages, offset + 6)[0]
        if granule > 0:
            struct.pack_into("<q", pages, offset + 6, int(granule * factor))
            struct.pack_into("<I", pages, offset + 22, 0)
            struct.pack_into("<I", pages, offset + 22, _ogg_crc(bytes(pages[offset:offset + size])))
        offset += size
    return bytes(pages)


@pytest.mark.parametrize(("container", "video"), [
    ("ogg", False), ("mp3", False), ("ipod", False), ("mp4", True), ("webm", False),
    ("wav", False)], ids=["ogg-opus", "mp3", "m4a-aac", "mp4-video-note", "webm", "wav"])
def test_every_common_container_decodes_to_16k_mono_float(speech: Samples, container: str,
                                                         video: bool) -> None:
    data = encode(speech, container, video=video)
    samples = decode(data, max_duration_s=60)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert abs(len(samples) - len(speech)) / SAMPLE_RATE < 0.15  # codec delay and padding
    assert loudest_dbfs(samples) == pytest.approx(loudest_dbfs(speech), abs=1.5)
    assert probe(data) == pytest.approx(len(speech) / SAMPLE_RATE, abs=0.15)


def test_a_file_on_disk_decodes_like_its_bytes(speech: Samples, tmp_path: Path) -> None:
    path = tmp_path / "voice.ogg"
    path.write_bytes(encode(speech, "ogg"))
    assert len(decode(path)) == len(decode(path.read_bytes()))
    with pytest.raises(FileNotFoundError):
        decode(tmp_path / "missing.ogg")


def test_a_declared_duration_over_the_limit_is_refused_before_decoding(speech: Samples) -> None:
    with pytest.raises(AudioTooLong) as refused:
        AudioReader(encode(speech, "ogg"), max_duration_s=5)  # opening probes, decodes nothing
    assert refused.value.params == {"duration_s": 11, "limit_s": 5}


def test_a_lying_header_is_caught_while_decoding_and_decoding_stops(speech: Samples) -> None:
    minute = np.tile(speech, 6)  # 65 s of audio ...
    liar = lying_ogg(encode(minute, "ogg"), factor=0.05)  # ... declared as about 3 s
    assert probe(liar) < 4
    with pytest.raises(AudioTooLong) as refused:
        decode(liar, max_duration_s=10)
    assert refused.value.params["limit_s"] == 10
    assert 10 < refused.value.params["duration_s"] <= 12  # stopped past the limit, not at 65 s
    assert len(decode(liar)) / SAMPLE_RATE > 60  # with no limit it really holds a minute


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("data", [
    _png(), "会议纪要：这不是音频。\n".encode() * 40, b"%PDF-1.7\n" + bytes(range(256)) * 8,
    os.urandom(4096)], ids=["png", "text", "pdf", "random"])
def test_what_is_not_audio_is_told_so(data: bytes) -> None:
    with pytest.raises(NotAudio):
        decode(data)


def test_a_silent_video_is_not_audio() -> None:
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=10)
        assert isinstance(stream, av.VideoStream)
        stream.width = stream.height = 64
        stream.pix_fmt = "yuv420p"
        for index in range(10):
            frame = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="rgb24")
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    with pytest.raises(NotAudio):
        decode(buffer.getvalue())


def test_damaged_media_is_corrupt_not_foreign(speech: Samples) -> None:
    ogg, mp4 = encode(speech, "ogg"), encode(speech, "mp4", video=True)
    for damaged in (ogg[:300] + os.urandom(20_000),  # a real header, then garbage
                    ogg[: len(ogg) // 20],  # cut off in transit
                    mp4[: len(mp4) // 2]):  # its index (moov) is at the end
        with pytest.raises(CorruptAudio):
            decode(damaged)


def test_nothing_to_decode_is_empty(tmp_path: Path) -> None:
    (tmp_path / "empty.ogg").write_bytes(b"")
    for empty in (b"", tmp_path / "empty.ogg", encode(np.zeros(0, np.float32), "ogg")):
        with pytest.raises(EmptyAudio):
            decode(empty)


def test_silence_is_recognised_by_its_loudest_frame(speech: Samples) -> None:
    rng = np.random.default_rng(7)
    quiet = (rng.standard_normal(SAMPLE_RATE * 5) * 10 ** (-65 / 20)).astype(np.float32)
    assert is_silent(np.zeros(SAMPLE_RATE, np.float32))
    assert is_silent(quiet)  # room tone at -65 dBFS
    assert not is_silent(speech)
    # one second of speech in two minutes of silence: the average is low, the speech is not
    sparse = np.concatenate([np.zeros(SAMPLE_RATE * 60, np.float32),
                             speech[:SAMPLE_RATE], np.zeros(SAMPLE_RATE * 60, np.float32)])
    assert not is_silent(sparse)


def test_chunks_cover_everything_and_cut_where_it_is_quiet(speech: Samples) -> None:
    pause = np.zeros(SAMPLE_RATE // 2, np.float32)
    talk = np.concatenate([speech, pause] * 6)  # 66 s, a half-second pause every 11 s
    with AudioReader(wav(talk)) as reader:
        chunks = list(reader.chunks(chunk_s=20, search_s=5))
    assert sum(len(c.samples) for c in chunks) == len(talk)
    ends = [c.offset_s + c.duration_s for c in chunks]
    assert [c.offset_s for c in chunks[1:]] == pytest.approx(ends[:-1])
    for chunk in chunks[:-1]:
        assert 15 <= chunk.duration_s <= 25
        tail = chunk.samples[-SAMPLE_RATE // 20:]  # the last 50 ms before the cut
        assert frame_levels(tail).max() < -60  # in a pause, not in a word
