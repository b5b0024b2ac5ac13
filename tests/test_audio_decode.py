"""Decoding: every container the reader accepts, the centred excerpt, rates, failures, read-only."""

from __future__ import annotations

import os

import numpy as np
import pytest

from auditor.audio.decode import UndecodableAudio, decode_excerpt
from auditor.errors import UnreadableFile
from tests.audio_material import RATE, tone, write

# codec -> (extension, decoder expected to handle it)
CODECS = {
    "wav": (".wav", "soundfile"), "aiff": (".aiff", "soundfile"), "flac": (".flac", "soundfile"),
    "vorbis": (".ogg", "soundfile"), "mp3": (".mp3", "soundfile"), "opus": (".opus", "pyav"),
    "aac": (".m4a", "pyav"), "alac": (".m4a", "pyav"), "wma": (".wma", "pyav"),
}


def _dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.shape[0])))
    return float(np.argmax(spectrum) * rate / samples.shape[0])


@pytest.mark.parametrize("codec", sorted(CODECS))
def test_every_container_decodes_to_the_written_audio(tmp_path, codec):
    ext, decoder = CODECS[codec]
    stereo = np.stack([tone(1000.0, 2.0), tone(1000.0, 2.0)], axis=1)
    path = write(tmp_path / f"tone{ext}", stereo, codec, bitrate=128_000)
    excerpt = decode_excerpt(str(path))
    assert excerpt.decoder == decoder
    assert excerpt.source_channels == 2
    assert excerpt.rate == (48_000 if codec == "opus" else RATE)
    assert excerpt.samples.dtype == np.float32 and excerpt.samples.ndim == 1
    assert abs(excerpt.duration_read - 2.0) < 0.1  # encoders pad a little
    assert abs(_dominant_hz(excerpt.samples, excerpt.rate) - 1000.0) < 2.0
    assert 0.3 < float(np.max(np.abs(excerpt.samples))) < 0.7


@pytest.mark.parametrize("codec", ["flac", "aac"])
def test_long_tracks_are_read_from_the_middle(tmp_path, codec):
    # 20 one-second steps at 500, 600, ... Hz: the excerpt's pitch says where it came from
    steps = np.concatenate([tone(500.0 + 100.0 * i, 1.0) for i in range(20)])
    path = write(tmp_path / f"steps{CODECS[codec][0]}", steps, codec, bitrate=192_000)
    excerpt = decode_excerpt(str(path), max_seconds=2.0)
    assert excerpt.duration_read == pytest.approx(2.0, abs=0.01)
    assert excerpt.offset_s == pytest.approx(9.0, abs=0.05)
    assert excerpt.track_seconds == pytest.approx(20.0, abs=0.1)
    first, second = excerpt.samples[: RATE // 2], excerpt.samples[-RATE // 2:]
    assert _dominant_hz(first, excerpt.rate) == pytest.approx(1400.0, abs=5)
    assert _dominant_hz(second, excerpt.rate) == pytest.approx(1500.0, abs=5)


def test_short_tracks_are_read_whole_and_channels_kept_on_request(tmp_path):
    stereo = np.stack([tone(440.0, 1.5), np.zeros(int(1.5 * RATE), np.float32)], axis=1)
    path = write(tmp_path / "left.wav", stereo, "wav")
    excerpt = decode_excerpt(str(path), keep_channels=True)
    assert excerpt.offset_s == 0.0
    assert excerpt.channels is not None and excerpt.channels.shape == (int(1.5 * RATE), 2)
    assert np.allclose(excerpt.samples, excerpt.channels.mean(axis=1), atol=1e-6)
    assert decode_excerpt(str(path)).channels is None


def test_native_rate_is_kept_up_to_48k_and_reduced_above(tmp_path):
    assert decode_excerpt(str(write(tmp_path / "a.wav", tone(1000, 0.5, 48_000), "wav", 48_000))).rate == 48_000
    hi = decode_excerpt(str(write(tmp_path / "b.wav", tone(1000, 0.5, 96_000), "wav", 96_000)))
    assert hi.rate == 48_000 and hi.source_rate == 96_000
    assert abs(_dominant_hz(hi.samples, hi.rate) - 1000.0) < 3.0
    low = decode_excerpt(str(write(tmp_path / "c.wav", tone(1000, 0.5), "wav")), rate=22_050)
    assert low.rate == 22_050 and low.samples.shape[0] == pytest.approx(11_025, abs=2)
    assert abs(_dominant_hz(low.samples, low.rate) - 1000.0) < 3.0


@pytest.mark.parametrize("content", [b"", b"not audio at all " * 100, b"ID3\x04\x00\x00\x00\x00\x10\x00" + bytes(64)])
def test_undecodable_files_raise_one_error_family_naming_the_path(tmp_path, content):
    path = tmp_path / "broken.mp3"
    path.write_bytes(content)
    with pytest.raises(UndecodableAudio) as info:
        decode_excerpt(str(path))
    assert isinstance(info.value, UnreadableFile)
    assert str(path) in str(info.value) and info.value.reason


def test_truncated_streams_decode_what_is_there_or_fail_cleanly(tmp_path):
    for codec, ext in (("mp3", ".mp3"), ("flac", ".flac"), ("aac", ".m4a")):
        path = write(tmp_path / f"full{ext}", tone(700.0, 3.0), codec, bitrate=128_000)
        cut = tmp_path / f"cut{ext}"
        cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        try:
            excerpt = decode_excerpt(str(cut))
        except UndecodableAudio:
            continue
        assert 0.0 < excerpt.duration_read <= 3.1


def test_decoding_never_modifies_the_file(tmp_path):
    paths = [write(tmp_path / "x.flac", tone(300.0, 1.0), "flac"),
             write(tmp_path / "x.m4a", tone(300.0, 1.0), "aac", bitrate=128_000)]
    before = [(p.read_bytes(), os.stat(p).st_mtime_ns) for p in paths]
    for p in paths:
        decode_excerpt(str(p), keep_channels=True)
    assert [(p.read_bytes(), os.stat(p).st_mtime_ns) for p in paths] == before
