"""AI provenance markers: the generator's own words, found in the file.

Two sources: the reader's bounded raw-byte search of each file's head and
tail (``tracks.markers``, "marker-id@offset"), and a search of every tag
value (comment, URL frames, every alias and raw frame).  The marker list in
``resources/ai_markers.toml`` gives each pattern a confidence; only a
*conclusive* marker (a generator's own attribution, or a C2PA assertion that
a trained model produced the media) may make an artist ``high`` on its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from ..markers import Marker, load_markers, markers_in_text
from .base import Draft, Params, detector, quote_list
from .context import DetectionContext

FAMILY = "ai_provenance"
SEVERITY_OF = {"conclusive": "conclusive", "strong": "high", "weak": "low"}
RANK = {"weak": 0, "strong": 1, "conclusive": 2}
EXCERPT = 120


def _literal(items: list) -> str | None:
    from re import _constants as sre

    if not items or any(op is not sre.LITERAL for op, _ in items):
        return None
    return "".join(chr(code) for _, code in items).casefold()


def required_anchors(pattern: str) -> tuple[str, ...] | None:
    """Literal strings of which every match of ``pattern`` contains at least one.

    Why: a case-insensitive regex alternation over every track's tag text is
    the slowest step of detection on big catalogs; ``str in str`` on lower-cased
    text is ~50x faster.  Derived from the pattern itself (so user-added
    markers work too); ``None`` when no anchor of 3+ characters exists, and
    then that marker's regex simply runs on every track.
    """
    try:
        from re import _constants as sre, _parser

        parsed = _parser.parse(pattern, re.IGNORECASE)
    except Exception:  # a private module may change: fall back to the plain regex
        return None
    candidates: list[tuple[str, ...]] = []
    run: list[str] = []
    for op, av in list(parsed.data) + [(None, None)]:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            candidates.append(("".join(run).casefold(),))
            run = []
        branch = av[3].data if op is sre.SUBPATTERN and len(av[3].data) == 1 else [(op, av)]
        if branch[0][0] is sre.BRANCH:
            options = [_literal(list(item.data) if hasattr(item, "data") else item) for item in branch[0][1][1]]
            if options and all(options):
                candidates.append(tuple(o for o in options if o))
    usable = [c for c in candidates if min(len(a) for a in c) >= 3]
    if not usable:
        return None
    return max(usable, key=lambda c: (min(len(a) for a in c), -len(c)))


@lru_cache(maxsize=1)
def _prefilter() -> tuple[tuple[tuple[str, ...], ...], re.Pattern[str] | None]:
    """Anchors of the markers that have them, and one regex for those that do not."""
    anchored: list[tuple[str, ...]] = []
    loose: list[str] = []
    for marker in load_markers():
        anchors = required_anchors(marker.pattern)
        if anchors is None:
            loose.append(f"(?:{marker.pattern})")
        else:
            anchored.append(anchors)
    return tuple(anchored), (re.compile("|".join(loose), re.IGNORECASE) if loose else None)


def might_carry_marker(text: str) -> bool:
    """Cheap test that never misses a marker (it may let through text without one)."""
    anchored, loose = _prefilter()
    folded = text.casefold()
    if any(a in folded for anchors in anchored for a in anchors):
        return True
    return loose is not None and loose.search(text) is not None


@dataclass(slots=True)
class _Hit:
    marker: Marker
    places: list[str] = field(default_factory=list)
    excerpt: str = ""


def _excerpt(text: str, marker: Marker) -> str:
    match = re.search(marker.pattern, text, re.IGNORECASE)
    if not match:
        return text[:EXCERPT]
    start = max(0, match.start() - 30)
    snippet = text[start:start + EXCERPT]
    return ("…" if start else "") + snippet + ("…" if start + EXCERPT < len(text) else "")


def _text_hits(comment: str | None, url: str | None, values: str | None, raw: str | None) -> dict[str, _Hit]:
    hits: dict[str, _Hit] = {}

    def search(text: str, place: str) -> None:
        for marker in markers_in_text(text):
            hit = hits.setdefault(marker.id, _Hit(marker))
            if place not in hit.places:
                hit.places.append(place)
            if not hit.excerpt:
                hit.excerpt = _excerpt(text, marker)

    for entry in _json_list(values):
        if isinstance(entry, dict) and isinstance(entry.get("value"), str):
            search(entry["value"], f"tag {entry.get('source') or entry.get('field')}")
    for entry in _json_list(raw):
        if isinstance(entry, dict):
            for value in entry.get("values") or ():
                if isinstance(value, str):
                    search(value, f"tag {entry.get('container')}:{entry.get('key')}")
    if not hits:  # primary values are also in field_values; search them only if that was empty
        for text, place in ((comment, "comment tag"), (url, "URL tag")):
            if text:
                search(text, place)
    return hits


def _json_list(text: str | None) -> list:
    if not text:
        return []
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return value if isinstance(value, list) else []


@detector(
    "provenance.markers", family=FAMILY,
    description="A file carries an AI generator's provenance marker (attribution, song URL, C2PA assertion).",
    innocent=(
        "A human artist used an AI tool for a sketch or demo and kept its tags: ask the artist.",
        "A marker pasted into a comment by hand, or tags copied from a reference file.",
        "Content Credentials (C2PA) are also written by ordinary editing tools for human work "
        "(that is why a bare manifest counts as weak).",
    ),
)
def provenance_markers(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    by_id = {m.id: m for m in load_markers()}
    found: dict[int, dict[str, _Hit]] = {}
    for track in ctx.tracks:
        for item in track.markers:
            marker_id, _, offset = item.partition("@")
            marker = by_id.get(marker_id)
            if marker is None:
                continue
            hit = found.setdefault(track.id, {}).setdefault(marker_id, _Hit(marker))
            hit.places.append(f"file bytes at offset {offset}" if offset else "file bytes")
    for track_id, comment, url, values, raw in ctx.iter_texts():
        if track_id not in ctx.by_id:
            continue
        if not might_carry_marker("\n".join(x for x in (comment, url, values, raw) if x)):
            continue
        for marker_id, hit in _text_hits(comment, url, values, raw).items():
            mine = found.setdefault(track_id, {}).setdefault(marker_id, _Hit(hit.marker))
            mine.places = hit.places + mine.places
            mine.excerpt = mine.excerpt or hit.excerpt

    ignore = set(params["ignore_markers"])
    for track_id, hits in sorted(found.items()):
        hits = {k: h for k, h in hits.items() if k not in ignore}
        if not hits:
            continue
        track = ctx.by_id[track_id]
        ordered = sorted(hits.values(), key=lambda h: (-RANK[h.marker.confidence], h.marker.id))
        best = ordered[0].marker
        generators = sorted({h.marker.generator for h in ordered if h.marker.generator})
        described = "; ".join(
            f"{h.marker.id} ({h.marker.confidence}) in {quote_list(h.places, limit=3, quote=False)}"
            + (f": “{h.excerpt}”" if h.excerpt else "") for h in ordered)
        name = track.title or track.path.rsplit("/", 1)[-1]
        yield Draft(
            "track", track.path, track.path, SEVERITY_OF[best.confidence],
            f"{best.generator or 'AI'} marker ({best.confidence}) in '{name}'",
            f"'{name}' by '{track.artist or '?'}' carries {quote_list(generators)} provenance markers: {described}. "
            f"Why it matters: {best.source}",
            {"confidence": best.confidence, "generators": generators,
             "markers": [{"id": h.marker.id, "generator": h.marker.generator, "confidence": h.marker.confidence,
                          "where": h.places, "excerpt": h.excerpt, "source": h.marker.source}
                         for h in ordered]},
            (track_id,),
        )
