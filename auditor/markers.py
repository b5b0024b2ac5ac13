"""AI provenance markers: the maintained list in ``resources/ai_markers.toml``.

Each marker is a case-insensitive byte pattern with a generator, a
confidence and a source.  The reader searches a file's head and tail bytes
(already in memory from hashing, so it costs no extra I/O); the provenance
detector searches tag values.  A user copy of the list can extend it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
MARKERS_FILE = RESOURCES / "ai_markers.toml"
HEAD_BYTES = 256 * 1024
TAIL_BYTES = 128 * 1024
CONFIDENCES = ("conclusive", "strong", "weak")


@dataclass(frozen=True, slots=True)
class Marker:
    id: str
    pattern: str
    generator: str
    confidence: str
    source: str
    anchors: tuple[bytes, ...] = ()

    @property
    def regex(self) -> re.Pattern[bytes]:
        return _compile(self.pattern)


@lru_cache(maxsize=None)
def _compile(pattern: str) -> re.Pattern[bytes]:
    return re.compile(pattern.encode("utf-8"), re.IGNORECASE)


@lru_cache(maxsize=4)
def load_markers(path: Path = MARKERS_FILE) -> tuple[Marker, ...]:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    markers = []
    for entry in data.get("marker", []):
        marker = Marker(entry["id"], entry["pattern"], entry.get("generator", ""),
                        entry.get("confidence", "weak"), entry.get("source", ""),
                        tuple(a.lower().encode("utf-8") for a in entry.get("anchors", [])))
        if marker.confidence not in CONFIDENCES:
            raise ValueError(f"{path}: marker {marker.id}: unknown confidence {marker.confidence!r}")
        markers.append(marker)
    return tuple(markers)


def find_markers(head: bytes, tail: bytes, *, tail_offset: int) -> tuple[str, ...]:
    """Marker hits as ``"id@offset"`` strings, first hit per marker and region.

    Runs on every file, so plain substring tests of the anchors (memchr-fast
    on the lower-cased bytes) decide whether any pattern needs to be tried at
    all: for ordinary audio, none does.
    """
    markers = load_markers()
    anchors = {a for m in markers for a in m.anchors}
    hits: list[str] = []
    for region, base in ((head, 0), (tail, tail_offset)):
        if not region:
            continue
        lowered = region.lower()
        present = {a for a in anchors if a in lowered}
        if not present:
            continue
        for marker in markers:
            if any(a in present for a in marker.anchors) and not any(h.startswith(marker.id + "@") for h in hits):
                match = marker.regex.search(region)
                if match:
                    hits.append(f"{marker.id}@{base + match.start()}")
    return tuple(hits)


def markers_in_text(text: str) -> list[Marker]:
    """Markers whose pattern occurs in a tag value."""
    data = text.encode("utf-8", "replace")
    lowered = data.lower()
    return [m for m in load_markers()
            if (not m.anchors or any(a in lowered for a in m.anchors)) and m.regex.search(data)]
