"""Decode a bounded excerpt of any audio file the reader accepts, read-only.

Strategy (why an excerpt, and why the middle):

* **At most ``max_seconds`` (default 60 s) are decoded**, so the time spent per
  file is bounded whatever the track length: a 9-minute track costs the same as
  a 1-minute one.  Tracks shorter than that are decoded whole.
* **The excerpt is centred on the middle of the track.**  Intros, count-ins,
  fade-ins and fade-outs are the least representative parts of a song (silence
  and fades pull loudness and crest factor down and carry no spectral
  signature), while the middle is usually its densest section.  The centre is
  also invariant to a uniform tempo change (a track sped up by 2 % still has
  the same music at its middle), which the near-duplicate fingerprint relies
  on.  Decoders seek cheaply (libsndfile seeks FLAC/WAV/AIFF sample-exactly
  and MP3 by frame; FFmpeg seeks to the packet before the target and the
  excess is discarded), so reading from the middle costs no more than reading
  from the start.
* When the duration is unknown (a stream without a length header), the
  excerpt starts at the beginning; ``offset_s`` says where it started.

Decoders: libsndfile (through soundfile) first - WAV, AIFF, FLAC, Ogg
Vorbis, MP3 - because it is fast and exact; FFmpeg (through PyAV) for
everything libsndfile refuses (AAC/ALAC in MP4, WMA in ASF, raw AAC, ...) and
for Opus, which FFmpeg decodes about twice as fast.
Files are only ever opened for reading; nothing here writes.

Samples are float32 in [-1, 1].  The native rate is kept unless ``rate`` asks
otherwise or the source is above 48 kHz (then it is brought down to 48 or
44.1 kHz): the spectral features need the band up to 16-22 kHz that a
lower analysis rate would throw away.  Resampling uses
``scipy.signal.resample_poly`` (polyphase, Kaiser-windowed anti-alias filter).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from auditor.errors import UnreadableFile

__all__ = ["Excerpt", "UndecodableAudio", "EXCERPT_SECONDS", "MAX_NATIVE_RATE", "decode_excerpt"]

EXCERPT_SECONDS = 60.0
MAX_NATIVE_RATE = 48_000
# containers libsndfile cannot open: go straight to FFmpeg instead of failing first
_PYAV_ONLY = frozenset({"mp4", "asf", "aac", "ac3", "ape", "wavpack", "musepack", "tak", "optimfrog",
                        "tta", "dsf", "dff", "mp2", "ogg-speex", "ogg-opus"})


class UndecodableAudio(UnreadableFile):
    """The audio stream of a file could not be decoded (the tags may still be readable)."""


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A decoded stretch of one file.

    ``samples`` is the mono downmix (mean of the channels), float32 ``(n,)``.
    ``channels`` is the same stretch with every channel, float32 ``(n, c)``,
    when it was asked for (loudness and true peak are per channel), else None.
    """

    samples: np.ndarray
    rate: int
    duration_read: float  # seconds actually decoded
    offset_s: float  # where in the track the excerpt starts
    decoder: str  # "soundfile" or "pyav"
    source_rate: int
    source_channels: int
    track_seconds: float | None  # the whole track's length, when the container says
    channels: np.ndarray | None = None
    note: str = ""  # e.g. "decoding stopped early: ..." for a damaged stream


def decode_excerpt(path: str, *, fmt: str | None = None, rate: int | None = None,
                   max_seconds: float = EXCERPT_SECONDS, keep_channels: bool = False) -> Excerpt:
    """Decode up to ``max_seconds`` from the middle of ``path``.

    ``fmt`` is the reader's detected format (``"mp3"``, ``"mp4"``, ...); it only
    decides which decoder is tried first.  ``rate`` is the output sample rate
    (None: the native rate, capped at 48 kHz).  Raises :class:`UndecodableAudio`
    (an ``UnreadableFile``) with the path and a plain reason on any failure.
    """
    path = os.fspath(path)
    if not max_seconds > 0:
        raise ValueError("max_seconds must be positive")
    errors: list[str] = []
    raw = None
    if fmt not in _PYAV_ONLY:
        try:
            raw = _read_soundfile(path, max_seconds)
        except Exception as exc:  # libsndfile refuses (or fails): fall back to FFmpeg
            reason = _short(exc).replace(f"Error opening {path!r}: ", "")
            if "does not exist" in reason and os.path.isfile(path):  # libsndfile's words for "unknown format"
                reason = "format not recognised"
            errors.append(f"libsndfile: {reason}")
    if raw is None:
        try:
            raw = _read_pyav(path, max_seconds)
        except UnreadableFile:
            raise
        except Exception as exc:
            errors.append(f"FFmpeg: {_short(exc).replace(f': {path!r}', '')}")
            raise UndecodableAudio(path, "cannot decode audio (" + "; ".join(errors) + ")") from exc
    data, src_rate, offset, track_seconds, decoder, note = raw
    if data.shape[0] == 0:
        raise UndecodableAudio(path, "the audio stream holds no samples")
    if not np.all(np.isfinite(data)):
        data = np.nan_to_num(data, nan=0.0, posinf=1.0, neginf=-1.0)
    target = _target_rate(src_rate, rate)
    if target != src_rate:
        data = _resample(data, src_rate, target)
    if data.shape[1] == 1:
        mono = data[:, 0].copy()
    elif data.shape[1] == 2:
        mono = data[:, 0] + data[:, 1]
        mono *= np.float32(0.5)
    else:
        mono = data.mean(axis=1, dtype=np.float32)
    return Excerpt(
        samples=np.ascontiguousarray(mono, dtype=np.float32), rate=target,
        duration_read=data.shape[0] / target, offset_s=offset, decoder=decoder, source_rate=src_rate,
        source_channels=data.shape[1], track_seconds=track_seconds,
        channels=np.ascontiguousarray(data, dtype=np.float32) if keep_channels else None, note=note,
    )


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:160]


def _target_rate(src: int, wanted: int | None) -> int:
    if wanted is not None:
        if wanted < 1000:
            raise ValueError(f"unsupported analysis rate {wanted}")
        return int(wanted)
    if src <= MAX_NATIVE_RATE:
        return src
    return 44_100 if src % 44_100 == 0 else MAX_NATIVE_RATE


def _resample(data: np.ndarray, src: int, dst: int) -> np.ndarray:
    from scipy.signal import resample_poly

    ratio = Fraction(dst, src).limit_denominator(1000)
    out = resample_poly(data, ratio.numerator, ratio.denominator, axis=0)
    return out.astype(np.float32, copy=False)


def _window(total_frames: int | None, src_rate: int, max_seconds: float) -> tuple[int, int]:
    """(start frame, frame count) of the centred excerpt."""
    want = int(math.ceil(max_seconds * src_rate))
    if not total_frames or total_frames <= want:
        return 0, want if not total_frames else total_frames
    return (total_frames - want) // 2, want


_Raw = tuple[np.ndarray, int, float, "float | None", str, str]


def _read_soundfile(path: str, max_seconds: float) -> _Raw:
    import soundfile

    with soundfile.SoundFile(path, "r") as sound:
        src_rate = int(sound.samplerate)
        if src_rate <= 0:
            raise ValueError("no sample rate")
        if sound.subtype == "OPUS":
            raise ValueError("Opus: FFmpeg decodes it faster")  # libsndfile's Opus path is ~2x slower
        total = int(sound.frames) if sound.frames and sound.frames > 0 else None
        start, count = _window(total, src_rate, max_seconds)
        if start and sound.seekable():
            sound.seek(start)
        else:
            start = 0
        data = sound.read(count, dtype="float32", always_2d=True)
    track_seconds = total / src_rate if total else None
    return data, src_rate, start / src_rate, track_seconds, "soundfile", ""


def _read_pyav(path: str, max_seconds: float) -> _Raw:
    import av

    with av.open(path, "r") as container:
        streams = container.streams.audio
        if not streams:
            raise UndecodableAudio(path, "the file has no audio stream")
        stream = streams[0]
        src_rate = int(stream.rate or stream.codec_context.sample_rate or 0)
        if src_rate <= 0:
            raise UndecodableAudio(path, "the audio stream declares no sample rate")
        track_seconds: float | None = None
        if stream.duration and stream.time_base:
            track_seconds = float(stream.duration * stream.time_base)
        elif container.duration:
            track_seconds = container.duration / 1_000_000
        total = int(track_seconds * src_rate) if track_seconds else None
        start, count = _window(total, src_rate, max_seconds)
        start_s = start / src_rate
        if start:
            try:
                container.seek(int(start_s / stream.time_base), stream=stream, backward=True, any_frame=False)
            except Exception:  # unseekable: decode from the start and discard
                container.seek(0, stream=stream)
        blocks: list[np.ndarray] = []
        have = 0
        first_time: float | None = None
        note = ""
        frames = container.decode(stream)
        while True:
            try:
                frame = next(frames)
            except StopIteration:
                break
            except Exception as exc:  # a damaged stream: keep what decoded, say so
                if not blocks:
                    raise
                note = f"decoding stopped early: {_short(exc)}"
                break
            block = _frame_array(frame)
            if block is None:
                continue
            t = float(frame.pts * frame.time_base) if frame.pts is not None and frame.time_base else None
            if first_time is None:
                first_time = t if t is not None else 0.0
            if t is None:  # no timestamps: count samples instead
                t = first_time + (have / src_rate)
            if frame.rate and frame.rate != src_rate:
                raise UndecodableAudio(path, f"sample rate changes inside the stream ({src_rate} -> {frame.rate} Hz)")
            skip = int(round((start_s - t) * src_rate)) if start else 0
            if skip >= block.shape[0]:
                continue
            if skip > 0:
                block = block[skip:]
            blocks.append(block)
            have += block.shape[0]
            if have >= count:
                break
    if not blocks:
        return np.zeros((0, 1), np.float32), src_rate, start_s, track_seconds, "pyav", note
    data = np.concatenate(blocks, axis=0)[:count]
    return data, src_rate, start_s, track_seconds, "pyav", note


def _frame_array(frame) -> np.ndarray | None:
    """One decoded frame as float32 ``(n, channels)`` whatever FFmpeg's sample format."""
    array = frame.to_ndarray()
    if array.size == 0:
        return None
    name = frame.format.name
    planar = frame.format.is_planar
    channels = frame.layout.nb_channels if frame.layout is not None else 1
    if planar:
        data = array.T  # (channels, n) -> (n, channels)
    else:
        data = array.reshape(-1, channels)
    if name.startswith("flt") or name.startswith("dbl"):
        return data.astype(np.float32, copy=False)
    if name.startswith("s16"):
        return data.astype(np.float32) * np.float32(1.0 / 32768.0)
    if name.startswith("s32"):
        return data.astype(np.float32) * np.float32(1.0 / 2147483648.0)
    if name.startswith("u8"):
        return (data.astype(np.float32) - np.float32(128.0)) * np.float32(1.0 / 128.0)
    if name.startswith("s64"):
        return (data.astype(np.float64) / 9223372036854775808.0).astype(np.float32)
    return data.astype(np.float32)
