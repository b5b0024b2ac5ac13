"""run_audit: one call scans and detects; the CLI contract for findings, artists and tracks."""

from __future__ import annotations

import csv
import io
import json
import threading
from pathlib import Path

import pytest
from mutagen.id3 import COMM, ID3, TALB, TCOM, TDRC, TIT2, TPE1, TSRC

from auditor.audit import run_audit
from auditor.cli import main
from auditor.store import Store
from tests import builders as b
from tests.test_detectors_support import DEFAULTS

PERSONAS = ("Lyra Solenne", "Milo Ashcroft", "Sienna Vale")


def make_farm_tree(root: Path, count: int = 12) -> list[Path]:
    """Real MP3 files: one writer, three personas, consecutive ISRCs, a Suno comment on the first."""
    paths = []
    for k in range(count):
        persona = PERSONAS[k % 3]
        folder = root / persona
        folder.mkdir(parents=True, exist_ok=True)
        path = b.mpeg_frames(folder / f"{k:02d}.mp3", frames=20 + k % 3)
        tags = ID3()
        tags.add(TIT2(encoding=3, text=f"Neon Echoes {k}"))
        tags.add(TPE1(encoding=3, text=persona))
        tags.add(TALB(encoding=3, text=f"Single {k}"))
        tags.add(TCOM(encoding=3, text="Adrian Kessel"))
        tags.add(TSRC(encoding=3, text=f"QZH7W25{101 + k:05d}"))
        tags.add(TDRC(encoding=3, text=f"2025-10-{20 + k // 2:02d}"))
        if k == 0:
            tags.add(COMM(encoding=3, lang="eng", desc="", text="made with suno; created=2025-10-20; id=abc"))
        tags.save(path)
        paths.append(path)
    return paths


@pytest.fixture(autouse=True)
def no_user_thresholds(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CATALOG_AUDITOR_THRESHOLDS", str(tmp_path / "no-user-thresholds.toml"))


def test_run_audit_scans_then_detects_and_scores(tmp_path: Path) -> None:
    make_farm_tree(tmp_path / "cat")
    with Store(tmp_path / "a.sqlite") as store:
        summary = run_audit(store, [tmp_path / "cat"], workers=0, thresholds=DEFAULTS)
        assert summary.status == "completed" and summary.scan.read == 12
        assert summary.detection is not None and summary.detection.findings > 0
        detectors = {r["detector"] for r in store.finding_rows()}
        assert {"writers.hub", "isrc.consecutive_across_artists", "provenance.markers"} <= detectors
        assert store.count("track_risk") == 12
        risks = {r["artist"]: r["band"] for r in store.artist_risk_rows()}
        assert risks == {"Lyra Solenne": "high", "Milo Ashcroft": "high", "Sienna Vale": "high"}


def test_progress_reports_detection_and_says_done_once_at_the_end(tmp_path: Path) -> None:
    make_farm_tree(tmp_path / "cat", 6)
    events = []
    with Store(tmp_path / "a.sqlite") as store:
        run_audit(store, [tmp_path / "cat"], workers=0, progress=events.append, thresholds=DEFAULTS)
    phases = [e.phase for e in events]
    assert phases.count("done") == 1 and phases[-1] == "done"
    assert "detecting" in phases and phases.index("detecting") > phases.index("reading")
    detecting = [e for e in events if e.phase == "detecting"]
    assert detecting[-1].files_done == detecting[-1].files_total
    assert "findings" in events[-1].message


def test_a_cancelled_scan_with_data_is_still_audited(tmp_path: Path) -> None:
    make_farm_tree(tmp_path / "cat", 6)
    with Store(tmp_path / "a.sqlite") as store:
        run_audit(store, [tmp_path / "cat"], workers=0, thresholds=DEFAULTS)
        cancel = threading.Event()
        cancel.set()
        summary = run_audit(store, [tmp_path / "cat"], workers=0, cancel=cancel, thresholds=DEFAULTS)
        assert summary.scan.status == "cancelled"
        assert summary.detection is not None and summary.detection.status == "completed"


def test_a_cancelled_first_scan_without_data_skips_detection(tmp_path: Path) -> None:
    make_farm_tree(tmp_path / "cat", 3)
    cancel = threading.Event()
    cancel.set()
    with Store(tmp_path / "a.sqlite") as store:
        summary = run_audit(store, [tmp_path / "cat"], workers=0, cancel=cancel, thresholds=DEFAULTS)
    assert summary.detection is None


def test_cli_scan_prints_scan_and_detection_summaries(tmp_path: Path, capsys) -> None:
    make_farm_tree(tmp_path / "cat")
    db = str(tmp_path / "a.sqlite")
    assert main(["scan", str(tmp_path / "cat"), "--db", db, "--workers", "0", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Scan completed: 12 seen" in out
    assert "Detection: " in out and "artists: 3 high, 0 review, 0 low" in out


def test_cli_findings_json_contract(tmp_path: Path, capsys) -> None:
    make_farm_tree(tmp_path / "cat")
    db = str(tmp_path / "a.sqlite")
    main(["scan", str(tmp_path / "cat"), "--db", db, "--workers", "0", "--quiet"])
    capsys.readouterr()
    assert main(["findings", "--db", db, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    required = {"key", "detector", "family", "severity", "subject_type", "subject", "title", "explanation",
                "evidence", "tracks", "review", "innocent_explanations"}
    assert rows and all(required <= set(r) for r in rows)
    hub = next(r for r in rows if r["detector"] == "writers.hub")
    assert hub["subject_type"] == "writer" and hub["subject"] == "Adrian Kessel" and hub["review"] == "open"
    assert len(hub["tracks"]) == 12 and all(p.endswith(".mp3") for p in hub["tracks"])
    assert isinstance(hub["evidence"], dict)
    main(["findings", "--db", db, "--format", "json", "--detector", "writers.hub"])
    assert [r["detector"] for r in json.loads(capsys.readouterr().out)] == ["writers.hub"]


def test_cli_artists_contract_sorted_by_risk_in_every_format(tmp_path: Path, capsys) -> None:
    make_farm_tree(tmp_path / "cat")
    b.mpeg_frames(tmp_path / "cat" / "other.mp3")  # an untagged file: no artist
    tagged = ID3()
    tagged.add(TPE1(encoding=3, text="Quiet Human"))
    tagged.add(TIT2(encoding=3, text="Only Song"))
    tagged.save(tmp_path / "cat" / "other.mp3")
    db = str(tmp_path / "a.sqlite")
    main(["scan", str(tmp_path / "cat"), "--db", db, "--workers", "0", "--quiet"])
    capsys.readouterr()
    main(["artists", "--db", db, "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    assert [r["artist"] for r in rows][-1] == "Quiet Human"
    assert [r["risk"] for r in rows] == sorted((r["risk"] for r in rows), reverse=True)
    assert {"artist", "risk", "band", "tracks", "reasons"} <= set(rows[0])
    assert {"finding_key", "title", "weight"} == set(rows[0]["reasons"][0])
    main(["artists", "--db", db, "--format", "csv"])
    csv_rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert csv_rows[0]["band"] == "high" and json.loads(csv_rows[0]["reasons"])
    main(["artists", "--db", db])
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:4] == ["artist", "risk", "band", "tracks"]
    assert "Quiet Human" in table[-1] and "no findings" in table[-1]


def test_cli_tracks_gain_risk_and_band(tmp_path: Path, capsys) -> None:
    make_farm_tree(tmp_path / "cat", 6)
    db = str(tmp_path / "a.sqlite")
    main(["scan", str(tmp_path / "cat"), "--db", db, "--workers", "0", "--quiet"])
    capsys.readouterr()
    main(["tracks", "--db", db, "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    assert all(r["band"] in ("low", "review", "high") and 0 <= r["risk"] <= 100 for r in rows)
    marked = next(r for r in rows if r["path"].endswith("00.mp3"))
    assert marked["band"] == "high"


def test_cli_detect_reruns_on_an_existing_audit(tmp_path: Path, capsys) -> None:
    make_farm_tree(tmp_path / "cat", 6)
    db = str(tmp_path / "a.sqlite")
    main(["scan", str(tmp_path / "cat"), "--db", db, "--workers", "0", "--quiet"])
    capsys.readouterr()
    assert main(["detect", "--db", db]) == 0
    assert capsys.readouterr().out.startswith("Detection: ")
    assert main(["detect", "--db", str(tmp_path / "missing.sqlite")]) == 1


def test_csv_output_neutralizes_formulas_in_findings(tmp_path: Path, capsys) -> None:
    make_farm_tree(tmp_path / "cat", 6)
    for path in (tmp_path / "cat").rglob("*.mp3"):
        tags = ID3(path)
        tags.add(TCOM(encoding=3, text="=HYPERLINK(\"http://x\")"))
        tags.save(path)
    db = str(tmp_path / "a.sqlite")
    main(["scan", str(tmp_path / "cat"), "--db", db, "--workers", "0", "--quiet"])
    capsys.readouterr()
    main(["findings", "--db", db, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert any(r["subject"].startswith("'=HYPERLINK") for r in rows)
