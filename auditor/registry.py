"""The label's writer registry: who the label knows, with identifiers and aliases.

Imported from a CSV the label already keeps (name, IPI, ISNI, aliases), stored
in the audit database, and editable later (the GUI calls the functions here).
The ``writers.unregistered`` detector runs only when the registry holds
entries: without one, "not in the registry" would accuse every writer.

Import is forgiving about layout and strict about data: header names are
matched loosely ("IPI Name Number", "ipi_number"), the delimiter is sniffed,
a UTF-8 BOM is accepted; a malformed IPI or ISNI is *reported* by line and
left out rather than stored as junk.  Re-importing the same file updates
entries (matched by IPI, ISNI, then normalized name) instead of duplicating.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UsageError
from .names import normalize_ipi, normalize_isni, normalize_name
from .store import Store, utcnow

COLUMNS: dict[str, frozenset[str]] = {
    "name": frozenset({"name", "writer", "writer name", "full name", "composer", "songwriter", "person",
                       "author"}),
    "ipi": frozenset({"ipi", "ipi name number", "ipi number", "ipi name", "ipi name no", "cae", "cae ipi",
                      "ipi cae", "ipi base"}),
    "isni": frozenset({"isni", "isni number"}),
    "aliases": frozenset({"aliases", "alias", "aka", "also known as", "other names", "alternative names",
                          "pseudonyms"}),
    "verified": frozenset({"verified", "checked"}),
    "note": frozenset({"note", "notes", "comment", "comments"}),
    "source": frozenset({"source", "origin"}),
}
_ALIAS_SPLIT = re.compile(r"\s*[;|]\s*")
_TRUE = {"1", "true", "yes", "y", "x", "verified"}


@dataclass(frozen=True, slots=True)
class RegistryWriter:
    id: int
    name: str
    ipi: str | None
    isni: str | None
    aliases: tuple[str, ...]
    verified: bool
    source: str
    note: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "ipi": self.ipi, "isni": self.isni,
                "aliases": list(self.aliases), "verified": self.verified, "source": self.source,
                "note": self.note}


@dataclass(frozen=True, slots=True)
class ImportReport:
    path: str
    added: int
    updated: int
    skipped: int
    problems: tuple[str, ...]


def _header_key(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[_\-/.#]", " ", text.strip().casefold())).strip()


def _decode(data: bytes) -> tuple[str, str | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "file is not UTF-8; read as Windows-1252"


def _writer(row: Mapping[str, Any]) -> RegistryWriter:
    try:
        aliases = tuple(json.loads(row.get("aliases") or "[]"))
    except ValueError:
        aliases = ()
    return RegistryWriter(row["id"], row["name"], row.get("ipi"), row.get("isni"), aliases,
                          bool(row.get("verified")), row.get("source") or "", row.get("note") or "")


def list_writers(store: Store) -> list[RegistryWriter]:
    return [_writer(row) for row in store.registry_rows()]


def _check_ids(ipi: str | None, isni: str | None, where: str, problems: list[str]) -> tuple[str | None, str | None]:
    clean_ipi = normalize_ipi(ipi) if ipi else None
    if ipi and clean_ipi is None:
        problems.append(f"{where}: IPI {ipi!r} is not a 9-11 digit IPI name number; left out")
    clean_isni = normalize_isni(isni) if isni else None
    if isni and clean_isni is None:
        problems.append(f"{where}: ISNI {isni!r} is not 16 characters (digits, last may be X); left out")
    return clean_ipi, clean_isni


def import_registry(store: Store, path: str | os.PathLike[str], *, source: str | None = None) -> ImportReport:
    """Import (or re-import) a registry CSV; see the module doc for the rules."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise UsageError(f"{file}: cannot read registry ({exc.strerror or exc})") from exc
    text, note = _decode(data)
    problems: list[str] = [f"{file}: {note}"] if note else []
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        raise UsageError(f"{file}: empty registry file")
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = _header_key(title)
        for column, names in COLUMNS.items():
            if key in names and column not in columns:
                columns[column] = index
    if "name" not in columns:
        raise UsageError(f"{file}: no name column in the header (expected e.g. name, IPI, ISNI, aliases)")
    label = source or file.name

    existing = store.registry_rows()
    by_ipi = {r["ipi"]: r for r in existing if r.get("ipi")}
    by_isni = {r["isni"]: r for r in existing if r.get("isni")}
    by_name = {r["name_normalized"]: r for r in existing}
    added_rows: list[dict[str, Any]] = []
    added = updated = skipped = 0
    now = utcnow()
    for line, cells in enumerate(reader, start=2):
        def cell(column: str) -> str:
            index = columns.get(column)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        if not any(c.strip() for c in cells):
            continue
        name = cell("name")
        norm = normalize_name(name)
        if not norm:
            skipped += 1
            problems.append(f"{file}:{line}: no writer name; row skipped")
            continue
        ipi, isni = _check_ids(cell("ipi") or None, cell("isni") or None, f"{file}:{line}", problems)
        aliases = [a for a in _ALIAS_SPLIT.split(cell("aliases")) if a]
        verified = cell("verified").casefold() in _TRUE if "verified" in columns else False
        match = (by_ipi.get(ipi) if ipi else None) or (by_isni.get(isni) if isni else None) or by_name.get(norm)
        if match is not None and "id" in match:
            old_aliases = json.loads(match.get("aliases") or "[]")
            merged = list(dict.fromkeys([*old_aliases, *aliases]))
            changes: dict[str, Any] = {"aliases": json.dumps(merged, ensure_ascii=False),
                                       "ipi": match.get("ipi") or ipi, "isni": match.get("isni") or isni}
            if "verified" in columns:
                changes["verified"] = int(verified)
            if cell("note"):
                changes["note"] = cell("note")
            store.registry_update(match["id"], changes)
            match.update(changes)
            updated += 1
            continue
        if match is not None:  # a duplicate line within this file
            match["aliases"] = json.dumps(list(dict.fromkeys([*json.loads(match["aliases"]), *aliases])),
                                          ensure_ascii=False)
            match["ipi"] = match["ipi"] or ipi
            match["isni"] = match["isni"] or isni
            continue
        row = {"name": name, "name_normalized": norm, "ipi": ipi, "isni": isni,
               "aliases": json.dumps(aliases, ensure_ascii=False), "verified": int(verified),
               "source": cell("source") or label, "note": cell("note"), "added_at": now, "updated_at": now}
        added_rows.append(row)
        by_name[norm] = row
        if ipi:
            by_ipi[ipi] = row
        if isni:
            by_isni[isni] = row
        added += 1
    store.registry_insert(added_rows)
    return ImportReport(str(file), added, updated, skipped, tuple(problems))


def add_writer(store: Store, name: str, *, ipi: str | None = None, isni: str | None = None,
               aliases: Iterable[str] = (), verified: bool = True, source: str = "manual",
               note: str = "") -> RegistryWriter:
    norm = normalize_name(name)
    if not norm:
        raise UsageError("a registry writer needs a name")
    problems: list[str] = []
    clean_ipi, clean_isni = _check_ids(ipi, isni, name, problems)
    if problems:
        raise UsageError("; ".join(problems))
    now = utcnow()
    store.registry_insert([{"name": name.strip(), "name_normalized": norm, "ipi": clean_ipi, "isni": clean_isni,
                            "aliases": json.dumps([a.strip() for a in aliases if a.strip()], ensure_ascii=False),
                            "verified": int(verified), "source": source, "note": note,
                            "added_at": now, "updated_at": now}])
    return next(w for w in reversed(list_writers(store)) if w.name == name.strip())


def update_writer(store: Store, writer_id: int, *, name: str | None = None, ipi: str | None = None,
                  isni: str | None = None, aliases: Iterable[str] | None = None, note: str | None = None,
                  source: str | None = None) -> RegistryWriter:
    """Edit an entry; pass ``ipi=""``/``isni=""`` to clear an identifier."""
    changes: dict[str, Any] = {}
    problems: list[str] = []
    if name is not None:
        if not normalize_name(name):
            raise UsageError("a registry writer needs a name")
        changes.update(name=name.strip(), name_normalized=normalize_name(name))
    if ipi is not None:
        changes["ipi"] = _check_ids(ipi, None, "IPI", problems)[0] if ipi else None
    if isni is not None:
        changes["isni"] = _check_ids(None, isni, "ISNI", problems)[1] if isni else None
    if problems:
        raise UsageError("; ".join(problems))
    if aliases is not None:
        changes["aliases"] = json.dumps([a.strip() for a in aliases if a.strip()], ensure_ascii=False)
    if note is not None:
        changes["note"] = note
    if source is not None:
        changes["source"] = source
    if changes:
        _require(store, writer_id)
        store.registry_update(writer_id, changes)
    return _require(store, writer_id)


def verify_by_name(store: Store, name: str, *, source: str = "verified in review") -> RegistryWriter:
    """Mark a credited writer as checked by a person: an existing entry is flagged verified,
    otherwise one is added (the reviewer vouched for the person, with or without identifiers)."""
    norm = normalize_name(name)
    for writer in list_writers(store):
        if normalize_name(writer.name) == norm or norm in {normalize_name(a) for a in writer.aliases}:
            return set_verified(store, writer.id, True)
    return add_writer(store, name, verified=True, source=source)


def set_verified(store: Store, writer_id: int, verified: bool = True) -> RegistryWriter:
    """Mark an entry as checked by a person (e.g. against the society's database)."""
    _require(store, writer_id)
    store.registry_update(writer_id, {"verified": int(verified)})
    return _require(store, writer_id)


def remove_writer(store: Store, writer_id: int) -> None:
    _require(store, writer_id)
    store.registry_remove([writer_id])


def _require(store: Store, writer_id: int) -> RegistryWriter:
    for writer in list_writers(store):
        if writer.id == writer_id:
            return writer
    raise UsageError(f"{store.path}: no registry writer with id {writer_id}")
