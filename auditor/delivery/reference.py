"""Reference catalogs: what the label already holds, to compare a submission against.

A reference is another audit database, or a folder that is scanned once into a
audit file in ``<audit>.references/`` beside this audit (rescanning it later is a
quiet incremental scan).  References are read read-only at detection time:
an older reference audit is never migrated or otherwise written by a
submission's audit.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import AuditorError
from .declared import normalize_isrc

if TYPE_CHECKING:
    from ..store import Store

REFERENCES_DIR_SUFFIX = ".references"


class ReferenceError(AuditorError):
    """A reference catalog that cannot be added, removed or read; the message names the path."""


@dataclass(frozen=True, slots=True)
class ReferenceTrack:
    reference: str  # the reference as listed (audit file or folder)
    track_id: int
    path: str
    title: str
    artist: str
    album: str
    isrc: str
    upc: str
    sha256: str
    fingerprint: bytes | None


def reference_db_path(store: Store, path: str, kind: str) -> Path:
    """The audit file holding a reference's tracks.

    A scanned folder's audit lives beside *this* audit (``<audit>.references/``), never in
    or next to the label's catalog folder: the auditor writes nothing where the audio is.
    """
    if kind == "audit":
        return Path(path)
    digest = hashlib.sha1(path.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return store.path.parent / f"{store.path.stem}{REFERENCES_DIR_SUFFIX}" / f"{Path(path).name}-{digest}.sqlite"


def _connect_read_only(db_path: Path) -> sqlite3.Connection:
    if not db_path.is_file():
        raise ReferenceError(f"{db_path}: reference audit database does not exist")
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise ReferenceError(f"{db_path}: not an audit database ({exc})") from exc
    if "tracks" not in tables:
        conn.close()
        raise ReferenceError(f"{db_path}: not an audit database (no tracks table)")
    return conn


def add_reference(store: Store, path: str | os.PathLike[str], *, audio: bool = False,
                  workers: int | None = None) -> dict[str, Any]:
    """Add an audit database, or a folder (scanned into an audit beside this one), as a reference."""
    target = Path(path).expanduser().resolve()
    if target == store.path.resolve():
        raise ReferenceError(f"{target}: an audit cannot be its own reference catalog")
    if target.is_dir():
        from ..audit import run_audit
        from ..store import Store as AuditStore

        db_path = reference_db_path(store, str(target), "folder")
        db_path.parent.mkdir(exist_ok=True)
        with AuditStore(db_path) as reference:
            summary = run_audit(reference, [target], workers=workers, audio=audio)
        if summary.status != "completed":
            raise ReferenceError(f"{target}: reference scan {summary.status}")
        kind = "folder"
    elif target.is_file():
        _connect_read_only(target).close()
        kind = "audit"
    else:
        raise ReferenceError(f"{target}: no such audit database or folder")
    return store.add_reference_row(str(target), kind)


def remove_reference(store: Store, path: str | os.PathLike[str]) -> None:
    """Forget a reference (its audit file, if any, is left in place)."""
    wanted = str(Path(path).expanduser().resolve())
    if not store.remove_reference_row(wanted) and not store.remove_reference_row(os.fspath(path)):
        raise ReferenceError(f"{wanted}: not a reference catalog of this audit")


def list_references(store: Store) -> list[dict[str, Any]]:
    """References with their audit file and present-track count (``None`` when unreadable)."""
    rows = []
    for row in store.reference_rows():
        db_path = reference_db_path(store, row["path"], row["kind"])
        try:
            conn = _connect_read_only(db_path)
            try:
                tracks = conn.execute("SELECT count(*) FROM tracks WHERE status = 'present'").fetchone()[0]
            finally:
                conn.close()
        except (ReferenceError, sqlite3.DatabaseError):
            tracks = None
        rows.append({**row, "database": str(db_path), "tracks": tracks})
    return rows


def load_reference_tracks(store: Store) -> tuple[list[ReferenceTrack], list[str]]:
    """Every reference's present tracks, and one problem line per unreadable reference."""
    tracks: list[ReferenceTrack] = []
    problems: list[str] = []
    for row in store.reference_rows():
        db_path = reference_db_path(store, row["path"], row["kind"])
        try:
            conn = _connect_read_only(db_path)
        except ReferenceError as exc:
            problems.append(str(exc))
            continue
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            audio_join = ("LEFT JOIN audio_features a ON a.track_id = t.id AND a.error IS NULL"
                          if "audio_features" in tables else "")
            fingerprint = "a.fingerprint" if audio_join else "NULL"
            for values in conn.execute(
                    f"SELECT t.id, t.path, t.title, t.artist, t.album, t.isrc, t.upc, t.sha256, {fingerprint} "
                    f"FROM tracks t {audio_join} WHERE t.status = 'present' ORDER BY t.id"):
                track_id, path, title, artist, album, isrc, upc, sha256, fp = values
                tracks.append(ReferenceTrack(
                    row["path"], track_id, path, (title or "").strip(), (artist or "").strip(),
                    (album or "").strip(), normalize_isrc(isrc), normalize_isrc(upc), sha256 or "",
                    bytes(fp) if fp else None))
        except sqlite3.DatabaseError as exc:
            problems.append(f"{db_path}: cannot read reference ({exc})")
        finally:
            conn.close()
    return tracks, problems


def reference_writer_identifiers(store: Store) -> dict[str, tuple[str | None, str | None]]:
    """``name_normalized -> (ipi, isni)`` of writers the reference catalogs know with an identifier."""
    found: dict[str, tuple[str | None, str | None]] = {}
    for row in store.reference_rows():
        try:
            conn = _connect_read_only(reference_db_path(store, row["path"], row["kind"]))
        except ReferenceError:
            continue
        try:
            for name, ipi, isni in conn.execute(
                    "SELECT name_normalized, ipi, isni FROM credits "
                    "WHERE role IN ('composer', 'lyricist', 'writer') AND (ipi IS NOT NULL OR isni IS NOT NULL)"):
                if name and name not in found:
                    found[name] = (ipi, isni)
        except sqlite3.DatabaseError:
            pass
        finally:
            conn.close()
    return found
