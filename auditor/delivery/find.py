"""Find what a delivery declares: ERN messages and spreadsheet manifests under the scan roots.

A folder or ZIP is a *delivery* when it contains a DDEX ERN message (any
``.xml`` whose first bytes name a NewReleaseMessage) or a manifest (a CSV or
XLSX whose headers map to at least a file or ISRC column and one descriptive
column).  Declarations are read read-only, ZIP members through the same
safety checks as audio members.
"""

from __future__ import annotations

import os
import posixpath
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..archive import member_path_problem
from ..errors import AuditorError
from ..model import DiscoveryProblem
from ..sniff import is_ignored_name
from .ern import MAX_ERN_BYTES, DeclaredRecording, ErnMessage, looks_like_ern, parse_ern
from .manifest import MAX_MANIFEST_BYTES, Manifest, detect_mapping, parse_manifest, read_rows

MANIFEST_EXTENSIONS = (".csv", ".tsv", ".xlsx")
HEAD_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Declaration:
    """One declaring document and what it declared.

    ``base`` is the display path of the folder its file references are relative
    to (inside a ZIP: ``/abs/delivery.zip!/folder``), so a declared
    ``resources/A1.flac`` resolves to the track stored as ``base/resources/A1.flac``.
    """

    source: str  # display path of the document
    kind: str  # "ern" or "manifest"
    base: str
    recordings: tuple[DeclaredRecording, ...]
    ern: ErnMessage | None = None
    manifest: Manifest | None = None
    problems: tuple[str, ...] = ()

    def resolve(self, reference: str) -> str:
        """Display path of a declared file reference."""
        reference = reference.replace("\\", "/")
        if reference.startswith("file://"):
            reference = reference[len("file://"):]
        if ".zip!" in self.base.lower():
            return posixpath.normpath(f"{self.base}/{reference.lstrip('/')}")
        return os.path.normpath(os.path.join(self.base, reference))


def _is_manifest_headers(headers: list[str]) -> bool:
    mapping = detect_mapping(headers)
    return ("file" in mapping or "isrc" in mapping) and len(mapping) >= 2


def find_declarations(roots: list[str], *, on_problem: Callable[[DiscoveryProblem], None],
                      manifest_mapping: dict[str, str] | None = None) -> Iterator[Declaration]:
    """Every ERN message and manifest under ``roots`` (folders, files, ZIPs), parsed."""
    for root in roots:
        root = os.path.abspath(root)
        if os.path.isfile(root):
            yield from _from_file(root, on_problem, manifest_mapping)
            continue
        stack = [root]
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=lambda entry: entry.name)
            except OSError:
                continue  # discovery already reports unreadable folders
            for entry in entries:
                if is_ignored_name(entry.name):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    yield from _from_file(entry.path, on_problem, manifest_mapping)


def _from_file(path: str, on_problem: Callable[[DiscoveryProblem], None],
               mapping: dict[str, str] | None) -> Iterator[Declaration]:
    lower = path.lower()
    try:
        if lower.endswith(".xml"):
            with open(path, "rb") as fh:
                head = fh.read(HEAD_BYTES)
            if looks_like_ern(head):
                yield _ern(Path(path).read_bytes() if os.path.getsize(path) <= MAX_ERN_BYTES else b"x" * (MAX_ERN_BYTES + 1),
                           path, os.path.dirname(path))
        elif lower.endswith(MANIFEST_EXTENSIONS):
            headers, _ = read_rows(Path(path))
            if _is_manifest_headers(headers) or mapping:
                manifest = parse_manifest(Path(path), mapping)
                yield Declaration(path, "manifest", os.path.dirname(path), manifest.recordings,
                                  manifest=manifest, problems=manifest.problems)
        elif lower.endswith(".zip"):
            yield from _from_zip(path, on_problem, mapping)
    except AuditorError as exc:
        on_problem(DiscoveryProblem(path, "declaration", str(exc)))
    except OSError as exc:
        on_problem(DiscoveryProblem(path, "declaration", f"cannot read: {exc.strerror or exc}"))


def _ern(data: bytes, source: str, base: str) -> Declaration:
    message = parse_ern(data, source=source)
    return Declaration(source, "ern", base, message.recordings, ern=message, problems=message.problems)


def _from_zip(path: str, on_problem: Callable[[DiscoveryProblem], None],
              mapping: dict[str, str] | None) -> Iterator[Declaration]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # discovery reports damaged archives
    with archive:
        for info in archive.infolist():
            name = info.filename
            if info.is_dir() or member_path_problem(name) or any(is_ignored_name(p) for p in name.split("/")):
                continue
            lower = name.lower()
            if not lower.endswith((".xml", *MANIFEST_EXTENSIONS)):
                continue
            limit = MAX_ERN_BYTES if lower.endswith(".xml") else MAX_MANIFEST_BYTES
            source = f"{path}!/{name}"
            if info.file_size > limit:
                on_problem(DiscoveryProblem(source, "declaration", f"declared size {info.file_size:,} bytes "
                                                                   f"exceeds the {limit:,}-byte limit"))
                continue
            with archive.open(info) as member:
                data = member.read(limit + 1)
            if len(data) > limit:
                on_problem(DiscoveryProblem(source, "declaration", "member is larger than it declares; refused"))
                continue
            parent = str(PurePosixPath(name).parent)
            base = f"{path}!" + (f"/{parent}" if parent not in ("", ".") else "")
            try:
                if lower.endswith(".xml"):
                    if looks_like_ern(data[:HEAD_BYTES]):
                        yield _ern(data, source, base)
                else:
                    yield from _zip_manifest(data, name, source, base, mapping)
            except AuditorError as exc:
                on_problem(DiscoveryProblem(source, "declaration", str(exc)))


def _zip_manifest(data: bytes, name: str, source: str, base: str,
                  mapping: dict[str, str] | None) -> Iterator[Declaration]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="catalog-auditor-manifest-") as tmp:
        local = Path(tmp) / ("manifest" + PurePosixPath(name).suffix.lower())
        local.write_bytes(data)  # our own temporary copy; the delivery is never written
        headers, _ = read_rows(local)
        if _is_manifest_headers(headers) or mapping:
            manifest = parse_manifest(local, mapping)
            manifest = Manifest(source, manifest.mapping, manifest.recordings, manifest.problems)
            yield Declaration(source, "manifest", base, manifest.recordings, manifest=manifest,
                              problems=manifest.problems)
