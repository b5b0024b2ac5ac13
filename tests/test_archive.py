"""ZIP deliveries: hostile archives are refused with reasons, never crash, never escape."""

from __future__ import annotations

import calendar
import io
import os
import stat
import struct
import warnings
import wave
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import auditor.archive as archive_module
from auditor.archive import ArchiveExtractor, ArchiveLimits, iter_zip_candidates, member_path_problem
from auditor.errors import AuditorError, UnreadableFile, UnsafeArchive, UsageError
from auditor.model import Candidate, DiscoveryProblem

MiB = 1024 * 1024


def wav_bytes(frames: int = 2000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(bytes(range(256)) * (frames * 2 // 256) + bytes(frames * 2 % 256))
    return buffer.getvalue()


def make_zip(path: Path, members, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """``members``: iterable of (name or ZipInfo, data)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # duplicate names on purpose
        with zipfile.ZipFile(path, "w", compression) as archive:
            for name, data in members:
                archive.writestr(name, data)
    return path


def collect(path: Path, **kwargs) -> tuple[list[Candidate], list[DiscoveryProblem]]:
    problems: list[DiscoveryProblem] = []
    candidates = list(iter_zip_candidates(path, problems.append, **kwargs))
    return candidates, problems


# Offsets of fields inside a central-directory entry ("PK\1\2") and a local header ("PK\3\4").
_CENTRAL = {"flag": (8, "<H"), "crc": (16, "<L"), "usize": (24, "<L"), "offset": (42, "<L")}
_LOCAL = {"flag": (6, "<H"), "crc": (14, "<L"), "usize": (22, "<L")}


def patch_member(path: Path, name: str, **fields: int) -> None:
    """Rewrite header fields of one member in both its local header and central entry."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, layout, name_at, length_at in ((b"PK\x01\x02", _CENTRAL, 46, 28), (b"PK\x03\x04", _LOCAL, 30, 26)):
        pos = data.find(signature)
        while pos != -1:
            name_length = struct.unpack_from("<H", data, pos + length_at)[0]
            if bytes(data[pos + name_at : pos + name_at + name_length]) == encoded:
                for field, value in fields.items():
                    if field in layout:
                        offset, fmt = layout[field]
                        struct.pack_into(fmt, data, pos + offset, value)
            pos = data.find(signature, pos + 4)
    path.write_bytes(bytes(data))


# -- accepted members ------------------------------------------------------------------------


def test_audio_members_become_candidates_with_zip_fields(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("Album/01 Intro.wav", date_time=(2021, 5, 6, 7, 8, 10))
    archive = make_zip(tmp_path / "delivery.zip", [(info, wav_bytes()), ("Album/cover.jpg", b"\xff\xd8")])
    [candidate], problems = collect(archive)
    assert problems == []
    stored = zipfile.ZipFile(archive).getinfo("Album/01 Intro.wav")
    assert candidate == Candidate(
        display_path=f"{archive}!/Album/01 Intro.wav",
        read_path=None,
        size=len(wav_bytes()),
        mtime_ns=calendar.timegm((2021, 5, 6, 7, 8, 10, 0, 0, 0)) * 1_000_000_000,
        fingerprint=f"zip:{stored.file_size}:{stored.CRC:08x}:{stored.date_time}",
        archive=str(archive),
        member="Album/01 Intro.wav",
    )


def test_extended_timestamp_is_preferred_as_true_utc(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("a.wav", date_time=(2021, 5, 6, 7, 8, 10))
    info.extra = struct.pack("<HHBi", 0x5455, 5, 1, 1_600_000_000)
    archive = make_zip(tmp_path / "d.zip", [(info, wav_bytes())])
    [candidate], _ = collect(archive)
    assert candidate.mtime_ns == 1_600_000_000 * 1_000_000_000


def test_hidden_macos_and_directory_entries_are_skipped_silently(tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "d.zip",
        [
            ("Album/", b""),
            ("__MACOSX/Album/._01.wav", b"fork"),
            ("Album/._01.wav", b"fork"),
            ("Album/.DS_Store", b"x"),
            ("Album/01.wav", wav_bytes()),
        ],
    )
    candidates, problems = collect(archive)
    assert [c.member for c in candidates] == ["Album/01.wav"]
    assert problems == []


def test_members_with_unknown_extensions_are_sniffed_and_paperwork_is_not(tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "d.zip",
        [("master.bin", wav_bytes()), ("junk.bin", b"nothing here" * 10), ("notes.txt", wav_bytes())],
    )
    candidates, problems = collect(archive)
    assert [c.member for c in candidates] == ["master.bin"]
    assert problems == []


def test_backslash_separated_names_from_old_windows_tools_are_accepted(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "d.zip", [("Album\\01.wav", wav_bytes())])
    [candidate], problems = collect(archive)
    assert candidate.member == "Album\\01.wav" and problems == []


# -- refused members ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../escape.wav", "traversal"),
        ("Album/../../escape.wav", "traversal"),
        ("..\\escape.wav", "traversal"),
        ("/etc/escape.wav", "absolute path"),
        ("\\\\server\\share\\escape.wav", "absolute path"),
        ("C:/escape.wav", "drive letter"),
        ("c:\\escape.wav", "drive letter"),
    ],
)
def test_dangerous_member_paths_are_refused_with_a_reason_naming_the_member(tmp_path: Path, name, reason) -> None:
    archive = make_zip(tmp_path / "evil.zip", [(name, wav_bytes()), ("ok.wav", wav_bytes())])
    candidates, [problem] = collect(archive)
    assert [c.member for c in candidates] == ["ok.wav"]
    assert problem.stage == "archive"
    assert reason in problem.reason and repr(name) in problem.reason
    assert problem.path.startswith(f"{archive}!/")


def test_nul_byte_in_a_member_name_is_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "evil.zip", [("song.wav#.txt", wav_bytes())])
    archive.write_bytes(archive.read_bytes().replace(b"song.wav#.txt", b"song.wav\x00.txt"))
    candidates, [problem] = collect(archive)
    assert candidates == [] and "NUL" in problem.reason


def test_symlink_member_is_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("link.wav")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = make_zip(tmp_path / "evil.zip", [(link, b"/etc/passwd")])
    candidates, [problem] = collect(archive)
    assert candidates == [] and "symbolic link" in problem.reason and "'link.wav'" in problem.reason


def test_encrypted_member_is_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "locked.zip", [("secret.wav", wav_bytes())])
    patch_member(archive, "secret.wav", flag=0x1)
    candidates, [problem] = collect(archive)
    assert candidates == [] and "encrypted" in problem.reason


def test_member_with_an_unbounded_compression_method_is_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "bz.zip", [("a.wav", wav_bytes())], compression=zipfile.ZIP_BZIP2)
    candidates, [problem] = collect(archive)
    assert candidates == [] and "compression method 12" in problem.reason


def test_bomb_by_compression_ratio_is_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "bomb.zip", [("bomb.wav", bytes(8 * MiB))])
    candidates, [problem] = collect(archive)
    assert candidates == [] and "compression ratio" in problem.reason and "zip bomb" in problem.reason


def test_small_members_may_compress_well(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "silence.zip", [("silence.wav", wav_bytes()[:44] + bytes(512 * 1024))])
    candidates, problems = collect(archive)
    assert len(candidates) == 1 and problems == []


def test_member_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "big.zip", [("big.wav", wav_bytes())], compression=zipfile.ZIP_STORED)
    candidates, [problem] = collect(archive, limits=ArchiveLimits(max_member_size=1000))
    assert candidates == [] and "per-member limit" in problem.reason


def test_nested_archives_are_reported_and_not_opened(tmp_path: Path) -> None:
    inner = make_zip(tmp_path / "inner.zip", [("hidden.wav", wav_bytes())]).read_bytes()
    archive = make_zip(
        tmp_path / "outer.zip", [("inner.zip", inner), ("disguised.bin", inner), ("other.rar", b"Rar!\x1a\x07\x00")]
    )
    candidates, problems = collect(archive)
    assert candidates == []
    assert [p.reason.split(" not opened")[0] for p in problems] == [
        "nested archive 'inner.zip'", "nested archive 'disguised.bin'", "nested archive 'other.rar'",
    ]


def test_duplicate_member_names_are_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "dup.zip", [("a.wav", wav_bytes()), ("a.wav", b"RIFF-other"), ("b.wav", wav_bytes())])
    candidates, [problem] = collect(archive)
    assert [c.member for c in candidates] == ["b.wav"]
    assert "appears 2 times" in problem.reason


# -- refused archives ----------------------------------------------------------------------------


def test_archive_with_too_many_members_is_refused_whole(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "many.zip", [(f"{i}.wav", b"x") for i in range(6)])
    candidates, [problem] = collect(archive, limits=ArchiveLimits(max_members=5))
    assert candidates == []
    assert problem.path == str(archive) and "6 members" in problem.reason


def test_member_count_is_checked_before_zipfile_reads_the_directory(tmp_path: Path, monkeypatch) -> None:
    archive = make_zip(tmp_path / "many.zip", [(f"{i}.wav", b"x") for i in range(6)])

    def must_not_parse(*args, **kwargs):
        raise AssertionError("zipfile must not build a ZipInfo per entry of a refused archive")

    monkeypatch.setattr(archive_module.zipfile, "ZipFile", must_not_parse)
    candidates, [problem] = collect(archive, limits=ArchiveLimits(max_members=5))
    assert candidates == [] and "declares 6 members" in problem.reason


def test_zip64_member_count_is_read_from_the_zip64_end_record(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)  # make zipfile write ZIP64 end records
    archive = make_zip(tmp_path / "z64.zip", [(f"{i}.wav", wav_bytes()) for i in range(3)])
    monkeypatch.undo()
    assert b"PK\x06\x06" in archive.read_bytes()
    assert len(collect(archive)[0]) == 3
    candidates, [problem] = collect(archive, limits=ArchiveLimits(max_members=2))
    assert candidates == [] and "declares 3 members" in problem.reason


def test_archive_with_too_large_a_declared_total_is_refused_whole(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "huge.zip", [("a.wav", wav_bytes()), ("b.wav", wav_bytes())])
    candidates, [problem] = collect(archive, limits=ArchiveLimits(max_total_size=len(wav_bytes()) + 1))
    assert candidates == [] and "in total" in problem.reason


def test_overlapping_members_are_refused_whole(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "overlap.zip", [("a.wav", wav_bytes()), ("b.wav", wav_bytes())])
    patch_member(archive, "b.wav", offset=0)  # central entry of b points at a's data
    candidates, [problem] = collect(archive)
    assert candidates == [] and "overlap" in problem.reason


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: os.urandom(0) + b"this is not a zip at all" * 10, id="not-a-zip"),
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:-10], id="truncated-end-record"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: b"PK\x03\x04" + bytes(100), id="header-only"),
    ],
)
def test_corrupt_archive_is_one_problem_and_no_exception(tmp_path: Path, damage) -> None:
    good = make_zip(tmp_path / "good.zip", [("a.wav", wav_bytes()), ("b.wav", wav_bytes())])
    broken = tmp_path / "broken.zip"
    broken.write_bytes(damage(good.read_bytes()))
    candidates, [problem] = collect(broken)
    assert candidates == []
    assert problem == DiscoveryProblem(str(broken), "archive", problem.reason)
    assert "not a readable ZIP" in problem.reason


def test_invalid_utf8_name_flagged_as_utf8_is_one_problem(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "names.zip", [("caf\u00e9.wav", wav_bytes())])  # written with the UTF-8 flag
    archive.write_bytes(archive.read_bytes().replace("caf\u00e9".encode(), b"caf\xe9\xe9"))
    candidates, [problem] = collect(archive)
    assert candidates == [] and problem.stage == "archive"


def test_missing_archive_is_one_problem(tmp_path: Path) -> None:
    candidates, [problem] = collect(tmp_path / "gone.zip")
    assert candidates == [] and "cannot read archive" in problem.reason


@settings(derandomize=True, max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1, max_size=8))
def test_randomly_damaged_archives_never_raise(tmp_path: Path, edits) -> None:
    data = bytearray(
        make_zip(tmp_path / "seed.zip", [("a.wav", wav_bytes(200)), ("b.bin", wav_bytes(100)), ("c.mp3", b"x" * 50)]).read_bytes()
    )
    for position, value in edits:
        data[position % len(data)] = value
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    candidates, _ = collect(damaged)
    with ArchiveExtractor() as extractor:
        for candidate in candidates:
            try:
                extractor.extract(candidate)
            except AuditorError:
                pass


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["..", ".", "a", "b.wav", "", "C:", "\\", "/", "..\\x"]), max_size=6))
def test_accepted_member_paths_never_leave_the_extraction_folder(parts) -> None:
    name = "/".join(parts)
    if member_path_problem(name) is None:
        base = os.path.abspath("/extract/here")
        resolved = os.path.normpath(os.path.join(base, name.replace("\\", "/")))
        assert resolved == base or resolved.startswith(base + os.sep)


# -- extraction ----------------------------------------------------------------------------------


def test_extraction_writes_only_inside_a_private_temp_dir_that_is_removed(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "d.zip", [("Album/01 Intro.wav", wav_bytes()), ("Album/02.wav", wav_bytes(3000))])
    candidates, _ = collect(archive)
    before = sorted(p.name for p in tmp_path.iterdir())
    with ArchiveExtractor(chunk_size=1000) as extractor:
        temp_dir = extractor.temp_dir
        assert stat.S_IMODE(temp_dir.stat().st_mode) == 0o700
        first = extractor.extract(candidates[0])
        second = extractor.extract(candidates[1])
        assert first.parent == temp_dir and second.parent == temp_dir
        assert (first.name, second.name) == ("000001.wav", "000002.wav")  # never the member's name
        assert first.read_bytes() == wav_bytes() and second.read_bytes() == wav_bytes(3000)
        extractor.discard(first)
        assert not first.exists()
    assert not temp_dir.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_temp_dir_is_removed_even_when_the_block_fails(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "d.zip", [("a.wav", wav_bytes())])
    [candidate], _ = collect(archive)
    with pytest.raises(RuntimeError):
        with ArchiveExtractor() as extractor:
            temp_dir = extractor.temp_dir
            extractor.extract(candidate)
            raise RuntimeError("scan cancelled")
    assert not temp_dir.exists()


def test_lying_size_header_is_caught_during_extraction(tmp_path: Path) -> None:
    payload = wav_bytes()[:44] + bytes(300_000)
    archive = make_zip(tmp_path / "liar.zip", [("liar.wav", payload)])
    # Declare 1,000 bytes with the CRC of those first 1,000 bytes: zipfile alone would
    # silently hand back a truncated file, the rest of the stream would go unnoticed.
    patch_member(archive, "liar.wav", usize=1000, crc=zlib.crc32(payload[:1000]))
    [candidate], problems = collect(archive)  # nothing looks wrong from the directory
    assert problems == [] and candidate.size == 1000
    with ArchiveExtractor() as extractor:
        with pytest.raises(UnsafeArchive) as caught:
            extractor.extract(candidate)
        assert "more than its declared 1000 bytes" in caught.value.reason
        assert caught.value.path == candidate.display_path
        assert list(extractor.temp_dir.iterdir()) == []  # partial output removed


def test_member_with_less_data_than_declared_is_truncated(tmp_path: Path) -> None:
    payload = wav_bytes()
    archive = make_zip(tmp_path / "short.zip", [("short.wav", payload)])
    patch_member(archive, "short.wav", usize=len(payload) + 5000)
    [candidate], _ = collect(archive)
    with ArchiveExtractor() as extractor:
        with pytest.raises(UnreadableFile, match="truncated"):
            extractor.extract(candidate)


def test_member_whose_data_lies_outside_the_file_is_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "d.zip", [("a.wav", wav_bytes()), ("b.wav", wav_bytes())])
    patch_member(archive, "b.wav", offset=10_000_000)
    candidates, [problem] = collect(archive)
    assert [c.member for c in candidates] == ["a.wav"]
    assert "outside the archive" in problem.reason


def test_crc_error_is_an_unreadable_file(tmp_path: Path) -> None:
    payload = wav_bytes()
    archive = make_zip(tmp_path / "bad.zip", [("bad.wav", payload)], compression=zipfile.ZIP_STORED)
    data = bytearray(archive.read_bytes())
    data[data.find(payload) + 500] ^= 0xFF
    archive.write_bytes(bytes(data))
    [candidate], _ = collect(archive)
    with ArchiveExtractor() as extractor:
        with pytest.raises(UnreadableFile) as caught:
            extractor.extract(candidate)
        assert "corrupt" in caught.value.reason and "CRC" in caught.value.reason
        assert list(extractor.temp_dir.iterdir()) == []


def test_forged_candidate_with_a_traversal_name_is_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "evil.zip", [("../escape.wav", wav_bytes())])
    forged = Candidate(
        display_path=f"{archive}!/../escape.wav", read_path=None, size=0, mtime_ns=0, fingerprint="",
        archive=str(archive), member="../escape.wav",
    )
    with ArchiveExtractor() as extractor:
        with pytest.raises(UnsafeArchive, match="traversal"):
            extractor.extract(forged)
        assert list(extractor.temp_dir.iterdir()) == []
    assert not (tmp_path.parent / "escape.wav").exists()


def test_archive_changed_since_discovery_is_detected(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "d.zip", [("a.wav", wav_bytes())])
    [candidate], _ = collect(archive)
    make_zip(archive, [("a.wav", wav_bytes(3000))])
    with ArchiveExtractor() as extractor:
        with pytest.raises(UnreadableFile, match="changed since discovery"):
            extractor.extract(candidate)
    make_zip(archive, [("other.wav", wav_bytes())])
    with ArchiveExtractor() as extractor:
        with pytest.raises(UnreadableFile, match="no longer in the archive"):
            extractor.extract(candidate)


def test_open_archives_are_cached_and_evicted(tmp_path: Path, monkeypatch) -> None:
    archives = [make_zip(tmp_path / f"{n}.zip", [("a.wav", wav_bytes()), ("b.wav", wav_bytes())]) for n in range(3)]
    candidates = [c for archive in archives for c in collect(archive)[0]]
    opened: list[str] = []
    real_open = archive_module.open_checked_zip

    def spy(path, limits):
        opened.append(os.path.basename(path))
        return real_open(path, limits)

    monkeypatch.setattr(archive_module, "open_checked_zip", spy)
    with ArchiveExtractor(max_open_archives=2) as extractor:
        for candidate in candidates:
            extractor.extract(candidate)
        extractor.extract(candidates[0])  # 0.zip was evicted by 2.zip
    assert opened == ["0.zip", "1.zip", "2.zip", "0.zip"]


def test_extractor_misuse_is_a_usage_error(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "d.zip", [("a.wav", wav_bytes())])
    [candidate], _ = collect(archive)
    with pytest.raises(UsageError):
        ArchiveExtractor().extract(candidate)
    plain = Candidate(display_path="/x.wav", read_path="/x.wav", size=1, mtime_ns=0, fingerprint="f")
    with ArchiveExtractor() as extractor:
        with pytest.raises(UsageError):
            extractor.extract(plain)
        with pytest.raises(UsageError):
            extractor.discard(tmp_path / "d.zip")
    assert archive.exists()
