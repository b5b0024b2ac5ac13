"""Read ZIP deliveries without trusting them.

Labels receive catalogs as ZIP files from strangers, so every ZIP is treated
as hostile until checked.  Discovery lists members from the central directory
only (nothing is decompressed except the first bytes of members whose
extension says nothing); extraction happens later, one member at a time, into
a private temporary directory under a generated name.

What is refused, and why:

* member names that would escape a directory if someone *did* extract them by
  name (absolute paths, drive letters, ``..`` components, the same tricks
  spelled with backslashes, NUL bytes) -- we never use member names as paths,
  but such names are evidence of a hostile archive and are reported;
* symbolic-link members, encrypted members, compression methods other than
  stored/deflate (bzip2 and LZMA decompress without an output bound in
  :mod:`zipfile`, so one read could blow up memory);
* members whose declared size exceeds ``ArchiveLimits.max_member_size`` or
  whose declared compression ratio is absurd (zip bombs);
* whole archives with too many members, too large a declared total, or
  members whose data overlap (the "non-recursive" zip bomb construction);
* members declaring the same name more than once (one entry can shadow
  another, so what was audited might not be what a user unpacks);
* nested archives, which are reported and not opened.

During extraction the *actual* decompressed byte count is enforced against
the declared size: a header that lies about the size is a bomb, and the
extraction stops with :class:`~auditor.errors.UnsafeArchive`.
"""

from __future__ import annotations

import calendar
import copy
import os
import re
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count, pairwise
from pathlib import Path

from auditor.errors import AuditorError, UnreadableFile, UnsafeArchive, UsageError
from auditor.model import Candidate, DiscoveryProblem
from auditor.sniff import (
    ARCHIVE_EXTENSIONS,
    AUDIO_EXTENSIONS,
    NON_AUDIO_EXTENSIONS,
    SNIFF_HEAD_BYTES,
    display_text,
    extension_of,
    is_ignored_name,
    sniff_head,
)

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """Safety limits for ZIP deliveries (declared sizes, from the central directory).

    The defaults leave room for real deliveries while refusing the classic
    bombs: 2 GiB holds about an hour of 24-bit/96 kHz stereo or three hours of
    CD-quality WAV, and audio hardly compresses, so a 200:1 ratio on anything
    bigger than 1 MiB only ever means a bomb.  Override per scan if needed.
    """

    max_member_size: int = 2 * GiB
    max_ratio: float = 200.0
    ratio_applies_above: int = 1 * MiB  # tiny members compress absurdly well legitimately
    max_members: int = 100_000
    max_total_size: int = 20 * GiB


DEFAULT_LIMITS = ArchiveLimits()

#: Compression methods read; others are refused (see module docstring).
READABLE_METHODS: dict[int, str] = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}

EXTRACT_CHUNK = 1 * MiB

# Every exception zipfile and zlib raise on damaged or hostile input that we
# have seen (fuzzed in tests/test_archive.py).  They all become recorded reasons.
_ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,  # includes UnicodeDecodeError for invalid UTF-8-flagged names
    NotImplementedError,
    struct.error,
    zlib.error,
    OverflowError,
    RuntimeError,  # password required
)


def _describe_error(err: BaseException) -> str:
    """A sentence fragment for a read failure (some zipfile errors have no text)."""
    if isinstance(err, EOFError):
        return "the archive ends in the middle of the member's data (truncated)"
    if isinstance(err, zlib.error):
        return f"the compressed data is damaged ({err})"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err) or type(err).__name__


_LOCAL_HEADER_SIZE = 30
_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_DRIVE = re.compile(r"^[A-Za-z]:")
_SAFE_SUFFIX = re.compile(r"\.[a-z0-9+]{1,10}")


# --------------------------------------------------------------------------
# Member checks
# --------------------------------------------------------------------------


def member_path_problem(name: str) -> str | None:
    """Why a member name is unsafe as a path, or ``None`` if it is harmless.

    Backslashes are treated as separators (old Windows tools wrote them and
    Windows extractors honour them), so ``..\\evil`` is traversal while a plain
    ``dir\\track.mp3`` is accepted.
    """
    if "\x00" in name:
        return "its name contains a NUL byte (a name-truncation trick)"
    normalized = name.replace("\\", "/")
    if normalized.startswith("/"):
        return "it has an absolute path"
    if _DRIVE.match(normalized):
        return "its path starts with a drive letter"
    if ".." in normalized.split("/"):
        return "its path contains '..' (path traversal out of the extraction folder)"
    return None


def _unix_mode(info: zipfile.ZipInfo) -> int:
    return (info.external_attr >> 16) & 0xFFFF


def member_safety_problem(info: zipfile.ZipInfo, limits: ArchiveLimits = DEFAULT_LIMITS) -> str | None:
    """Why a member must not be decompressed, or ``None``."""
    if stat.S_ISLNK(_unix_mode(info)):
        return "it is a symbolic link"
    if info.flag_bits & 0x1:
        return "it is encrypted"
    if info.compress_type not in READABLE_METHODS:
        return (
            f"it uses compression method {info.compress_type}; only stored and deflate "
            "members are read (others cannot be decompressed with a size bound)"
        )
    if info.file_size > limits.max_member_size:
        return (
            f"its declared size of {info.file_size} bytes exceeds the per-member limit of "
            f"{limits.max_member_size} bytes"
        )
    if info.file_size > limits.ratio_applies_above:
        if info.compress_size <= 0:
            return f"it declares {info.file_size} bytes from no compressed data (zip bomb)"
        ratio = info.file_size / info.compress_size
        if ratio > limits.max_ratio:
            return (
                f"its compression ratio of {ratio:.0f}:1 exceeds {limits.max_ratio:.0f}:1 "
                "(zip bomb)"
            )
    return None


def member_bounds_problem(info: zipfile.ZipInfo, archive_size: int) -> str | None:
    """Why a member's data cannot be where the central directory says, or ``None``."""
    if info.header_offset < 0 or info.header_offset + _LOCAL_HEADER_SIZE + info.compress_size > archive_size:
        return "its data would lie outside the archive file (corrupt or truncated archive)"
    return None


def member_fingerprint(info: zipfile.ZipInfo) -> str:
    """Change fingerprint of a member: declared size, CRC-32 and DOS timestamp."""
    return f"zip:{info.file_size}:{info.CRC:08x}:{info.date_time}"


def _extended_timestamp(extra: bytes) -> int | None:
    """UTC mtime (seconds) from an Info-ZIP extended-timestamp field (0x5455)."""
    pos = 0
    while pos + 4 <= len(extra):
        field_id, size = struct.unpack_from("<HH", extra, pos)
        data = extra[pos + 4 : pos + 4 + size]
        if field_id == 0x5455 and len(data) >= 5 and data[0] & 0x1:
            return struct.unpack_from("<i", data, 1)[0]
        pos += 4 + size
    return None


def member_mtime_ns(info: zipfile.ZipInfo) -> int:
    """Modification time of a member in ns since the epoch.

    ZIP's own timestamp is DOS local time with no zone; we read it as UTC
    (the packer's zone is unknowable).  When the Info-ZIP extended timestamp
    is present it *is* UTC and is preferred.  Impossible dates give 0.
    """
    utc = _extended_timestamp(info.extra)
    if utc is not None:
        return utc * 1_000_000_000
    try:
        return calendar.timegm((*info.date_time, 0, 0, 0)) * 1_000_000_000
    except (ValueError, OverflowError, TypeError):
        return 0


def _member_parts(name: str) -> list[str]:
    return [part for part in name.replace("\\", "/").split("/") if part]


def _member_display(shown_zip: str, name: str) -> str:
    return f"{shown_zip}!/{name}"


# --------------------------------------------------------------------------
# Opening archives
# --------------------------------------------------------------------------


def _declared_entry_count(path: str) -> int | None:
    """Member count from the end-of-central-directory record, before zipfile.

    zipfile builds a ``ZipInfo`` for every central-directory entry, so an
    archive declaring millions of members would eat memory before any limit
    could be checked.  Best effort: ``None`` when the record is not found
    (zipfile then reports the archive as corrupt).
    """
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        tail_len = min(size, _EOCD.size + 0xFFFF)
        fh.seek(size - tail_len)
        tail = fh.read(tail_len)
        pos = tail.rfind(b"PK\x05\x06")
        if pos < 0 or pos + _EOCD.size > len(tail):
            return None
        entries = _EOCD.unpack_from(tail, pos)[4]
        if entries != 0xFFFF:
            return entries
        locator_pos = pos - _ZIP64_LOCATOR.size
        if locator_pos < 0:
            return None
        signature, _, zip64_offset, _ = _ZIP64_LOCATOR.unpack_from(tail, locator_pos)
        if signature != b"PK\x06\x07" or zip64_offset + _ZIP64_EOCD.size > size:
            return None
        fh.seek(zip64_offset)
        record = fh.read(_ZIP64_EOCD.size)
        if len(record) < _ZIP64_EOCD.size or record[:4] != b"PK\x06\x06":
            return None
        return _ZIP64_EOCD.unpack(record)[7]


def _overlap_problem(infos: list[zipfile.ZipInfo]) -> str | None:
    spans = sorted((info.header_offset, info.compress_size, info.filename) for info in infos)
    for (offset, compressed, name), (next_offset, _, next_name) in pairwise(spans):
        if next_offset < offset + _LOCAL_HEADER_SIZE + compressed:
            return (
                f"members {name!r} and {next_name!r} overlap in the file (a zip-bomb "
                "construction); archive not opened"
            )
    return None


def open_checked_zip(abs_path: str, limits: ArchiveLimits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """Open a ZIP for reading after the archive-level checks.

    Raises :class:`UnreadableFile` for missing, corrupt, truncated or
    not-a-ZIP files and :class:`UnsafeArchive` for archives refused whole.
    """
    shown = display_text(abs_path)
    try:
        declared = _declared_entry_count(abs_path)
    except OSError as err:
        raise UnreadableFile(shown, f"cannot read archive: {err.strerror or err}") from err
    if declared is not None and declared > limits.max_members:
        raise UnsafeArchive(
            shown, f"archive declares {declared} members, more than the limit of {limits.max_members}; not opened"
        )
    try:
        zf = zipfile.ZipFile(abs_path)
    except _ZIP_READ_ERRORS as err:
        raise UnreadableFile(shown, f"not a readable ZIP archive (corrupt or truncated): {_describe_error(err)}") from err
    try:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise UnsafeArchive(
                shown, f"archive has {len(infos)} members, more than the limit of {limits.max_members}; not opened"
            )
        total = sum(info.file_size for info in infos)
        if total > limits.max_total_size:
            raise UnsafeArchive(
                shown,
                f"archive declares {total} bytes uncompressed in total, more than the limit of "
                f"{limits.max_total_size}; not opened",
            )
        overlap = _overlap_problem(infos)
        if overlap is not None:
            raise UnsafeArchive(shown, overlap)
    except BaseException:
        zf.close()
        raise
    return zf


def _file_size(zf: zipfile.ZipFile) -> int:
    """Size of the file behind an open ZipFile (its handle stays where it was)."""
    handle = zf.fp
    return os.fstat(handle.fileno()).st_size if handle is not None else 0


# --------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------


def iter_zip_candidates(
    zip_path: str | os.PathLike[str],
    on_problem: Callable[[DiscoveryProblem], None],
    *,
    limits: ArchiveLimits = DEFAULT_LIMITS,
) -> Iterator[Candidate]:
    """Yield a :class:`Candidate` for every safe audio member of a ZIP.

    Members are filtered like files on disk (audio extension, or sniffed
    first bytes when the extension is unknown; directories, ``__MACOSX/``,
    ``._`` forks and other hidden names are skipped silently).  Every refusal
    is reported through ``on_problem`` with ``stage="archive"``; a corrupt or
    refused archive is one problem.  Never raises for archive content.

    ``Candidate.archive`` is the real absolute path of the ZIP (it may
    contain surrogate escapes, like ``read_path``); ``display_path`` is
    always valid UTF-8.
    """
    abs_zip = os.path.abspath(os.fsdecode(zip_path))
    shown = display_text(abs_zip)

    def report(reason: str, member: str | None = None) -> None:
        where = shown if member is None else _member_display(shown, member)
        on_problem(DiscoveryProblem(path=where, stage="archive", reason=reason))

    try:
        zf = open_checked_zip(abs_zip, limits)
    except (UnreadableFile, UnsafeArchive) as err:
        report(err.reason)
        return
    with zf:
        archive_size = _file_size(zf)
        infos = zf.infolist()
        name_counts = Counter(info.filename for info in infos)
        reported_duplicates: set[str] = set()
        for info in infos:
            name = info.filename
            path_problem = member_path_problem(info.orig_filename)  # orig keeps a NUL zipfile cuts at
            if path_problem is not None:
                report(f"member {info.orig_filename!r} refused: {path_problem}", name)
                continue
            parts = _member_parts(name)
            if info.is_dir() or name.endswith("\\") or not parts:
                continue
            if any(is_ignored_name(part) for part in parts):
                continue
            if stat.S_ISLNK(_unix_mode(info)):
                report(f"member {name!r} refused: it is a symbolic link", name)
                continue
            extension = extension_of(parts[-1])
            if extension in ARCHIVE_EXTENSIONS:
                report(f"nested archive {name!r} not opened: archives inside archives are not expanded", name)
                continue
            if extension in NON_AUDIO_EXTENSIONS:
                continue
            if name_counts[name] > 1:
                if name not in reported_duplicates:
                    reported_duplicates.add(name)
                    report(
                        f"member {name!r} refused: the name appears {name_counts[name]} times in the "
                        "archive, so one entry can shadow another; none of them is read",
                        name,
                    )
                continue
            safety = member_safety_problem(info, limits) or member_bounds_problem(info, archive_size)
            if safety is not None:
                report(f"member {name!r} refused: {safety}", name)
                continue
            if extension not in AUDIO_EXTENSIONS:
                try:
                    with zf.open(info) as member_file:
                        kind = sniff_head(member_file.read(SNIFF_HEAD_BYTES))
                except _ZIP_READ_ERRORS as err:
                    report(f"member {name!r} could not be read to recognise its format: {_describe_error(err)}", name)
                    continue
                if kind == "zip":
                    report(
                        f"nested archive {name!r} not opened: archives inside archives are not expanded",
                        name,
                    )
                    continue
                if kind is None:
                    continue
            yield Candidate(
                display_path=_member_display(shown, name),
                read_path=None,
                size=info.file_size,
                mtime_ns=member_mtime_ns(info),
                fingerprint=member_fingerprint(info),
                archive=abs_zip,
                member=name,
            )


def count_zip_candidates(zip_path: str | os.PathLike[str], limits: ArchiveLimits = DEFAULT_LIMITS) -> int:
    """Rough count of audio members, from the central directory only.

    Counts members with an audio extension and no hidden path component;
    nothing is decompressed or validated, so refused members may be counted
    and sniff-only members are not.  Unreadable archives count as 0.
    """
    abs_zip = os.path.abspath(os.fsdecode(zip_path))
    try:
        with open_checked_zip(abs_zip, limits) as zf:
            return sum(
                1
                for info in zf.infolist()
                if not info.is_dir()
                and (parts := _member_parts(info.filename))
                and not any(is_ignored_name(part) for part in parts)
                and extension_of(parts[-1]) in AUDIO_EXTENSIONS
            )
    except AuditorError:
        return 0


# --------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------


@dataclass(slots=True)
class _OpenArchive:
    zf: zipfile.ZipFile
    name_counts: Counter[str]
    size: int


class ArchiveExtractor:
    """Extracts ZIP members, one at a time, into a private temporary directory.

    Use as a context manager: the directory is created by ``mkdtemp`` (mode
    0700) on entry and removed with everything in it on exit.  Files are
    written under generated names (``000001.flac``), never under the member's
    name, with ``O_EXCL|O_NOFOLLOW``, so nothing is ever written outside the
    directory.  Open ``ZipFile`` objects are cached per archive (a few at a
    time, least recently used closed first).  Not thread-safe: use one per
    worker.

    Errors: :class:`UnsafeArchive` when a member must not be extracted
    (including a header that lies about the size), :class:`UnreadableFile`
    for damaged data (CRC error, truncation) or an archive that changed since
    discovery, :class:`UsageError` for calls that cannot work.
    """

    def __init__(
        self,
        *,
        limits: ArchiveLimits = DEFAULT_LIMITS,
        max_open_archives: int = 4,
        chunk_size: int = EXTRACT_CHUNK,
    ) -> None:
        self._limits = limits
        self._max_open = max(1, max_open_archives)
        self._chunk_size = chunk_size
        self._dir: Path | None = None
        self._archives: OrderedDict[str, _OpenArchive] = OrderedDict()
        self._numbers = count(1)

    def __enter__(self) -> ArchiveExtractor:
        self._dir = Path(tempfile.mkdtemp(prefix="catalog-auditor-zip-"))
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def temp_dir(self) -> Path:
        """The private directory (only valid inside the ``with`` block)."""
        if self._dir is None:
            raise UsageError("ArchiveExtractor is not open: use it in a with-block")
        return self._dir

    def close(self) -> None:
        """Close cached archives and delete the temporary directory."""
        while self._archives:
            _, entry = self._archives.popitem()
            entry.zf.close()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def _archive(self, archive: str) -> _OpenArchive:
        entry = self._archives.get(archive)
        if entry is not None:
            self._archives.move_to_end(archive)
            return entry
        zf = open_checked_zip(archive, self._limits)
        entry = _OpenArchive(zf, Counter(info.filename for info in zf.infolist()), _file_size(zf))
        self._archives[archive] = entry
        while len(self._archives) > self._max_open:
            _, evicted = self._archives.popitem(last=False)
            evicted.zf.close()
        return entry

    def extract(self, candidate: Candidate) -> Path:
        """Stream one member into the temporary directory and return its path.

        The member is re-validated (a candidate may be stale or forged) and
        its fingerprint compared with the archive's current entry.  The data
        is read with room for one byte more than declared: if that byte
        arrives, the header lied and extraction stops before the disk fills.
        """
        directory = self.temp_dir
        if candidate.archive is None or candidate.member is None:
            raise UsageError(f"{candidate.display_path}: not a ZIP member, nothing to extract")
        shown = candidate.display_path
        member = candidate.member
        entry = self._archive(candidate.archive)
        occurrences = entry.name_counts.get(member, 0)
        if occurrences == 0:
            raise UnreadableFile(shown, "member is no longer in the archive (changed since discovery?)")
        if occurrences > 1:
            raise UnsafeArchive(shown, f"member name appears {occurrences} times in the archive; not extracted")
        info = entry.zf.getinfo(member)
        reason = member_path_problem(info.orig_filename) or member_safety_problem(info, self._limits)
        if reason is not None:
            raise UnsafeArchive(shown, f"member refused: {reason}")
        bounds = member_bounds_problem(info, entry.size)
        if bounds is not None:
            raise UnreadableFile(shown, f"member cannot be read: {bounds}")
        if member_fingerprint(info) != candidate.fingerprint:
            raise UnreadableFile(shown, "archive changed since discovery: the member's size, CRC or date differ")

        declared = info.file_size
        # zipfile silently stops at the declared size, hiding a lying header, and
        # checks the CRC only then.  So read through a copy of the entry that lets
        # one byte more through and has no CRC (zipfile then skips its check), and
        # check both ourselves.  Were zipfile to check the CRC anyway, a lie would
        # surface as a CRC error instead: still refused, only with a vaguer reason.
        probe = copy.copy(info)
        probe.file_size = declared + 1
        del probe.CRC
        target = directory / f"{next(self._numbers):06d}{_safe_suffix(member)}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(target, flags, 0o600)
        except OSError as err:
            raise AuditorError(f"{target}: cannot create the extraction file: {err.strerror or err}") from err
        written = 0
        crc = 0
        try:
            with os.fdopen(fd, "wb") as out, entry.zf.open(probe) as source:
                while chunk := source.read(min(self._chunk_size, declared + 1 - written)):
                    written += len(chunk)
                    if written > declared:
                        raise UnsafeArchive(
                            shown,
                            f"member decompresses to more than its declared {declared} bytes: the "
                            "header lies (zip bomb); extraction stopped",
                        )
                    crc = zlib.crc32(chunk, crc)
                    out.write(chunk)
            if written < declared:
                raise UnreadableFile(shown, f"member data is truncated: {written} of {declared} bytes")
            if crc != info.CRC:
                raise UnreadableFile(
                    shown, f"member data is corrupt: CRC-32 is {crc:08x}, the archive says {info.CRC:08x}"
                )
        except AuditorError:
            target.unlink(missing_ok=True)
            raise
        except zipfile.BadZipFile as err:
            target.unlink(missing_ok=True)
            raise UnreadableFile(shown, f"member data is corrupt: {_describe_error(err)}") from err
        except _ZIP_READ_ERRORS as err:
            target.unlink(missing_ok=True)
            raise UnreadableFile(shown, f"member could not be extracted: {_describe_error(err)}") from err
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return target

    def discard(self, path: Path) -> None:
        """Delete one extracted file early (keeps disk use flat on big deliveries)."""
        directory = self.temp_dir
        path = Path(path)
        if path.parent != directory:
            raise UsageError(f"{path}: not a file extracted by this ArchiveExtractor")
        path.unlink(missing_ok=True)


def _safe_suffix(member: str) -> str:
    """The member's extension if it is plain (``.flac``), else nothing."""
    parts = _member_parts(member)
    suffix = extension_of(parts[-1]) if parts else ""
    return suffix if _SAFE_SUFFIX.fullmatch(suffix) else ""
