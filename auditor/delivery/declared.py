"""Declared metadata joins the audit: store what deliveries declare and match it to tracks.

Why a separate step after the scan: declarations describe files the scan has
just read, so they can only be matched once the tracks exist.  A declared
recording is matched to a track by its resolved file path first (the
delivery says exactly which file it means), else by ISRC among present
tracks (manifests often carry no file column).  Rows are rewritten for the
scanned roots on every scan, so a corrected delivery replaces the old one.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..model import DiscoveryProblem
from .find import Declaration, find_declarations

if TYPE_CHECKING:
    from ..store import Store


def normalize_isrc(value: str | None) -> str:
    """``"us-abc-25-00001 "`` -> ``"USABC2500001"``; empty for nothing."""
    return re.sub(r"[^A-Z0-9]", "", (value or "").upper())


def delivery_base(source: str) -> str:
    """The folder a declaring document's file references are relative to (ZIP member paths too)."""
    if "!/" in source:
        return posixpath.dirname(source)
    return os.path.dirname(source)


def in_delivery(path: str, base: str) -> bool:
    """Whether a track path lies inside the delivery rooted at ``base``."""
    return path.startswith(base.rstrip("/" + os.sep) + ("/" if "!" in base else os.sep))


def _match(declaration: Declaration, file_ref: str | None, isrc: str, by_path: dict[str, int],
           by_isrc: dict[str, list[tuple[int, str]]]) -> tuple[str | None, int | None]:
    resolved = declaration.resolve(file_ref) if file_ref else None
    if resolved is not None and resolved in by_path:
        return resolved, by_path[resolved]
    candidates = by_isrc.get(isrc, []) if isrc else []
    if not candidates:
        return resolved, None
    base = declaration.base
    inside = [c for c in candidates if in_delivery(c[1], base)]
    chosen = (inside or candidates)[0]
    return resolved, chosen[0]


def load_declarations(store: Store, roots: Sequence[str], scan_id: int, *,
                      manifest_mapping: dict[str, str] | None = None,
                      on_problem: Callable[[DiscoveryProblem], None]) -> int:
    """Find the declarations under ``roots``, store them matched to tracks; returns recordings stored."""
    roots = [os.path.abspath(os.fspath(r)) for r in roots]
    by_path: dict[str, int] = {}
    by_isrc: dict[str, list[tuple[int, str]]] = {}
    for track_id, path, isrc in store.present_track_keys():
        by_path[path] = track_id
        code = normalize_isrc(isrc)
        if code:
            by_isrc.setdefault(code, []).append((track_id, path))
    rows: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for declaration in find_declarations(roots, on_problem=on_problem, manifest_mapping=manifest_mapping):
        for problem in declaration.problems:
            on_problem(DiscoveryProblem(declaration.source, "declaration", problem))
        for recording in declaration.recordings:
            release = declaration.ern.release_for(recording.reference) if declaration.ern else None
            file_ref = recording.files[0] if recording.files else None
            isrc = normalize_isrc(recording.isrc)
            resolved, track_id = _match(declaration, file_ref, isrc, by_path, by_isrc)
            row = {
                "source": declaration.source, "source_kind": declaration.kind, "reference": recording.reference,
                "track_id": track_id, "file_ref": file_ref, "resolved_path": resolved,
                "isrc": isrc or None, "title": recording.title, "display_artist": recording.display_artist,
                "duration_s": recording.duration_s, "creation_date": recording.creation_date,
                "iswc": recording.iswc, "label": recording.label or (release.label if release else None),
                "release_title": release.title if release else None,
                "icpn": release.icpn if release else None,
                "release_date": release.release_date if release else None,
            }
            contributors = [
                {"name": c.name, "name_normalized": c.name_normalized, "role": c.role, "ddex_role": c.ddex_role,
                 "ipi": c.ipi, "isni": c.isni, "indirect": int(c.indirect)}
                for c in recording.contributors]
            rows.append((row, contributors))
    store.replace_declarations(roots, scan_id, rows)
    return len(rows)
