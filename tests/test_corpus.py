"""Robustness: real malformed files from mutagen's test suite and generated hostile files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from auditor.scan import run_scan
from auditor.store import Store
from tests.corpus import CorpusUnavailable, mutagen_test_data
from tests.test_scan import snapshot


@pytest.fixture(scope="module")
def corpus() -> Path:
    try:
        return mutagen_test_data()
    except CorpusUnavailable as exc:
        if os.environ.get("CI"):
            raise  # CI reaches PyPI: a missing corpus is a real failure there
        pytest.skip(str(exc))


def test_mutagen_corpus_scan_completes_with_every_file_read_or_explained(corpus: Path, tmp_path: Path) -> None:
    before = snapshot(corpus)
    with Store(tmp_path / "corpus.sqlite") as store:
        summary = run_scan(store, [corpus], workers=2, file_timeout=20)
        assert summary.status == "completed"
        rows = list(store.db["tracks"].rows)
        assert len(rows) >= 80
        for row in rows:
            assert row["error"] or row["format"], row["path"]
            if row["error"]:
                assert len(row["error"]) > 10 and "Traceback" not in row["error"]
        readable = [r for r in rows if not r["error"]]
        formats = {r["format"] for r in readable}
        assert {"mp3", "flac", "ogg-vorbis", "ogg-opus", "mp4", "wav", "aiff", "asf", "ape",
                "wavpack", "musepack", "tak", "optimfrog", "dsf"} <= formats
        assert len(readable) > len(rows) * 0.7
        for problem in store.scan_errors(summary.scan_id):
            assert problem["reason"]
    assert snapshot(corpus) == before  # nothing was written


def test_generated_hostile_files_are_recorded_not_fatal(tmp_path: Path) -> None:
    root = tmp_path / "hostile"
    root.mkdir()
    (root / "zero.mp3").write_bytes(b"")
    (root / "random.flac").write_bytes(bytes((i * 7919) % 251 for i in range(8192)))
    (root / "random.m4a").write_bytes(bytes((i * 104729) % 253 for i in range(8192)))
    (root / "id3-header-only.mp3").write_bytes(b"ID3\x04\x00\x00\x7f\x7f\x7f\x7f")
    (root / "riff-header-only.wav").write_bytes(b"RIFF\xff\xff\xff\xffWAVEfmt ")
    (root / "ogg-truncated.ogg").write_bytes(b"OggS\x00\x02" + bytes(20))
    (root / "ftyp-only.m4a").write_bytes(b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A isom")
    (root / "asf-guid-only.wma").write_bytes(bytes.fromhex("3026B2758E66CF11A6D900AA0062CE6C") + bytes(30))
    (root / "loop").symlink_to(root)
    with Store(tmp_path / "h.sqlite") as store:
        summary = run_scan(store, [root], workers=0)
        assert summary.status == "completed"
        errors = {Path(r["path"]).name: r["error"] for r in store.db["tracks"].rows}
        assert set(errors) == {"zero.mp3", "random.flac", "random.m4a", "id3-header-only.mp3",
                               "riff-header-only.wav", "ogg-truncated.ogg", "ftyp-only.m4a",
                               "asf-guid-only.wma"}
        assert all(errors.values()), errors
