"""Shared fixtures for the desktop-app and browse tests: stores built by code, a scripted Ask.

Stores are written directly (``Store.write_tracks`` with ``TrackRecord``
objects, findings and risk rows inserted with sqlite-utils), so view tests do
not depend on the detectors' output; scans that must go through the GUI use
small real files from :mod:`tests.builders`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mutagen.id3 import COMM, ID3, TCOM, TIT2, TPE1, TPUB

from auditor.model import Artwork, AudioProps, Conflict, Credit, FieldValue, RawTag, TrackRecord
from auditor.names import normalize_name
from auditor.store import Store, utcnow
from tests import builders as b

HOSTILE_TITLE = "<b>bold</b><img src=x>"


def record(i: int, *, title: str | None = None, artist: str = "Act", writer: str | None = "Writer A",
           fmt: str = "mp3", error: str | None = None, comment: str | None = None, label: str | None = "Label One",
           bitrate: int = 192_000, duration: float = 180.0, ipi: str | None = None,
           conflict: bool = False, art: bool = True, root: str = "/cat") -> TrackRecord:
    title = f"Song {i:03d}" if title is None else title
    fields = {"title": title, "artist": artist, "album": f"Album {i // 4}", "isrc": f"QZABC24{i:05d}",
              "track_number": str(i % 10 + 1)}
    if label:
        fields["label"] = label
    if comment:
        fields["comment"] = comment
    values = [FieldValue(k, v, f"ID3v2.4:{k.upper()}") for k, v in fields.items()]
    conflicts: tuple[Conflict, ...] = ()
    if conflict:
        first = FieldValue("label", label or "Label One", "ID3v2.4:TPUB")
        other = FieldValue("label", "Other Label", "ID3v2.4:TXXX:LABEL")
        values.append(other)
        conflicts = (Conflict("label", (first, other)),)
    credits = (Credit(writer, normalize_name(writer), "composer", "ID3v2.4:TCOM", ipi=ipi),) if writer else ()
    return TrackRecord(
        display_path=f"{root}/{artist}/{i:03d} {title[:40].replace('/', '_')}.{fmt}",
        size=1_000_000 + i, mtime_ns=i, fingerprint=f"fp{i}", extension=f".{fmt}",
        sha256=f"{i:064x}", format=None if error else fmt, sniffed_format=fmt,
        audio=AudioProps(codec=fmt, duration=None if error else duration, bitrate=None if error else bitrate,
                         bitrate_mode="CBR", sample_rate=44_100, channels=2, encoder="LAME 3.100"),
        tag_containers=("ID3v2.4",), fields=fields if not error else {}, values=tuple(values) if not error else (),
        conflicts=conflicts, credits=credits if not error else (),
        artworks=(Artwork("ab" * 32, 1234, "image/png", "ID3v2.4:APIC:", 32, 24),) if art and not error else (),
        raw_tags=(RawTag("ID3v2.4", "TIT2", (title,)), RawTag("ID3v2.4", "PRIV:x", (), "priv", 20, "cd" * 32)),
        error=error,
    )


def build_store(path: Path, records: Iterable[TrackRecord], roots: list[str] | None = None) -> Store:
    store = Store(path)
    scan_id = store.begin_scan(roots or ["/cat"], 0)
    items = list(records)
    store.write_tracks(scan_id, items, {})
    store.finish_scan(scan_id, "completed", {"seen": len(items), "read": len(items)})
    return store


def track_ids(store: Store) -> dict[str, int]:
    """title (or path when untitled) -> id."""
    return {(row[1] or row[2]): row[0] for row in store.db.execute("SELECT id, title, path FROM tracks")}


def add_finding(store: Store, key: str, *, title: str, family: str = "untraceable_writers",
                severity: str = "high", score: float = 30.0, tracks: Iterable[int] = (),
                detector: str = "writers.test", subject: str = "Writer A", explanation: str = "Because.",
                evidence: Any = None, innocent: Iterable[str] = ("A new writer.",)) -> None:
    now = utcnow()
    store.db["findings"].insert({
        "key": key, "detector": detector, "family": family, "severity": severity, "score": score,
        "subject_type": "writer", "subject": subject, "title": title, "explanation": explanation,
        "evidence": json.dumps(evidence or {"tracks": list(tracks)}), "innocent_explanations": json.dumps(list(innocent)),
        "created_at": now, "updated_at": now, "active": 1,
    }, replace=True)
    store.db["finding_tracks"].insert_all(({"finding_key": key, "track_id": t} for t in tracks), replace=True)


def set_risk(store: Store, risks: dict[int, tuple[float, str]], artists: dict[str, tuple[float, str, int]] | None = None,
             reasons: list[dict[str, Any]] | None = None) -> None:
    cols = {c.name for c in store.db["track_risk"].columns}
    rows = []
    for track_id, (risk, band) in risks.items():
        row = {"track_id": track_id, "risk": risk, "band": band,
               "reasons": json.dumps(reasons or [{"finding_key": "k", "title": "Synthetic reason", "weight": risk}])}
        rows.append({k: v for k, v in row.items() if k in cols})
    store.db["track_risk"].insert_all(rows, replace=True)
    if artists:
        acols = {c.name for c in store.db["artist_risk"].columns}
        arows = []
        for name, (risk, band, count) in artists.items():
            row = {"artist_key": name.casefold(), "artist": name, "risk": risk, "band": band, "tracks": count,
                   "reasons": json.dumps(reasons or [{"finding_key": "k", "title": f"Reason for {name}",
                                                      "weight": risk}])}
            arows.append({k: v for k, v in row.items() if k in acols})
        store.db["artist_risk"].insert_all(arows, replace=True)


def sample_store(path: Path) -> Store:
    """A dozen tracks with risk, findings, an unreadable file, a conflict and hostile text."""
    items = [record(i, artist="Lyra Solenne" if i < 4 else "Edith Marlowe", writer="Adrian Kessel" if i < 4
                    else "Edith Marlowe", ipi=None if i < 4 else "00118034527", bitrate=128_000 if i < 4 else 320_000,
                    duration=120.0 + i, fmt="mp3" if i % 2 else "flac", conflict=(i == 5)) for i in range(10)]
    items.append(record(10, title=HOSTILE_TITLE, artist="Émile SStrange", writer="José Ñúñez",
                        comment="line one\nline two <a href='http://x'>link</a>"))
    items.append(record(11, title="", artist="", writer=None, error="damaged mp3: unexpected end of data", art=False))
    store = build_store(path, items)
    ids = track_ids(store)
    farm = [ids[f"Song {i:03d}"] for i in range(4)]
    add_finding(store, "f-writer", title="'Adrian Kessel' writes alone for 3 artists", tracks=farm,
                subject="Adrian Kessel", explanation="One writer, many personas.")
    add_finding(store, "f-ipi", title="Writer 'Adrian Kessel' has no IPI or ISNI", severity="medium", score=10,
                tracks=farm)
    add_finding(store, "f-burst", title="8 releases in 9 days", family="mass_produced", severity="medium",
                score=15, tracks=farm, subject="Lyra Solenne", detector="catalog.release_burst")
    add_finding(store, "f-suno", title="Suno marker (conclusive) in 'Song 000'", family="ai_provenance",
                severity="conclusive", score=100, tracks=farm[:1], detector="provenance.markers")
    risks = {t: (100.0, "high") for t in farm}
    risks.update({ids[f"Song {i:03d}"]: (5.0, "low") for i in range(4, 10)})
    risks[ids[HOSTILE_TITLE]] = (45.0, "review")
    set_risk(store, risks, {"Lyra Solenne": (100.0, "high", 4), "Edith Marlowe": (5.0, "low", 6),
                            "Émile SStrange": (45.0, "review", 1)})
    return store


class FakeAsk:
    """Answers every question immediately from queued replies; records what was asked."""

    def __init__(self, **replies: Any) -> None:
        self.replies: dict[str, list[Any]] = {k: list(v) if isinstance(v, list) else [v] for k, v in replies.items()}
        self.asked: list[tuple[str, tuple[Any, ...]]] = []
        self.settings_hook: Any = None

    def _next(self, name: str, default: Any, *args: Any) -> Any:
        self.asked.append((name, args))
        queue = self.replies.get(name)
        return queue.pop(0) if queue else default

    def open_audit(self, start: str = "") -> Path | None:
        return self._next("open_audit", None, start)

    def new_audit(self, start: str = "") -> Path | None:
        return self._next("new_audit", None, start)

    def folder(self, start: str = "") -> Path | None:
        return self._next("folder", None, start)

    def zip_files(self, start: str = "") -> list[Path]:
        return self._next("zip_files", [], start)

    def file(self, title: str, file_filter: str, start: str = "") -> Path | None:
        return self._next("file", None, title)

    def note(self, title: str, label: str, text: str = "") -> str | None:
        return self._next("note", None, title, text)

    def confirm(self, title: str, text: str) -> bool:
        return self._next("confirm", True, text)

    def inform(self, title: str, text: str) -> None:
        self._next("inform", None, title, text)

    def export(self, audit_path: Path) -> Any:
        return self._next("export", None, audit_path)

    def settings(self, dialog: Any) -> bool:
        self.asked.append(("settings", ()))
        if self.settings_hook is not None:
            return bool(self.settings_hook(dialog))
        return False


def mp3_catalog(root: Path, count: int = 12, *, titles: dict[int, str] | None = None,
                broken: bool = False) -> list[Path]:
    """Small real MP3 files with ID3 tags (and optionally one truncated file)."""
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = b.mpeg_frames(root / f"track{i:03d}.mp3", frames=20)
        tags = ID3()
        tags.add(TIT2(encoding=3, text=(titles or {}).get(i, f"Song {i}")))
        tags.add(TPE1(encoding=3, text=f"Act {i % 3}"))
        tags.add(TCOM(encoding=3, text=f"Writer {i % 3}"))
        tags.add(TPUB(encoding=3, text="Label One"))
        tags.add(COMM(encoding=3, lang="eng", desc="", text="<script>alert(1)</script>"))
        tags.save(path)
        paths.append(path)
    if broken:
        bad = root / "broken.mp3"
        bad.write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x10" + b"\xff\xfb" + b"\x00" * 3)
        paths.append(bad)
    return paths
