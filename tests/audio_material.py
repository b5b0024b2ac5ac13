"""Audio test material built by code: synthesized songs, confounders and encoders.

Everything is deterministic and cached per session (rendering a 15 s song
takes ~0.2 s), so the audio tests stay fast.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

RATE = 44100
SONG_SECONDS = 10.0


@functools.lru_cache(maxsize=None)
def song(seed: int = 21, style: str = "pop", seconds: float = SONG_SECONDS, rate: int = RATE) -> np.ndarray:
    """A synthesized stereo song, float32 (n, 2); read-only so cached copies cannot be altered."""
    from auditor.demo.synth import render_song

    out = render_song(seed, seconds, rate, style=style)
    out.setflags(write=False)
    return out


@functools.lru_cache(maxsize=None)
def decoded(seed: int = 21, style: str = "pop", period: int = 256, level_db: float = -20.0) -> np.ndarray:
    """The same song through the simulated neural decoder (see auditor.audio.simulate)."""
    from auditor.audio.simulate import simulate_neural_decoder

    out = simulate_neural_decoder(song(seed, style), RATE, period=period, level_db=level_db, seed=seed)
    out.setflags(write=False)
    return out


def tone(freq: float, seconds: float, rate: int = RATE, amplitude: float = 0.5, phase: float = 0.0) -> np.ndarray:
    t = np.arange(int(round(seconds * rate))) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t + phase)).astype(np.float32)


def _oscillator(f0: float, t: np.ndarray, rate: int, square: bool = False) -> np.ndarray:
    """Band-limited saw (or square) with every harmonic below Nyquist, from a one-cycle wavetable."""
    size = 8192
    spectrum = np.zeros(size // 2 + 1, dtype=complex)
    for h in range(1, int(rate / 2 / f0)):
        if not square or h % 2:
            spectrum[h] = np.exp(1j * h) / h
    table = np.fft.irfft(spectrum, n=size)
    pos = (f0 * t % 1.0) * size
    i = pos.astype(np.intp)
    w = pos - i
    return table[i] * (1.0 - w) + table[(i + 1) % size] * w


@functools.lru_cache(maxsize=None)
def synth_pads(seconds: float = SONG_SECONDS, rate: int = RATE) -> np.ndarray:
    """Synthesizer-heavy clean material: saw and square chords, every harmonic up to Nyquist."""
    t = np.arange(int(seconds * rate)) / rate
    out = np.zeros_like(t)
    chords = ((48, 52, 55, 60), (53, 57, 60, 65), (55, 59, 62, 67), (45, 48, 52, 57))
    for c in range(int(np.ceil(seconds / 2))):
        seg = (t >= 2 * c) & (t < 2 * c + 2)
        for k, note in enumerate(chords[c % 4]):
            out[seg] += _oscillator(440.0 * 2 ** ((note - 69) / 12), t[seg], rate, square=bool(k % 2))
    out = (0.8 * out / np.abs(out).max()).astype(np.float32)
    out.setflags(write=False)
    return out


def drone(f0: float, seconds: float = SONG_SECONDS, rate: int = RATE) -> np.ndarray:
    """A sawtooth held for the whole excerpt: a genuine harmonic comb."""
    t = np.arange(int(seconds * rate)) / rate
    out = _oscillator(f0, t, rate)
    return (0.5 * out / np.abs(out).max()).astype(np.float32)


def with_hum(x: np.ndarray, mains: float = 50.0, level: float = 0.05, rate: int = RATE) -> np.ndarray:
    """Mains hum and buzz: the fundamental and 40 harmonics (to 2-2.4 kHz)."""
    cycle = np.arange(int(round(rate / mains))) / rate  # 50 and 60 Hz divide 44.1 kHz exactly
    one = sum(np.sin(2 * np.pi * mains * k * cycle) / k for k in range(1, 41))
    hum = (level * np.resize(one, x.shape[0])).astype(np.float32)
    return (x + (hum[:, None] if x.ndim == 2 else hum)).astype(np.float32)


def lowpass(x: np.ndarray, cutoff: float, rate: int = RATE, order: int = 16) -> np.ndarray:
    from scipy.signal import butter, sosfiltfilt

    sos = butter(order, cutoff, fs=rate, output="sos")
    return sosfiltfilt(sos, x, axis=0).astype(np.float32)


def speed(x: np.ndarray, ratio: float) -> np.ndarray:
    """Play ``ratio`` times faster (tempo and pitch together), as a resampled copy does."""
    from fractions import Fraction

    from scipy.signal import resample_poly

    f = Fraction(1 / ratio).limit_denominator(200)
    return resample_poly(x, f.numerator, f.denominator, axis=0).astype(np.float32)


def write(path: Path, samples: np.ndarray, codec: str, rate: int = RATE, **kwargs) -> Path:
    """Encode with the demo's encoders (libsndfile / FFmpeg), as real pipelines do."""
    from auditor.demo.encode import encode_audio

    return encode_audio(np.asarray(samples, dtype=np.float32), rate, Path(path), codec, **kwargs)


def read_back(path: Path) -> tuple[np.ndarray, int]:
    """Decode a file the way the auditor does (whole file, native rate, mono)."""
    from auditor.audio.decode import decode_excerpt

    excerpt = decode_excerpt(str(path), max_seconds=600.0)
    return excerpt.samples, excerpt.rate
