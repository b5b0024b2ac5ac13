"""The scan pipeline: incremental, cancellable, crash-safe, read-only, robust."""

from __future__ import annotations

import hashlib
import os
import threading
import time
import zipfile
from pathlib import Path

import pytest
from mutagen.id3 import ID3, TCOM, TIT2, TPE1

import auditor.scan as scan_module
from auditor.scan import ScanProgress, normalize_roots, run_scan
from auditor.store import Store
from tests import builders as b


def make_catalog(root: Path, count: int = 12) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = b.mpeg_frames(root / f"track{i:03d}.mp3", frames=20)
        tags = ID3()
        tags.add(TIT2(encoding=3, text=f"Song {i}"))
        tags.add(TPE1(encoding=3, text="Act"))
        tags.add(TCOM(encoding=3, text=f"Writer {i % 3}"))
        tags.save(path)
        paths.append(path)
    return paths


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), os.stat(p).st_mtime_ns)
        for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "audit.sqlite") as s:
        yield s


def test_first_scan_reads_every_file_and_stores_credits(tmp_path: Path, store: Store) -> None:
    make_catalog(tmp_path / "cat")
    summary = run_scan(store, [tmp_path / "cat"], workers=0)
    assert (summary.status, summary.seen, summary.read, summary.failed) == ("completed", 12, 12, 0)
    assert store.count("tracks") == 12
    assert store.count("credits") == 12
    assert store.count("people") == 3


def test_rescan_of_an_unchanged_tree_opens_nothing(tmp_path: Path, store: Store, monkeypatch) -> None:
    make_catalog(tmp_path / "cat")
    run_scan(store, [tmp_path / "cat"], workers=0)
    calls = []
    monkeypatch.setattr(scan_module, "read_track", lambda *a, **k: calls.append(a) or None)
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda f, *a, **k: opened.append(str(f)) or real_open(f, *a, **k))
    summary = run_scan(store, [tmp_path / "cat"], workers=0)
    assert calls == [] and not [p for p in opened if p.endswith(".mp3")]
    assert (summary.read, summary.unchanged) == (0, 12)


def test_modified_file_is_read_again(tmp_path: Path, store: Store) -> None:
    paths = make_catalog(tmp_path / "cat")
    run_scan(store, [tmp_path / "cat"], workers=0)
    tags = ID3(paths[0])
    tags.add(TIT2(encoding=3, text="Renamed"))
    tags.save(paths[0])
    summary = run_scan(store, [tmp_path / "cat"], workers=0)
    assert (summary.read, summary.unchanged) == (1, 11)
    row = next(store.db["tracks"].rows_where("path = ?", [str(paths[0])]))
    assert row["title"] == "Renamed"


def test_edit_that_preserves_mtime_is_still_detected(tmp_path: Path, store: Store) -> None:
    paths = make_catalog(tmp_path / "cat", 2)
    run_scan(store, [tmp_path / "cat"], workers=0)
    st = os.stat(paths[0])
    data = paths[0].read_bytes().replace(b"Song 0", b"Song X")
    paths[0].write_bytes(data)
    os.utime(paths[0], ns=(st.st_atime_ns, st.st_mtime_ns))  # a tagger that keeps mtime
    summary = run_scan(store, [tmp_path / "cat"], workers=0)
    assert summary.read == 1  # ctime changed


def test_vanished_file_is_marked_missing_and_keeps_its_history(tmp_path: Path, store: Store) -> None:
    paths = make_catalog(tmp_path / "cat", 3)
    run_scan(store, [tmp_path / "cat"], workers=0)
    paths[1].unlink()
    summary = run_scan(store, [tmp_path / "cat"], workers=0)
    assert summary.missing == 1
    row = next(store.db["tracks"].rows_where("path = ?", [str(paths[1])]))
    assert row["status"] == "missing" and row["title"] == "Song 1"
    assert store.count("credits", "track_id = ?", [row["id"]]) == 1


def test_cancel_mid_scan_then_resume_reads_only_the_rest(tmp_path: Path, store: Store, monkeypatch) -> None:
    make_catalog(tmp_path / "cat", 30)
    cancel = threading.Event()
    real, reads = scan_module.read_track, []

    def read_then_stop_after_ten(candidate, read_path=None):
        reads.append(candidate)
        if len(reads) == 10:
            cancel.set()  # what the GUI's Stop button does, from another thread
        return real(candidate, read_path)

    monkeypatch.setattr(scan_module, "read_track", read_then_stop_after_ten)
    first = run_scan(store, [tmp_path / "cat"], workers=0, cancel=cancel)
    monkeypatch.setattr(scan_module, "read_track", real)
    assert first.status == "cancelled" and first.read == 10
    assert store.count("tracks") == first.read  # what was read is saved
    assert store.scan(first.scan_id)["status"] == "cancelled"
    second = run_scan(store, [tmp_path / "cat"], workers=0)
    assert second.status == "completed"
    assert second.read == 30 - first.read and second.unchanged == first.read
    assert second.missing == 0


def test_a_scan_killed_mid_write_leaves_a_consistent_database(tmp_path: Path, monkeypatch) -> None:
    make_catalog(tmp_path / "cat", 20)
    db_path = tmp_path / "audit.sqlite"
    monkeypatch.setattr(scan_module, "WRITE_BATCH", 5)
    monkeypatch.setattr(scan_module, "DISCOVERY_CHUNK", 5)
    real_bulk_insert = Store._bulk_insert
    credit_batches = []

    def dying_bulk_insert(store, table, rows):
        if table == "credits":
            credit_batches.append(1)
            if len(credit_batches) >= 2:  # the process dies between tracks and credits
                raise KeyboardInterrupt
        return real_bulk_insert(store, table, rows)

    monkeypatch.setattr(Store, "_bulk_insert", dying_bulk_insert)
    with Store(db_path) as store:
        with pytest.raises(KeyboardInterrupt):
            run_scan(store, [tmp_path / "cat"], workers=0)
    monkeypatch.setattr(Store, "_bulk_insert", real_bulk_insert)
    with Store(db_path) as store:
        tracks = store.count("tracks")
        assert tracks == 5  # the interrupted batch was rolled back entirely
        assert store.count("credits") == tracks
        summary = run_scan(store, [tmp_path / "cat"], workers=0)
        assert summary.read == 15 and store.count("tracks") == 20 and store.count("credits") == 20
        statuses = [r["status"] for r in store.db["scans"].rows_where(order_by="id")]
        assert statuses == ["failed", "completed"]


def test_scan_never_modifies_inputs(tmp_path: Path, store: Store) -> None:
    make_catalog(tmp_path / "cat", 5)
    b.soundfile_audio(tmp_path / "cat" / "x.flac", "FLAC")
    b.soundfile_audio(tmp_path / "cat" / "x.wav", "WAV")
    with zipfile.ZipFile(tmp_path / "cat" / "delivery.zip", "w") as zf:
        zf.write(tmp_path / "cat" / "track000.mp3", "inner/one.mp3")
    before = snapshot(tmp_path / "cat")
    run_scan(store, [tmp_path / "cat"], workers=0)
    run_scan(store, [tmp_path / "cat"], workers=2)
    assert snapshot(tmp_path / "cat") == before


def test_zip_members_are_scanned_and_unchanged_members_skipped(tmp_path: Path, store: Store) -> None:
    src = make_catalog(tmp_path / "src", 3)
    delivery = tmp_path / "in" / "delivery.zip"
    delivery.parent.mkdir()
    with zipfile.ZipFile(delivery, "w") as zf:
        for path in src:
            zf.write(path, f"album/{path.name}")
        zf.writestr("../escape.mp3", src[0].read_bytes())
    first = run_scan(store, [tmp_path / "in"], workers=0)
    paths = sorted(r["path"] for r in store.db["tracks"].rows)
    assert paths == [f"{delivery}!/album/track00{i}.mp3" for i in range(3)]
    assert any("escape" in e["path"] or "escape" in e["reason"] for e in store.scan_errors(first.scan_id))
    second = run_scan(store, [tmp_path / "in"], workers=0)
    assert (second.read, second.unchanged) == (0, 3)


def test_worker_processes_give_the_same_result_as_inline_reading(tmp_path: Path) -> None:
    make_catalog(tmp_path / "cat", 40)
    results = []
    for workers in (0, 2):
        with Store(tmp_path / f"w{workers}.sqlite") as store:
            summary = run_scan(store, [tmp_path / "cat"], workers=workers)
            assert summary.read == 40
            results.append(sorted((r["path"], r["title"], r["sha256"]) for r in store.db["tracks"].rows))
    assert results[0] == results[1]


def test_bad_files_are_recorded_and_the_scan_goes_on(tmp_path: Path, store: Store) -> None:
    root = tmp_path / "cat"
    make_catalog(root, 2)
    (root / "empty.mp3").write_bytes(b"")
    (root / "noise.flac").write_bytes(bytes(range(256)) * 8)
    (root / "loop").symlink_to(root)
    summary = run_scan(store, [root], workers=0)
    assert summary.status == "completed" and summary.failed == 2
    errors = {r["path"]: r["error"] for r in store.db["tracks"].rows_where("error is not null")}
    assert "empty file" in errors[str(root / "empty.mp3")]
    assert errors[str(root / "noise.flac")]
    assert any("loop" in e["reason"] for e in store.scan_errors(summary.scan_id))


def test_per_file_time_limit_stops_a_hanging_read(tmp_path: Path, store: Store, monkeypatch) -> None:
    make_catalog(tmp_path / "cat", 2)
    real = scan_module.read_track

    def hang_on_first(candidate, read_path=None):
        if candidate.display_path.endswith("track000.mp3"):
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:  # a parser stuck in a loop
                pass
        return real(candidate, read_path)

    monkeypatch.setattr(scan_module, "read_track", hang_on_first)
    started = time.monotonic()
    summary = run_scan(store, [tmp_path / "cat"], workers=0, file_timeout=0.3)
    assert time.monotonic() - started < 10
    assert summary.failed == 1 and "longer than 0.3 s" in summary.failures[0][1]


def test_progress_reports_totals_and_finishes(tmp_path: Path, store: Store) -> None:
    make_catalog(tmp_path / "cat", 5)
    events: list[ScanProgress] = []
    run_scan(store, [tmp_path / "cat"], workers=0, progress=events.append)
    assert events[0].phase == "counting" and events[-1].phase == "done"
    assert events[-1].files_done == events[-1].files_total == 5


def test_nested_roots_are_scanned_once(tmp_path: Path) -> None:
    roots = normalize_roots([tmp_path / "a", tmp_path / "a" / "b", tmp_path / "ab"])
    assert roots == [str(tmp_path / "a"), str(tmp_path / "ab")]


def test_audio_features_are_stored_once_and_rescans_skip_them(tmp_path: Path, store: Store, monkeypatch) -> None:
    root = tmp_path / "cat"
    root.mkdir()
    b.soundfile_audio(root / "a.flac", "FLAC", seconds=2.0)
    b.soundfile_audio(root / "b.wav", "WAV", seconds=2.0)
    (root / "c.mp3").write_bytes(b"")  # unreadable: no audio analysis attempted
    first = run_scan(store, [root], workers=0, audio=True)
    assert first.read == 3
    rows = {Path(store.db["tracks"].get(r["track_id"])["path"]).name: r for r in store.db["audio_features"].rows}
    assert all(rows[name]["error"] is None and rows[name]["loudness_lufs"] < 0 for name in ("a.flac", "b.wav"))
    assert rows["c.mp3"]["error"] == "not analysed: the file could not be read"
    second = run_scan(store, [root], workers=0, audio=True)
    assert (second.read, second.unchanged) == (0, 3)


def test_turning_audio_on_later_analyses_unchanged_files_once(tmp_path: Path, store: Store) -> None:
    root = tmp_path / "cat"
    root.mkdir()
    b.soundfile_audio(root / "a.flac", "FLAC", seconds=1.0)
    run_scan(store, [root], workers=0)
    assert store.count("audio_features") == 0
    assert run_scan(store, [root], workers=0, audio=True).read == 1
    assert store.count("audio_features") == 1
    assert run_scan(store, [root], workers=0, audio=True).read == 0
    assert run_scan(store, [root], workers=0).read == 0  # metadata-only rescans ignore audio


def test_undecodable_audio_is_recorded_not_retried(tmp_path: Path, store: Store, monkeypatch) -> None:
    import auditor.audio as audio_module
    from auditor.errors import UnreadableFile

    root = tmp_path / "cat"
    root.mkdir()
    b.soundfile_audio(root / "a.flac", "FLAC", seconds=1.0)

    def refuse(path, **kwargs):
        raise UnreadableFile(path, "decoder refused the stream")

    monkeypatch.setattr(audio_module, "analyze", refuse)
    run_scan(store, [root], workers=0, audio=True)
    (row,) = store.db["audio_features"].rows
    assert row["error"] == "decoder refused the stream"
    assert run_scan(store, [root], workers=0, audio=True).read == 0
