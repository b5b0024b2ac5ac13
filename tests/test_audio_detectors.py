"""Audio detectors: findings from audio features, with innocent explanations and the corroboration rule."""

from __future__ import annotations

import importlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from auditor.audio.features import AudioFeatures
from auditor.audio.fingerprint import encode_fingerprint, fingerprint_words
from auditor.audio.spectrum import compute_spectrogram
from auditor.detectors import DetectionContext, TrackInfo, detect
from auditor.detectors.base import registered
from auditor.detectors.context import artist_key
from auditor.scoring import Scored, combine
from auditor.thresholds import Thresholds, _freeze, _read, DEFAULTS_FILE
from tests.audio_material import RATE, song, speed

ROOT = Path(__file__).resolve().parents[1]
AUDIO_IDS = ("audio.lossy_in_lossless", "audio.near_duplicate", "audio.periodic_artifacts", "audio.shared_mastering")


@pytest.fixture(scope="module", autouse=True)
def audio_detectors_registered():
    """Import (and so register) the audio detectors for this module's tests."""
    importlib.import_module("auditor.detectors.audio")


@pytest.fixture(scope="module")
def thresholds() -> Thresholds:
    return Thresholds(_freeze(_read(DEFAULTS_FILE)), (DEFAULTS_FILE,))


def test_shipped_settings_cover_what_the_detectors_read(thresholds):
    assert set(AUDIO_IDS) <= set(_read(DEFAULTS_FILE)["detectors"])
    assert {d.id for d in registered() if d.family == "audio"} == set(AUDIO_IDS)
    for detector in registered():
        if detector.family == "audio":
            assert len(detector.innocent_explanations) >= 3
            thresholds.params(detector.id)  # every section exists


def info(track_id: int, artist: str, title: str, *, fmt: str = "mp3", codec: str = "mp3",
         mode: str = "CBR") -> TrackInfo:
    return TrackInfo(
        track_id, f"/cat/{artist}/{title}.{fmt}", artist, artist_key(artist), title, "", "", "", "", "", "", "",
        None, None, 200.0, fmt, codec, 44100, 320_000 if mode != "lossless" else None, mode, 2, 16, "", "", "", (),
        "", f"sha{track_id}", (), False,
    )


def features(*, score: float = 0.0, spacing: float | None = None, lossy: bool = False, cutoff: float = 21_000.0,
             loudness: float = -10.0, peak: float = -0.3, crest: float = 12.0, tilt: float = 0.0,
             fingerprint: bytes = b"") -> AudioFeatures:
    ltas = tuple(round(-0.1 * i * (1 + tilt), 1) for i in range(64))
    return AudioFeatures(
        loudness_lufs=loudness, true_peak_db=peak, crest_db=crest, cutoff_hz=cutoff, lossy_cutoff_suspected=lossy,
        peak_score=score, peak_spacing_hz=spacing, peak_strength_db=8.0 if score else 0.5,
        peak_persistence=1.0 if score else 0.2, ltas=ltas, fingerprint=fingerprint, analysis_rate=RATE,
        excerpt_seconds=60.0, decoder="soundfile", seconds_spent=0.1,
        peak_period_samples=RATE / spacing if spacing else None,
    )


def fp(samples: np.ndarray) -> bytes:
    spec = compute_spectrogram(samples.mean(axis=1) if samples.ndim == 2 else samples, RATE)
    return encode_fingerprint(fingerprint_words(spec), spec.frame_seconds)


def run(thresholds, tracks, feats, *, only: str | None = None):
    ctx = DetectionContext(tracks, (), (), [], thresholds)
    ctx.audio_features = feats
    chosen = [d for d in registered() if d.family == "audio" and (only is None or d.id == only)]
    return detect(ctx, chosen)


# --- periodic artifacts --------------------------------------------------------------------------


def test_several_tracks_with_one_comb_spacing_are_a_high_finding(thresholds):
    tracks = [info(i, "Nova Ray", f"Song {i}") for i in range(1, 5)] + [info(9, "Edith", "Field Notes")]
    feats = {i: features(score=0.8, spacing=172.266) for i in (1, 2, 3)}
    feats[4] = features()
    feats[9] = features(score=0.2, spacing=391.7)
    found = run(thresholds, tracks, feats, only="audio.periodic_artifacts")
    assert len(found) == 1
    finding = found[0]
    assert finding.severity == "high" and finding.subject == "Nova Ray" and finding.track_ids == (1, 2, 3)
    assert "3 of 4 analysed tracks" in finding.explanation and "172.3 Hz" in finding.explanation
    assert finding.evidence["same_spacing_tracks"] == 3
    assert any("synthesizer" in text for text in finding.innocent_explanations)


def test_one_flagged_track_is_medium_and_clean_artists_are_silent(thresholds):
    tracks = [info(1, "Nova Ray", "A"), info(2, "Nova Ray", "B"), info(3, "Hollow Pines", "C")]
    feats = {1: features(score=0.55, spacing=187.5), 2: features(), 3: features(score=0.3, spacing=400.0)}
    found = run(thresholds, tracks, feats, only="audio.periodic_artifacts")
    assert [(f.subject, f.severity) for f in found] == [("Nova Ray", "medium")]


# --- near duplicates -----------------------------------------------------------------------------


def test_same_recording_under_other_artists_and_titles_is_found(thresholds):
    original = song(31, "pop")
    tracks = [info(1, "Edith Marlowe", "Glass River"), info(2, "Lyra Solenne", "Midnight Glow"),
              info(3, "Lyra Solenne", "Midnight Glow (Sped Up)"), info(4, "Edith Marlowe", "Glass River"),
              info(5, "Grey Harbour", "Salt")]
    feats = {1: features(fingerprint=fp(original)), 2: features(fingerprint=fp(original * 0.7)),
             3: features(fingerprint=fp(speed(original, 1.02))),
             4: features(fingerprint=fp(original)),  # the same song twice by its own artist: not a disguise
             5: features(fingerprint=fp(song(33, "rock")))}
    found = run(thresholds, tracks, feats, only="audio.near_duplicate")
    assert len(found) == 1
    finding = found[0]
    assert finding.severity == "high" and set(finding.track_ids) == {1, 2, 3, 4}
    assert "Midnight Glow" in finding.explanation and "+2.0 %" in finding.explanation
    assert all(p["level"].startswith("same recording") for p in finding.evidence["pairs"])


def test_songs_from_one_template_share_passages_across_artists(thresholds):
    personas = ["Lyra Solenne", "Milo Ashcroft", "Sienna Vale"]
    tracks, feats = [], {}
    for k, seed in enumerate((900_001, 900_101, 900_201)):  # same style, same key: one template
        tracks.append(info(k + 1, personas[k], f"Template {k}"))
        feats[k + 1] = features(fingerprint=fp(song(seed, "farm")))
    found = run(thresholds, tracks, feats, only="audio.near_duplicate")
    shared = [f for f in found if f.title.endswith("share identical passages")]
    assert shared and not [f for f in found if f.title == "Same recording under different names"]
    assert shared[0].severity == "medium" and len(shared[0].evidence["artists"]) == 3


# --- shared mastering ------------------------------------------------------------------------------


def test_one_envelope_across_three_artists_is_reported(thresholds):
    tracks, feats = [], {}
    for a, name in enumerate(("Lyra Solenne", "Milo Ashcroft", "Sienna Vale")):
        for t in range(3):
            tid = a * 10 + t
            tracks.append(info(tid, name, f"S{t}"))
            feats[tid] = features(loudness=-8.4 + 0.1 * t, peak=-0.3, crest=10.1 + 0.05 * a)
    for t in range(4):  # a human act mastered elsewhere
        tracks.append(info(100 + t, "Grey Harbour", f"H{t}"))
        feats[100 + t] = features(loudness=-6.5 - t, peak=0.4, crest=9.5, tilt=0.5)
    found = run(thresholds, tracks, feats, only="audio.shared_mastering")
    assert len(found) == 1
    assert found[0].severity == "low" and len(found[0].track_ids) == 9
    assert "-8.4 to -8.2 LUFS" in found[0].explanation
    assert sorted(found[0].evidence["artists"]) == ["Lyra Solenne", "Milo Ashcroft", "Sienna Vale"]


def test_similar_masters_of_two_artists_are_not_enough(thresholds):
    tracks = [info(i, "A" if i < 4 else "B", f"S{i}") for i in range(8)]
    feats = {i: features(loudness=-9.0) for i in range(8)}
    assert run(thresholds, tracks, feats, only="audio.shared_mastering") == []


# --- lossy in lossless ------------------------------------------------------------------------------


def test_lossless_files_with_an_encoder_cliff_are_reported(thresholds):
    tracks = [info(1, "Orla Finch", "Tidewater", fmt="flac", codec="flac", mode="lossless"),
              info(2, "Orla Finch", "Sleet", fmt="flac", codec="flac", mode="lossless"),
              info(3, "Orla Finch", "Borrowed", fmt="mp4", codec="alac", mode="lossless"),
              info(4, "Orla Finch", "Radio", fmt="mp3", codec="mp3")]
    feats = {1: features(lossy=True, cutoff=16_870.0), 2: features(lossy=True, cutoff=16_900.0),
             3: features(), 4: features(lossy=True, cutoff=16_870.0)}
    found = run(thresholds, tracks, feats, only="audio.lossy_in_lossless")
    assert len(found) == 1 and found[0].track_ids == (1, 2) and found[0].severity == "medium"
    assert "2 of 3 lossless files" in found[0].explanation and "16.9 kHz" in found[0].explanation


# --- policy --------------------------------------------------------------------------------------------


def test_audio_evidence_alone_never_makes_an_artist_high(thresholds):
    # every audio detector fires for one artist, at its strongest severity
    tracks = [info(i, "Nova Ray", f"Song {i}", fmt="flac", codec="flac", mode="lossless") for i in range(1, 7)]
    tracks += [info(10 + i, other, f"Copy {i}") for i, other in enumerate(("Copy Cat", "Echo Act"))]
    original = song(31, "pop")
    feats = {i: features(score=0.9, spacing=172.266, lossy=True, cutoff=16_900.0, loudness=-8.0,
                         fingerprint=fp(original) if i == 1 else b"") for i in range(1, 7)}
    feats[10] = features(loudness=-8.0, fingerprint=fp(original * 0.8))
    feats[11] = features(loudness=-8.0, fingerprint=fp(speed(original, 0.98)))
    found = run(thresholds, tracks, feats)
    assert {f.detector for f in found} >= {"audio.periodic_artifacts", "audio.near_duplicate",
                                           "audio.lossy_in_lossless"}
    scored = [Scored(f.key, f.detector, f.family, f.severity, f.title, f.score) for f in found
              if 1 in f.track_ids or f.subject == "Nova Ray"]
    risk = combine(scored, thresholds.scoring)
    assert risk.band == "review"  # audio can bring an artist to review ...
    assert risk.risk < thresholds.scoring["bands"]["high"]  # ... never to high
    assert all(f.severity != "conclusive" for f in found)


def test_without_audio_features_audio_detectors_say_nothing(thresholds):
    ctx = DetectionContext([info(1, "A", "x")], (), (), [], thresholds)
    assert detect(ctx, [d for d in registered() if d.family == "audio"]) == []


def test_features_are_read_from_the_store_when_it_has_them(thresholds):
    class FakeStore:
        def audio_feature_rows(self):
            row = features(score=0.8, spacing=172.266).to_row()
            return [{**row, "track_id": 1}, {**row, "track_id": 2}, {**row, "track_id": 99}]

    ctx = DetectionContext([info(1, "A", "x"), info(2, "A", "y")], (), (), [], thresholds, FakeStore())
    from auditor.detectors.audio import audio_features

    assert sorted(audio_features(ctx)) == [1, 2]  # rows of tracks outside the context are ignored
    found = detect(ctx, [d for d in registered() if d.id == "audio.periodic_artifacts"])
    assert len(found) == 1 and found[0].track_ids == (1, 2)
    assert replace(audio_features(ctx)[1]) == audio_features(ctx)[1]
