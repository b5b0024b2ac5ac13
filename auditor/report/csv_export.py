"""CSV export: tracks, artists and findings, one file each, spreadsheet-safe.

UTF-8 with a byte-order mark (so Excel detects the encoding), comma
delimiters, CRLF rows, quoted newlines inside values, and every text cell
that a spreadsheet would execute as a formula neutralized.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..output import write_csv
from ..queries import track_rows
from ..store import Store
from .build import build_report

TRACK_COLUMNS = ("path", "status", "artist", "title", "album", "album_artist", "label", "publisher",
                 "isrc", "upc", "catalog_number", "release_date", "genre", "track_number", "duration",
                 "format", "codec", "bitrate", "bitrate_mode", "sample_rate", "channels", "encoder",
                 "encoder_settings", "writers", "artwork_sha256", "sha256", "risk", "band", "error")
ARTIST_COLUMNS = ("artist", "risk", "band", "tracks", "reasons")
FINDING_COLUMNS = ("key", "severity", "family", "detector", "subject_type", "subject", "title",
                   "explanation", "review_status", "review_note", "tracks", "innocent_explanations",
                   "evidence")


def _writers(row: dict[str, Any]) -> str:
    return "; ".join(
        f"{w['name']} ({w['role']}{', IPI ' + w['ipi'] if w.get('ipi') else ''})" for w in row.get("writers", []))


def export_csv(store: Store, directory: Path) -> list[Path]:
    """Write tracks.csv, artists.csv and findings.csv into ``directory``; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    report = build_report(store)
    tracks = [{**row, "writers": _writers(row)} for row in track_rows(store)]
    artists = [
        {"artist": a.artist, "risk": round(a.risk, 1), "band": a.band, "tracks": a.tracks,
         "reasons": "; ".join(f"{r.title} (+{r.weight:g})" for r in a.reasons)}
        for a in report.flagged
    ] + [{"artist": name, "risk": round(risk, 1), "band": "low", "tracks": count, "reasons": ""}
         for name, risk, count in report.low_artists]
    findings = [
        {"key": f.key, "severity": f.severity, "family": f.family_title, "detector": f.detector,
         "subject_type": f.subject_type, "subject": f.subject, "title": f.title,
         "explanation": f.explanation, "review_status": f.review_status, "review_note": f.review_note,
         "tracks": "\n".join(f.track_paths), "innocent_explanations": "\n".join(f.innocent_explanations),
         "evidence": f.evidence}
        for f in report.findings
    ]
    written = []
    for name, rows, columns in (("tracks.csv", tracks, TRACK_COLUMNS), ("artists.csv", artists, ARTIST_COLUMNS),
                                ("findings.csv", findings, FINDING_COLUMNS)):
        path = directory / name
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            write_csv(rows, out, columns)
        written.append(path)
    return written
