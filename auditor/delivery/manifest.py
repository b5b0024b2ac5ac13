"""Spreadsheet manifests (CSV or XLSX): the other way deliveries declare metadata.

Columns are mapped to declared fields by header name (auto-detected from the
common spellings distributors use); the mapping can be overridden, e.g. from
the CLI as ``--manifest-map "Song Name=title,Writers=writers"``.  Writers in
one cell are split with the same rules as tag credits, and IPI columns pair
with them in order when the counts match.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import AuditorError
from ..names import normalize_ipi, normalize_name, split_names
from .ern import DeclaredContributor, DeclaredRecording, parse_duration

MAX_MANIFEST_BYTES = 32 * 1024 * 1024
MAX_ROWS = 200_000

# declared field -> header spellings (compared lower-case, letters and digits only)
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "file": ("file", "filename", "audiofile", "path", "filepath", "resource", "asset"),
    "title": ("title", "tracktitle", "songtitle", "songname", "trackname", "name"),
    "artist": ("artist", "displayartist", "mainartist", "primaryartist", "artistname"),
    "isrc": ("isrc", "isrccode"),
    "upc": ("upc", "ean", "barcode", "icpn", "upcean"),
    "writers": ("writers", "writer", "composer", "composers", "songwriters", "songwriter",
                "composerlyricist", "authors"),
    "writer_ipi": ("writeripi", "ipi", "composeripi", "ipinamenumber", "writersipi", "ipis"),
    "lyricists": ("lyricist", "lyricists"),
    "producers": ("producer", "producers"),
    "label": ("label", "recordlabel", "labelname"),
    "release_date": ("releasedate", "date", "streetdate", "originalreleasedate"),
    "duration": ("duration", "length", "tracklength", "time"),
    "iswc": ("iswc",),
}


class ManifestError(AuditorError):
    """A manifest that cannot be read; the message names the file."""


@dataclass(frozen=True, slots=True)
class Manifest:
    source: str
    mapping: dict[str, str]  # declared field -> header as written
    recordings: tuple[DeclaredRecording, ...]
    problems: tuple[str, ...] = ()


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def detect_mapping(headers: list[str]) -> dict[str, str]:
    """Declared field -> header, first matching spelling wins; unknown headers are ignored."""
    mapping: dict[str, str] = {}
    keys = {_key(h): h for h in headers if h}
    for field, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            if alias in keys and keys[alias] not in mapping.values():
                mapping[field] = keys[alias]
                break
    return mapping


def parse_mapping_option(text: str) -> dict[str, str]:
    """``"Song Name=title, Writers=writers"`` -> ``{"title": "Song Name", "writers": "Writers"}``."""
    mapping = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        header, _, field = part.rpartition("=")
        if not header or field.strip() not in HEADER_ALIASES:
            raise ManifestError(f"manifest mapping {part!r}: expected HEADER=FIELD with FIELD one of "
                                f"{', '.join(HEADER_ALIASES)}")
        mapping[field.strip()] = header.strip()
    return mapping


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    size = path.stat().st_size
    if size > MAX_MANIFEST_BYTES:
        raise ManifestError(f"{path}: manifest of {size:,} bytes exceeds the {MAX_MANIFEST_BYTES:,}-byte limit")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "utf-16", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise ManifestError(f"{path}: unknown text encoding")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    rows = []
    for index, row in enumerate(reader):
        if index >= MAX_ROWS:
            raise ManifestError(f"{path}: more than {MAX_ROWS:,} rows")
        rows.append({k: (v or "").strip() for k, v in row.items() if k is not None})
    return list(reader.fieldnames or []), rows


def _xlsx_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)  # formulas are never evaluated
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ManifestError(f"{path}: unreadable spreadsheet ({type(exc).__name__}: {exc})") from exc
    try:
        sheet = workbook.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        headers = [str(h).strip() if h is not None else "" for h in next(rows_iter, ())]
        rows = []
        for index, values in enumerate(rows_iter):
            if index >= MAX_ROWS:
                raise ManifestError(f"{path}: more than {MAX_ROWS:,} rows")
            if values is None or all(v is None for v in values):
                continue
            rows.append({h: ("" if v is None else str(v).strip()) for h, v in zip(headers, values) if h})
        return headers, rows
    finally:
        workbook.close()


def parse_manifest(path: Path, mapping: dict[str, str] | None = None) -> Manifest:
    headers, rows = read_rows(path)
    used = {**detect_mapping(headers), **(mapping or {})}
    missing = [h for h in used.values() if h not in headers]
    if missing:
        raise ManifestError(f"{path}: mapped column(s) not in the sheet: {', '.join(missing)}")
    problems = []
    if "file" not in used and "isrc" not in used:
        problems.append("no file or ISRC column: declared rows cannot be matched to audio")
    recordings = []
    for number, row in enumerate(rows, start=2):
        def cell(field: str) -> str | None:
            header = used.get(field)
            return (row.get(header) or None) if header else None

        contributors = []
        writer_names = split_names(cell("writers") or "")
        ipis = [normalize_ipi(p) for p in re.split(r"[;,/|]", cell("writer_ipi") or "") if p.strip()]
        if ipis and len(ipis) != len(writer_names):
            problems.append(f"row {number}: {len(ipis)} IPI value(s) for {len(writer_names)} writer(s): not paired")
        for index, name in enumerate(writer_names):
            ipi = ipis[index] if len(ipis) == len(writer_names) else None
            contributors.append(DeclaredContributor(name, normalize_name(name), "writer", "Writer", ipi))
        for field, role in (("lyricists", "lyricist"), ("producers", "producer")):
            for name in split_names(cell(field) or ""):
                contributors.append(DeclaredContributor(name, normalize_name(name), role, role.title()))
        duration = cell("duration")
        seconds = parse_duration(duration) if duration and duration.startswith("P") else _clock_seconds(duration)
        recordings.append(DeclaredRecording(
            reference=f"row {number}", isrc=cell("isrc"), title=cell("title"), display_artist=cell("artist"),
            contributors=tuple(contributors), duration_s=seconds, creation_date=None, iswc=cell("iswc"),
            files=(cell("file"),) if cell("file") else (), label=cell("label"),
        ))
    return Manifest(source=str(path), mapping=used, recordings=tuple(recordings), problems=tuple(problems))


def _clock_seconds(value: str | None) -> float | None:
    """"3:12", "1:02:03" or "192" as seconds."""
    if not value:
        return None
    try:
        parts = [float(p) for p in value.split(":")]
    except ValueError:
        return None
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds
