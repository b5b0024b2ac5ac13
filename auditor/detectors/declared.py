"""Declared vs. embedded: what a delivery says against what its files carry.

A label's delivery (DDEX ERN message or spreadsheet manifest) declares writers,
ISRCs, durations and files; the audio files carry their own tags.  Where the
two disagree, someone's metadata is careless or invented — most often the
tags, written before the final credits existed.  These are consistency
signals: every finding is ``low`` or ``medium`` and never enough alone.

The reference check compares the submission with catalogs the label already
holds: the same audio (identical bytes or the same recording by fingerprint)
or the same ISRC/UPC turning up under a new title is re-used material.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from ..delivery.declared import delivery_base, in_delivery, normalize_isrc
from ..fields import WRITER_ROLES
from .base import Draft, Params, detector, plural, quote_list
from .context import DetectionContext, TrackInfo
from .people import same_shape

FAMILY = "delivery"


def declared_rows(ctx: DetectionContext) -> list[dict[str, Any]]:
    """The store's declared recordings (with contributors), loaded once per context."""
    cached = ctx.__dict__.get("declared_rows")
    if cached is None:
        reader = getattr(ctx.store, "declared_rows", None) if ctx.store is not None else None
        cached = ctx.__dict__["declared_rows"] = list(reader()) if reader is not None else []
    return cached


def _name(track: TrackInfo) -> str:
    return track.title or track.path.rsplit("/", 1)[-1]


def _source_text(row: dict[str, Any]) -> str:
    kind = "ERN message" if row["source_kind"] == "ern" else "manifest"
    return f"the {kind} {row['source']} ({row['reference']})"


def _linked(ctx: DetectionContext) -> Iterator[tuple[dict[str, Any], TrackInfo]]:
    for row in declared_rows(ctx):
        track = ctx.by_id.get(row["track_id"]) if row["track_id"] is not None else None
        if track is not None:
            yield row, track


def _subject_id(row: dict[str, Any], track: TrackInfo) -> str:
    return f"{track.path}\x1f{row['source']}\x1f{row['reference']}"


# --- declared vs. embedded ------------------------------------------------------------------

@detector(
    "declared.writer_mismatch", family=FAMILY,
    description="The writers a delivery declares differ from the writer credits tagged in the file.",
    innocent=(
        "The tags were written before the final credits (split sheets) were settled.",
        "A publisher, arranger or co-writer is declared at work level but left out of the tags.",
        "The same person under a pseudonym or a legal name on one side only.",
    ),
)
def writer_mismatch(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    for row, track in _linked(ctx):
        declared = {c["name_normalized"]: c["name"] for c in row["contributors"]
                    if c["role"] in WRITER_ROLES and c["name_normalized"]}
        tagged = {c.name_normalized: c.name for c in ctx.writer_credits.get(track.id, ()) if c.name_normalized}
        if not declared or not tagged:
            continue  # nothing to compare: missing credits are the writers detectors' business
        only_declared = [n for n in declared if n not in tagged
                         and not any(same_shape(n, t) for t in tagged)]
        only_tagged = [n for n in tagged if n not in declared
                       and not any(same_shape(n, d) for d in declared)]
        if not only_declared and not only_tagged:
            continue
        disjoint = len(only_declared) == len(declared) and len(only_tagged) == len(tagged)
        parts = []
        if only_declared:
            parts.append(f"declared but not tagged: {quote_list([declared[n] for n in only_declared])}")
        if only_tagged:
            parts.append(f"tagged but not declared: {quote_list([tagged[n] for n in only_tagged])}")
        yield Draft(
            "track", track.path, _subject_id(row, track), "medium" if disjoint else "low",
            f"Declared writers differ from the tags of '{_name(track)}'",
            f"{_source_text(row)} declares {quote_list(sorted(declared.values()))} as writer(s) of "
            f"'{row['title'] or _name(track)}', but the file's tags credit {quote_list(sorted(tagged.values()))} "
            f"({'; '.join(parts)}).",
            {"source": row["source"], "reference": row["reference"],
             "declared": sorted(declared.values()), "tagged": sorted(tagged.values()),
             "only_declared": [declared[n] for n in only_declared], "only_tagged": [tagged[n] for n in only_tagged]},
            (track.id,),
        )


@detector(
    "declared.duration_mismatch", family=FAMILY,
    description="A file's duration differs from the declared duration beyond the tolerance.",
    innocent=(
        "A radio edit, extended mix or different master was delivered under the album version's metadata.",
        "Silence padding or a trimmed fade-out changes the length by a few seconds.",
        "The declared duration was typed by hand or copied from an earlier edition.",
    ),
)
def duration_mismatch(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    for row, track in _linked(ctx):
        declared, actual = row["duration_s"], track.duration
        if not declared or actual is None:
            continue
        tolerance = max(float(params["tolerance_seconds"]), declared * float(params["tolerance_percent"]) / 100)
        difference = abs(actual - declared)
        if difference <= tolerance:
            continue
        severity = "medium" if difference > declared * float(params["medium_percent"]) / 100 else "low"
        yield Draft(
            "track", track.path, _subject_id(row, track), severity,
            f"Duration of '{_name(track)}' differs from the declaration by {difference:.1f} s",
            f"{_source_text(row)} declares {declared:.1f} s for '{row['title'] or _name(track)}', but the file "
            f"plays {actual:.1f} s (tolerance {tolerance:.1f} s).",
            {"source": row["source"], "reference": row["reference"], "declared_s": declared,
             "actual_s": round(actual, 3), "difference_s": round(difference, 3), "tolerance_s": round(tolerance, 3)},
            (track.id,),
        )


@detector(
    "declared.isrc_mismatch", family=FAMILY,
    description="The ISRC a delivery declares for a file differs from the ISRC in its tags.",
    innocent=(
        "Pre-release tags carry a placeholder or provisional ISRC replaced before delivery.",
        "The distributor assigned a new ISRC for a new edition and the file was not re-tagged.",
    ),
)
def isrc_mismatch(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    for row, track in _linked(ctx):
        declared, tagged = normalize_isrc(row["isrc"]), normalize_isrc(track.isrc)
        if not declared or not tagged or declared == tagged:
            continue
        yield Draft(
            "track", track.path, _subject_id(row, track), "low",
            f"Declared ISRC {declared} differs from the tagged {tagged}",
            f"{_source_text(row)} declares ISRC {declared} for '{row['title'] or _name(track)}', but the file's "
            f"tags say {tagged}.",
            {"source": row["source"], "reference": row["reference"], "declared": declared, "tagged": tagged},
            (track.id,),
        )


@detector(
    "declared.missing_file", family=FAMILY,
    description="A delivery declares an audio file that is not in the package.",
    innocent=(
        "The file was renamed or moved after the message was written.",
        "The delivery was split into several packages, or a re-delivery only carries changed files.",
    ),
)
def missing_file(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    for row in declared_rows(ctx):
        resolved = row["resolved_path"]
        if not resolved or row.get("track_path") == resolved:
            continue
        elsewhere = ctx.by_id.get(row["track_id"]) if row["track_id"] is not None else None
        found = (f" A track with the declared ISRC is at {elsewhere.path}." if elsewhere is not None else "")
        yield Draft(
            "track", resolved, f"{resolved}\x1f{row['source']}\x1f{row['reference']}", "low",
            f"Declared file missing: {row['file_ref']}",
            f"{_source_text(row)} declares '{row['title'] or row['reference']}' in the file {row['file_ref']}, "
            f"but no such file was found in the delivery.{found}",
            {"source": row["source"], "reference": row["reference"], "file": row["file_ref"],
             "resolved_path": resolved, "isrc": row["isrc"],
             "matched_by_isrc": elsewhere.path if elsewhere is not None else None},
            (elsewhere.id,) if elsewhere is not None else (),
        )


@detector(
    "declared.undeclared_file", family=FAMILY,
    description="An audio file inside a delivery is not declared by the delivery's message or manifest.",
    innocent=(
        "An alternative version (instrumental, clean edit) was included for convenience.",
        "The message lists the file under a reference the package spells differently.",
    ),
)
def undeclared_file(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    rows = declared_rows(ctx)
    declared_ids = {row["track_id"] for row in rows if row["track_id"] is not None}
    sources = sorted({row["source"] for row in rows})
    reported: set[int] = set()
    for source in sources:
        base = delivery_base(source)
        for track in ctx.tracks:
            if track.id in declared_ids or track.id in reported or not in_delivery(track.path, base):
                continue
            reported.add(track.id)
            yield Draft(
                "track", track.path, f"{track.path}\x1f{source}", "low",
                f"Undeclared file in a delivery: '{_name(track)}'",
                f"{track.path} is part of the delivery declared by {source}, but neither its path nor its "
                "ISRC appears in that declaration.",
                {"source": source, "path": track.path, "isrc": track.isrc or None},
                (track.id,),
            )


# --- reference catalogs --------------------------------------------------------------------

@detector(
    "declared.reference_reuse", family=FAMILY,
    description="A track re-uses audio, an ISRC or a UPC already held in a reference catalog.",
    innocent=(
        "A legitimate re-release, remaster or compilation of a track the label already holds.",
        "The reference catalog and the submission come from the same artist or rights holder.",
        "A distributor recycled a code after a takedown.",
    ),
)
def reference_reuse(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    if ctx.store is None or not hasattr(ctx.store, "reference_rows") or not ctx.store.reference_rows():
        return
    from ..delivery.reference import load_reference_tracks

    references, _problems = load_reference_tracks(ctx.store)
    if not references:
        return
    by_sha: dict[str, list] = defaultdict(list)
    by_isrc: dict[str, list] = defaultdict(list)
    by_upc: dict[str, list] = defaultdict(list)
    for ref in references:
        if ref.sha256:
            by_sha[ref.sha256].append(ref)
        if ref.isrc:
            by_isrc[ref.isrc].append(ref)
        if ref.upc:
            by_upc[ref.upc].append(ref)
    fingerprint_hits = _fingerprint_hits(ctx, references, params)
    declared_names: dict[int, list[tuple[str, str]]] = defaultdict(list)  # what deliveries call each track
    for row in declared_rows(ctx):
        if row["track_id"] is not None:
            declared_names[row["track_id"]].append(((row["title"] or "").casefold(), normalize_isrc(row["isrc"])))
    for track in ctx.tracks:
        hits: list[tuple[str, Any, str]] = []  # (how, reference track, severity)
        title_key = track.title.casefold()
        isrc = normalize_isrc(track.isrc)
        names = [(title_key, isrc)] + declared_names.get(track.id, [])

        def renamed(ref: Any) -> bool:
            """Tags or a declaration give the reference audio another title or ISRC."""
            return any((t and t != ref.title.casefold()) or (i and i != ref.isrc) for t, i in names)

        for ref in by_sha.get(track.sha256, ()) if track.sha256 else ():
            if ref.path != track.path:
                hits.append(("identical audio bytes", ref, "medium" if renamed(ref) else "low"))
        for ref in fingerprint_hits.get(track.id, ()):
            if ref.path != track.path and not any(h[1] is ref for h in hits):
                hits.append(("the same recording (audio fingerprint)", ref, "medium" if renamed(ref) else "low"))
        for ref in by_isrc.get(isrc, ()) if isrc else ():
            if ref.path == track.path or any(h[1] is ref for h in hits):
                continue
            if ref.title.casefold() != title_key:
                hits.append((f"ISRC {isrc} on different audio and title", ref, "medium"))
            elif ref.sha256 != track.sha256:
                hits.append((f"ISRC {isrc} on different audio", ref, "low"))
        upc = normalize_isrc(track.upc)
        for ref in by_upc.get(upc, ()) if upc else ():
            if ref.path != track.path and not any(h[1] is ref for h in hits) and \
                    ref.artist.casefold() != track.artist.casefold():
                hits.append((f"UPC {upc} of a release by '{ref.artist or '?'}'", ref, "low"))
                break
        if not hits:
            continue
        hits.sort(key=lambda h: (h[2] != "medium", h[1].path))
        how, best, severity = hits[0]
        described = "; ".join(
            f"{h[0]}: '{h[1].title or h[1].path}' by '{h[1].artist or '?'}' (ISRC {h[1].isrc or 'none'}, "
            f"{h[1].path}) in reference {h[1].reference}" for h in hits[:5])
        yield Draft(
            "track", track.path, track.path, severity,
            f"'{_name(track)}' re-uses material of reference track '{best.title or best.path}'",
            f"'{_name(track)}' by '{track.artist or '?'}' (ISRC {isrc or 'none'}) matches "
            f"{plural(len(hits), 'reference track')}: {described}.",
            {"matches": [{"how": h[0], "reference": h[1].reference, "path": h[1].path, "title": h[1].title,
                          "artist": h[1].artist, "isrc": h[1].isrc, "severity": h[2]} for h in hits]},
            (track.id,),
        )


def _fingerprint_hits(ctx: DetectionContext, references: list, params: Params) -> dict[int, list]:
    """Submission track id -> reference tracks of the same recording (both sides need fingerprints)."""
    with_fp = [ref for ref in references if ref.fingerprint]
    if not with_fp:
        return {}
    from ..audio.fingerprint import FingerprintIndex
    from .audio import audio_features

    features = audio_features(ctx)
    if not features:
        return {}
    index = FingerprintIndex(min_shared=int(params["min_shared_keys"]), max_key_tracks=int(params["max_key_tracks"]))
    added = []
    for ref in with_fp:
        try:
            index.add(len(added), ref.fingerprint)
        except ValueError:
            continue
        added.append(ref)
    found: dict[int, list] = {}
    for track_id in sorted(features):
        fingerprint = features[track_id].fingerprint
        if not fingerprint:
            continue
        try:
            matches = index.query(fingerprint, min_similarity=float(params["min_similarity"]))
        except ValueError:
            continue
        if matches:
            found[track_id] = [added[m.a] for m in matches]
    return found
