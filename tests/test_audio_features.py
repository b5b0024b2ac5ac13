"""analyze(): one call per file, one storable record; it never writes and fails as data."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from auditor.audio import ANALYSIS_VERSION, AudioFeatures, UndecodableAudio, analyze, compare, envelope_key
from auditor.errors import UnreadableFile
from tests.audio_material import RATE, decoded, read_back, song, write

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("features")
    paths = {
        "clean.flac": write(root / "clean.flac", song(21, "pop"), "flac"),
        "clean.m4a": write(root / "clean.m4a", song(21, "pop"), "aac", bitrate=256_000),
        "decoded.mp3": write(root / "decoded.mp3", decoded(21, "pop"), "mp3", bitrate=128_000),
    }
    samples, rate = read_back(paths["decoded.mp3"])
    paths["lossy-in-lossless.flac"] = write(root / "lossy-in-lossless.flac", samples, "flac", rate)
    return paths


@pytest.fixture(scope="module")
def features(files) -> dict[str, AudioFeatures]:
    return {name: analyze(path) for name, path in files.items()}


def test_analyze_fills_every_signal(features):
    f = features["clean.flac"]
    assert f.decoder == "soundfile" and f.analysis_rate == RATE and f.source_channels == 2
    assert f.excerpt_seconds == pytest.approx(10.0, abs=0.01) and f.excerpt_offset_s == 0.0
    assert -20 < f.loudness_lufs < -5 and f.true_peak_db <= 0.5 and 3 < f.crest_db < 20
    assert f.cutoff_hz > 21_000 and not f.lossy_cutoff_suspected
    assert f.peak_score < 0.3
    assert len(f.ltas) == 64 and len(f.fingerprint) > 100
    assert 0 < f.seconds_spent < 5 and f.version == ANALYSIS_VERSION
    assert features["clean.m4a"].decoder == "pyav"


def test_decoded_and_lossy_signals_show_up(features):
    artifact = features["decoded.mp3"]
    assert artifact.peak_score >= 0.5 and artifact.peak_spacing_hz == pytest.approx(RATE / 256, abs=0.05)
    assert artifact.peak_period_samples == pytest.approx(256.0, abs=0.02)
    assert artifact.lossy_cutoff_suspected  # true for an MP3 too; the detector checks the container
    assert features["lossy-in-lossless.flac"].lossy_cutoff_suspected
    assert 16_000 < features["lossy-in-lossless.flac"].cutoff_hz < 17_500


def test_fingerprints_of_one_song_in_two_containers_match(features):
    match = compare(features["clean.flac"].fingerprint, features["clean.m4a"].fingerprint)
    assert match.near_duplicate


def test_rows_roundtrip_through_sqlite(features, tmp_path):
    import sqlite3

    original = features["decoded.mp3"]
    row = original.to_row()
    assert set(row) == {f.name for f in fields(AudioFeatures)}
    assert isinstance(row["ltas"], str) and isinstance(row["fingerprint"], bytes)
    assert all(isinstance(v, (int, float, str, bytes, type(None))) for v in row.values())
    db = sqlite3.connect(tmp_path / "t.db")
    db.execute(f"CREATE TABLE audio_features (track_id INTEGER, {', '.join(row)})")
    db.execute(f"INSERT INTO audio_features VALUES (7, {', '.join('?' * len(row))})", list(row.values()))
    db.row_factory = sqlite3.Row
    stored = dict(db.execute("SELECT * FROM audio_features").fetchone())
    assert AudioFeatures.from_row(stored) == original  # the table's own columns are ignored
    assert pickle.loads(pickle.dumps(original)) == original  # crosses process boundaries


def test_summary_is_json_and_small(features):
    summary = features["clean.flac"].summary()
    json.dumps(summary)
    assert {"loudness_lufs", "true_peak_db", "cutoff_hz", "peak_score", "peak_spacing_hz"} <= set(summary)
    assert "fingerprint" not in summary and "ltas" not in summary


def test_envelope_key_groups_one_master_and_separates_another(features, files, tmp_path):
    same = analyze(write(tmp_path / "again.flac", song(21, "pop"), "flac"))
    assert envelope_key(same) == envelope_key(features["clean.flac"]) is not None
    quieter = analyze(write(tmp_path / "quiet.flac", song(21, "pop") * 0.5, "flac"))
    assert envelope_key(quieter) != envelope_key(features["clean.flac"])


def test_undecodable_file_raises_unreadable_file(tmp_path):
    junk = tmp_path / "junk.m4a"
    junk.write_bytes(b"\x00\x00\x00\x18ftypM4A " + bytes(200))
    with pytest.raises(UndecodableAudio) as info:
        analyze(junk, fmt="mp4")
    assert isinstance(info.value, UnreadableFile) and str(junk) in str(info.value)


def test_analysis_leaves_files_untouched(files):
    before = {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in files.values()}
    for path in files.values():
        analyze(path)
    assert {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in files.values()} == before


def test_importing_the_audio_package_loads_no_decoder_or_qt():
    code = ("import sys, auditor.audio, auditor.audio.features;"
            "bad = [m for m in ('av', 'soundfile', 'PySide6') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
