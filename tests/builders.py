"""Build small real audio files for tests, by code, in every container we read.

Audio comes from soundfile (libsndfile) and PyAV (FFmpeg); tags are written
with mutagen.  Writing tags here is fine: these are the tests' own files.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

SR = 44100


def tone(seconds: float = 0.5, sr: int = SR, freq: float = 440.0, channels: int = 2) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    mono = 0.2 * np.sin(2 * np.pi * freq * t) + 0.01 * np.random.default_rng(1).standard_normal(t.size)
    return np.repeat(mono[:, None], channels, axis=1).astype(np.float32)


def mpeg_frames(path: Path, frames: int = 60) -> Path:
    """Silent MPEG-1 Layer III frames, 128 kbps, 44.1 kHz (no encoder needed)."""
    frame = bytes([0xFF, 0xFB, 0x90, 0x44]) + bytes(413)
    path.write_bytes(frame * frames)
    return path


def soundfile_audio(path: Path, fmt: str, subtype: str | None = None, seconds: float = 0.5,
                    sr: int = SR) -> Path:
    import soundfile as sf

    sf.write(str(path), tone(seconds, sr), sr, format=fmt, subtype=subtype)
    return path


def pyav_audio(path: Path, container: str, codec: str, seconds: float = 0.5, sr: int = SR,
               bitrate: int = 128_000) -> Path:
    import av

    samples = tone(seconds, sr)
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=sr)
        stream.bit_rate = bitrate
        stream.layout = "stereo"
        fmt = "fltp"
        frame_size = stream.codec_context.frame_size or 1024
        for start in range(0, len(samples), frame_size):
            block = np.ascontiguousarray(samples[start:start + frame_size].T)
            frame = av.AudioFrame.from_ndarray(block, format=fmt, layout="stereo")
            frame.sample_rate = sr
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def png_bytes(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (32, 24)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def riff_info_chunk(entries: dict[str, bytes]) -> bytes:
    body = b"INFO"
    for key, value in entries.items():
        data = value + b"\x00"
        body += key.encode("ascii") + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")
    return b"LIST" + struct.pack("<I", len(body)) + body


def append_riff_chunk(path: Path, chunk: bytes) -> Path:
    """Append a chunk to a RIFF file and fix the RIFF size field."""
    data = bytearray(path.read_bytes()) + chunk
    struct.pack_into("<I", data, 4, len(data) - 8)
    path.write_bytes(bytes(data))
    return path


def id3v1_block(title: bytes, artist: bytes = b"", album: bytes = b"", year: bytes = b"2020",
                comment: bytes = b"", track: int = 0, genre: int = 255) -> bytes:
    comment_field = comment[:28].ljust(28, b"\x00") + (b"\x00" + bytes([track]) if track else b"\x00\x00")
    return (b"TAG" + title[:30].ljust(30, b"\x00") + artist[:30].ljust(30, b"\x00")
            + album[:30].ljust(30, b"\x00") + year[:4].ljust(4, b"\x00") + comment_field + bytes([genre]))
