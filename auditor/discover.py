"""Find the audio files under the roots a user chose, and never stop on a bad path.

Discovery is a generator over an explicit stack (``os.scandir``, no
recursion), so a tree 10,000 levels deep or with 100,000 files costs memory
proportional to the directories pending and visited, not to the files found.
Order is deterministic: roots in the order given; inside a directory, files
first in sorted name order, then each subdirectory (sorted) depth-first.

Everything discovery cannot look at becomes a :class:`DiscoveryProblem`
passed to ``on_problem`` (missing roots, broken or looping symlinks,
unreadable directories and files, refused ZIP members); the walk goes on.

Paths and non-UTF-8 names
-------------------------
On POSIX a file name is bytes.  Names that are not valid UTF-8 arrive in
Python as ``str`` with lone surrogates (``surrogateescape``).  Such a string
opens the file, but SQLite, Qt and the PDF writer reject it.  So a
:class:`Candidate` carries two paths:

* ``read_path`` -- the real absolute path, surrogates and all; use it (and
  only it) to open the file;
* ``display_path`` -- :func:`auditor.sniff.display_text` of that path: always
  valid UTF-8, undecodable bytes shown as ``\\xNN``; use it to show, store and
  key records.

``Candidate.archive`` for ZIP members is likewise the real path of the ZIP.

Files are only ever opened read-only (``O_RDONLY``, plus ``O_NOATIME`` where
the OS allows, so even access times stay put), and only regular files are
opened: a FIFO in a delivery would otherwise block the scan forever.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from auditor.archive import count_zip_candidates, iter_zip_candidates
from auditor.model import Candidate, DiscoveryProblem
from auditor.sniff import (
    ARCHIVE_EXTENSIONS,
    AUDIO_EXTENSIONS,
    NON_AUDIO_EXTENSIONS,
    display_text,
    extension_of,
    is_ignored_name,
    sniff_file,
)

__all__ = ["count_candidates", "discover", "display_text", "file_fingerprint", "open_readonly"]

_Report = Callable[[str, str, str], None]  # (real path, stage, reason)


@dataclass(slots=True)
class _Dir:
    """A directory on the walk stack; ``parent`` links let loops be told from duplicates."""

    path: str
    key: tuple[int, int]
    parent: _Dir | None


@dataclass(frozen=True, slots=True)
class _Found:
    """A regular file found by the walk (not yet judged to be audio)."""

    path: str  # absolute real path; may contain surrogate escapes
    name: str
    entry: os.DirEntry[str] | None
    stat: os.stat_result | None  # known already for roots and symlinks
    explicit: bool  # named by the user as a root


def open_readonly(path: str) -> BinaryIO:
    """Open a file for reading only, without touching its access time if possible.

    ``O_NOATIME`` is refused (EPERM) for files we do not own; then the file is
    opened plainly.
    """
    base = os.O_RDONLY | getattr(os, "O_BINARY", 0)
    noatime = getattr(os, "O_NOATIME", 0)
    try:
        fd = os.open(path, base | noatime)
    except PermissionError:
        if not noatime:
            raise
        fd = os.open(path, base)
    return os.fdopen(fd, "rb")


def file_fingerprint(st: os.stat_result) -> str:
    """Size, mtime, ctime and inode: ctime and inode catch tools that restore mtime."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def _describe(err: OSError) -> str:
    if isinstance(err, PermissionError):
        return "permission denied"
    if isinstance(err, FileNotFoundError):
        return "it no longer exists"
    return err.strerror or str(err)


def _link_target(path: str) -> str:
    try:
        return display_text(os.readlink(path))
    except OSError:
        return "?"


def _symlink_problem(path: str, err: OSError) -> str:
    """Reason for a symlink whose target cannot be reached."""
    if isinstance(err, FileNotFoundError):
        return f"broken symbolic link: its target {_link_target(path)} does not exist"
    if err.errno == errno.ELOOP:
        return f"symlink loop: the link ({_link_target(path)}) resolves back to itself"
    return f"symbolic link cannot be followed: {_describe(err)}"


def _is_on_stack_path(directory: _Dir | None, key: tuple[int, int]) -> bool:
    while directory is not None:
        if directory.key == key:
            return True
        directory = directory.parent
    return False


def _walk_tree(root: str, root_stat: os.stat_result, visited: dict[tuple[int, int], str], report: _Report) -> Iterator[_Found]:
    root_key = (root_stat.st_dev, root_stat.st_ino)
    if root_key in visited:
        report(root, "walk", f"already visited: same directory as {display_text(visited[root_key])}")
        return
    visited[root_key] = root
    stack = [_Dir(root, root_key, None)]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current.path) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as err:
            report(current.path, "walk", f"cannot list directory: {_describe(err)}")
            continue
        subdirs: list[tuple[os.DirEntry[str], os.stat_result | None]] = []
        for entry in entries:
            if is_ignored_name(entry.name):
                continue
            target_stat: os.stat_result | None = None
            try:
                if entry.is_symlink():
                    try:
                        target_stat = os.stat(entry.path)
                    except OSError as err:
                        report(entry.path, "walk", _symlink_problem(entry.path, err))
                        continue
                    is_dir = stat.S_ISDIR(target_stat.st_mode)
                    is_file = stat.S_ISREG(target_stat.st_mode)
                else:
                    is_dir = entry.is_dir(follow_symlinks=False)
                    is_file = not is_dir and entry.is_file(follow_symlinks=False)
            except OSError as err:
                report(entry.path, "walk", f"cannot inspect: {_describe(err)}")
                continue
            if is_dir:
                subdirs.append((entry, target_stat))
            elif is_file:
                yield _Found(entry.path, entry.name, entry, target_stat, False)
            # pipes, sockets and devices are never opened

        pending: list[_Dir] = []
        for entry, target_stat in subdirs:
            try:
                dir_stat = target_stat or entry.stat(follow_symlinks=False)
            except OSError as err:
                report(entry.path, "walk", f"cannot inspect directory: {_describe(err)}")
                continue
            key = (dir_stat.st_dev, dir_stat.st_ino)
            first = visited.get(key)
            if first is not None:
                if _is_on_stack_path(current, key):
                    kind = "symlink loop" if target_stat is not None else "directory loop"
                    reason = (
                        f"{kind}: {display_text(entry.path)} leads back to {display_text(first)}, "
                        "which is already visited"
                    )
                else:
                    reason = (
                        f"already visited: {display_text(entry.path)} is the same directory as "
                        f"{display_text(first)}; skipped so its files are not listed twice"
                    )
                report(entry.path, "walk", reason)
                continue
            visited[key] = entry.path
            pending.append(_Dir(entry.path, key, current))
        stack.extend(reversed(pending))


def _as_root_list(roots: Iterable[str | os.PathLike[str]] | str | os.PathLike[str]) -> Iterable[str | os.PathLike[str]]:
    """A lone path is one root, not an iterable of one-character roots."""
    if isinstance(roots, (str, bytes, os.PathLike)):
        return [roots]
    return roots


def _walk(roots: Iterable[str | os.PathLike[str]], report: _Report) -> Iterator[_Found]:
    visited: dict[tuple[int, int], str] = {}
    for root in _as_root_list(roots):
        path = os.path.abspath(os.fsdecode(os.fspath(root)))
        try:
            root_stat = os.stat(path)
        except FileNotFoundError as err:
            if os.path.lexists(path):
                report(path, "walk", _symlink_problem(path, err))
            else:
                report(path, "walk", "path does not exist")
            continue
        except OSError as err:
            if err.errno == errno.ELOOP:
                report(path, "walk", _symlink_problem(path, err))
            else:
                report(path, "walk", f"cannot access: {_describe(err)}")
            continue
        if stat.S_ISDIR(root_stat.st_mode):
            yield from _walk_tree(path, root_stat, visited, report)
        elif stat.S_ISREG(root_stat.st_mode):
            yield _Found(path, os.path.basename(path), None, root_stat, True)
        else:
            report(path, "walk", "not a regular file or directory (device, pipe or socket); not read")


def _candidates_for(
    found: _Found,
    report: _Report,
    on_problem: Callable[[DiscoveryProblem], None],
    include_archives: bool,
) -> Iterator[Candidate]:
    extension = extension_of(found.name)
    if extension in ARCHIVE_EXTENSIONS:
        if not include_archives:
            if found.explicit:
                report(found.path, "archive", "archive not expanded: archives are excluded from this scan")
        elif extension == ".zip":
            yield from iter_zip_candidates(found.path, on_problem)
        else:
            report(
                found.path,
                "archive",
                f"{ARCHIVE_EXTENSIONS[extension]} archive not opened: only ZIP deliveries are read",
            )
        return
    if extension in NON_AUDIO_EXTENSIONS:
        if found.explicit:
            report(found.path, "sniff", f"not an audio file ({extension} files are never read)")
        return
    if extension not in AUDIO_EXTENSIONS:
        try:
            with open_readonly(found.path) as fileobj:
                kind = sniff_file(fileobj)
        except OSError as err:
            report(found.path, "sniff", f"cannot read the file to recognise its format: {_describe(err)}")
            return
        if kind == "zip":
            if include_archives:
                yield from iter_zip_candidates(found.path, on_problem)
            elif found.explicit:
                report(found.path, "archive", "archive not expanded: archives are excluded from this scan")
            return
        if kind is None:
            if found.explicit:
                report(found.path, "sniff", "not recognised as audio: unknown extension and content")
            return
    try:
        file_stat = found.stat or (found.entry.stat() if found.entry is not None else os.stat(found.path))
    except OSError as err:
        report(found.path, "stat", f"cannot read file information: {_describe(err)}")
        return
    yield Candidate(
        display_path=display_text(found.path),
        read_path=found.path,
        size=file_stat.st_size,
        mtime_ns=file_stat.st_mtime_ns,
        fingerprint=file_fingerprint(file_stat),
    )


def discover(
    roots: Iterable[str | os.PathLike[str]],
    *,
    on_problem: Callable[[DiscoveryProblem], None],
    include_archives: bool = True,
) -> Iterator[Candidate]:
    """Yield every audio :class:`Candidate` under ``roots``, lazily.

    Roots may be directories, single files or ZIP files.  A file is a
    candidate if its extension is an audio extension, or if its extension is
    not known delivery paperwork (``NON_AUDIO_EXTENSIONS``) and its first
    bytes sniff as audio.  ZIPs (by extension or content) are expanded into
    member candidates when ``include_archives``; other archive formats are
    reported as not opened.  Hidden files, dot-directories and OS litter are
    skipped silently; a file the user named explicitly is never skipped
    silently (if it is not audio, a problem says so).

    Symlinked directories are followed; each real directory is walked once,
    keyed by ``(st_dev, st_ino)``, and a link back to a directory on the
    current path is reported as a symlink loop.
    """

    def report(path: str, stage: str, reason: str) -> None:
        on_problem(DiscoveryProblem(path=display_text(path), stage=stage, reason=reason))

    for found in _walk(roots, report):
        yield from _candidates_for(found, report, on_problem, include_archives)


def count_candidates(roots: Iterable[str | os.PathLike[str]], *, include_archives: bool = True) -> int:
    """A quick, approximate total for progress bars.

    Walks like :func:`discover` but judges files by extension only: no file
    is stat'ed (directories are, for loop detection) or sniffed, so audio with
    an unknown extension is not counted, and ZIP members are counted from the
    central directory without validation, so members later refused are.
    Problems are ignored here; :func:`discover` reports them.
    """
    total = 0
    for found in _walk(roots, lambda path, stage, reason: None):
        extension = extension_of(found.name)
        if extension in AUDIO_EXTENSIONS:
            total += 1
        elif extension == ".zip" and include_archives:
            total += count_zip_candidates(found.path)
    return total
