"""The CLI contract: commands, output formats, exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.cli import main
from tests.test_scan import make_catalog

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "auditor", *args], cwd=ROOT, capture_output=True, text=True)


def test_scan_prints_a_summary_and_tracks_lists_the_contract_fields(tmp_path: Path, capsys) -> None:
    make_catalog(tmp_path / "cat", 3)
    db = str(tmp_path / "a.sqlite")
    assert main(["scan", str(tmp_path / "cat"), "--db", db, "--workers", "0"]) == 0
    out = capsys.readouterr()
    assert "Scan completed: 3 seen · 3 read · 0 unchanged · 0 missing · 0 failed" in out.out
    assert "scan:" in out.err  # plain progress lines when not a terminal
    assert main(["tracks", "--db", db, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    required = {"path", "format", "codec", "duration", "bitrate", "sample_rate", "channels", "encoder",
                "title", "artist", "album", "album_artist", "label", "isrc", "upc", "release_date",
                "writers", "artwork_sha256", "error"}
    assert len(rows) == 3 and required <= set(rows[0])
    assert rows[0]["writers"] == [{"name": "Writer 0", "role": "composer", "ipi": None}]


def test_tracks_csv_and_table_formats(tmp_path: Path, capsys) -> None:
    make_catalog(tmp_path / "cat", 2)
    db = str(tmp_path / "a.sqlite")
    main(["scan", str(tmp_path / "cat"), "--db", db, "--workers", "0", "--quiet"])
    capsys.readouterr()
    main(["tracks", "--db", db, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["title"] for r in rows] == ["Song 0", "Song 1"]
    main(["tracks", "--db", db])
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[:3] == ["path", "artist", "title"]


def test_missing_path_is_one_line_exit_1(tmp_path: Path) -> None:
    result = run_cli("scan", str(tmp_path / "nope"), "--db", str(tmp_path / "a.sqlite"))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_database_location_is_one_line_exit_1(tmp_path: Path) -> None:
    make_catalog(tmp_path / "cat", 1)
    result = run_cli("scan", str(tmp_path / "cat"), "--db", str(tmp_path / "no" / "such" / "a.sqlite"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "does not exist" in result.stderr


def test_tracks_on_a_missing_database_is_an_error_not_a_new_file(tmp_path: Path) -> None:
    result = run_cli("tracks", "--db", str(tmp_path / "none.sqlite"))
    assert result.returncode == 1 and "no such audit database" in result.stderr
    assert not (tmp_path / "none.sqlite").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli("scan").returncode == 2
    assert run_cli("frobnicate").returncode == 2
    assert run_cli("scan", str(tmp_path), "--db", "x.sqlite", "--workers", "-1").returncode == 2


def test_errors_command_lists_failures_with_reasons(tmp_path: Path, capsys) -> None:
    root = tmp_path / "cat"
    make_catalog(root, 1)
    (root / "bad.mp3").write_bytes(b"")
    db = str(tmp_path / "a.sqlite")
    main(["scan", str(root), "--db", db, "--workers", "0", "--quiet"])
    capsys.readouterr()
    main(["errors", "--db", db, "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    assert rows == [{"path": str(root / "bad.mp3"), "stage": "read", "reason": "empty file (0 bytes)"}]


@pytest.mark.parametrize("entry", [["-m", "auditor"], ["-c", "from auditor.cli import main; raise SystemExit(main())"]])
def test_help_is_available_from_both_entry_points(entry: list[str]) -> None:
    result = subprocess.run([sys.executable, *entry, "--help"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0 and "scan" in result.stdout


def test_export_writes_pdf_and_csvs_headless(demo_audit: Path, tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-m", "auditor", "export", "--db", str(demo_audit), "--pdf", str(tmp_path / "r.pdf"),
         "--csv-dir", str(tmp_path / "csv")], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "r.pdf").read_bytes()[:4] == b"%PDF"
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == ["artists.csv", "findings.csv", "tracks.csv"]
    assert "pages)" in result.stdout


def test_export_without_a_target_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_cli("export", "--db", str(tmp_path / "none.sqlite"))
    assert result.returncode == 1 and "nothing to export" in result.stderr
