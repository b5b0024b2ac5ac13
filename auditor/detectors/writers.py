"""Untraceable writers: credits that lead to no verifiable person.

An AI farm needs a name in the composer field and rarely a real one; the
trail it leaves is a writer with no identifiers, in no registry, who writes
alone for several "different" artists at an impossible pace.  Each of those
alone is common among honest independents, so every finding here is weak on
its own and the scoring's corroboration rule decides what it adds up to.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..names import normalize_name
from .base import Draft, Params, days_text, detector, plural, quote_list
from .context import DetectionContext, day_text
from .people import Person, block_key, same_shape

FAMILY = "untraceable_writers"


# --- the writer registry, as an index ----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RegistryMatch:
    entry_id: int
    entry_name: str
    how: str  # "ipi", "isni", "name", "alias", "spelling"
    score: int = 100


class RegistryIndex:
    """Registry entries by identifier, by normalized name and alias, and by fuzzy block."""

    def __init__(self, rows: list[dict], merge_score: float) -> None:
        self.size = len(rows)
        self.sources = sorted({r.get("source") or "" for r in rows} - {""})
        self.merge_score = merge_score
        self.by_ipi: dict[str, dict] = {}
        self.by_isni: dict[str, dict] = {}
        self.by_name: dict[str, tuple[dict, str]] = {}
        self.blocks: dict[str, list[tuple[str, dict]]] = defaultdict(list)
        for row in rows:
            if row.get("ipi"):
                self.by_ipi.setdefault(row["ipi"], row)
            if row.get("isni"):
                self.by_isni.setdefault(row["isni"], row)
            names = [(row.get("name_normalized") or normalize_name(row.get("name") or ""), "name")]
            try:
                aliases = json.loads(row.get("aliases") or "[]")
            except ValueError:
                aliases = []
            names += [(normalize_name(str(a)), "alias") for a in aliases if str(a).strip()]
            for norm, how in names:
                if norm and norm not in self.by_name:
                    self.by_name[norm] = (row, how)
                    self.blocks[block_key(norm)].append((norm, row))

    def match(self, person: Person) -> RegistryMatch | None:
        for ipi in person.ipis:
            if ipi in self.by_ipi:
                row = self.by_ipi[ipi]
                return RegistryMatch(row["id"], row["name"], "ipi")
        for isni in person.isnis:
            if isni in self.by_isni:
                row = self.by_isni[isni]
                return RegistryMatch(row["id"], row["name"], "isni")
        for spelling in person.spellings:
            if spelling in self.by_name:
                row, how = self.by_name[spelling]
                return RegistryMatch(row["id"], row["name"], how)
        best: RegistryMatch | None = None
        for spelling in person.spellings:
            block = self.blocks.get(block_key(spelling))
            if not block:
                continue
            hit = process.extractOne(spelling, [n for n, _ in block], scorer=fuzz.token_sort_ratio,
                                     score_cutoff=self.merge_score)
            if hit and same_shape(spelling, hit[0]) and (best is None or hit[1] > best.score):
                row = block[hit[2]][1]
                best = RegistryMatch(row["id"], row["name"], "spelling", int(hit[1]))
        return best


def registry_index(ctx: DetectionContext) -> RegistryIndex:
    return ctx.registry_index


def _registered(ctx: DetectionContext, person: Person) -> RegistryMatch | None:
    return registry_index(ctx).match(person) if ctx.registry else None


def _person_evidence(ctx: DetectionContext, person: Person) -> dict:
    return {
        "writer": person.name, "writer_id": person.id, "spellings": list(person.written),
        "ipi": list(person.ipis), "isni": list(person.isnis), "tracks": len(person.track_ids),
        "artists": ctx.artist_names(person.track_ids),
        "look_alikes": [{"writer": ctx.people.persons[other].name, "score": la.score, "reason": la.reason}
                        for other, la in ctx.people.lookalikes_of(person.id)],
    }


def _by_artist_text(ctx: DetectionContext, ids: tuple[int, ...]) -> str:
    names = ctx.artist_names(ids)
    return f"by {quote_list(names)}" if len(names) <= 3 else f"across {plural(len(names), 'artist')}"


# --- detectors ---------------------------------------------------------------------------------

@detector(
    "writers.no_credit", family=FAMILY,
    description="An artist's tracks carry no writer, composer or lyricist credit at all.",
    innocent=(
        "Self-released independents and many distributors simply leave composer fields empty.",
        "Credits were delivered separately (split sheets, DDEX) and never written into the files.",
        "The tagging tool or an older ID3 version dropped the composer frame.",
    ),
)
def no_credit(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    for artist in ctx.artists.values():
        missing = tuple(t for t in artist.track_ids if not ctx.writer_credits.get(t))
        total = len(artist.track_ids)
        if len(missing) < params["min_tracks"] or len(missing) / total < params["min_share"]:
            continue
        yield Draft(
            "artist", artist.name, artist.key, "low",
            f"No writer credits on {len(missing)} of {total} tracks",
            f"{len(missing)} of {total} tracks by '{artist.name}' carry no writer, composer or lyricist "
            "credit, so nobody can be traced as the author of the songs.",
            {"artist": artist.name, "tracks_without_credit": len(missing), "tracks": total},
            missing,
        )


@detector(
    "writers.missing_identifiers", family=FAMILY,
    description="A writer has no IPI or ISNI although other writers in the catalog do.",
    innocent=(
        "Many independent songwriters are not (yet) members of a collecting society and have no IPI.",
        "The identifier exists but the metadata tool had no field for it.",
    ),
)
def missing_identifiers(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    people = ctx.people
    identified = sum(1 for p in people.persons.values() if p.identified)
    if identified < params["min_identified_writers"] or people.identified_share < params["min_catalog_share"]:
        return
    total = len(people.persons)
    for person in people.persons.values():
        if person.identified:
            continue
        severity = "medium" if len(person.track_ids) >= params["medium_tracks"] else "low"
        yield Draft(
            "writer", person.name, person.id, severity,
            f"Writer '{person.name}' has no IPI or ISNI",
            f"Writer '{person.name}' ({plural(len(person.track_ids), 'track')} "
            f"{_by_artist_text(ctx, person.track_ids)}) carries no IPI or ISNI, while {identified} of "
            f"{total} writers in this catalog do.",
            {**_person_evidence(ctx, person), "catalog_writers": total, "catalog_writers_identified": identified},
            person.track_ids,
        )


@detector(
    "writers.unregistered", family=FAMILY,
    description="A writer matches no entry of the imported writer registry or reference lists.",
    innocent=(
        "A new co-writer the label has not added to its registry yet.",
        "The registry spells the name very differently (a pen name, a married name): add an alias.",
    ),
)
def unregistered(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    if not ctx.registry:
        return  # without a registry, absence proves nothing
    index = registry_index(ctx)
    for person in ctx.people.persons.values():
        if index.match(person) is not None:
            continue
        if len(person.track_ids) < params["min_tracks"]:
            continue
        severity = "low" if person.identified else "medium"
        sources = f" ({', '.join(index.sources)})" if index.sources else ""
        yield Draft(
            "writer", person.name, person.id, severity,
            f"Writer '{person.name}' is not in the writer registry",
            f"Writer '{person.name}' ({plural(len(person.track_ids), 'track')} "
            f"{_by_artist_text(ctx, person.track_ids)}) appears under no name, alias or identifier in the "
            f"writer registry of {plural(index.size, 'entry', 'entries')}{sources}"
            + ("." if person.identified else ", and carries no IPI or ISNI to look up."),
            {**_person_evidence(ctx, person), "registry_entries": index.size, "registry_sources": index.sources},
            person.track_ids,
        )


@detector(
    "writers.hub", family=FAMILY,
    description="One writer is the sole credited writer across several distinct artist personas.",
    innocent=(
        "A staff songwriter or producer-writer who writes alone for several acts of one label.",
        "A composer releasing under several artist aliases, common in library and ambient music.",
    ),
)
def hub_writer(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    for person in ctx.people.persons.values():
        if len(person.sole_track_ids) < params["min_tracks"]:
            continue
        per_artist = Counter(t.artist_key for t in ctx.tracks_of(person.sole_track_ids) if t.artist_key)
        if len(per_artist) < params["min_artists"]:
            continue
        names = ctx.artist_names(person.sole_track_ids)
        registered = _registered(ctx, person)
        traceable = person.identified or registered is not None
        severity = "medium" if traceable else "high"
        trace = ("" if traceable else "; the writer has no IPI or ISNI"
                 + (" and is not in the writer registry" if ctx.registry else ""))
        yield Draft(
            "writer", person.name, person.id, severity,
            f"'{person.name}' writes alone for {len(per_artist)} artists",
            f"Writer '{person.name}' is the only credited writer on {len(person.sole_track_ids)} tracks across "
            f"{len(per_artist)} artists ({quote_list(names)}){trace}.",
            {**_person_evidence(ctx, person), "sole_tracks": len(person.sole_track_ids),
             "sole_tracks_per_artist": {ctx.artist_name(k): n for k, n in sorted(per_artist.items())},
             "registry_match": registered.how if registered else None},
            person.sole_track_ids,
        )


@detector(
    "writers.implausible_output", family=FAMILY,
    description="One writer is credited on many tracks on many releases within a short window.",
    innocent=(
        "A back catalogue delivered at once, dated by upload rather than by original release.",
        "A prolific composer's library or production-music batch registered in one go.",
    ),
)
def implausible_output(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    window = int(params["window_days"])
    for person in ctx.people.persons.values():
        dated = sorted((t.day, t.id, ctx.release_key(t), t.artist_key)
                       for t in ctx.tracks_of(person.track_ids) if t.day is not None)
        if len(dated) < params["min_tracks"]:
            continue
        best = _densest_window(dated, window, int(params["min_releases"]))
        if best is None or best[1] - best[0] < params["min_tracks"]:
            continue
        lo, hi = best
        members = dated[lo:hi]
        ids = tuple(sorted(m[1] for m in members))
        releases = len({m[2] for m in members})
        artists = {m[3] for m in members if m[3]}
        span = members[-1][0] - members[0][0] + 1
        registered = _registered(ctx, person)
        notes = []
        if not person.identified:
            notes.append("has no IPI or ISNI")
        if ctx.registry and registered is None:
            notes.append("appears in no registry")
        if len(members) == len(person.track_ids):
            notes.append("is credited nowhere else in this catalog")
        tail = ("; the writer " + quote_list(notes, quote=False)) if notes else ""
        yield Draft(
            "writer", person.name, person.id, "high" if len(artists) >= 2 else "medium",
            f"'{person.name}' credited on {len(members)} tracks in {days_text(span)}",
            f"Writer '{person.name}' is credited on {len(members)} tracks across "
            f"{plural(len(artists), 'artist')} and {plural(releases, 'release')} within {days_text(span)} "
            f"({day_text(members[0][0])} to {day_text(members[-1][0])}){tail}.",
            {**_person_evidence(ctx, person), "window_tracks": len(members), "window_releases": releases,
             "window_artists": sorted(ctx.artist_name(a) for a in artists), "first_day": day_text(members[0][0]),
             "last_day": day_text(members[-1][0]), "window_days": window},
            ids,
        )


def _densest_window(dated: list[tuple], window: int, min_releases: int) -> tuple[int, int] | None:
    """Slice bounds of the window with most tracks that spans ``min_releases`` releases or more."""
    releases: Counter[str] = Counter()
    best: tuple[int, int] | None = None
    lo = 0
    for hi, item in enumerate(dated):
        releases[item[2]] += 1
        while item[0] - dated[lo][0] > window:
            releases[dated[lo][2]] -= 1
            if not releases[dated[lo][2]]:
                del releases[dated[lo][2]]
            lo += 1
        if len(releases) >= min_releases and (best is None or hi + 1 - lo > best[1] - best[0]):
            best = (lo, hi + 1)
    return best


@detector(
    "writers.name_variants", family=FAMILY,
    description="Writer names that look alike but were kept apart, or spellings merged into one writer.",
    innocent=(
        "Typing variants and transliterations of one real person's name.",
        "Two different people who happen to have similar names (check the identifiers).",
    ),
)
def name_variants(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    people = ctx.people
    for la in people.lookalikes:
        a, b = people.persons[la.a], people.persons[la.b]
        artists_a, artists_b = set(ctx.artist_names(a.track_ids)), set(ctx.artist_names(b.track_ids))
        if params["only_across_artists"] and artists_a == artists_b:
            continue
        why = ("their IPI/ISNI differ" if (a.identified and b.identified) else
               "only initials distinguish them" if la.reason == "initials" else
               "the spellings differ too much to merge safely")
        yield Draft(
            "writer", f"{a.name} / {b.name}", f"{a.id}\x1e{b.id}", "low",
            f"Look-alike writer names '{a.name}' and '{b.name}'",
            f"Writer names '{a.name}' ({plural(len(a.track_ids), 'track')}) and '{b.name}' "
            f"({plural(len(b.track_ids), 'track')}) look alike (similarity {la.score}) but were kept apart "
            f"because {why}.",
            {"writers": [a.name, b.name], "writer_ids": [a.id, b.id], "score": la.score, "reason": la.reason,
             "ipi": [list(a.ipis), list(b.ipis)], "artists": [sorted(artists_a), sorted(artists_b)]},
            tuple(sorted(set(a.track_ids) | set(b.track_ids))),
        )
    for person in people.persons.values():
        if len(person.spellings) < 2:
            continue
        yield Draft(
            "writer", person.name, person.id, "info",
            f"Spellings merged into writer '{person.name}'",
            f"The spellings {quote_list(person.written, limit=6)} were treated as one writer, "
            + ("because they share an identifier." if person.identified else "because they are near-identical."),
            {"writer": person.name, "spellings": list(person.written), "ipi": list(person.ipis)},
            person.track_ids,
        )

