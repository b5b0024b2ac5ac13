"""Read models over the store: what the CLI prints and the GUI shows.

Both faces call these functions, so a track looks the same in
``catalog-auditor tracks --format json`` and in the desktop app.
"""

from __future__ import annotations

import json
from typing import Any

from .fields import WRITER_ROLES
from .store import Store

TRACK_TABLE_COLUMNS = ("path", "artist", "title", "format", "duration", "encoder", "error")


def track_rows(store: Store, *, include_missing: bool = False) -> list[dict[str, Any]]:
    """One dict per track in the CLI contract's shape (see README, "tracks")."""
    credits = store.credits_by_track()
    artwork = store.first_artwork_by_track()
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
            "error": track["error"],
        })
    return rows
