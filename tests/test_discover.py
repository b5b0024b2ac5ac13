"""Discovery: walking real trees built in tmp_path, including the nasty ones."""

from __future__ import annotations

import inspect
import io
import os
import sqlite3
import sys
import wave
import zipfile
from pathlib import Path

import pytest

import auditor.discover as discover_module
from auditor.discover import count_candidates, discover
from auditor.model import Candidate, DiscoveryProblem


def wav_bytes(frames: int = 100) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(bytes(frames * 2))
    return buffer.getvalue()


def write(path: Path, data: bytes | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(wav_bytes() if data is None else data)
    return path


def collect(roots, **kwargs) -> tuple[list[Candidate], list[DiscoveryProblem]]:
    problems: list[DiscoveryProblem] = []
    candidates = list(discover(roots, on_problem=problems.append, **kwargs))
    return candidates, problems


def names(candidates: list[Candidate], root: Path) -> list[str]:
    return [os.path.relpath(c.display_path, root) for c in candidates]


# -- basics ---------------------------------------------------------------------


def test_audio_files_are_found_in_deterministic_order_files_before_subdirectories(tmp_path: Path) -> None:
    for relative in ["b.wav", "a.mp3", "z/3.flac", "m/2.flac", "m/1.flac", "m/sub/0.ogg", "notes.txt"]:
        write(tmp_path / relative)
    candidates, problems = collect([tmp_path])
    assert names(candidates, tmp_path) == [
        "a.mp3", "b.wav", "m/1.flac", "m/2.flac", os.path.join("m", "sub", "0.ogg"), "z/3.flac",
    ]
    assert problems == []


def test_candidate_fields_carry_stat_fingerprint_and_absolute_paths(tmp_path: Path) -> None:
    path = write(tmp_path / "track.wav")
    [candidate] = collect([tmp_path])[0]
    stat = path.stat()
    assert candidate.display_path == str(path) == candidate.read_path
    assert candidate.size == stat.st_size
    assert candidate.mtime_ns == stat.st_mtime_ns
    assert candidate.fingerprint == f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_ino}"
    assert candidate.archive is None and candidate.member is None


def test_relative_roots_give_absolute_display_paths_without_resolving_symlinks(tmp_path: Path, monkeypatch) -> None:
    real = tmp_path / "real"
    write(real / "track.mp3")
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    [candidate] = collect(["alias"])[0]
    assert candidate.display_path == str(tmp_path / "alias" / "track.mp3")


def test_fingerprint_changes_when_a_tool_rewrites_a_file_and_restores_its_mtime(tmp_path: Path) -> None:
    path = write(tmp_path / "track.wav")
    before = collect([tmp_path])[0][0]
    stat = path.stat()
    replacement = write(tmp_path / "tmp.part", path.read_bytes()[:-2] + b"\x01\x01")  # same size
    os.utime(replacement, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(replacement, path)
    after = collect([tmp_path])[0][0]
    assert (after.size, after.mtime_ns) == (before.size, before.mtime_ns)
    assert after.fingerprint != before.fingerprint


def test_missing_root_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    candidates, problems = collect([tmp_path / "nope", tmp_path])
    assert candidates == []
    assert problems == [DiscoveryProblem(str(tmp_path / "nope"), "walk", "path does not exist")]


def test_a_lone_path_is_taken_as_one_root(tmp_path: Path) -> None:
    write(tmp_path / "a.mp3")
    assert [c.display_path for c in collect(str(tmp_path))[0]] == [str(tmp_path / "a.mp3")]
    assert count_candidates(tmp_path) == 1


def test_single_file_roots_are_candidates_and_non_audio_ones_are_reported(tmp_path: Path) -> None:
    audio = write(tmp_path / "one.flac")
    notes = write(tmp_path / "notes.txt", b"hello")
    candidates, problems = collect([audio, notes])
    assert [c.display_path for c in candidates] == [str(audio)]
    assert [(p.path, p.stage) for p in problems] == [(str(notes), "sniff")]
    assert "never read" in problems[0].reason


def test_discovery_is_lazy_and_does_not_walk_the_whole_tree_up_front(tmp_path: Path, monkeypatch) -> None:
    for index in range(50):
        write(tmp_path / f"dir{index:02d}" / "track.mp3")
    listed: list[str] = []
    real_scandir = os.scandir

    def counting_scandir(path):
        listed.append(os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", counting_scandir)
    generator = discover([tmp_path], on_problem=lambda problem: None)
    first = next(generator)
    assert first.display_path.endswith(os.path.join("dir00", "track.mp3"))
    assert len(listed) == 2  # the root and the first subdirectory only
    generator.close()


def test_scan_leaves_every_input_byte_and_mtime_unchanged(tmp_path: Path) -> None:
    paths = [write(tmp_path / "a.wav"), write(tmp_path / "b.bin"), write(tmp_path / "c.dat", b"junk" * 100)]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths}
    collect([tmp_path])
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths} == before


# -- deep trees and symlinks ---------------------------------------------------------------


def test_a_300_level_tree_is_walked_without_recursion(tmp_path: Path) -> None:
    depth = 300
    current = tmp_path
    for _ in range(depth):
        current = current / "d"
        current.mkdir()
    write(current / "deep.flac")
    # Leave far fewer free frames than levels: any recursive walk would fail.
    # (The tree itself stays shallow enough for pytest's recursive cleanup.)
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 120)
    try:
        candidates, problems = collect([tmp_path])
    finally:
        sys.setrecursionlimit(old_limit)
    assert problems == []
    assert [c.display_path for c in candidates] == [str(current / "deep.flac")]


def test_symlink_loop_is_recorded_and_the_walk_finishes(tmp_path: Path) -> None:
    write(tmp_path / "album" / "track.mp3")
    (tmp_path / "album" / "back").symlink_to(tmp_path, target_is_directory=True)
    candidates, problems = collect([tmp_path])
    assert names(candidates, tmp_path) == [os.path.join("album", "track.mp3")]
    [problem] = problems
    assert problem.stage == "walk"
    assert problem.path == str(tmp_path / "album" / "back")
    assert problem.reason.startswith("symlink loop:") and "already visited" in problem.reason


def test_symlink_to_itself_is_recorded(tmp_path: Path) -> None:
    (tmp_path / "self").symlink_to(tmp_path / "self")
    candidates, problems = collect([tmp_path])
    assert candidates == []
    assert [p.reason.split(":")[0] for p in problems] == ["symlink loop"]


def test_symlinked_directories_are_followed_and_walked_once(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside / "shared.flac")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link1").symlink_to(outside, target_is_directory=True)
    (root / "link2").symlink_to(outside, target_is_directory=True)
    candidates, problems = collect([root])
    assert names(candidates, root) == [os.path.join("link1", "shared.flac")]
    [problem] = problems
    assert problem.path == str(root / "link2") and problem.reason.startswith("already visited")


def test_broken_symlink_is_recorded(tmp_path: Path) -> None:
    (tmp_path / "gone.mp3").symlink_to(tmp_path / "missing.mp3")
    write(tmp_path / "ok.mp3")
    candidates, problems = collect([tmp_path])
    assert names(candidates, tmp_path) == ["ok.mp3"]
    [problem] = problems
    assert problem.path == str(tmp_path / "gone.mp3")
    assert problem.reason.startswith("broken symbolic link")


def test_symlinked_file_is_read_through_the_link(tmp_path: Path) -> None:
    target = write(tmp_path / "store" / "real.wav")
    (tmp_path / "link.wav").symlink_to(target)
    candidates, _ = collect([tmp_path])
    assert names(candidates, tmp_path) == ["link.wav", os.path.join("store", "real.wav")]
    assert candidates[0].size == target.stat().st_size


# -- unreadable things -------------------------------------------------------------------


def test_unlistable_directory_is_recorded_and_the_walk_continues(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path / "locked" / "hidden.mp3")
    write(tmp_path / "open" / "seen.mp3")
    real_scandir = os.scandir

    def scandir(path):
        if os.fspath(path) == str(tmp_path / "locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    candidates, problems = collect([tmp_path])
    assert names(candidates, tmp_path) == [os.path.join("open", "seen.mp3")]
    assert problems == [DiscoveryProblem(str(tmp_path / "locked"), "walk", "cannot list directory: permission denied")]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores directory permissions")
def test_directory_without_permissions_is_recorded(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    write(locked / "hidden.mp3")
    locked.chmod(0)
    try:
        candidates, problems = collect([tmp_path])
    finally:
        locked.chmod(0o755)
    assert candidates == []
    assert [(p.path, p.reason) for p in problems] == [(str(locked), "cannot list directory: permission denied")]


def test_unreadable_file_of_unknown_type_is_recorded(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path / "mystery.dat")

    def refuse(path):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(discover_module, "open_readonly", refuse)
    candidates, problems = collect([tmp_path])
    assert candidates == []
    assert problems == [
        DiscoveryProblem(
            str(tmp_path / "mystery.dat"), "sniff", "cannot read the file to recognise its format: permission denied"
        )
    ]


def test_fifo_is_never_opened(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(tmp_path / "pipe")  # opening it for reading would block forever
    os.mkfifo(tmp_path / "pipe.mp3")
    write(tmp_path / "real.mp3")
    candidates, problems = collect([tmp_path])
    assert names(candidates, tmp_path) == ["real.mp3"]
    assert problems == []


# -- names -----------------------------------------------------------------------------------


def test_non_utf8_file_name_gets_a_storable_display_path_and_a_working_read_path(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9 \xff.wav"
    with open(raw, "wb") as fh:
        fh.write(wav_bytes())
    [candidate], problems = collect([tmp_path])
    assert problems == []
    assert candidate.display_path == str(tmp_path) + "/caf\\xe9 \\xff.wav"
    with sqlite3.connect(":memory:") as db:
        db.execute("create table t (path text)")
        db.execute("insert into t values (?)", (candidate.display_path,))
        assert db.execute("select path from t").fetchone()[0] == candidate.display_path
    with open(candidate.read_path, "rb") as fh:
        assert fh.read() == wav_bytes()
    assert os.fsencode(candidate.read_path) == raw


def test_problems_about_non_utf8_paths_are_storable_text(tmp_path: Path) -> None:
    os.symlink(b"/nowhere", os.fsencode(tmp_path) + b"/bad\xfe.mp3")
    _, [problem] = collect([tmp_path])
    problem.path.encode("utf-8")
    problem.reason.encode("utf-8")
    assert problem.path.endswith("bad\\xfe.mp3")


def test_hidden_and_system_files_are_skipped(tmp_path: Path) -> None:
    for relative in [
        "._track.mp3", ".DS_Store", ".hidden.flac", "Thumbs.db", "desktop.ini",
        "__MACOSX/track.mp3", ".AppleDouble/track.mp3", ".git/objects/x.mp3", "Album/._01.flac",
    ]:
        write(tmp_path / relative)
    write(tmp_path / "Album" / "01.flac")
    candidates, problems = collect([tmp_path])
    assert names(candidates, tmp_path) == [os.path.join("Album", "01.flac")]
    assert problems == []


def test_audio_with_an_unknown_extension_is_found_by_sniffing(tmp_path: Path) -> None:
    write(tmp_path / "master.bin")
    write(tmp_path / "no_extension")
    write(tmp_path / "junk.bin", b"\x00not audio at all" * 20)
    candidates, _ = collect([tmp_path])
    assert names(candidates, tmp_path) == ["master.bin", "no_extension"]


def test_paperwork_is_never_opened_even_if_it_contains_audio(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path / "notes.txt")  # WAV bytes, wrong extension: still paperwork
    write(tmp_path / "cover.jpg")
    write(tmp_path / "track.mp3")
    write(tmp_path / "mystery.dat")
    opened: list[str] = []
    real_open = discover_module.open_readonly

    def spy(path):
        opened.append(os.path.basename(path))
        return real_open(path)

    monkeypatch.setattr(discover_module, "open_readonly", spy)
    candidates, _ = collect([tmp_path])
    assert names(candidates, tmp_path) == ["mystery.dat", "track.mp3"]
    assert opened == ["mystery.dat"]  # by-extension audio is not opened either


# -- archives ----------------------------------------------------------------------------------


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_zip_deliveries_are_expanded_into_member_candidates(tmp_path: Path) -> None:
    delivery = make_zip(tmp_path / "delivery.zip", {"A/01.wav": wav_bytes(), "A/cover.jpg": b"jpg"})
    candidates, problems = collect([tmp_path])
    assert [c.display_path for c in candidates] == [f"{delivery}!/A/01.wav"]
    assert candidates[0].archive == str(delivery) and candidates[0].read_path is None
    assert problems == []


def test_zip_with_an_unknown_extension_is_recognised_by_content(tmp_path: Path) -> None:
    delivery = make_zip(tmp_path / "delivery.upload", {"01.flac": b"fLaC" + bytes(60)})
    candidates, _ = collect([tmp_path])
    assert [c.display_path for c in candidates] == [f"{delivery}!/01.flac"]


def test_archives_can_be_excluded(tmp_path: Path) -> None:
    make_zip(tmp_path / "delivery.zip", {"01.wav": wav_bytes()})
    write(tmp_path / "loose.wav")
    candidates, problems = collect([tmp_path], include_archives=False)
    assert names(candidates, tmp_path) == ["loose.wav"]
    assert problems == []


def test_other_archive_formats_are_reported_as_not_opened(tmp_path: Path) -> None:
    write(tmp_path / "delivery.rar", b"Rar!\x1a\x07\x00")
    _, [problem] = collect([tmp_path])
    assert problem.stage == "archive" and problem.reason.startswith("RAR archive not opened")


def test_zip_problems_surface_through_discover(tmp_path: Path) -> None:
    make_zip(tmp_path / "evil.zip", {"../escape.mp3": b"x"})
    candidates, [problem] = collect([tmp_path])
    assert candidates == []
    assert problem.stage == "archive" and "traversal" in problem.reason


# -- counting ---------------------------------------------------------------------------------


def test_count_candidates_counts_by_extension_and_zip_central_directory(tmp_path: Path) -> None:
    write(tmp_path / "a.mp3")
    write(tmp_path / "sub" / "b.flac")
    write(tmp_path / "sub" / "notes.txt")
    write(tmp_path / "._a.mp3")
    write(tmp_path / "sniffed_only.bin")
    make_zip(tmp_path / "d.zip", {"1.wav": b"x", "2.wav": b"y", "__MACOSX/._1.wav": b"z", "info.pdf": b"p"})
    assert count_candidates([tmp_path, tmp_path / "missing"]) == 4
    assert count_candidates([tmp_path], include_archives=False) == 2


def test_count_candidates_does_not_stat_or_open_files(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path / "a.mp3")
    write(tmp_path / "b.dat")

    def fail(*args, **kwargs):
        raise AssertionError("count_candidates must not open files")

    monkeypatch.setattr(discover_module, "open_readonly", fail)
    assert count_candidates([tmp_path]) == 1
