"""Mass-produced catalogs: release pace, arrival, durations and artwork.

Generated catalogs are cheap to multiply, so they show up as volume in little
time, sameness where human work varies (song lengths, cover art), and one
template shared by acts that claim to be unrelated.  ISRC and title analysis
live in :mod:`.isrc` and :mod:`.titles`; they belong to the same family.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator

import numpy as np

from .base import DisjointSet, Draft, Params, days_text, detector, plural, quote_list
from .context import DetectionContext, TrackInfo, day_text

FAMILY = "mass_produced"
VARIOUS = {"various artists", "various", "va", "verschiedene interpreten", "artistes divers", "varios artistas"}


def seconds_text(value: float) -> str:
    if value >= 60:
        whole = int(round(value))
        return f"{whole // 60}:{whole % 60:02d}"
    return f"{value:.1f} s"


def _releases(ctx: DetectionContext, track_ids: tuple[int, ...]) -> list[tuple[int, str, list[int]]]:
    """Dated releases of some tracks: ``(first day, release key, track ids)`` sorted by day."""
    grouped: dict[str, list[TrackInfo]] = defaultdict(list)
    for track in ctx.tracks_of(track_ids):
        if track.day is not None:
            grouped[ctx.release_key(track)].append(track)
    releases = [(min(t.day for t in ts), key, [t.id for t in ts]) for key, ts in grouped.items()]
    releases.sort()
    return releases


@detector(
    "catalog.release_burst", family=FAMILY,
    description="An artist puts out many separate releases within a few days.",
    innocent=(
        "A planned rollout of singles around an album.",
        "Back-catalogue digitisation dated by upload day instead of the original release dates.",
        "A distributor that split one album into singles.",
    ),
)
def release_burst(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    window = int(params["window_days"])
    for artist in ctx.artists.values():
        releases = _releases(ctx, artist.track_ids)
        if len(releases) < params["min_releases"]:
            continue
        best: tuple[int, int] | None = None
        lo = 0
        for hi in range(len(releases)):
            while releases[hi][0] - releases[lo][0] > window:
                lo += 1
            if best is None or hi + 1 - lo > best[1] - best[0]:
                best = (lo, hi + 1)
        assert best is not None
        burst = releases[best[0]:best[1]]
        ids = tuple(sorted(i for r in burst for i in r[2]))
        if len(burst) < params["min_releases"] or len(ids) < params["min_tracks"]:
            continue
        first, last = burst[0][0], burst[-1][0]
        span = last - first + 1
        yield Draft(
            "artist", artist.name, artist.key, "high" if len(burst) >= params["high_releases"] else "medium",
            f"{len(burst)} releases in {days_text(span)}",
            f"'{artist.name}' put out {len(burst)} separate releases with {plural(len(ids), 'track')} within "
            f"{days_text(span)} ({day_text(first)} to {day_text(last)}).",
            {"artist": artist.name, "releases": len(burst), "tracks": len(ids), "first_day": day_text(first),
             "last_day": day_text(last), "window_days": window,
             "release_days": [day_text(r[0]) for r in burst]},
            ids,
        )


@detector(
    "catalog.new_artist_catalog", family=FAMILY,
    description="A new artist arrives with a large catalog of many releases at once.",
    innocent=(
        "An established act new to this catalog whose back catalogue was delivered at once "
        "(check their earlier releases elsewhere).",
        "A debut album released together with its singles.",
    ),
)
def new_artist_catalog(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    span_days = int(params["span_days"])
    for artist in ctx.artists.values():
        releases = _releases(ctx, artist.track_ids)
        if len(releases) < params["min_releases"]:
            continue
        debut = releases[0][0]
        arrival = [r for r in releases if r[0] - debut <= span_days]
        ids = tuple(sorted(i for r in arrival for i in r[2]))
        dated = sum(len(r[2]) for r in releases)
        if (len(arrival) < params["min_releases"] or len(ids) < params["min_tracks"]
                or len(ids) / dated < params["min_share"]):
            continue
        span = arrival[-1][0] - debut + 1
        share = "all" if len(ids) == dated else f"{len(ids)} of {dated}"
        yield Draft(
            "artist", artist.name, artist.key, "medium",
            f"New artist with {len(ids)} tracks at once",
            f"'{artist.name}' has nothing dated before {day_text(debut)} and arrives with "
            f"{plural(len(ids), 'track')} on {plural(len(arrival), 'release')} within {days_text(span)}: "
            f"{share} of the artist's dated tracks in this catalog.",
            {"artist": artist.name, "debut": day_text(debut), "arrival_tracks": len(ids),
             "arrival_releases": len(arrival), "dated_tracks": dated, "span_days": span},
            ids,
        )


@detector(
    "catalog.duration_uniformity", family=FAMILY,
    description="An artist's track lengths barely vary, or cluster at generator-typical lengths.",
    innocent=(
        "Library or production music cut to standard lengths (30 s, 60 s, 2:00).",
        "Radio edits mastered to one target length, or a loop/meditation series designed to one length.",
    ),
)
def duration_uniformity(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    lengths = [float(x) for x in params["generator_lengths"]]
    tolerance = float(params["generator_tolerance"])
    for artist in ctx.artists.values():
        pairs = [(t.duration, t.id) for t in ctx.tracks_of(artist.track_ids) if t.duration and t.duration > 0]
        if len(pairs) < params["min_tracks"]:
            continue
        durations = [d for d, _ in pairs]
        mean = sum(durations) / len(durations)
        cv = math.sqrt(sum((d - mean) ** 2 for d in durations) / len(durations)) / mean  # population CV
        near = {length: sum(1 for d in durations if abs(d - length) <= tolerance) for length in lengths}
        generator_length, at_length = max(near.items(), key=lambda kv: kv[1], default=(None, 0))
        clustered = at_length / len(durations) >= params["min_generator_share"]
        uniform = cv <= params["max_cv"]
        if not (uniform or clustered):
            continue
        severity = "medium" if (cv <= params["max_cv"] / 2 or (uniform and clustered)) else "low"
        parts = []
        if uniform:
            low, high = min(durations), max(durations)
            shown = (lambda x: f"{x:.1f} s") if high - low < 2 else seconds_text
            parts.append(f"all {len(durations)} tracks by '{artist.name}' last between {shown(low)} "
                         f"and {shown(high)} (average {shown(mean)}, variation {cv:.1%})")
        if clustered and generator_length is not None:
            parts.append(f"{at_length} of {len(durations)} tracks last {seconds_text(generator_length)} "
                         f"± {tolerance:g} s, a length AI generators produce by default")
        text = "; ".join(parts)
        yield Draft(
            "artist", artist.name, artist.key, severity,
            "Uniform track lengths" if uniform else f"Tracks cluster at {seconds_text(generator_length or 0)}",
            text[0].upper() + text[1:] + "; human releases usually vary far more.",
            {"artist": artist.name, "tracks": len(durations), "mean_seconds": round(mean, 3),
             "cv": round(cv, 4), "min_seconds": min(durations), "max_seconds": max(durations),
             "generator_length": generator_length if clustered else None, "at_generator_length": at_length},
            tuple(sorted(i for _, i in pairs)),
        )


def _popcount(values: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(values)
    table = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)
    return table[values.view(np.uint8)].reshape(*values.shape, 8).sum(axis=-1)


def near_pairs(hashes: list[int], threshold: int, max_bucket: int) -> Iterator[tuple[int, int]]:
    """Pairs of 64-bit hashes at most ``threshold`` bits apart, without comparing all pairs.

    LSH by bands: split the hash into ``threshold + 1`` bands; two hashes within
    ``threshold`` bits agree on at least one band (pigeonhole), so only hashes
    sharing a band value are compared — vectorized, bucket by bucket.  Buckets
    larger than ``max_bucket`` are degenerate (a flat strip of image) and skipped.
    """
    if len(hashes) < 2:
        return
    from scipy.sparse.csgraph import connected_components  # heavy import: only when there is work

    values = np.array(hashes, dtype=np.uint64)
    bands = threshold + 1
    width = 64 // bands
    for band in range(bands):
        shift = band * width
        bits = 64 - shift if band == bands - 1 else width
        keys = (values >> np.uint64(shift)) & np.uint64((1 << bits) - 1)
        order = np.argsort(keys, kind="stable")
        cuts = np.flatnonzero(np.diff(keys[order])) + 1
        for bucket in np.split(order, cuts):
            if len(bucket) < 2 or len(bucket) > max_bucket:
                continue
            members = values[bucket]
            close = _popcount(members[:, None] ^ members[None, :]) <= threshold
            if close.sum() == len(bucket):  # only the diagonal: nothing near in this bucket
                continue
            # A template used on 1,000 covers is ~500,000 close pairs; its components need 999 links.
            count, labels = connected_components(close, directed=False)
            first: dict[int, int] = {}
            for position, label in enumerate(labels.tolist()):
                if label in first:
                    yield hashes[bucket[first[label]]], hashes[bucket[position]]
                else:
                    first[label] = position


def _informative(phash: int, min_bits: int) -> bool:
    """Flat or near-flat images (placeholders, solid colours) hash to almost all 0s or 1s."""
    bits = phash.bit_count()
    return min_bits <= bits <= 64 - min_bits


@detector(
    "catalog.artwork_reuse", family=FAMILY,
    description="The same or near-identical cover art appears on tracks of different artists.",
    innocent=(
        "A label's series template: same layout and picture, different text.",
        "Compilations and split releases carry one cover for every artist.",
        "A distributor's placeholder artwork.",
    ),
)
def artwork_reuse(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    threshold = int(params["max_distance"])
    tracks_of_sha: dict[str, set[int]] = defaultdict(set)
    phash_of_sha: dict[str, int] = {}
    for art in ctx.artworks:
        tracks_of_sha[art.sha256].add(art.track_id)
        if art.phash and art.sha256 not in phash_of_sha:
            try:
                phash_of_sha[art.sha256] = int(art.phash, 16)
            except ValueError:
                pass
    groups = DisjointSet()
    for sha in tracks_of_sha:
        groups.add(sha)
    shas_of_hash: dict[int, list[str]] = defaultdict(list)
    for sha, value in phash_of_sha.items():
        if _informative(value, int(params["min_hash_bits"])):
            shas_of_hash[value].append(sha)
    for shas in shas_of_hash.values():
        for other in shas[1:]:
            groups.union(shas[0], other)
    hashes = list(shas_of_hash)
    for a, b in near_pairs(hashes, threshold, int(params["max_bucket"])):
        groups.union(shas_of_hash[a][0], shas_of_hash[b][0])

    for shas in groups.groups():
        if len(shas) == 1 and len(tracks_of_sha[shas[0]]) < 2:
            continue  # one image on one track: nothing shared
        ids = tuple(sorted(set().union(*(tracks_of_sha[s] for s in shas))))
        tracks = list(ctx.tracks_of(ids))
        artists = {t.artist_key for t in tracks if t.artist_key}
        if len(artists) < params["min_artists"]:
            continue
        names = ctx.artist_names(ids)
        various = all(t.compilation or t.album_artist.casefold() in VARIOUS for t in tracks)
        exact = len(shas) == 1
        hashes = sorted({phash_of_sha[s] for s in shas if s in phash_of_sha})
        distance = max(((a ^ b).bit_count() for a in hashes for b in hashes), default=0) if len(hashes) <= 64 else None
        if various:
            severity = "low"
        elif len(artists) >= params["high_artists"]:
            severity = "high"
        else:
            severity = "medium" if len(artists) >= 3 else "low"
        how = "The same cover image" if exact else (
            f"Near-identical cover art ({len(shas)} image files, perceptual-hash distance ≤ {threshold})")
        labels = sorted({t.label for t in tracks if t.label})
        yield Draft(
            "cluster", f"Artwork shared by {quote_list(names, limit=3)}", "art:" + min(shas), severity,
            f"Cover art reused across {len(artists)} artists",
            f"{how} is used on {plural(len(ids), 'track')} by {len(artists)} different artists "
            f"({quote_list(names)})" + (", all on compilations." if various else "."),
            {"artists": names, "tracks": len(ids), "images": len(shas), "exact": exact,
             "sha256": sorted(shas)[:20], "phash": [f"{h:016x}" for h in hashes[:20]],
             "max_distance": distance, "labels": labels, "compilation": various},
            ids,
        )
