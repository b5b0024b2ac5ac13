"""Audio analysis: decode an excerpt, measure loudness and spectrum, fingerprint it.

numpy/scipy only (plus libsndfile through soundfile and FFmpeg through PyAV
for decoding); no Qt, no network, never writes a file.  Safe to call in the
scan's worker processes: every function is a pure function of the file's
bytes, and importing this package imports no decoder until one is used.

API for the scan pipeline (what the lead wires in)
--------------------------------------------------

``analyze(path, *, fmt=None, max_seconds=60.0) -> AudioFeatures``
    The one call per file.  ``fmt`` is ``TrackRecord.format`` (it picks the
    decoder tried first).  Raises ``UndecodableAudio`` (an
    ``auditor.errors.UnreadableFile``: ``.path``, ``.reason``) when the audio
    cannot be decoded; record it as data, do not crash.  Time per file is
    bounded by ``max_seconds`` of decoded audio (the centred excerpt).

``AudioFeatures`` (frozen, slots, picklable) - fields:
    loudness_lufs, true_peak_db, crest_db, cutoff_hz, lossy_cutoff_suspected,
    peak_score, peak_spacing_hz, peak_strength_db, peak_persistence,
    ltas (64 floats/None), fingerprint (bytes), analysis_rate, excerpt_seconds,
    decoder, seconds_spent, and further evidence with defaults:
    cutoff_cliff_db, peak_regularity, peak_count, peak_period_samples,
    peak_fundamental_db, peak_narrowness, sample_peak_db, true_peak_exact, excerpt_offset_s,
    track_seconds, source_rate, source_channels, note, version.
    ``to_row()`` -> flat dict for one SQLite row (ltas as JSON text,
    fingerprint as BLOB, bools as 0/1); ``AudioFeatures.from_row(row)`` reads
    it back and ignores unknown columns (track_id, file fingerprint, ...).
    ``summary()`` -> the short dict for the ``tracks`` JSON ``audio`` object.

``ANALYSIS_VERSION``
    Stored with every row (``version``); cache rows by (file identity,
    ANALYSIS_VERSION) so a rescan skips unchanged files and a new analysis
    version recomputes them.

``FingerprintIndex`` / ``compare``
    ``index.add(track_id, features.fingerprint)`` for every track, then
    ``index.pairs()`` -> near-duplicate ``FingerprintMatch`` es (a, b,
    similarity, bit_error_rate, tempo_ratio, offset_s, overlap_s,
    shared_keys, coverage, longest_shared_s; ``.near_duplicate``, ``.level``),
    most similar first; ``pairs(shared_passages=True)`` adds pairs sharing a
    long identical passage; ``index.query(fp)`` for one probe;
    ``compare(fp_a, fp_b)`` for two.  Sub-quadratic: an inverted index over
    fingerprint words.

``envelope_key(features)``
    Quantized loudness / true peak / spectral envelope: a blocking key for the
    "one mastering preset across artists" detector.

Lower-level pieces: ``decode.decode_excerpt`` (``Excerpt``), ``loudness``
(BS.1770-4 loudness, true peak, crest factor), ``spectrum`` (spectrogram,
LTAS, cutoff, periodic peaks), ``fingerprint``, and ``simulate`` (test and
demo material: a first-order model of a neural decoder's upsampling artifact).
"""

from __future__ import annotations

from auditor.audio.decode import Excerpt, UndecodableAudio, decode_excerpt
from auditor.audio.features import ANALYSIS_VERSION, AudioFeatures, analyze, envelope_key
from auditor.audio.fingerprint import FingerprintIndex, FingerprintMatch, compare, similarity_level

__all__ = [
    "ANALYSIS_VERSION", "AudioFeatures", "Excerpt", "FingerprintIndex", "FingerprintMatch", "UndecodableAudio",
    "analyze", "compare", "decode_excerpt", "envelope_key", "similarity_level",
]
