"""One call per file: decode an excerpt and compute every audio feature, as one storable record.

``analyze(path)`` decodes the centred excerpt once at the native rate (<= 48
kHz) and derives everything from it: loudness and true peak from all
channels, one power spectrogram of the mono downmix for the spectrum features
and the fingerprint.  Nothing is resampled for a 44.1/48 kHz file.

Storage: :meth:`AudioFeatures.to_row` gives flat SQLite-ready values (floats,
ints, text, the fingerprint as a BLOB, the coarse LTAS as JSON text);
:meth:`AudioFeatures.from_row` reads them back.  ``ANALYSIS_VERSION`` changes
whenever a feature's definition changes, so stored rows from an older version
can be recomputed instead of compared with new ones.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass, fields
from typing import Any

from auditor.audio.decode import EXCERPT_SECONDS, decode_excerpt
from auditor.audio.fingerprint import encode_fingerprint, fingerprint_words
from auditor.audio.loudness import measure
from auditor.audio.spectrum import coarse_bands, compute_spectrogram, periodic_peaks, spectral_cutoff

__all__ = ["ANALYSIS_VERSION", "AudioFeatures", "analyze", "envelope_key"]

ANALYSIS_VERSION = 1


@dataclass(frozen=True, slots=True)
class AudioFeatures:
    """Everything the audio stage learned about one file (see docs/audio.md for each signal)."""

    loudness_lufs: float | None  # BS.1770-4 integrated loudness of the excerpt; None for silence
    true_peak_db: float | None  # dBTP, 4x oversampled, all channels
    crest_db: float | None  # sample peak / RMS of the mono downmix, dB
    cutoff_hz: float | None  # top of the spectrum (edge of a cliff when there is one)
    lossy_cutoff_suspected: bool  # encoder-like cliff well below Nyquist (container not considered)
    peak_score: float  # periodic spectral-peak score, 0..1
    peak_spacing_hz: float | None
    peak_strength_db: float | None
    peak_persistence: float  # share of ~2.5 s segments where the comb dominates
    ltas: tuple[float | None, ...]  # 64 log-spaced bands 30 Hz-20 kHz, dB re the 200 Hz-5 kHz level
    fingerprint: bytes  # see auditor.audio.fingerprint
    analysis_rate: int
    excerpt_seconds: float
    decoder: str  # "soundfile" or "pyav"
    seconds_spent: float  # wall time of decode + analysis
    # further evidence (defaults keep older rows readable)
    cutoff_cliff_db: float | None = None
    peak_regularity: float = 0.0
    peak_count: int = 0
    peak_period_samples: float | None = None  # analysis rate / spacing
    peak_fundamental_db: float | None = None  # the comb's first teeth: high for a held note/drone
    peak_narrowness: float = 0.0  # ~1 for narrow lines, ~0 for the broad lobes of a comb filter
    sample_peak_db: float | None = None
    true_peak_exact: bool = True
    excerpt_offset_s: float = 0.0
    track_seconds: float | None = None
    source_rate: int = 0
    source_channels: int = 0
    note: str = ""
    version: int = ANALYSIS_VERSION

    def to_row(self) -> dict[str, Any]:
        """Flat values for one SQLite row: the LTAS as JSON text, the fingerprint as bytes."""
        row: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "ltas":
                value = json.dumps(list(value), separators=(",", ":"))
            elif isinstance(value, bool):
                value = int(value)
            row[f.name] = value
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AudioFeatures:
        """Inverse of :meth:`to_row`; unknown keys (a table's own columns) are ignored."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in dict(row).items() if k in known}
        ltas = values.get("ltas")
        if isinstance(ltas, (str, bytes)):
            values["ltas"] = tuple(json.loads(ltas))
        elif ltas is not None:
            values["ltas"] = tuple(ltas)
        for flag in ("lossy_cutoff_suspected", "true_peak_exact"):
            if flag in values and values[flag] is not None:
                values[flag] = bool(values[flag])
        if isinstance(values.get("fingerprint"), memoryview):
            values["fingerprint"] = bytes(values["fingerprint"])
        return cls(**values)

    def summary(self) -> dict[str, Any]:
        """The short public form (for ``tracks`` JSON and the detail view): no LTAS, no fingerprint."""
        return {
            "loudness_lufs": self.loudness_lufs, "true_peak_db": self.true_peak_db, "crest_db": self.crest_db,
            "cutoff_hz": self.cutoff_hz, "lossy_cutoff_suspected": self.lossy_cutoff_suspected,
            "peak_score": self.peak_score, "peak_spacing_hz": self.peak_spacing_hz,
            "peak_strength_db": self.peak_strength_db, "peak_persistence": self.peak_persistence,
            "analysis_rate": self.analysis_rate, "excerpt_seconds": self.excerpt_seconds,
            "excerpt_offset_s": self.excerpt_offset_s, "decoder": self.decoder, "version": self.version,
        }


def _round(value: float | None, digits: int) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def analyze(path: str | os.PathLike[str], *, fmt: str | None = None,
            max_seconds: float = EXCERPT_SECONDS) -> AudioFeatures:
    """Decode the centred excerpt of ``path`` and compute every feature.

    ``fmt`` is the reader's detected format (it only picks the decoder tried
    first).  Raises :class:`auditor.audio.decode.UndecodableAudio` (an
    ``UnreadableFile``) when the audio cannot be decoded; the file is never
    written.  Cost: ~5-10 ms per second of excerpt per core (see
    benchmarks/audio_bench.py), bounded by ``max_seconds``.
    """
    started = time.perf_counter()
    excerpt = decode_excerpt(os.fspath(path), fmt=fmt, max_seconds=max_seconds, keep_channels=True)
    rate = excerpt.rate
    level = measure(excerpt.channels if excerpt.channels is not None else excerpt.samples, rate,
                    mono=excerpt.samples)
    spec = compute_spectrogram(excerpt.samples, rate)
    cutoff = spectral_cutoff(spec)
    peaks = periodic_peaks(spec, cutoff.cutoff_hz)
    words = fingerprint_words(spec)
    return AudioFeatures(
        loudness_lufs=_round(level.loudness_lufs, 2),
        true_peak_db=_round(level.true_peak_db, 2),
        crest_db=_round(level.crest_db, 2),
        cutoff_hz=cutoff.cutoff_hz,
        lossy_cutoff_suspected=cutoff.lossy_suspected,
        peak_score=peaks.score,
        peak_spacing_hz=peaks.spacing_hz,
        peak_strength_db=peaks.strength_db,
        peak_persistence=peaks.persistence,
        ltas=coarse_bands(spec),
        fingerprint=encode_fingerprint(words, spec.frame_seconds),
        analysis_rate=rate,
        excerpt_seconds=round(excerpt.duration_read, 3),
        decoder=excerpt.decoder,
        seconds_spent=round(time.perf_counter() - started, 4),
        cutoff_cliff_db=cutoff.cliff_db,
        peak_regularity=peaks.regularity,
        peak_count=peaks.n_peaks,
        peak_period_samples=peaks.period_samples,
        peak_fundamental_db=peaks.fundamental_db,
        peak_narrowness=peaks.narrowness,
        sample_peak_db=_round(level.sample_peak_db, 2),
        true_peak_exact=level.true_peak_exact,
        excerpt_offset_s=round(excerpt.offset_s, 3),
        track_seconds=_round(excerpt.track_seconds, 3),
        source_rate=excerpt.source_rate,
        source_channels=excerpt.source_channels,
        note=excerpt.note,
    )


# --- blocking key for "same mastering envelope" ------------------------------------------------

_ENVELOPE_GROUPS = ((40.0, 120.0), (120.0, 400.0), (400.0, 1500.0), (1500.0, 4000.0), (4000.0, 8000.0),
                    (8000.0, 12000.0), (12000.0, 16000.0))


def envelope_key(features: AudioFeatures, *, loudness_step: float = 1.0, peak_step: float = 0.5,
                 band_step: float = 3.0) -> str | None:
    """Quantized (loudness, true peak, spectral envelope) key: equal keys = one mastering preset, maybe.

    Blocking key for the "same envelope across artists" detector: tracks are
    grouped by equal keys instead of compared pairwise.  The spectral envelope
    is the LTAS averaged into seven broad groups (sub, bass, low-mid, mid,
    presence, brilliance, air), in ``band_step`` dB steps.  None when loudness
    or the envelope is missing (silence, very short excerpts).
    """
    if features.loudness_lufs is None or features.true_peak_db is None or not features.ltas:
        return None
    edges = [30.0 * (20000.0 / 30.0) ** (i / len(features.ltas)) for i in range(len(features.ltas) + 1)]
    parts = [f"L{round(features.loudness_lufs / loudness_step):d}",
             f"P{round(min(features.true_peak_db, 0.5) / peak_step):d}"]
    for lo, hi in _ENVELOPE_GROUPS:
        values = [v for v, a, b in zip(features.ltas, edges[:-1], edges[1:]) if v is not None and a >= lo and b <= hi]
        if not values:
            parts.append("-")
            continue
        mean_db = 10.0 * math.log10(sum(10.0 ** (v / 10.0) for v in values) / len(values))
        parts.append(str(round(mean_db / band_step)))
    return ":".join(parts)
