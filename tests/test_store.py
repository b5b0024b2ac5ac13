"""The audit database: schema, migrations, change detection and batch writes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from auditor.errors import StoreError
from auditor.model import Artwork, Credit, TrackRecord
from auditor.store import SCHEMA_VERSION, Store


def record(path: str, title: str = "T", fingerprint: str = "1:1") -> TrackRecord:
    return TrackRecord(
        display_path=path, size=10, mtime_ns=1, fingerprint=fingerprint, extension=".mp3",
        format="mp3", fields={"title": title, "artist": "A"},
        credits=(Credit("Jane Doe", "jane doe", "composer", "ID3v2.4:TCOM", ipi="00012345678"),),
        artworks=(Artwork("ab" * 32, 100, "image/png", "ID3v2.4:APIC:"),),
    )


def test_new_database_is_migrated_to_the_current_schema_in_wal_mode(tmp_path: Path) -> None:
    with Store(tmp_path / "a.sqlite") as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.db.journal_mode == "wal"
        assert {"tracks", "credits", "people", "artworks", "scans", "scan_errors", "findings",
                "finding_tracks", "reviews", "review_log"} <= set(store.db.table_names())


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    with Store(tmp_path / "a.sqlite") as store:
        scan = store.begin_scan(["/x"], 0)
        store.write_tracks(scan, [record("/x/a.mp3")], {})
    with Store(tmp_path / "a.sqlite") as store:
        assert store.count("tracks") == 1 and store.count("credits") == 1


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_not_a_database_gives_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        Store(path)


def test_rewriting_a_track_replaces_its_credits_and_artwork(tmp_path: Path) -> None:
    with Store(tmp_path / "a.sqlite") as store:
        scan = store.begin_scan(["/x"], 0)
        store.write_tracks(scan, [record("/x/a.mp3")], {})
        (track_id, _, _), = store.known(["/x/a.mp3"]).values()
        store.write_tracks(scan, [record("/x/a.mp3", title="New", fingerprint="2:2")], {"/x/a.mp3": track_id})
        assert store.count("tracks") == 1 and store.count("credits") == 1 and store.count("artworks") == 1
        row = store.db["tracks"].get(track_id)
        assert (row["title"], row["fingerprint"]) == ("New", "2:2")
        person = store.db["people"].get("jane doe")
        assert person["ipi"] == "00012345678"


def test_missing_is_limited_to_the_scanned_roots(tmp_path: Path) -> None:
    with Store(tmp_path / "a.sqlite") as store:
        scan = store.begin_scan(["/x"], 0)
        store.write_tracks(scan, [record("/x/a.mp3"), record("/xy/b.mp3"), record("/x/d.zip!/c.mp3")], {})
        later = store.begin_scan(["/x"], 0)
        assert store.mark_missing(later, ["/x"]) == 2  # /xy is another root
        assert store.db["tracks"].get(2)["status"] == "present"


def test_an_unfinished_scan_is_marked_interrupted_by_the_next(tmp_path: Path) -> None:
    with Store(tmp_path / "a.sqlite") as store:
        first = store.begin_scan(["/x"], 0)
        store.begin_scan(["/x"], 0)
        assert store.scan(first)["status"] == "interrupted"
