"""ISRC analysis: structure, consecutive codes across acts, reuse, year of reference.

An ISRC is ``CC-XXX-YY-NNNNN``: country, registrant, year of reference (when
the code was assigned) and a designation code the registrant counts up.  A
farm registering a batch and splitting it over "different" artists leaves
consecutive designation codes alternating between those artists.  What is
*not* evidence: a distributor's registrant prefix shared by thousands of
unrelated customers, or one artist's release numbered in a block — so runs
are only reported when the artists keep taking turns inside them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from rapidfuzz import fuzz

from ..names import normalize_name
from .base import Draft, Params, detector, plural, quote_list
from .catalog import seconds_text
from .context import DetectionContext

FAMILY = "mass_produced"
ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{2}[0-9]{5}$")
_NOISE = re.compile(r"[\s\-_.:/]")


def normalize_isrc(text: str) -> str:
    """Upper-case, separators removed, an "ISRC" label dropped: "us-abc-25-00001" -> "USABC2500001"."""
    compact = _NOISE.sub("", text).upper()
    return compact[4:] if compact.startswith("ISRC") else compact


def valid_isrc(text: str) -> str | None:
    code = normalize_isrc(text)
    return code if ISRC.match(code) else None


def isrc_year(code: str, near: int | None) -> int:
    """Four-digit year of reference, choosing the century closest to ``near`` (or 2000s)."""
    yy = int(code[5:7])
    if near is None:
        return 2000 + yy if yy < 40 else 1900 + yy
    return min((1900 + yy, 2000 + yy), key=lambda y: abs(y - near))


@detector(
    "isrc.malformed", family=FAMILY,
    description="ISRCs that do not follow the CC-XXX-YY-NNNNN structure.",
    innocent=(
        "Typing errors, or an internal catalogue number written into the ISRC field.",
        "A tagging tool that appends text to the code.",
    ),
)
def malformed(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    for artist in ctx.artists.values():
        present = [t for t in ctx.tracks_of(artist.track_ids) if t.isrc]
        bad = [t for t in present if t.id not in ctx.isrc_codes]
        if len(bad) < params["min_tracks"]:
            continue
        severity = "medium" if len(bad) >= 3 and len(bad) / len(present) >= 0.5 else "low"
        examples = [t.isrc for t in bad[:3]]
        yield Draft(
            "artist", artist.name, artist.key, severity,
            f"{len(bad)} malformed ISRC{'s' if len(bad) != 1 else ''}",
            f"{len(bad)} of {len(present)} tracks by '{artist.name}' carry ISRCs that do not follow the "
            f"CC-XXX-YY-NNNNN structure (e.g. {quote_list(examples)}).",
            {"artist": artist.name, "malformed": [t.isrc for t in bad[:50]], "tracks_with_isrc": len(present)},
            tuple(t.id for t in bad),
        )


@detector(
    "isrc.consecutive_across_artists", family=FAMILY,
    description="A run of consecutive ISRC designation codes alternates between different artists.",
    innocent=(
        "A distributor assigning codes to several customers' uploads of the same day "
        "(usually each artist once, not taking turns).",
        "A label registering a split release or compilation in one batch.",
    ),
)
def consecutive_across_artists(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    max_gap = int(params["max_gap"])
    stems: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    codes = ctx.isrc_codes
    for track in ctx.tracks:
        code = codes.get(track.id)
        if code and track.artist_key:
            stems[code[:7]].append((int(code[7:]), track.artist_key, track.id))
    for stem, entries in stems.items():
        if len(entries) < params["min_run"]:
            continue
        entries.sort()
        run = [entries[0]]
        for entry in entries[1:] + [None]:  # type: ignore[list-item]
            if entry is not None and entry[0] - run[-1][0] <= max_gap:
                run.append(entry)
                continue
            yield from _run_finding(ctx, stem, run, params)
            if entry is not None:
                run = [entry]


def _alternating_segments(run: list[tuple[int, str, int]], reach: int) -> Iterator[tuple[list, int]]:
    """Stretches of a run where artists take turns: ``(entries, turns)``.

    A *turn* is an artist coming back within ``reach`` codes after another
    artist's code.  A distributor's year of codes is one long consecutive run,
    but each customer's release is a block and their next release is far
    away; a farm splitting one batch comes back every few codes.
    """
    last_seen: dict[str, int] = {}
    turns: list[tuple[int, int]] = []  # (position of the earlier code, position of the return)
    for i, (_code, artist, _track) in enumerate(run):
        j = last_seen.get(artist)
        if i and run[i - 1][1] != artist and j is not None and i - j <= reach:
            turns.append((j, i))
        last_seen[artist] = i
    if not turns:
        return
    start, end, count = turns[0][0], turns[0][1], 1
    for begin, back in turns[1:]:
        if begin <= end:  # overlapping turns belong to one alternating stretch
            end, count = max(end, back), count + 1
        else:
            yield run[start:end + 1], count
            start, end, count = begin, back, 1
    yield run[start:end + 1], count


def _run_finding(ctx: DetectionContext, stem: str, run: list[tuple[int, str, int]], params: Params) -> Iterator[Draft]:
    for segment, returns in _alternating_segments(run, int(params["max_return_distance"])):
        draft = _segment_finding(ctx, stem, segment, returns, params)
        if draft is not None:
            yield draft


def _segment_finding(ctx: DetectionContext, stem: str, run: list[tuple[int, str, int]], returns: int,
                     params: Params) -> Draft | None:
    codes = sorted({e[0] for e in run})
    artists = [e[1] for e in run]
    distinct = set(artists)
    if len(codes) < params["min_run"] or len(distinct) < params["min_artists"] or returns < params["min_returns"]:
        return None
    first, last = f"{stem}{codes[0]:05d}", f"{stem}{codes[-1]:05d}"
    names = [ctx.artist_name(k) for k in sorted(distinct, key=artists.index)]
    severity = "high" if len(distinct) >= 3 and returns >= 2 * params["min_returns"] else "medium"
    return Draft(
        "cluster", f"ISRC run {first}–{last}", f"isrc-run:{stem}:{codes[0]:05d}", severity,
        f"Consecutive ISRCs alternate between {len(distinct)} artists",
        f"{len(codes)} consecutive ISRCs ({first} to {last}) are spread over {len(distinct)} artists "
        f"({quote_list(names)}) that take turns {returns} times, as if one batch of codes was split "
        "between acts.",
        {"registrant": stem[:5], "year": stem[5:7], "first": first, "last": last, "codes": len(codes),
         "artists": names, "turns": returns,
         "sequence": [ctx.artist_name(a) for a in artists[:60]]},
        tuple(sorted(e[2] for e in run)),
    )


@detector(
    "isrc.reused_on_different_audio", family=FAMILY,
    description="One ISRC appears on files with different audio.",
    innocent=(
        "The same recording delivered in several formats or with edited tags (shown as 'info').",
        "A radio edit or remaster wrongly given the original recording's ISRC.",
    ),
)
def reused_on_different_audio(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    by_code: dict[str, list] = defaultdict(list)
    codes = ctx.isrc_codes
    for track in ctx.tracks:
        code = codes.get(track.id)
        if code and track.sha256:
            by_code[code].append(track)
    tolerance = float(params["duration_tolerance"])
    for code, tracks in by_code.items():
        if len(tracks) < 2 or len({t.sha256 for t in tracks}) < 2:
            continue
        artists = {t.artist_key for t in tracks}
        titles = [normalize_name(t.title) for t in tracks]
        retitled = any(fuzz.ratio(titles[0], other) < params["title_score"] for other in titles[1:])
        durations = [t.duration for t in tracks if t.duration]
        length_gap = (max(durations) - min(durations)) if len(durations) >= 2 else 0.0
        if len(artists) > 1:
            severity, why = "high", f"by {len(artists)} different artists"
        elif retitled or length_gap > tolerance:
            severity = "medium"
            why = "with different titles" if retitled else f"whose lengths differ by {length_gap:.1f} s"
        else:
            severity, why = "info", "that differ only in their bytes (another encoding or edited tags?)"
        described = [f"'{t.title or '?'}' by '{t.artist or '?'}'"
                     + (f" ({seconds_text(t.duration)})" if t.duration else "") for t in tracks[:4]]
        yield Draft(
            "cluster", f"ISRC {code}", f"isrc:{code}", severity,
            f"ISRC {code} on {len(tracks)} different files",
            f"ISRC {code} is used on {plural(len(tracks), 'file')} {why}: {', '.join(described)}.",
            {"isrc": code, "files": len(tracks), "sha256": sorted({t.sha256 for t in tracks}),
             "artists": sorted({t.artist for t in tracks}), "titles": sorted({t.title for t in tracks}),
             "length_gap_seconds": round(length_gap, 2)},
            tuple(t.id for t in tracks),
        )


@detector(
    "isrc.year_conflict", family=FAMILY,
    description="The ISRC's year of reference contradicts the release year.",
    innocent=(
        "Reissues and remasters tagged with the original release year.",
        "Recordings registered long before a delayed release.",
    ),
)
def year_conflict(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    for artist in ctx.artists.values():
        checked = 0
        conflicts = []
        for track in ctx.tracks_of(artist.track_ids):
            code = ctx.isrc_codes.get(track.id)
            if code is None or track.year is None:
                continue
            checked += 1
            year = isrc_year(code, track.year)
            if year > track.year + params["max_years_after_release"] or \
                    track.year - year > params["max_years_before_release"]:
                conflicts.append((track, year))
        if len(conflicts) < params["min_tracks"] or len(conflicts) / max(checked, 1) < params["min_share"]:
            continue
        examples = [f"{t.isrc} on a {t.year} release" for t, _ in conflicts[:3]]
        yield Draft(
            "artist", artist.name, artist.key, "low",
            f"ISRC years contradict release years on {len(conflicts)} tracks",
            f"On {len(conflicts)} of {checked} tracks by '{artist.name}' the ISRC's year of reference does not "
            f"fit the release year ({'; '.join(examples)}).",
            {"artist": artist.name, "conflicts": [{"isrc": t.isrc, "isrc_year": y, "release_year": t.year}
                                                  for t, y in conflicts[:50]], "checked": checked},
            tuple(t.id for t, _ in conflicts),
        )
