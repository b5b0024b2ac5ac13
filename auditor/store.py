"""The audit database: the single source of truth (sqlite-utils over SQLite).

One ``.sqlite`` file is one audit: scans, tracks, credits, artwork, per-file
errors, findings and review decisions.  The schema is versioned with
``PRAGMA user_version`` and grown only by the numbered migrations below, so
an audit written by an older build opens in a newer one.

Crash safety: every scan batch (tracks + their credits + artwork) is written in
one transaction, and the file's change fingerprint is part of that same
transaction, so a scan killed at any point leaves either the old or the new
state of each file, never half of it; the next scan re-reads what is missing.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from .errors import StoreError
from .fields import FIELDS
from .model import DiscoveryProblem, TrackRecord

SQL_CHUNK = 500  # bound on parameters per IN (...) query


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# --- migrations ---------------------------------------------------------------------

def _m1_initial(db: sqlite_utils.Database) -> None:
    db["scans"].create(
        {"id": int, "roots": str, "started_at": str, "finished_at": str, "status": str,
         "workers": int, "seen": int, "read": int, "unchanged": int, "missing": int,
         "failed": int, "problems": int, "elapsed": float},
        pk="id",
    )
    track_columns: dict[str, Any] = {
        "id": int, "path": str, "archive": str, "member": str, "fingerprint": str,
        "size": int, "mtime_ns": int, "sha256": str, "format": str, "sniffed_format": str,
        "extension": str, "format_mismatch": int, "codec": str, "duration": float,
        "bitrate": int, "bitrate_mode": str, "sample_rate": int, "channels": int,
        "bits_per_sample": int, "encoder": str, "encoder_settings_stream": str,
        "encoder_sources": str, "tag_containers": str, "layout_signature": str,
    }
    track_columns.update({name: str for name in FIELDS})
    track_columns.update({
        "track_no": int, "disc_no": int, "artists": str, "field_values": str, "conflicts": str,
        "raw_tags": str, "parse_issues": str, "markers": str, "error": str, "status": str,
        "first_seen_scan": int, "last_seen_scan": int, "read_scan": int, "updated_at": str,
    })
    db["tracks"].create(track_columns, pk="id", not_null={"path", "status"})
    db["tracks"].create_index(["path"], unique=True)
    db["tracks"].create_index(["artist"])
    db["tracks"].create_index(["status"])
    db["tracks"].create_index(["sha256"])
    db["credits"].create(
        {"id": int, "track_id": int, "name": str, "name_normalized": str, "role": str,
         "ipi": str, "isni": str, "detail": str, "source": str},
        pk="id", foreign_keys=[("track_id", "tracks", "id")],
    )
    db["credits"].create_index(["track_id"])
    db["credits"].create_index(["name_normalized"])
    db["people"].create(
        {"name_normalized": str, "display_name": str, "ipi": str, "isni": str},
        pk="name_normalized",
    )
    db["artworks"].create(
        {"id": int, "track_id": int, "sha256": str, "size": int, "mime": str, "width": int,
         "height": int, "picture_type": int, "phash": str, "source": str},
        pk="id", foreign_keys=[("track_id", "tracks", "id")],
    )
    db["artworks"].create_index(["track_id"])
    db["artworks"].create_index(["sha256"])
    db["scan_errors"].create(
        {"id": int, "scan_id": int, "path": str, "stage": str, "reason": str, "created_at": str},
        pk="id", foreign_keys=[("scan_id", "scans", "id")],
    )
    db["scan_errors"].create_index(["scan_id"])
    db["findings"].create(
        {"key": str, "detector": str, "family": str, "severity": str, "score": float,
         "subject_type": str, "subject": str, "title": str, "explanation": str,
         "evidence": str, "innocent_explanations": str, "created_at": str, "updated_at": str,
         "active": int},
        pk="key",
    )
    db["finding_tracks"].create(
        {"finding_key": str, "track_id": int}, pk=("finding_key", "track_id"),
    )
    db["finding_tracks"].create_index(["track_id"])
    db["reviews"].create(
        {"finding_key": str, "status": str, "note": str, "updated_at": str}, pk="finding_key",
    )
    db["review_log"].create(
        {"id": int, "finding_key": str, "status": str, "note": str, "at": str}, pk="id",
    )


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (_m1_initial,)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite_utils.Database) -> int:
    """Apply every migration newer than the file's ``user_version``, each atomically."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"{db.conn}: audit was written by a newer Catalog Auditor (schema {current} > {SCHEMA_VERSION})")
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with db.atomic():
            MIGRATIONS[version - 1](db)
            db.execute(f"PRAGMA user_version = {int(version)}")
    return SCHEMA_VERSION


# --- rows ------------------------------------------------------------------------------

@dataclass(slots=True)
class PreparedTrack:
    """A read result flattened into table rows: cheap to pickle, ready to insert."""

    path: str
    row: dict[str, Any]
    credits: list[dict[str, Any]]
    artworks: list[dict[str, Any]]
    size: int
    error: str | None


def _flat(obj: Any) -> dict[str, Any]:
    """A flat slots dataclass as a dict (``dataclasses.asdict`` deep-copies: too slow here)."""
    return {name: getattr(obj, name) for name in obj.__slots__}


def prepare_track(record: TrackRecord) -> PreparedTrack:
    audio = record.audio
    row: dict[str, Any] = {
        "path": record.display_path, "archive": record.archive, "member": record.member,
        "fingerprint": record.fingerprint, "size": record.size, "mtime_ns": record.mtime_ns,
        "sha256": record.sha256, "format": record.format, "sniffed_format": record.sniffed_format,
        "extension": record.extension, "format_mismatch": int(record.format_mismatch),
        "codec": audio.codec, "duration": audio.duration, "bitrate": audio.bitrate,
        "bitrate_mode": audio.bitrate_mode, "sample_rate": audio.sample_rate,
        "channels": audio.channels, "bits_per_sample": audio.bits_per_sample,
        "encoder": audio.encoder, "encoder_settings_stream": audio.encoder_settings,
        "encoder_sources": _json([_flat(v) for v in audio.encoder_sources]),
        "tag_containers": _json(list(record.tag_containers)),
        "layout_signature": record.layout_signature,
    }
    row.update({name: record.fields.get(name) for name in FIELDS})
    row.update({
        "track_no": _leading_int(record.fields.get("track_number")),
        "disc_no": _leading_int(record.fields.get("disc_number")),
        "artists": _json([v.value for v in record.values if v.field == "artist"]),
        "field_values": _json([_flat(v) for v in record.values]),
        "conflicts": _json([{"field": c.field, "values": [_flat(v) for v in c.values]}
                            for c in record.conflicts]),
        "raw_tags": _json([_flat(r) for r in record.raw_tags]),
        "parse_issues": _json(list(record.parse_issues)),
        "markers": _json(list(record.markers)),
        "error": record.error, "status": "present",
    })
    return PreparedTrack(
        path=record.display_path, row=row, credits=[_flat(c) for c in record.credits],
        artworks=[_flat(a) for a in record.artworks], size=record.size, error=record.error,
    )


# --- the store ------------------------------------------------------------------------

class Store:
    """An open audit database.  Not thread-safe: one Store per thread."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True) -> None:
        self.path = Path(path)
        self._columns: dict[str, list[str]] = {}
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such audit database")
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not an audit database")
        parent = self.path.parent
        if not parent.exists():
            raise StoreError(f"{self.path}: folder {parent} does not exist")
        try:
            conn = sqlite3.connect(str(self.path), timeout=30)
            self.db = sqlite_utils.Database(conn)
            self.db.execute("PRAGMA foreign_keys = ON")
            if self.db.journal_mode != "wal":
                self.db.enable_wal()
            self.db.execute("PRAGMA synchronous = NORMAL")
            migrate(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open audit database ({exc})") from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- scan runs ---------------------------------------------------------------

    def begin_scan(self, roots: Sequence[str], workers: int) -> int:
        """Open a scan run; runs left 'running' by a killed process become 'interrupted'."""
        with self.db.atomic():
            self.db.execute("UPDATE scans SET status = 'interrupted' WHERE status = 'running'")
            return int(self.db["scans"].insert(
                {"roots": _json(list(roots)), "started_at": utcnow(), "status": "running",
                 "workers": workers, "seen": 0, "read": 0, "unchanged": 0, "missing": 0,
                 "failed": 0, "problems": 0},
            ).last_pk)

    def finish_scan(self, scan_id: int, status: str, counts: dict[str, Any]) -> None:
        self.db["scans"].update(scan_id, {"status": status, "finished_at": utcnow(), **counts})

    def scan(self, scan_id: int) -> dict[str, Any]:
        return self.db["scans"].get(scan_id)

    def last_scan(self) -> dict[str, Any] | None:
        rows = list(self.db["scans"].rows_where(order_by="id desc", limit=1))
        return rows[0] if rows else None

    # --- change detection ------------------------------------------------------

    def known(self, paths: Sequence[str]) -> dict[str, tuple[int, str | None, str]]:
        """``path -> (id, fingerprint, status)`` for the given paths that are stored.

        Raw tuples rather than row dicts: on a rescan this is most of the work.
        """
        found: dict[str, tuple[int, str | None, str]] = {}
        for start in range(0, len(paths), SQL_CHUNK):
            chunk = list(paths[start:start + SQL_CHUNK])
            marks = ",".join("?" * len(chunk))
            cursor = self.db.execute(
                f"SELECT path, id, fingerprint, status FROM tracks WHERE path IN ({marks})", chunk)
            for path, track_id, fingerprint, status in cursor:
                found[path] = (track_id, fingerprint, status)
        return found

    def mark_present(self, track_ids: Iterable[int]) -> None:
        """Files that had vanished and came back unchanged."""
        ids = list(track_ids)
        with self.db.atomic():
            for start in range(0, len(ids), SQL_CHUNK):
                chunk = ids[start:start + SQL_CHUNK]
                marks = ",".join("?" * len(chunk))
                self.db.execute(
                    f"UPDATE tracks SET status = 'present', updated_at = ? WHERE id IN ({marks})",
                    [utcnow(), *chunk])

    def mark_missing(self, scan_id: int, roots: Sequence[str], seen_unchanged: Sequence[int] = ()) -> int:
        """Tracks under ``roots`` that this complete scan did not see become 'missing'.

        Rows the scan wrote carry ``last_seen_scan = scan_id``; unchanged files
        are passed in as a sorted id sequence, so a rescan where nothing changed
        writes nothing per file.  Missing rows keep their history.
        """
        import bisect

        vanished: list[int] = []
        for root in roots:
            root = os.path.abspath(root)
            prefix_dir = root.rstrip(os.sep) + os.sep
            prefix_zip = root + "!/"
            cursor = self.db.execute(
                "SELECT id FROM tracks WHERE status = 'present' "
                "AND (last_seen_scan IS NULL OR last_seen_scan != ?) "
                "AND (path = ? OR substr(path, 1, ?) = ? OR substr(path, 1, ?) = ?)",
                [scan_id, root, len(prefix_dir), prefix_dir, len(prefix_zip), prefix_zip])
            for (track_id,) in cursor:
                at = bisect.bisect_left(seen_unchanged, track_id)
                if at == len(seen_unchanged) or seen_unchanged[at] != track_id:
                    vanished.append(track_id)
        now = utcnow()
        with self.db.atomic():
            for start in range(0, len(vanished), SQL_CHUNK):
                chunk = vanished[start:start + SQL_CHUNK]
                marks = ",".join("?" * len(chunk))
                self.db.execute(
                    f"UPDATE tracks SET status = 'missing', updated_at = ? WHERE id IN ({marks})",
                    [now, *chunk])
        return len(vanished)

    def previous_total(self, roots: Sequence[str]) -> int | None:
        """Files seen by the last completed scan of exactly these roots (a progress estimate)."""
        rows = list(self.db["scans"].rows_where(
            "status = 'completed' AND roots = ?", [_json(list(roots))], order_by="id desc", limit=1,
            select="seen"))
        return rows[0]["seen"] if rows else None

    # --- writing reads -----------------------------------------------------------

    def write_tracks(self, scan_id: int, records: Sequence[TrackRecord | PreparedTrack],
                     known_ids: dict[str, int]) -> None:
        """Insert or update a batch of read results with their credits and artwork, atomically.

        Records may arrive already turned into rows (:func:`prepare_track`, run in
        the scan's worker processes so the parent only writes).
        """
        if not records:
            return
        prepared = [r if isinstance(r, PreparedTrack) else prepare_track(r) for r in records]
        now = utcnow()
        with self.db.atomic():
            new_rows, old_rows = [], []
            for item in prepared:
                row = {**item.row, "last_seen_scan": scan_id, "read_scan": scan_id, "updated_at": now}
                if item.path in known_ids:
                    old_rows.append({**row, "id": known_ids[item.path]})
                else:
                    new_rows.append({**row, "first_seen_scan": scan_id})
            self._bulk_insert("tracks", new_rows)
            if old_rows:
                self.db["tracks"].upsert_all(old_rows, pk="id")
            ids = {**known_ids, **{p: v[0] for p, v in self.known([r["path"] for r in new_rows]).items()}}
            track_ids = [ids[item.path] for item in prepared]
            changed = [known_ids[item.path] for item in prepared if item.path in known_ids]
            for start in range(0, len(changed), SQL_CHUNK):
                chunk = changed[start:start + SQL_CHUNK]
                marks = ",".join("?" * len(chunk))
                self.db["credits"].delete_where(f"track_id in ({marks})", chunk)
                self.db["artworks"].delete_where(f"track_id in ({marks})", chunk)
            credits, artworks, people = [], [], {}
            for item, track_id in zip(prepared, track_ids):
                for credit in item.credits:
                    credits.append({**credit, "track_id": track_id})
                    person = people.setdefault(credit["name_normalized"], {
                        "name_normalized": credit["name_normalized"], "display_name": credit["name"],
                        "ipi": None, "isni": None})
                    person["ipi"] = person["ipi"] or credit["ipi"]
                    person["isni"] = person["isni"] or credit["isni"]
                artworks.extend({**art, "track_id": track_id} for art in item.artworks)
            self._bulk_insert("credits", credits)
            self._bulk_insert("artworks", artworks)
            if people:
                self.db["people"].insert_all(people.values(), ignore=True)
                for person in (p for p in people.values() if p["ipi"] or p["isni"]):
                    self.db.execute(
                        "UPDATE people SET ipi = coalesce(ipi, ?), isni = coalesce(isni, ?) "
                        "WHERE name_normalized = ?",
                        [person["ipi"], person["isni"], person["name_normalized"]],
                    )

    def _bulk_insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        """executemany with a statement generated from the table's schema.

        sqlite-utils' ``insert_all`` re-inspects and JSON-checks every value, which
        was most of the parent's time in a cold scan; rows here are already
        plain values produced by :func:`prepare_track`.
        """
        if not rows:
            return
        columns = self._columns.get(table)
        if columns is None:
            columns = self._columns[table] = [c for c in self.db[table].columns_dict if c != "id"]
        sql = (f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
               f"VALUES ({', '.join('?' * len(columns))})")
        self.db.conn.executemany(sql, [[row.get(c) for c in columns] for row in rows])

    def record_problems(self, scan_id: int, problems: Sequence[DiscoveryProblem]) -> None:
        if not problems:
            return
        now = utcnow()
        with self.db.atomic():
            self.db["scan_errors"].insert_all(
                {"scan_id": scan_id, "path": p.path, "stage": p.stage, "reason": p.reason,
                 "created_at": now}
                for p in problems
            )

    # --- reading ----------------------------------------------------------------------

    def iter_tracks(self, *, include_missing: bool = False) -> Iterator[dict[str, Any]]:
        where = None if include_missing else "status = 'present'"
        yield from self.db["tracks"].rows_where(where, order_by="path")

    def credits_by_track(self) -> dict[int, list[dict[str, Any]]]:
        grouped: dict[int, list[dict[str, Any]]] = {}
        for row in self.db["credits"].rows_where(order_by="track_id, id"):
            grouped.setdefault(row["track_id"], []).append(row)
        return grouped

    def first_artwork_by_track(self) -> dict[int, str]:
        found: dict[int, str] = {}
        for row in self.db["artworks"].rows_where(order_by="track_id, id", select="track_id, sha256"):
            found.setdefault(row["track_id"], row["sha256"])
        return found

    def scan_errors(self, scan_id: int | None = None) -> list[dict[str, Any]]:
        where, args = ("scan_id = ?", [scan_id]) if scan_id is not None else (None, None)
        return list(self.db["scan_errors"].rows_where(where, args, order_by="id"))

    def count(self, table: str, where: str | None = None, args: Sequence[Any] | None = None) -> int:
        return self.db[table].count_where(where, args) if where else self.db[table].count


def _leading_int(value: str | None) -> int | None:
    if not value:
        return None
    digits = ""
    for ch in value.strip():
        if not ch.isdigit():
            break
        digits += ch
    return int(digits) if digits and len(digits) < 10 else None
