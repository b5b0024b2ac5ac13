"""Read models over the store: what the CLI prints and the GUI shows.

Both faces call these functions, so a track looks the same in
``catalog-auditor tracks --format json`` and in the desktop app.
"""

from __future__ import annotations

import json
from typing import Any

from .fields import WRITER_ROLES
from .store import Store

TRACK_TABLE_COLUMNS = ("path", "artist", "title", "format", "duration", "encoder", "risk", "band", "error")
FINDING_TABLE_COLUMNS = ("key", "severity", "detector", "subject", "title", "review")
ARTIST_TABLE_COLUMNS = ("artist", "risk", "band", "tracks", "why")


def track_rows(store: Store, *, include_missing: bool = False) -> list[dict[str, Any]]:
    """One dict per track in the CLI contract's shape (see README, "tracks")."""
    credits = store.credits_by_track()
    artwork = store.first_artwork_by_track()
    risks = store.track_risk_map()
    audio = audio_summaries(store)
    rows = []
    for track in store.iter_tracks(include_missing=include_missing):
        people = credits.get(track["id"], [])
        rows.append({
            "path": track["path"],
            "status": track["status"],
            "format": track["format"],
            "codec": track["codec"],
            "duration": track["duration"],
            "bitrate": track["bitrate"],
            "bitrate_mode": track["bitrate_mode"],
            "sample_rate": track["sample_rate"],
            "channels": track["channels"],
            "bits_per_sample": track["bits_per_sample"],
            "encoder": track["encoder"],
            "encoder_settings": track["encoder_settings_stream"] or track["encoder_settings"],
            "tag_containers": json.loads(track["tag_containers"] or "[]"),
            "title": track["title"],
            "artist": track["artist"],
            "album": track["album"],
            "album_artist": track["album_artist"],
            "label": track["label"],
            "publisher": track["publisher"],
            "isrc": track["isrc"],
            "upc": track["upc"],
            "catalog_number": track["catalog_number"],
            "release_date": track["release_date"],
            "genre": track["genre"],
            "track_number": track["track_number"],
            "writers": [
                {"name": c["name"], "role": c["role"], "ipi": c["ipi"]}
                for c in people if c["role"] in WRITER_ROLES
            ],
            "credits": [
                {"name": c["name"], "role": c["role"], "ipi": c["ipi"], "isni": c["isni"],
                 "source": c["source"]}
                for c in people
            ],
            "artwork_sha256": artwork.get(track["id"]),
            "sha256": track["sha256"],
            "format_mismatch": bool(track["format_mismatch"]),
            "conflicts": len(json.loads(track["conflicts"] or "[]")),
            "parse_issues": json.loads(track["parse_issues"] or "[]"),
            "audio": audio.get(track["id"]),
            "error": track["error"],
            "risk": risks.get(track["id"], (None, None))[0],
            "band": risks.get(track["id"], (None, None))[1],
        })
    return rows


def finding_rows(store: Store, *, include_inactive: bool = False) -> list[dict[str, Any]]:
    """Findings in the CLI contract's shape (see README, "findings"), most weighty first."""
    findings = store.finding_rows(include_inactive=include_inactive)
    paths = store.finding_paths([f["key"] for f in findings])
    rows = []
    for f in findings:
        rows.append({
            "key": f["key"],
            "detector": f["detector"],
            "family": f["family"],
            "severity": f["severity"],
            "weight": f["score"],
            "subject_type": f["subject_type"],
            "subject": f["subject"],
            "title": f["title"],
            "explanation": f["explanation"],
            "evidence": json.loads(f["evidence"] or "{}"),
            "innocent_explanations": json.loads(f["innocent_explanations"] or "[]"),
            "tracks": paths.get(f["key"], []),
            "review": f["review_status"],
            "review_note": f["review_note"] or "",
            "active": bool(f["active"]),
        })
    return rows


def artist_rows(store: Store) -> list[dict[str, Any]]:
    """Artists by risk (highest first) with the findings behind each point."""
    return [
        {
            "artist": a["artist"],
            "risk": a["risk"],
            "band": a["band"],
            "tracks": a["tracks"],
            "reasons": json.loads(a["reasons"] or "[]"),
            "families": json.loads(a["families"] or "[]"),
            "note": a["note"] or "",
        }
        for a in store.artist_risk_rows()
    ]


def why_text(row: dict[str, Any], limit: int = 3) -> str:
    """The top reasons of an artist row as one line, for tables and summaries."""
    reasons = row["reasons"][:limit]
    text = "; ".join(f"{r['title']} (+{r['weight']:g})" for r in reasons)
    more = len(row["reasons"]) - len(reasons)
    if more > 0:
        text += f"; +{more} more"
    if row.get("note"):
        text += " [held below high: one kind of evidence]"
    return text or "no findings"


def audio_summaries(store: Store) -> dict[int, dict[str, Any]]:
    """track id -> the public ``audio`` object (see README), or ``{"error": …}`` when not analysed."""
    from .audio.features import AudioFeatures

    found: dict[int, dict[str, Any]] = {}
    for row in store.db.query("SELECT * FROM audio_features"):
        if row["error"]:
            found[row["track_id"]] = {"error": row["error"]}
        else:
            found[row["track_id"]] = AudioFeatures.from_row(row).summary()
    return found
