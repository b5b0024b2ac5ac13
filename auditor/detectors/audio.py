"""Audio-level signals: what the decoded audio says, whatever the tags claim.

Tags can be stripped or forged; the audio carries its own production
signatures.  These detectors read the features of :mod:`auditor.audio`
(decoded excerpt, loudness, spectrum, fingerprint) and report four things:

* ``audio.periodic_artifacts`` - a regular comb of narrow high-frequency
  peaks, the pattern strided upsampling in neural audio decoders leaves;
* ``audio.near_duplicate`` - the same recording under different titles or
  artists (re-encoded, re-levelled or sped up), and songs sharing long
  identical passages (one backing track or template);
* ``audio.shared_mastering`` - one loudness / peak / spectral envelope across
  several artists, as one mastering preset produces;
* ``audio.lossy_in_lossless`` - lossless files whose spectrum ends in an
  encoder's low-pass cliff: they were lossy once.

Every one of them has innocent explanations (listed with each detector) and
none is ever ``conclusive``: by the scoring's corroboration rule, audio
evidence alone can bring an artist to ``review``, never to ``high``.

Where the features come from: ``ctx.audio_features`` (track id ->
:class:`~auditor.audio.AudioFeatures`) when the context carries them,
otherwise ``ctx.store.audio_feature_rows()`` (rows of
:meth:`AudioFeatures.to_row` plus ``track_id``) when the store has that
method.  Without either - a scan run with ``--no-audio`` - these detectors
report nothing.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping

import numpy as np

from ..audio.features import AudioFeatures
from ..audio.fingerprint import FingerprintIndex, FingerprintMatch
from ..names import normalize_name
from .base import DisjointSet, Draft, Params, detector, plural, quote_list
from .context import DetectionContext, TrackInfo

FAMILY = "audio"
LOSSLESS_FORMATS = frozenset({"flac", "ogg-flac", "wav", "aiff", "ape", "wavpack", "tak", "optimfrog", "tta",
                              "dsf", "dff"})
LOSSLESS_CODECS = frozenset({"flac", "alac", "pcm", "monkeys-audio", "wavpack", "tta"})


def audio_features(ctx: DetectionContext) -> Mapping[int, AudioFeatures]:
    """Features of the context's tracks (loaded once per context, see the module docstring)."""
    cached = ctx.__dict__.get("audio_features")
    if cached is not None:
        return cached
    loaded: dict[int, AudioFeatures] = {}
    reader = getattr(ctx.store, "audio_feature_rows", None) if ctx.store is not None else None
    if reader is not None:
        for row in reader():
            row = dict(row)
            track_id = row.get("track_id")
            if track_id in ctx.by_id:
                try:
                    loaded[track_id] = AudioFeatures.from_row(row)
                except (TypeError, ValueError):
                    continue  # a row from an incompatible analysis version: ignore, it will be recomputed
    ctx.__dict__["audio_features"] = loaded
    return loaded


def _hz(value: float) -> str:
    return f"{value / 1000:.1f} kHz" if value >= 1000 else f"{value:.1f} Hz"


# --- periodic spectral peaks ---------------------------------------------------------------------


@detector(
    "audio.periodic_artifacts", family=FAMILY,
    description="A regular comb of narrow high-frequency peaks, as neural audio decoders leave.",
    innocent=(
        "A synthesizer, organ or drone holding one pitch through the track (its harmonics form a comb).",
        "A sampled loop or tone at a fixed pitch, or a test tone left in the mix.",
        "Sample-rate conversion or a plugin with periodic processing leaving spectral images.",
        "Electrical buzz (mains harmonics from a dimmer or a ground loop) reaching high frequencies.",
    ),
)
def periodic_artifacts(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    features = audio_features(ctx)
    if not features:
        return
    min_score = float(params["min_score"])
    tolerance = float(params["spacing_tolerance"])
    for artist in ctx.artists.values():
        analysed = [(tid, features[tid]) for tid in artist.track_ids if tid in features]
        flagged = [(tid, f) for tid, f in analysed if f.peak_score >= min_score and f.peak_spacing_hz]
        if len(flagged) < params["min_tracks"]:
            continue
        # the same spacing on several tracks points at one decoder rather than at the music
        spacings = sorted(f.peak_spacing_hz for _, f in flagged)
        common, common_count = spacings[0], 0
        for s in spacings:
            count = sum(1 for t in spacings if abs(t - s) <= tolerance * s)
            if count > common_count:
                common, common_count = s, count
        share = len(flagged) / len(analysed)
        strongest = max(f.peak_score for _, f in flagged)
        severity = "medium"
        if (common_count >= params["high_tracks"] and share >= params["high_share"]) or (
                strongest >= params["high_score"] and common_count >= 2):
            severity = "high"
        persistence = min(f.peak_persistence for _, f in flagged)
        ids = tuple(sorted(tid for tid, _ in flagged))
        same = (f" on {common_count} of them at the same spacing ({_hz(common)})" if common_count >= 2
                else f" (spacing {_hz(common)})")
        yield Draft(
            "artist", artist.name, artist.key, severity,
            "Periodic spectral peaks (decoder artifact pattern)",
            f"{len(flagged)} of {plural(len(analysed), 'analysed track')} by '{artist.name}' carry a regular comb "
            f"of narrow peaks between 5 and 16 kHz{same}, present through at least {persistence:.0%} of each "
            f"excerpt. Upsampling layers of AI music generators leave this pattern; listen for a faint, steady "
            f"high-pitched buzz.",
            {"artist": artist.name, "analysed_tracks": len(analysed), "flagged_tracks": len(flagged),
             "share": round(share, 3), "common_spacing_hz": round(common, 3), "same_spacing_tracks": common_count,
             "tracks": [{"track_id": tid, "path": ctx.by_id[tid].path, "score": f.peak_score,
                         "spacing_hz": f.peak_spacing_hz, "strength_db": f.peak_strength_db,
                         "persistence": f.peak_persistence, "period_samples": f.peak_period_samples,
                         "narrowness": f.peak_narrowness, "fundamental_db": f.peak_fundamental_db}
                        for tid, f in sorted(flagged)]},
            ids,
        )


# --- near-duplicate audio ----------------------------------------------------------------------


def _title_key(track: TrackInfo) -> str:
    return normalize_name(track.title) if track.title else f"#{track.id}"


def _pair_evidence(ctx: DetectionContext, m: FingerprintMatch) -> dict:
    a, b = ctx.by_id[m.a], ctx.by_id[m.b]
    return {"a": a.id, "b": b.id, "a_path": a.path, "b_path": b.path, "similarity": m.similarity,
            "coverage": m.coverage, "tempo_ratio": m.tempo_ratio, "offset_s": m.offset_s,
            "longest_shared_s": m.longest_shared_s, "level": m.level}


def _clusters(pairs: list[FingerprintMatch]) -> list[tuple[tuple[int, ...], list[FingerprintMatch]]]:
    groups = DisjointSet()
    for m in pairs:
        groups.union(m.a, m.b)
    members: dict[object, list[FingerprintMatch]] = defaultdict(list)
    for m in pairs:
        members[groups.find(m.a)].append(m)
    out = []
    for links in members.values():
        ids = tuple(sorted({m.a for m in links} | {m.b for m in links}))
        out.append((ids, links))
    out.sort()
    return out


@detector(
    "audio.near_duplicate", family=FAMILY,
    description="The same recording under different titles or artists, or long identical passages across artists.",
    innocent=(
        "A re-release: remaster, compilation, deluxe edition, single and album version.",
        "A label or distributor delivering one master twice under corrected metadata.",
        "An official sped-up, slowed or re-pitched edit published by the rights holder.",
        "A shared licensed loop, sample pack or production-library bed (for shared passages).",
    ),
)
def near_duplicate(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    features = audio_features(ctx)
    if len(features) < 2:
        return
    index = FingerprintIndex(min_shared=int(params["min_shared_keys"]), max_key_tracks=int(params["max_key_tracks"]))
    for tid in sorted(features):
        if features[tid].fingerprint:
            try:
                index.add(tid, features[tid].fingerprint)
            except ValueError:
                continue
    shared_s = float(params["shared_passage_seconds"])
    copies: list[FingerprintMatch] = []
    passages: list[FingerprintMatch] = []
    for m in index.pairs(min_similarity=float(params["min_similarity"]), min_coverage=float(params["min_coverage"]),
                         shared_passages=True):
        a, b = ctx.by_id[m.a], ctx.by_id[m.b]
        same_artist = a.artist_key == b.artist_key
        if m.similarity >= params["min_similarity"] and m.coverage >= params["min_coverage"]:
            if same_artist and _title_key(a) == _title_key(b):
                continue  # one song in two files (FLAC and MP3 copies): not a disguise
            copies.append(m)
        elif m.longest_shared_s >= shared_s and not same_artist:
            passages.append(m)

    for ids, links in _clusters(copies):
        tracks = list(ctx.tracks_of(ids))
        artists = {t.artist_key for t in tracks}
        titles = sorted({t.title or "(no title)" for t in tracks})
        names = ctx.artist_names(ids)
        sped = sorted({m.tempo_ratio for m in links if m.tempo_ratio != 1.0})
        speed_note = (f" Some copies run at a different speed ({', '.join(f'{(r - 1) * 100:+.1f} %' for r in sped)})."
                      if sped else "")
        severity = "high" if len(artists) >= 2 else "medium"
        who = (f"{len(artists)} artists ({quote_list(names)})" if len(artists) >= 2 else f"'{names[0]}'")
        yield Draft(
            "cluster", f"Same recording: {quote_list(titles, limit=3)}", "dup:" + ctx.by_id[ids[0]].path, severity,
            "Same recording under different names",
            f"{plural(len(ids), 'file')} by {who} hold the same recording under {plural(len(titles), 'title')} "
            f"({quote_list(titles)}): their audio matches throughout (best similarity "
            f"{max(m.similarity for m in links):.2f} of 1).{speed_note}",
            {"tracks": len(ids), "artists": names, "titles": titles,
             "pairs": [_pair_evidence(ctx, m) for m in sorted(links, key=lambda m: (-m.similarity, m.a, m.b))[:50]]},
            ids,
        )

    for ids, links in _clusters(passages):
        tracks = list(ctx.tracks_of(ids))
        artists = {t.artist_key for t in tracks}
        if len(artists) < params["min_passage_artists"]:
            continue
        names = ctx.artist_names(ids)
        longest = max(m.longest_shared_s for m in links)
        severity = "medium" if len(artists) >= params["medium_passage_artists"] else "low"
        yield Draft(
            "cluster", f"Shared passages: {quote_list(names, limit=3)}", "passage:" + ctx.by_id[ids[0]].path,
            severity, f"{len(artists)} artists share identical passages",
            f"{plural(len(ids), 'track')} by {len(artists)} different artists ({quote_list(names)}) contain "
            f"the same passage of audio (up to {longest:.0f} s matching exactly, e.g. an intro or backing "
            f"track) while the rest of each song differs: songs built from one template.",
            {"tracks": len(ids), "artists": names, "longest_shared_s": longest,
             "pairs": [_pair_evidence(ctx, m)
                       for m in sorted(links, key=lambda m: (-m.longest_shared_s, m.a, m.b))[:50]]},
            ids,
        )


# --- one mastering envelope across artists ---------------------------------------------------------

_GROUPS = ((40.0, 120.0), (120.0, 400.0), (400.0, 1500.0), (1500.0, 4000.0), (4000.0, 8000.0),
           (8000.0, 12000.0), (12000.0, 16000.0))
_GROUP_NAMES = ("sub", "bass", "low-mid", "mid", "presence", "brilliance", "air")


def envelope_vector(features: AudioFeatures) -> np.ndarray | None:
    """(loudness, true peak, crest, 7 broad LTAS groups in dB) or None when incomplete."""
    if None in (features.loudness_lufs, features.true_peak_db, features.crest_db) or not features.ltas:
        return None
    n = len(features.ltas)
    edges = [30.0 * (20000.0 / 30.0) ** (i / n) for i in range(n + 1)]
    groups = []
    for lo, hi in _GROUPS:
        values = [v for v, a, b in zip(features.ltas, edges[:-1], edges[1:]) if v is not None and a >= lo and b <= hi]
        if not values:
            return None
        groups.append(10.0 * math.log10(sum(10.0 ** (v / 10.0) for v in values) / len(values)))
    return np.array([features.loudness_lufs, features.true_peak_db, features.crest_db, *groups])


@detector(
    "audio.shared_mastering", family=FAMILY,
    description="Several artists share one loudness, peak level and spectral envelope (one mastering preset).",
    innocent=(
        "One mastering engineer or studio working for several acts.",
        "Common loudness targets (-14 LUFS, -1 dBTP) and a stock mastering preset or online service.",
        "A label or distributor normalizing every delivery the same way; genre conventions.",
    ),
)
def shared_mastering(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    features = audio_features(ctx)
    vectors: dict[int, np.ndarray] = {}
    for tid, f in features.items():
        track = ctx.by_id.get(tid)
        v = envelope_vector(f)
        if v is not None and track is not None and track.artist_key:
            vectors[tid] = v
    if len(vectors) < params["min_tracks"]:
        return
    tol = np.array([params["loudness_tolerance"], params["true_peak_tolerance"], params["crest_tolerance"]]
                   + [params["envelope_tolerance"]] * len(_GROUPS))
    ids = np.array(sorted(vectors))
    matrix = np.stack([vectors[i] for i in ids])
    # block on tolerance-sized cells of (loudness, true peak, crest); compare with the 27 neighbours only
    cells = np.floor(matrix[:, :3] / tol[:3]).astype(np.int64)
    by_cell: dict[tuple, list[int]] = defaultdict(list)
    for row, cell in enumerate(map(tuple, cells)):
        by_cell[cell].append(row)
    links = DisjointSet()
    offsets = [(a, b, c) for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1)]
    for cell, rows in by_cell.items():
        other = np.array(sorted(r for o in offsets
                                for r in by_cell.get((cell[0] + o[0], cell[1] + o[1], cell[2] + o[2]), ())))
        step = max(1, 2_000_000 // (len(other) * len(tol)))  # bounded temporaries in crowded cells
        for start in range(0, len(rows), step):
            own = np.array(rows[start:start + step])
            close = np.all(np.abs(matrix[own][:, None, :] - matrix[other][None, :, :]) <= tol, axis=2)
            for i, j in zip(*np.nonzero(close)):
                if own[i] < other[j]:
                    links.union(int(ids[own[i]]), int(ids[other[j]]))
    for tid in vectors:
        links.add(tid)
    for members in sorted(links.groups(), key=lambda g: sorted(g)):
        members = sorted(members)
        if len(members) < params["min_tracks"]:
            continue
        per_artist = Counter(ctx.by_id[t].artist_key for t in members)
        substantial = [k for k, n in per_artist.items() if n >= params["min_artist_tracks"]]
        if len(substantial) < params["min_artists"]:
            continue
        group = np.stack([vectors[t] for t in members])
        low, high = group.min(axis=0), group.max(axis=0)
        names = ctx.artist_names(members)
        severity = "medium" if len(substantial) >= params["medium_artists"] else "low"
        envelope = {name: round(float(v), 1) for name, v in zip(_GROUP_NAMES, group[:, 3:].mean(axis=0))}
        yield Draft(
            "cluster", f"Mastering envelope shared by {quote_list(names, limit=3)}",
            "master:" + ctx.by_id[members[0]].path, severity,
            f"{len(substantial)} artists share one mastering envelope",
            f"{plural(len(members), 'track')} by {len(per_artist)} artists ({quote_list(names)}) sit within "
            f"{tol[0]:g} LU of each other in loudness ({low[0]:.1f} to {high[0]:.1f} LUFS), within "
            f"{tol[1]:g} dB in true peak ({low[1]:.1f} to {high[1]:.1f} dBTP), within {tol[2]:g} dB in crest factor "
            f"and within {tol[3]:g} dB in every band of their spectral balance: one mastering preset, or one "
            f"engineer's habits.",
            {"artists": names, "tracks": len(members),
             "tracks_per_artist": {ctx.artist_name(k): n for k, n in sorted(per_artist.items())},
             "loudness_lufs": [round(float(low[0]), 2), round(float(high[0]), 2)],
             "true_peak_db": [round(float(low[1]), 2), round(float(high[1]), 2)],
             "crest_db": [round(float(low[2]), 2), round(float(high[2]), 2)],
             "envelope_db": envelope},
            tuple(members),
        )


# --- lossy source in a lossless file -------------------------------------------------------------


def is_lossless(track: TrackInfo) -> bool:
    return (track.bitrate_mode == "lossless" or track.format in LOSSLESS_FORMATS
            or track.codec in LOSSLESS_CODECS)


@detector(
    "audio.lossy_in_lossless", family=FAMILY,
    description="Lossless files whose spectrum ends in a lossy encoder's low-pass cliff.",
    innocent=(
        "The artist delivered MP3/AAC masters and the distributor converted them to a lossless format.",
        "A 32 kHz (or lower) original, e.g. broadcast or early digital material, resampled up.",
        "A deliberate steep low-pass in the mix or mastering.",
    ),
)
def lossy_in_lossless(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    features = audio_features(ctx)
    for artist in ctx.artists.values():
        lossless = [t for t in ctx.tracks_of(artist.track_ids) if is_lossless(t) and t.id in features]
        flagged = [t for t in lossless if features[t.id].lossy_cutoff_suspected]
        if len(flagged) < params["min_tracks"]:
            continue
        share = len(flagged) / len(lossless)
        severity = "medium" if share >= params["medium_share"] and len(flagged) >= 2 else "low"
        cutoffs = sorted(features[t.id].cutoff_hz or 0.0 for t in flagged)
        typical = cutoffs[len(cutoffs) // 2]
        formats = sorted({(t.codec or t.format).upper() for t in flagged})
        yield Draft(
            "artist", artist.name, artist.key, severity,
            "Lossless files made from lossy audio",
            f"{len(flagged)} of {plural(len(lossless), 'lossless file')} by '{artist.name}' "
            f"({', '.join(formats)}) stop abruptly at about {_hz(typical)}, the low-pass a lossy encoder "
            f"(MP3, AAC) applies: they were lossy before being stored losslessly, and sound like the lossy copy.",
            {"artist": artist.name, "lossless_tracks": len(lossless), "flagged_tracks": len(flagged),
             "share": round(share, 3), "typical_cutoff_hz": typical,
             "tracks": [{"track_id": t.id, "path": t.path, "format": t.codec or t.format,
                         "cutoff_hz": features[t.id].cutoff_hz, "cliff_db": features[t.id].cutoff_cliff_db,
                         "sample_rate": features[t.id].analysis_rate} for t in flagged]},
            tuple(sorted(t.id for t in flagged)),
        )
