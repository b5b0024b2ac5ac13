"""Spreadsheet manifests: header auto-detection, overrides, CSV and XLSX."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.delivery.manifest import ManifestError, detect_mapping, parse_manifest, parse_mapping_option


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_common_headers_are_detected() -> None:
    mapping = detect_mapping(["Track Title", "Main Artist", "ISRC Code", "Songwriters", "Writer IPI", "UPC", "File Name"])
    assert mapping == {"title": "Track Title", "artist": "Main Artist", "isrc": "ISRC Code",
                       "writers": "Songwriters", "writer_ipi": "Writer IPI", "upc": "UPC", "file": "File Name"}


def test_csv_manifest_rows_become_declared_recordings(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv",
                     "File Name;Track Title;Artist;ISRC;Writers;Writer IPI;Duration\n"
                     "a.flac;Cedar Smoke;The Hollow Pines;GBLYR2500001;Jane Smith & Ken Ito;123456789;3:12\n"
                     "b.flac;Kettle River;The Hollow Pines;GBLYR2500002;Jane Smith;;PT2M48S\n")
    manifest = parse_manifest(path)
    first, second = manifest.recordings
    assert (first.files, first.title, first.isrc, first.duration_s) == (("a.flac",), "Cedar Smoke", "GBLYR2500001", 192)
    assert [c.name for c in first.contributors] == ["Jane Smith", "Ken Ito"]
    assert all(c.ipi is None for c in first.contributors)
    assert any("1 IPI value(s) for 2 writer(s)" in p for p in manifest.problems)
    assert second.duration_s == 168


def test_mapping_override_and_bad_override(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", "Song Name,Who Wrote It\nX,Ana Lopez\n")
    manifest = parse_manifest(path, parse_mapping_option("Song Name=title, Who Wrote It=writers"))
    assert manifest.recordings[0].title == "X" and manifest.recordings[0].contributors[0].name == "Ana Lopez"
    with pytest.raises(ManifestError, match="expected HEADER=FIELD"):
        parse_mapping_option("Song Name=colour")
    with pytest.raises(ManifestError, match="not in the sheet"):
        parse_manifest(path, {"title": "Nope"})


def test_xlsx_manifest_values_are_read_not_evaluated(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ISRC", "Title", "Composer"])
    sheet.append(["QZABC2500101", "=HYPERLINK(\"http://x\")", "Ghost Writer"])
    workbook.save(tmp_path / "m.xlsx")
    (recording,) = parse_manifest(tmp_path / "m.xlsx").recordings
    assert recording.isrc == "QZABC2500101" and recording.contributors[0].name == "Ghost Writer"


def test_utf16_csv_is_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", "ISRC,Title\nSEABC0100001,Åsa\n", encoding="utf-16")
    assert parse_manifest(path).recordings[0].title == "Åsa"
