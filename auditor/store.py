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


def _m2_detection(db: sqlite_utils.Database) -> None:
    """Writer registry, risk tables and detection runs (issue 3).

    Risk rows are derived data, rewritten after every detection run and every
    review decision; findings and reviews are never deleted, only deactivated.
    """
    db["registry_writers"].create(
        {"id": int, "name": str, "name_normalized": str, "ipi": str, "isni": str, "aliases": str,
         "verified": int, "source": str, "note": str, "added_at": str, "updated_at": str},
        pk="id",
    )
    db["registry_writers"].create_index(["name_normalized"])
    db["registry_writers"].create_index(["ipi"])
    db["registry_writers"].create_index(["isni"])
    db["track_risk"].create(
        {"track_id": int, "risk": float, "band": str, "reasons": str, "note": str}, pk="track_id",
    )
    db["artist_risk"].create(
        {"artist_key": str, "artist": str, "risk": float, "band": str, "tracks": int,
         "reasons": str, "families": str, "note": str},
        pk="artist_key",
    )
    db["artist_risk"].create_index(["risk"])
    db["detection_runs"].create(
        {"id": int, "started_at": str, "finished_at": str, "status": str, "findings": int,
         "elapsed": float, "timings": str},
        pk="id",
    )
    db["findings"].create_index(["detector"])
    db["findings"].create_index(["active"])
    db["review_log"].create_index(["finding_key"])


def _m3_audio(db: sqlite_utils.Database) -> None:
    """Audio features per track (issue 6), keyed to the file state they were computed from.

    Columns are those of ``AudioFeatures`` version 1; a later feature set comes
    with its own migration.  ``error`` holds why a file could not be decoded, so
    an undecodable file is not retried on every rescan.
    """
    from dataclasses import fields as dataclass_fields

    from .audio.features import AudioFeatures

    kinds = {"float": float, "int": int, "str": str, "bytes": bytes, "bool": int}
    columns: dict[str, Any] = {"track_id": int, "file_fingerprint": str, "analysis_version": int, "error": str}
    for item in dataclass_fields(AudioFeatures):
        text = str(item.type)
        kind = next((python for name, python in kinds.items() if name in text.split("|")[0]), str)
        columns[item.name] = str if item.name == "ltas" else kind
    db["audio_features"].create(columns, pk="track_id", foreign_keys=[("track_id", "tracks", "id")])


def _m4_declared(db: sqlite_utils.Database) -> None:
    """What deliveries declare (issue 7), and the label's reference catalogs.

    Declared rows are derived from the ERN messages and manifests under a
    scan's roots and rewritten for those roots on every scan; ``track_id``
    is the track the declaration was matched to (by file path, else ISRC).
    ``references`` lists other audits (or scanned folders) a submission is
    compared against.
    """
    db["declared_recordings"].create(
        {"id": int, "source": str, "source_kind": str, "reference": str, "track_id": int,
         "file_ref": str, "resolved_path": str, "isrc": str, "title": str, "display_artist": str,
         "duration_s": float, "creation_date": str, "iswc": str, "label": str, "release_title": str,
         "icpn": str, "release_date": str, "scan_id": int},
        pk="id",
    )
    db["declared_recordings"].create_index(["track_id"])
    db["declared_recordings"].create_index(["source"])
    db["declared_recordings"].create_index(["resolved_path"])
    db["declared_contributors"].create(
        {"id": int, "declared_id": int, "name": str, "name_normalized": str, "role": str,
         "ddex_role": str, "ipi": str, "isni": str, "indirect": int},
        pk="id", foreign_keys=[("declared_id", "declared_recordings", "id")],
    )
    db["declared_contributors"].create_index(["declared_id"])
    db["references"].create({"id": int, "path": str, "kind": str, "added_at": str}, pk="id")
    db["references"].create_index(["path"], unique=True)


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (
    _m1_initial, _m2_detection, _m3_audio, _m4_declared)
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
    audio: dict[str, Any] | None = None  # an audio_features row (without track_id), when analysed


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

    def known(self, paths: Sequence[str], *, with_audio: bool = False) -> dict[str, tuple]:
        """``path -> (id, fingerprint, status[, audio analysis version])`` for stored paths.

        Raw tuples rather than row dicts: on a rescan this is most of the work.
        """
        found: dict[str, tuple] = {}
        audio = ", a.analysis_version" if with_audio else ""
        join = " LEFT JOIN audio_features a ON a.track_id = t.id" if with_audio else ""
        for start in range(0, len(paths), SQL_CHUNK):
            chunk = list(paths[start:start + SQL_CHUNK])
            marks = ",".join("?" * len(chunk))
            cursor = self.db.execute(
                f"SELECT t.path, t.id, t.fingerprint, t.status{audio} FROM tracks t{join} "
                f"WHERE t.path IN ({marks})", chunk)
            for path, *rest in cursor:
                found[path] = tuple(rest)
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

    def mark_missing(self, scan_id: int, roots: Sequence[str], seen_unchanged: Sequence[int] = (),
                     seen_count: int | None = None) -> int:
        """Tracks under ``roots`` that this complete scan did not see become 'missing'.

        Rows the scan wrote carry ``last_seen_scan = scan_id``; unchanged files
        are passed in as a sorted id sequence, so a rescan where nothing changed
        writes nothing per file.  Missing rows keep their history.
        """
        import bisect

        under, params = under_roots("path", roots)
        if seen_count is not None:
            present = self.db.execute(
                f"SELECT count(*) FROM tracks WHERE status = 'present' AND ({under})", params).fetchone()[0]
            if present <= seen_count:  # every present track under the roots was seen: none vanished
                return 0
        vanished: list[int] = []
        cursor = self.db.execute(
            "SELECT id FROM tracks WHERE status = 'present' "
            f"AND (last_seen_scan IS NULL OR last_seen_scan != ?) AND ({under})", [scan_id, *params])
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
            audio_rows = [{**item.audio, "track_id": track_id}
                          for item, track_id in zip(prepared, track_ids) if item.audio is not None]
            if audio_rows:
                ids_with_audio = [row["track_id"] for row in audio_rows]
                for start in range(0, len(ids_with_audio), SQL_CHUNK):
                    chunk = ids_with_audio[start:start + SQL_CHUNK]
                    self.db["audio_features"].delete_where(f"track_id in ({','.join('?' * len(chunk))})", chunk)
                self._bulk_insert("audio_features", audio_rows)
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


    # --- detection, scoring, reviews, writer registry (issue 3) ----------------------------
    # Bulk paths use executemany on the raw connection: detection writes tens of
    # thousands of rows per run and must stay a small fraction of a cold scan.

    def detection_tracks(self) -> Iterator[tuple[Any, ...]]:
        """Present, readable tracks as tuples in :data:`DETECTION_TRACK_COLUMNS` order."""
        columns = ", ".join(DETECTION_TRACK_COLUMNS)
        yield from self.db.execute(
            f"SELECT {columns} FROM tracks WHERE status = 'present' AND error IS NULL ORDER BY id")

    def detection_credits(self, roles: Iterable[str]) -> Iterator[tuple[Any, ...]]:
        """``(track_id, name, name_normalized, role, ipi, isni)`` of present tracks in ``roles``."""
        role_list = sorted(roles)
        marks = ",".join("?" * len(role_list))
        yield from self.db.execute(
            "SELECT c.track_id, c.name, c.name_normalized, c.role, c.ipi, c.isni FROM credits c "
            "JOIN tracks t ON t.id = c.track_id "
            f"WHERE t.status = 'present' AND t.error IS NULL AND c.role IN ({marks}) ORDER BY c.id",
            role_list)

    def detection_artworks(self) -> Iterator[tuple[Any, ...]]:
        """``(track_id, sha256, phash, picture_type)`` of present tracks."""
        yield from self.db.execute(
            "SELECT a.track_id, a.sha256, a.phash, a.picture_type FROM artworks a "
            "JOIN tracks t ON t.id = a.track_id WHERE t.status = 'present' AND t.error IS NULL "
            "ORDER BY a.track_id, a.id")

    def detection_texts(self) -> Iterator[tuple[Any, ...]]:
        """``(track_id, comment, url, field_values, raw_tags)``: tag text for marker searches."""
        yield from self.db.execute(
            "SELECT id, comment, url, field_values, raw_tags FROM tracks "
            "WHERE status = 'present' AND error IS NULL ORDER BY id")

    def save_findings(self, findings: Sequence[Any], *, started_at: str, elapsed: float,
                      timings: dict[str, float], status: str = "completed") -> int:
        """Upsert this run's findings, deactivate the rest, rewrite their member tracks.

        Findings are never deleted, so a review decision survives a run in which
        its finding was not emitted (and applies again when it comes back).
        Returns the detection run id.
        """
        now = utcnow()
        conn = self.db.conn
        with self.db.atomic():
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS _emitted (key TEXT PRIMARY KEY)")
            conn.execute("DELETE FROM _emitted")
            conn.executemany("INSERT OR IGNORE INTO _emitted (key) VALUES (?)", ((f.key,) for f in findings))
            conn.execute("DELETE FROM finding_tracks WHERE finding_key IN (SELECT key FROM _emitted)")
            conn.executemany(
                "INSERT INTO findings (key, detector, family, severity, score, subject_type, subject, title, "
                "explanation, evidence, innocent_explanations, created_at, updated_at, active) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) "
                "ON CONFLICT(key) DO UPDATE SET detector = excluded.detector, family = excluded.family, "
                "severity = excluded.severity, score = excluded.score, subject_type = excluded.subject_type, "
                "subject = excluded.subject, title = excluded.title, explanation = excluded.explanation, "
                "evidence = excluded.evidence, innocent_explanations = excluded.innocent_explanations, "
                "updated_at = excluded.updated_at, active = 1",
                ((f.key, f.detector, f.family, f.severity, f.score, f.subject_type, f.subject, f.title,
                  f.explanation, _json(f.evidence), _json(list(f.innocent_explanations)), now, now)
                 for f in findings))
            conn.execute(
                "UPDATE findings SET active = 0, updated_at = ? "
                "WHERE active = 1 AND key NOT IN (SELECT key FROM _emitted)", [now])
            conn.executemany(
                "INSERT OR IGNORE INTO finding_tracks (finding_key, track_id) VALUES (?, ?)",
                ((f.key, track_id) for f in findings for track_id in f.track_ids))
            conn.execute("DELETE FROM _emitted")
            cursor = conn.execute(
                "INSERT INTO detection_runs (started_at, finished_at, status, findings, elapsed, timings) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [started_at, now, status, len(findings), round(elapsed, 3), _json(timings)])
            return int(cursor.lastrowid)

    def last_detection_run(self) -> dict[str, Any] | None:
        rows = list(self.db["detection_runs"].rows_where(order_by="id desc", limit=1))
        return rows[0] if rows else None

    def scoring_findings(self) -> list[tuple[Any, ...]]:
        """``(key, detector, family, severity, title, score)`` of active findings."""
        return list(self.db.execute(
            "SELECT key, detector, family, severity, title, score FROM findings WHERE active = 1 ORDER BY key"))

    def active_finding_links(self) -> Iterator[tuple[str, int]]:
        """``(finding_key, track_id)`` for active findings and present tracks."""
        yield from self.db.execute(
            "SELECT ft.finding_key, ft.track_id FROM finding_tracks ft "
            "JOIN findings f ON f.key = ft.finding_key JOIN tracks t ON t.id = ft.track_id "
            "WHERE f.active = 1 AND t.status = 'present'")

    def present_track_artists(self) -> Iterator[tuple[int, str | None]]:
        """``(track_id, artist)`` of present, readable tracks."""
        yield from self.db.execute(
            "SELECT id, artist FROM tracks WHERE status = 'present' AND error IS NULL ORDER BY id")

    def review_statuses(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT finding_key, status FROM reviews"))

    def replace_risk(self, track_rows: Iterable[tuple[Any, ...]], artist_rows: Iterable[tuple[Any, ...]]) -> None:
        """Rewrite the derived risk tables in one transaction.

        ``track_rows``: ``(track_id, risk, band, reasons_json, note)``;
        ``artist_rows``: ``(artist_key, artist, risk, band, tracks, reasons_json, families_json, note)``.
        """
        conn = self.db.conn
        with self.db.atomic():
            conn.execute("DELETE FROM track_risk")
            conn.execute("DELETE FROM artist_risk")
            conn.executemany(
                "INSERT INTO track_risk (track_id, risk, band, reasons, note) VALUES (?, ?, ?, ?, ?)", track_rows)
            conn.executemany(
                "INSERT INTO artist_risk (artist_key, artist, risk, band, tracks, reasons, families, note) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", artist_rows)

    def finding_rows(self, *, include_inactive: bool = False) -> list[dict[str, Any]]:
        """Findings with their review status, most severe first."""
        where = "" if include_inactive else "WHERE f.active = 1"
        cursor = self.db.execute(
            "SELECT f.*, coalesce(r.status, 'open') AS review_status, r.note AS review_note "
            f"FROM findings f LEFT JOIN reviews r ON r.finding_key = f.key {where} "
            "ORDER BY f.score DESC, f.detector, f.subject")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor]

    def finding_row(self, key: str) -> dict[str, Any] | None:
        cursor = self.db.execute(
            "SELECT f.*, coalesce(r.status, 'open') AS review_status, r.note AS review_note "
            "FROM findings f LEFT JOIN reviews r ON r.finding_key = f.key WHERE f.key = ?", [key])
        names = [d[0] for d in cursor.description]
        row = cursor.fetchone()
        return dict(zip(names, row)) if row else None

    def finding_paths(self, keys: Sequence[str] | None = None) -> dict[str, list[str]]:
        """Member track paths per finding (all findings, or only ``keys``)."""
        found: dict[str, list[str]] = {}
        base = "SELECT ft.finding_key, t.path FROM finding_tracks ft JOIN tracks t ON t.id = ft.track_id"
        if keys is None:
            for key, path in self.db.execute(base + " ORDER BY t.path"):
                found.setdefault(key, []).append(path)
            return found
        key_list = list(keys)
        for start in range(0, len(key_list), SQL_CHUNK):
            chunk = key_list[start:start + SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            for key, path in self.db.execute(f"{base} WHERE ft.finding_key IN ({marks}) ORDER BY t.path", chunk):
                found.setdefault(key, []).append(path)
        return found

    def artist_risk_rows(self) -> list[dict[str, Any]]:
        """Artists by risk (highest first), then name."""
        return list(self.db["artist_risk"].rows_where(order_by="risk desc, artist collate nocase"))

    def track_risk_map(self) -> dict[int, tuple[float, str]]:
        return {row[0]: (row[1], row[2]) for row in self.db.execute("SELECT track_id, risk, band FROM track_risk")}

    def save_review(self, finding_key: str, status: str, note: str) -> str:
        """Set a finding's review status and append it to the history; returns the time."""
        now = utcnow()
        with self.db.atomic():
            self.db["reviews"].upsert(
                {"finding_key": finding_key, "status": status, "note": note, "updated_at": now},
                pk="finding_key")
            self.db["review_log"].insert({"finding_key": finding_key, "status": status, "note": note, "at": now})
        return now

    def review_row(self, finding_key: str) -> dict[str, Any] | None:
        rows = list(self.db["reviews"].rows_where("finding_key = ?", [finding_key]))
        return rows[0] if rows else None

    def review_log_rows(self, finding_key: str) -> list[dict[str, Any]]:
        return list(self.db["review_log"].rows_where("finding_key = ?", [finding_key], order_by="id"))

    def registry_rows(self) -> list[dict[str, Any]]:
        return list(self.db["registry_writers"].rows_where(order_by="name_normalized, id"))

    def registry_insert(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            with self.db.atomic():
                self.db["registry_writers"].insert_all(rows)

    def registry_update(self, writer_id: int, changes: dict[str, Any]) -> None:
        with self.db.atomic():
            self.db["registry_writers"].update(writer_id, {**changes, "updated_at": utcnow()})

    def registry_remove(self, writer_ids: Sequence[int]) -> None:
        ids = list(writer_ids)
        with self.db.atomic():
            for start in range(0, len(ids), SQL_CHUNK):
                chunk = ids[start:start + SQL_CHUNK]
                self.db["registry_writers"].delete_where(f"id in ({','.join('?' * len(chunk))})", chunk)

    # --- audio features ------------------------------------------------------------------

    def audio_feature_rows(self) -> Iterator[dict[str, Any]]:
        """Analysed tracks' feature rows (with ``track_id``) for the audio detectors."""
        yield from self.db.query(
            "SELECT a.* FROM audio_features a JOIN tracks t ON t.id = a.track_id "
            "WHERE t.status = 'present' AND a.error IS NULL")

    def audio_summary(self, track_id: int) -> dict[str, Any] | None:
        rows = list(self.db["audio_features"].rows_where("track_id = ?", [track_id]))
        return rows[0] if rows else None

    # --- declarations and reference catalogs (issue 7) -----------------------------------

    def present_track_keys(self) -> Iterator[tuple[int, str, str | None]]:
        """``(track_id, path, isrc)`` of every present track (readable or not): declaration matching."""
        yield from self.db.execute("SELECT id, path, isrc FROM tracks WHERE status = 'present' ORDER BY id")

    def replace_declarations(self, roots: Sequence[str], scan_id: int,
                             recordings: Sequence[tuple[dict[str, Any], list[dict[str, Any]]]]) -> None:
        """Drop declared rows whose source lies under ``roots``; insert ``(recording, contributors)``."""
        where, args = under_roots("source", roots)
        with self.db.atomic():
            self.db.execute(
                f"DELETE FROM declared_contributors WHERE declared_id IN "
                f"(SELECT id FROM declared_recordings WHERE {where})", args)
            self.db.execute(f"DELETE FROM declared_recordings WHERE {where}", args)
            for recording, contributors in recordings:
                declared_id = int(self.db["declared_recordings"].insert({**recording, "scan_id": scan_id}).last_pk)
                if contributors:
                    self.db["declared_contributors"].insert_all(
                        {**c, "declared_id": declared_id} for c in contributors)

    def declared_rows(self) -> list[dict[str, Any]]:
        """Every declared recording with ``contributors`` and the matched track's path as ``track_path``."""
        cursor = self.db.execute(
            "SELECT d.*, t.path AS track_path FROM declared_recordings d "
            "LEFT JOIN tracks t ON t.id = d.track_id AND t.status = 'present' ORDER BY d.id")
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, values)) for values in cursor]
        by_id = {row["id"]: row for row in rows}
        for row in rows:
            row["contributors"] = []
        for contributor in self.db["declared_contributors"].rows_where(order_by="declared_id, id"):
            owner = by_id.get(contributor["declared_id"])
            if owner is not None:
                owner["contributors"].append(contributor)
        return rows

    def declared_for_track(self, track_id: int) -> list[dict[str, Any]]:
        rows = list(self.db["declared_recordings"].rows_where("track_id = ?", [track_id], order_by="id"))
        for row in rows:
            row["contributors"] = list(self.db["declared_contributors"].rows_where(
                "declared_id = ?", [row["id"]], order_by="id"))
        return rows

    def declared_identifiers(self) -> dict[tuple[int, str], tuple[str | None, str | None]]:
        """``(track_id, name_normalized) -> (ipi, isni)`` of declared contributors that carry one."""
        found: dict[tuple[int, str], tuple[str | None, str | None]] = {}
        for track_id, name, ipi, isni in self.db.execute(
                "SELECT d.track_id, c.name_normalized, c.ipi, c.isni FROM declared_contributors c "
                "JOIN declared_recordings d ON d.id = c.declared_id "
                "WHERE d.track_id IS NOT NULL AND (c.ipi IS NOT NULL OR c.isni IS NOT NULL) ORDER BY c.id"):
            old = found.get((track_id, name), (None, None))
            found[(track_id, name)] = (old[0] or ipi, old[1] or isni)
        return found

    def reference_rows(self) -> list[dict[str, Any]]:
        return list(self.db["references"].rows_where(order_by="id"))

    def add_reference_row(self, path: str, kind: str) -> dict[str, Any]:
        """Record a reference catalog once; adding the same path again keeps the first row."""
        with self.db.atomic():
            self.db.execute('INSERT OR IGNORE INTO "references" (path, kind, added_at) VALUES (?, ?, ?)',
                            [path, kind, utcnow()])
        return next(self.db["references"].rows_where("path = ?", [path]))

    def remove_reference_row(self, path: str) -> bool:
        with self.db.atomic():
            cursor = self.db.execute('DELETE FROM "references" WHERE path = ?', [path])
        return cursor.rowcount > 0


def under_roots(column: str, roots: Sequence[str]) -> tuple[str, list[Any]]:
    """SQL (and parameters) for "``column`` is one of ``roots`` or lies inside it, or inside it as a ZIP".

    One definition, because "under the scanned roots" decides what is missing and which
    declarations a rescan replaces; ``"0"`` when there are no roots.
    """
    clauses, params = [], []
    for root in roots:
        root = os.path.abspath(root)
        prefix_dir, prefix_zip = root.rstrip(os.sep) + os.sep, root + "!/"
        clauses.append(f"({column} = ? OR substr({column}, 1, ?) = ? OR substr({column}, 1, ?) = ?)")
        params += [root, len(prefix_dir), prefix_dir, len(prefix_zip), prefix_zip]
    return (" OR ".join(clauses) or "0"), params


def _leading_int(value: str | None) -> int | None:
    if not value:
        return None
    digits = ""
    for ch in value.strip():
        if not ch.isdigit():
            break
        digits += ch
    return int(digits) if digits and len(digits) < 10 else None


# Columns the detectors load per track (see :meth:`Store.detection_tracks`).
DETECTION_TRACK_COLUMNS: tuple[str, ...] = (
    "id", "path", "artist", "title", "album", "album_artist", "label", "publisher", "isrc", "upc",
    "release_date", "original_date", "duration", "format", "codec", "sample_rate", "bitrate",
    "bitrate_mode", "channels", "bits_per_sample", "encoder", "encoder_settings_stream",
    "encoder_settings", "encoded_by", "tag_containers", "layout_signature", "sha256", "markers",
    "compilation",
)
