"""Small, fast, deterministic song synthesizer for the demo catalog.

The demo needs audio that *sounds like music* (so the audio-level detectors and a
person listening have something real to look at) without shipping recordings.
Everything is numpy and vectorized: each voice keeps a per-sample "which note is
sounding" index, and the song is rendered in cache-sized blocks (large temporary
arrays would cost more in page faults than in arithmetic), so a 20 s song takes
about a tenth of a second.

Why the farm style exists: mass-produced catalogs reuse one template.  Its songs
share form, tempo, progression, sound palette and mastering, and differ only in
seed-level details (melody, key among a few), which is what the audio
similarity detectors should pick up.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np

from auditor.errors import UsageError

__all__ = ["STYLES", "render_song"]

TWO_PI = np.float32(2.0 * math.pi)
SILENT_ONSET = -(10**9)  # onset used for "no note yet": the envelope is zero there


@dataclass(frozen=True, slots=True)
class _Section:
    """One part of a song form: how many bars and how dense/bright it is."""

    name: str
    bars: int
    energy: float  # overall level and drum density 0..1
    drums: bool
    melody: bool
    variant: int  # 0/1: which chord timbre and brightness set is used
    octave: int  # melody octave shift


_SECTIONS: dict[str, _Section] = {
    "intro": _Section("intro", 2, 0.45, False, False, 0, 0),
    "verse": _Section("verse", 4, 0.7, True, True, 0, 0),
    "chorus": _Section("chorus", 4, 1.0, True, True, 1, 1),
    "bridge": _Section("bridge", 2, 0.6, False, True, 1, 0),
    "build": _Section("build", 2, 0.75, True, False, 0, 0),
    "drop": _Section("drop", 4, 1.0, True, True, 1, 1),
    "break": _Section("break", 2, 0.5, False, True, 0, 0),
    "solo": _Section("solo", 4, 0.95, True, True, 1, 1),
    "a": _Section("a", 4, 0.6, False, True, 0, 0),
    "b": _Section("b", 4, 0.8, False, True, 1, 1),
    "outro": _Section("outro", 2, 0.5, True, False, 0, 0),
}


@dataclass(frozen=True, slots=True)
class _StyleSpec:
    """The musical recipe of a style; the farm recipe leaves almost nothing to chance."""

    tempo: tuple[float, float]
    minor_prob: float
    progressions: tuple[tuple[int, ...], ...]
    chord_bars: float
    forms: tuple[tuple[str, ...], ...]
    drums: str
    chord_timbres: tuple[str, str]
    lead_timbre: str
    bass: str
    textures: tuple[str, ...]
    keys: tuple[int, ...] = tuple(range(12))
    swing: tuple[float, float] = (0.0, 0.0)
    jitter_ms: float = 6.0
    drive: float = 1.2
    arp: bool = False


_STYLES: dict[str, _StyleSpec] = {
    "pop": _StyleSpec(
        tempo=(96, 124), minor_prob=0.25,
        progressions=((0, 4, 5, 3), (5, 3, 0, 4), (0, 5, 3, 4), (3, 0, 4, 5)),
        chord_bars=1, forms=(("intro", "verse", "chorus", "verse", "chorus", "bridge", "chorus", "outro"),
                             ("intro", "chorus", "verse", "chorus", "outro")),
        drums="backbeat", chord_timbres=("ep", "pad"), lead_timbre="square", bass="eighths",
        textures=("none", "hiss"),
    ),
    "folk": _StyleSpec(
        tempo=(78, 112), minor_prob=0.35,
        progressions=((0, 3, 0, 4), (0, 0, 3, 4), (5, 3, 0, 4), (0, 4, 5, 3)),
        chord_bars=1, forms=(("intro", "verse", "verse", "chorus", "verse", "chorus", "outro"),),
        drums="shaker", chord_timbres=("pluck", "organ"), lead_timbre="flute", bass="rootfifth",
        textures=("crackle", "room"), swing=(0.0, 0.18), jitter_ms=12.0, drive=1.0, arp=True,
    ),
    "electronic": _StyleSpec(
        tempo=(120, 130), minor_prob=0.8,
        progressions=((0, 5, 2, 6), (0, 3, 4, 0), (0, 6, 5, 6), (5, 3, 0, 4)),
        chord_bars=1, forms=(("intro", "build", "drop", "break", "build", "drop", "outro"),),
        drums="four", chord_timbres=("pad", "saw"), lead_timbre="bell", bass="offbeat",
        textures=("riser", "none"), jitter_ms=0.0, drive=1.6, arp=True,
    ),
    "ambient": _StyleSpec(
        tempo=(60, 78), minor_prob=0.5,
        progressions=((0, 3), (0, 5, 3, 4), (0, 2), (3, 0)),
        chord_bars=2, forms=(("intro", "a", "b", "a", "b", "outro"),),
        drums="none", chord_timbres=("pad", "organ"), lead_timbre="bell", bass="drone",
        textures=("wind", "rain"), jitter_ms=20.0, drive=0.9,
    ),
    "rock": _StyleSpec(
        tempo=(108, 152), minor_prob=0.45,
        progressions=((0, 6, 3, 0), (0, 3, 4, 3), (5, 3, 0, 4), (0, 4, 3, 3)),
        chord_bars=1, forms=(("intro", "verse", "chorus", "verse", "chorus", "solo", "chorus", "outro"),),
        drums="rock", chord_timbres=("power", "power"), lead_timbre="saw", bass="eighths",
        textures=("none", "amp"), jitter_ms=8.0, drive=2.2,
    ),
    "farm": _StyleSpec(
        tempo=(100, 100), minor_prob=0.0,
        progressions=((5, 3, 0, 4),),
        chord_bars=1, forms=(("intro", "verse", "chorus", "verse", "chorus", "outro"),),
        drums="backbeat", chord_timbres=("pad", "pad"), lead_timbre="square", bass="eighths",
        textures=("hiss",), keys=(0, 2, 7), jitter_ms=0.0, drive=1.8,
    ),
}

STYLES: tuple[str, ...] = tuple(_STYLES)

_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_MINOR = (0, 2, 3, 5, 7, 8, 10)

_DRUM_PATTERNS: dict[str, dict[str, str]] = {
    "backbeat": {"kick": "x.......x.x.....", "snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.x."},
    "four": {"kick": "x...x...x...x...", "snare": "....x.......x...", "hat": "..x...x...x...x."},
    "rock": {"kick": "x.....x.x.......", "snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.x."},
    "shaker": {"kick": "x.......x.......", "snare": "............x...", "hat": "x.xxx.xxx.xxx.xx"},
    "none": {"kick": "", "snare": "", "hat": ""},
}

_MELODY_RHYTHMS: tuple[str, ...] = (
    "x.x.x...x.x.x...", "x...x.x.x...x...", "x.xx..x.x.xx..x.", "x.....x.x.x.x...",
    "x...x...x...x.x.", "..x.x.x...x.x.x.", "x..x..x.x..x..x.",
)
_FARM_RHYTHMS: tuple[str, ...] = ("x.x.x...x.x.x...", "x...x.x.x...x...")


def _midi_hz(midi: np.ndarray | float) -> np.ndarray:
    return (440.0 * 2.0 ** ((np.asarray(midi, dtype=np.float64) - 69.0) / 12.0)).astype(np.float32)


def _envelope(t: np.ndarray, left: np.ndarray, attack: float, decay: float, sustain: float,
              release: float) -> np.ndarray:
    """ADSR shaped so that it reaches zero exactly at the end of the note."""
    att = np.minimum(t * np.float32(1.0 / attack), np.float32(1.0))
    body = np.float32(sustain) + np.float32(1.0 - sustain) * np.exp(-t * np.float32(1.0 / decay))
    rel = np.clip(left * np.float32(1.0 / release), 0.0, 1.0)
    return att * body * rel


def _additive(ph: np.ndarray, weights: tuple[float, ...], tilt: np.ndarray | None = None,
              decay: np.ndarray | None = None) -> np.ndarray:
    """Sum of harmonics via the Chebyshev recurrence: one sin and one cos per sample.

    ``tilt`` (per sample, 0..1) darkens upper harmonics; ``decay`` (per sample
    factor) makes upper harmonics die faster, as in a plucked string.  All work
    is in place on float32 buffers: this is the synthesizer's hot loop.
    """
    s_prev = np.zeros_like(ph)
    s_k = np.sin(ph)
    two_c = np.cos(ph)
    two_c *= np.float32(2.0)
    out = s_k * np.float32(weights[0])
    factor: np.ndarray | None = None
    if tilt is not None:
        factor = np.broadcast_to(tilt, ph.shape).astype(np.float32)
    if decay is not None:
        factor = decay.astype(np.float32) if factor is None else factor * decay
    gain = None if factor is None else factor.copy()
    scratch = np.empty_like(ph)
    for k in range(1, len(weights)):
        np.multiply(two_c, s_k, out=scratch)
        scratch -= s_prev
        s_prev, s_k, scratch = s_k, scratch, s_prev
        w = weights[k]
        if w != 0.0:
            if gain is None:
                np.multiply(s_k, np.float32(w), out=scratch)
            else:
                np.multiply(s_k, gain, out=scratch)
                scratch *= np.float32(w)
            out += scratch
        if gain is not None and k + 1 < len(weights):
            gain *= factor
    return out


_SAW = tuple(1.0 / k for k in range(1, 11))
_SQUARE = tuple((1.0 / k if k % 2 else 0.0) for k in range(1, 10))
_ORGAN = (1.0, 0.7, 0.45, 0.3, 0.0, 0.2, 0.0, 0.12)
_FLUTE = (1.0, 0.25, 0.12, 0.05)
_PLUCK = (1.0, 0.6, 0.4, 0.3, 0.2, 0.15)


def _oscillator(kind: str, ph: np.ndarray, t: np.ndarray, bright: np.ndarray) -> np.ndarray:
    """One timbre; ``ph`` is the phase inside the note, ``bright`` 0..1 per sample."""
    if kind == "sine":
        return np.sin(ph)
    if kind == "ep":  # FM electric piano: 1:1 modulator whose index decays
        index = (np.float32(0.4) + np.float32(2.2) * bright) * np.exp(-t * np.float32(3.0))
        tine = np.float32(0.08) * np.sin(np.float32(14.0) * ph) * np.exp(-t * np.float32(25.0))
        return np.sin(ph + index * np.sin(ph)) + tine
    if kind == "bell":  # inharmonic FM ratio gives a glassy bell
        index = (np.float32(1.0) + np.float32(2.0) * bright) * np.exp(-t * np.float32(2.0))
        return np.sin(ph + index * np.sin(np.float32(3.5) * ph))
    if kind == "saw":
        return _additive(ph, _SAW, tilt=np.float32(0.55) + np.float32(0.45) * bright)
    if kind == "square":
        return _additive(ph, _SQUARE, tilt=np.float32(0.6) + np.float32(0.4) * bright)
    if kind == "bass_saw":  # low notes: six harmonics are plenty and cost half a saw
        return _additive(ph, _SAW[:6], tilt=np.float32(0.55) + np.float32(0.45) * bright)
    if kind == "bass_square":
        return _additive(ph, _SQUARE[:5], tilt=np.float32(0.6) + np.float32(0.4) * bright)
    if kind == "organ":
        return _additive(ph, _ORGAN, tilt=np.float32(0.7) + np.float32(0.3) * bright)
    if kind == "flute":
        vibrato = np.float32(0.8) * np.sin(TWO_PI * np.float32(5.0) * t) * np.minimum(t, np.float32(1.0))
        return _additive(ph + vibrato, _FLUTE)
    if kind == "pluck":
        return _additive(ph, _PLUCK, decay=np.exp(-t * np.float32(4.0)),
                         tilt=np.float32(0.75) + np.float32(0.25) * bright)
    if kind == "pad":  # a saw plus a slightly detuned sine: slow beating, like a chorus
        tilt = np.float32(0.45) + np.float32(0.4) * bright
        return _additive(ph, _SAW[:7], tilt=tilt) + np.float32(0.5) * np.sin(ph * np.float32(1.006))
    if kind == "power":  # overdriven saw stack, as in a distorted guitar
        raw = _additive(ph, _SAW[:6]) + np.float32(0.6) * _additive(ph * np.float32(1.4983), _SAW[:6])
        return np.tanh((np.float32(2.5) + np.float32(3.0) * bright) * raw) * np.float32(0.7)
    raise UsageError(f"unknown timbre {kind!r}")


@dataclass(frozen=True, slots=True)
class _Voice:
    """One monophonic line (or a chord: several pitches sharing one rhythm).

    Notes are stored sorted with a leading "no note" row, and ``index`` maps
    every sample of the song to the row sounding there, so any block of the
    song can be rendered independently.
    """

    kind: tuple[str, str]  # timbre per section variant, or a drum ("kick", ...)
    onsets: np.ndarray  # int64 samples, row 0 = silence
    lengths: np.ndarray  # float32 seconds, never past the next onset
    hz: np.ndarray  # float32 (rows, pitches)
    velocity: np.ndarray  # float32
    variant: np.ndarray  # int8
    index: np.ndarray  # int32 per sample
    adsr: tuple[float, float, float, float]
    brightness: tuple[float, float]
    gain: float
    pan: float
    send: float
    follows_level: bool


_Row = tuple[int, float, tuple[float, ...], float, int]  # onset, seconds, midi pitches, velocity, variant


def _make_voice(rows: list[_Row], n: int, sr: int, kind: tuple[str, str], *,
                adsr: tuple[float, float, float, float] = (0.01, 0.5, 0.7, 0.05),
                brightness: tuple[float, float] = (0.3, 0.8), gain: float = 0.3, pan: float = 0.0,
                send: float = 0.0, follows_level: bool = True) -> _Voice:
    """Sort and clip the notes and build the sample-to-note index."""
    rows = sorted((r for r in rows if 0 <= r[0] < n), key=lambda r: r[0])
    dedup: list[_Row] = []
    for row in rows:  # one note per onset: a later duplicate replaces the earlier
        if dedup and dedup[-1][0] == row[0]:
            dedup[-1] = row
        else:
            dedup.append(row)
    width = max((len(r[2]) for r in dedup), default=1)
    onsets = np.array([SILENT_ONSET] + [r[0] for r in dedup], dtype=np.int64)
    nxt = np.append(onsets[2:], n + 10 * sr) if dedup else np.array([], dtype=np.int64)
    lengths = np.zeros(len(dedup) + 1, dtype=np.float32)
    if dedup:
        wanted = np.array([r[1] for r in dedup], dtype=np.float64)
        lengths[1:] = np.minimum(wanted, (nxt - onsets[1:]) / sr)
    hz = np.zeros((len(dedup) + 1, width), dtype=np.float32)
    for i, row in enumerate(dedup, start=1):
        hz[i, : len(row[2])] = _midi_hz(np.array(row[2]))
    velocity = np.array([0.0] + [r[3] for r in dedup], dtype=np.float32)
    variant = np.array([0] + [r[4] for r in dedup], dtype=np.int8)
    counts = np.diff(np.concatenate(([0], onsets[1:], [n])))
    index = np.repeat(np.arange(len(dedup) + 1, dtype=np.int32), counts)
    return _Voice(kind, onsets, lengths, hz, velocity, variant, index, adsr, brightness, gain, pan,
                  send, follows_level)


_DRUMS = frozenset({"kick", "snare", "hat", "shaker", "crash"})


def _render_block(voice: _Voice, lo: int, hi: int, sr: int, noise: dict[str, np.ndarray]) -> np.ndarray | None:
    """Render samples [lo, hi) of one voice; None when it is silent there."""
    rows = voice.index[lo:hi]
    if rows[-1] == 0:  # the index only grows: zero at the end means silence throughout
        return None
    pos = np.arange(lo, hi, dtype=np.int64)
    t = (pos - voice.onsets[rows]).astype(np.float32)
    t *= np.float32(1.0 / sr)
    left = voice.lengths[rows] - t
    vel = voice.velocity[rows]
    kind = voice.kind[0]
    if kind in _DRUMS:
        env = np.minimum(t * np.float32(500.0), np.float32(1.0))
        env *= np.clip(left * np.float32(80.0), 0.0, 1.0)
        env *= vel
        if kind == "kick":
            f0, f1, tau = 150.0, 48.0, 0.035
            # pitch glides from f0 to f1; the phase is the integral of that glide
            glide = np.float32(1.0) - np.exp(-t * np.float32(1.0 / tau))
            ph = np.float32(f1) * t + np.float32((f0 - f1) * tau) * glide
            ph *= TWO_PI
            return np.sin(ph) * np.exp(-t * np.float32(7.0)) * env
        if kind == "snare":
            body = noise["band"][lo:hi] * np.float32(2.2) * np.exp(-t * np.float32(14.0))
            body += np.float32(0.5) * np.sin(TWO_PI * np.float32(185.0) * t) * np.exp(-t * np.float32(30.0))
            return body * env
        decay = {"hat": 45.0, "shaker": 18.0, "crash": 2.5}[kind]
        return noise["high"][lo:hi] * np.exp(-t * np.float32(decay)) * env * np.float32(0.6)
    attack, decay, sustain, release = voice.adsr
    env = np.minimum(t * np.float32(1.0 / attack), np.float32(1.0))
    env *= np.float32(sustain) + np.float32(1.0 - sustain) * np.exp(-t * np.float32(1.0 / decay))
    env *= np.clip(left * np.float32(1.0 / release), 0.0, 1.0)
    env *= vel
    variant = voice.variant[rows]
    bright = np.array(voice.brightness, dtype=np.float32)[variant]
    mixed = voice.kind[0] != voice.kind[1] and variant[0] != variant[-1]
    single = voice.kind[0] if voice.kind[0] == voice.kind[1] else voice.kind[int(variant[0])]
    out = np.zeros(hi - lo, dtype=np.float32)
    pitches = voice.hz[rows]
    for c in range(voice.hz.shape[1]):
        ph = pitches[:, c] * t
        ph *= TWO_PI
        if mixed:
            out += np.where(variant == 0, _oscillator(voice.kind[0], ph, t, bright),
                            _oscillator(voice.kind[1], ph, t, bright))
        else:
            out += _oscillator(single, ph, t, bright)
    out *= env
    out *= np.float32(1.0 / voice.hz.shape[1] ** 0.5)
    return out


def _lowpass(x: np.ndarray, width: int) -> np.ndarray:
    """Moving average (a crude but vectorized low-pass) keeping the length."""
    if width <= 1:
        return x.copy()
    c = np.cumsum(np.concatenate((np.zeros(width, dtype=np.float32), x)), dtype=np.float32)
    return (c[width:] - c[:-width]) * np.float32(1.0 / width)


def _scale_midi(root: int, scale: tuple[int, ...], degree: int) -> float:
    octave, step = divmod(int(degree), 7)
    return float(root + 12 * octave + scale[step])


def _style_rng(seed: int, style: str) -> np.random.Generator:
    return np.random.default_rng([seed & 0xFFFFFFFF, zlib.crc32(style.encode())])


BLOCK = 1 << 14  # samples per render block: small enough to stay in the CPU cache


def render_song(seed: int, duration_s: float, sample_rate: int = 44100, *, style: str = "pop",
                tempo_bpm: float | None = None, key: int | None = None) -> np.ndarray:
    """Render a stereo song as float32 ``(n, 2)`` in [-1, 1]; same arguments, same samples."""
    spec = _STYLES.get(style)
    if spec is None:
        raise UsageError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
    if not duration_s > 0 or sample_rate < 8000:
        raise UsageError(f"cannot render {duration_s} s at {sample_rate} Hz")
    rng = _style_rng(seed, style)
    sr = int(sample_rate)
    n = int(round(duration_s * sr))

    tempo = float(tempo_bpm) if tempo_bpm else float(rng.uniform(*spec.tempo))
    key_pc = int(key) % 12 if key is not None else int(rng.choice(spec.keys))
    minor = bool(rng.random() < spec.minor_prob)
    scale = _MINOR if minor else _MAJOR
    root = 48 + key_pc  # C3 + key
    beat = 60.0 / tempo
    bar_len = 4 * beat * sr
    swing = float(rng.uniform(*spec.swing))
    jitter = int(spec.jitter_ms * 1e-3 * sr)
    form = spec.forms[int(rng.integers(len(spec.forms)))]
    progressions = [spec.progressions[int(i)] for i in rng.integers(len(spec.progressions), size=2)]

    def nudge() -> int:
        return int(rng.integers(-jitter, jitter + 1)) if jitter else 0

    # lay out bars with the section each belongs to, repeating the form to fill the song
    total_bars = int(math.ceil(n / bar_len)) + 1
    bars: list[_Section] = []
    while len(bars) < total_bars:
        for name in form:
            bars.extend([_SECTIONS[name]] * _SECTIONS[name].bars)
    bars = bars[:total_bars]
    bar_start = [int(round(b * bar_len)) for b in range(total_bars)]

    # --- harmony: one chord per chord_bars, its pitches as one "chord voice" -----------
    chord_len = bar_len * spec.chord_bars
    chords: list[_Row] = []
    roots: list[tuple[int, int, int]] = []  # onset, degree, variant
    add_seventh = style in ("pop", "ambient", "electronic")
    pos = 0.0
    i = 0
    while pos < n:
        sec = bars[min(int(pos // bar_len), total_bars - 1)]
        prog = progressions[sec.variant]
        degree = prog[i % len(prog)]
        pitches = [_scale_midi(root + 12, scale, degree + k) for k in (0, 2, 4)]
        pitches.append(_scale_midi(root + 12, scale, degree + 6) if add_seventh else pitches[0] + 12)
        chords.append((int(pos), chord_len / sr, tuple(pitches), 0.5 + 0.5 * sec.energy, sec.variant))
        roots.append((int(pos), degree, sec.variant))
        pos += chord_len
        i += 1
    ambient = style == "ambient"
    voices = [_make_voice(chords, n, sr, spec.chord_timbres,
                          adsr=(0.6 if ambient else 0.02, 1.2, 0.55, 0.8 if ambient else 0.15),
                          brightness=(0.2, 0.9), gain=0.5 if ambient else (0.42 if style == "rock" else 0.32),
                          pan=-0.25, send=0.15)]

    # --- bass ----------------------------------------------------------------------
    eighth = bar_len / 8.0
    bass: list[_Row] = []
    for onset, degree, variant in roots:
        low = _scale_midi(root - 12, scale, degree)
        fifth = _scale_midi(root - 12, scale, degree + 4)
        steps = int(round(chord_len / eighth))
        if spec.bass == "drone":
            bass.append((onset, chord_len / sr, (low,), 0.8, variant))
        elif spec.bass == "rootfifth":
            for k in range(0, steps, 2):
                pitch = low if k % 4 == 0 else fifth
                bass.append((int(onset + k * eighth), 1.6 * eighth / sr, (pitch,), 0.85, variant))
        elif spec.bass == "offbeat":
            for k in range(1, steps, 2):
                bass.append((int(onset + k * eighth), 0.8 * eighth / sr, (low,), 0.9, variant))
        else:  # driving eighths, with an octave pickup in bright sections
            for k in range(steps):
                pitch = low + (12 if k == steps - 1 and variant else 0)
                accent = 0.75 + 0.15 * (k % 2 == 0)
                bass.append((int(onset + k * eighth), 0.85 * eighth / sr, (pitch,), accent, variant))
    voices.append(_make_voice(bass, n, sr, ("sine", "sine") if ambient else ("bass_saw", "bass_square"),
                              adsr=(0.005, 0.25, 0.6, 0.03), brightness=(0.0, 0.3),
                              gain=0.3 if ambient else 0.42, follows_level=False))

    # --- melody --------------------------------------------------------------------
    rhythms = _FARM_RHYTHMS if style == "farm" else _MELODY_RHYTHMS
    sixteenth = bar_len / 16.0
    melody: list[_Row] = []
    degree_pos = int(rng.integers(2, 7))
    chosen: dict[tuple[str, int], str] = {}
    for b, sec in enumerate(bars):
        if not sec.melody or bar_start[b] >= n:
            continue
        rhythm = chosen.setdefault((sec.name, b % 2), rhythms[int(rng.integers(len(rhythms)))])
        hits = [k for k, ch in enumerate(rhythm) if ch == "x"]
        chord_degree = roots[min(int(bar_start[b] // chord_len), len(roots) - 1)][1]
        for j, k in enumerate(hits):
            nxt = hits[j + 1] if j + 1 < len(hits) else 16
            degree_pos = int(np.clip(degree_pos + int(rng.choice((-2, -1, -1, 0, 1, 1, 2))), 0, 11))
            if k in (0, 8):  # land on a chord tone on strong beats
                tones = [chord_degree, chord_degree + 2, chord_degree + 4, chord_degree + 7]
                degree_pos = min(tones, key=lambda d: abs(d - degree_pos))
            pitch = _scale_midi(root + 12 + 12 * sec.octave, scale, degree_pos)
            onset = max(0, int(bar_start[b] + k * sixteenth) + nudge())
            melody.append((onset, 0.9 * (nxt - k) * sixteenth / sr, (pitch,), 0.55 + 0.35 * sec.energy, sec.variant))
    voices.append(_make_voice(melody, n, sr, (spec.lead_timbre, spec.lead_timbre),
                              gain=0.18 if ambient else (0.22 if style == "rock" else 0.28), pan=0.2, send=0.35))

    if spec.arp:
        arp: list[_Row] = []
        for onset, degree, variant in roots:
            for k in range(int(round(chord_len / sixteenth))):
                pitch = _scale_midi(root + 24, scale, degree + (0, 2, 4, 7, 4, 2)[k % 6])
                accent = 0.4 + 0.2 * (k % 4 == 0)
                arp.append((int(onset + k * sixteenth), 0.7 * sixteenth / sr, (pitch,), accent, variant))
        voices.append(_make_voice(arp, n, sr, ("pluck", "bell"), adsr=(0.003, 0.15, 0.2, 0.03),
                                  brightness=(0.4, 0.9), gain=0.12, pan=0.45, send=0.1))

    # --- drums -------------------------------------------------------------------------
    patterns = _DRUM_PATTERNS[spec.drums]
    step = bar_len / 16.0

    def drum(kind: str, pattern: str, active: list[bool], velocity: float, pan: float) -> None:
        hits: list[_Row] = []
        for b, on in enumerate(active):
            if not on:
                continue
            for s, ch in enumerate(pattern):
                if ch == "x":
                    onset = int(bar_start[b] + (s + (swing if s % 2 else 0.0)) * step) + nudge() // 2
                    hits.append((max(onset, 0), 1e6, (0.0,), velocity * float(rng.uniform(0.75, 1.0)), 0))
        if hits:
            voices.append(_make_voice(hits, n, sr, (kind, kind), gain=0.5, pan=pan, follows_level=False))

    if spec.drums != "none":
        with_drums = [s.drums for s in bars]
        drum("kick", patterns["kick"], with_drums, 1.0, 0.0)
        drum("snare", patterns["snare"], with_drums, 0.4 if spec.drums == "shaker" else 0.8, 0.05)
        drum("shaker" if spec.drums == "shaker" else "hat", patterns["hat"],
             [s.drums or s.name in ("intro", "build") for s in bars], 0.5, 0.3)
        if spec.drums == "rock":  # crash on every section change
            changes = [s.drums and (b == 0 or bars[b - 1].name != s.name) for b, s in enumerate(bars)]
            drum("crash", "x", changes, 0.7, -0.3)

    # --- noise sources, textures, section levels (whole-song, a handful of operations) --
    white = rng.random(n, dtype=np.float32) * np.float32(2.0) - np.float32(1.0)
    noise = {"high": white - _lowpass(white, 3),
             "band": _lowpass(white, max(2, sr // 9000)) - _lowpass(white, max(3, sr // 1200))}
    texture_kind = spec.textures[int(rng.integers(len(spec.textures)))]
    texture = _texture(texture_kind, white, n, sr, rng) * np.float32(0.3 if ambient else 0.18)
    energy = np.array([s.energy for s in bars], dtype=np.float32)
    level = energy[np.minimum((np.arange(n) / bar_len).astype(np.int64), total_bars - 1)]
    level = _lowpass(level, int(0.05 * sr))  # no zipper steps between sections

    # --- render in cache-sized blocks ----------------------------------------------------
    left = np.zeros(n, dtype=np.float32)
    right = np.zeros(n, dtype=np.float32)
    send = np.zeros(n, dtype=np.float32)
    pans = [(np.float32(v.gain * math.cos((v.pan + 1) * math.pi / 4)),
             np.float32(v.gain * math.sin((v.pan + 1) * math.pi / 4))) for v in voices]
    for lo in range(0, n, BLOCK):
        hi = min(n, lo + BLOCK)
        for voice, (gl, gr) in zip(voices, pans):
            sig = _render_block(voice, lo, hi, sr, noise)
            if sig is None:
                continue
            if voice.follows_level:
                sig *= level[lo:hi]
            left[lo:hi] += gl * sig
            right[lo:hi] += gr * sig
            if voice.send:
                send[lo:hi] += np.float32(voice.send) * sig
    left += texture * np.float32(0.9)
    right += texture
    # an echo send gives width and space without a reverb
    for delay_s, gain, target in ((0.75 * beat, 0.35, left), (0.5 * beat, 0.3, right), (1.5 * beat, 0.18, right),
                                  (1.25 * beat, 0.15, left), (0.013, 0.25, right)):
        d = int(delay_s * sr)
        if 0 < d < n:
            target[d:] += np.float32(gain) * send[:-d]

    # --- master: peak-normalize into a soft limiter, fade the ends ------------------------
    mix = np.stack((left, right), axis=1)
    peak = float(np.max(np.abs(mix))) or 1.0
    mix *= np.float32(spec.drive / peak)
    np.tanh(mix, out=mix)
    mix *= np.float32(0.97 / math.tanh(spec.drive))
    fade_in = min(n, int(0.01 * sr))
    fade_out = min(n, int(min(1.5, 0.08 * duration_s) * sr))
    mix[:fade_in] *= np.linspace(0.0, 1.0, fade_in, dtype=np.float32)[:, None]
    mix[n - fade_out:] *= (np.linspace(1.0, 0.0, fade_out, dtype=np.float32) ** 2)[:, None]
    np.clip(mix, -1.0, 1.0, out=mix)
    return mix


def _texture(kind: str, white: np.ndarray, n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    """Background beds (hiss, crackle, wind...): real productions carry such noise under the music."""
    if kind == "none":
        return np.zeros(n, dtype=np.float32)
    t = np.arange(n, dtype=np.float32) * np.float32(1.0 / sr)
    if kind == "hiss":
        return (white - _lowpass(white, 2)) * np.float32(0.12)
    if kind == "room":
        return _lowpass(_lowpass(white, sr // 2000), sr // 2000) * np.float32(2.0)
    if kind == "crackle":
        pops = (rng.random(n, dtype=np.float32) < np.float32(12.0 / sr)).astype(np.float32)
        return pops * white * np.float32(6.0) + _lowpass(_lowpass(white, sr // 4000), sr // 4000) * np.float32(0.6)
    if kind == "wind":
        phase = np.float32(rng.uniform(0.0, 6.28))
        lfo = np.float32(0.5) + np.float32(0.5) * np.sin(TWO_PI * np.float32(0.13) * t + phase)
        return _lowpass(_lowpass(white, sr // 600), sr // 600) * lfo * np.float32(10.0)
    if kind == "rain":  # sparse droplets over a soft low rumble
        drops = (rng.random(n, dtype=np.float32) < np.float32(250.0 / sr)).astype(np.float32) * white
        swell = np.float32(0.6) + np.float32(0.4) * np.sin(TWO_PI * np.float32(0.07) * t)
        rumble = _lowpass(_lowpass(white, sr // 800), sr // 800)
        return (_lowpass(drops, 3) * np.float32(4.0) + rumble * np.float32(1.5)) * swell
    if kind == "riser":
        ramp = (t % np.float32(8.0)) / np.float32(8.0)
        return (white - _lowpass(white, 3)) * ramp * ramp * np.float32(1.5)
    if kind == "amp":  # amplifier hum: mains frequency and its third harmonic
        hum = np.sin(TWO_PI * np.float32(50.0) * t) + np.float32(0.5) * np.sin(TWO_PI * np.float32(150.0) * t)
        return hum * np.float32(0.15)
    raise UsageError(f"unknown texture {kind!r}")
