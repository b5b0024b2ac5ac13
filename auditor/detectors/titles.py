"""Template titles: acts whose song titles come from one generator's word pool.

Generated catalogs are titled by recombining a small vocabulary ("Neon
Echoes", "Midnight Hearts", "Velvet Horizon") or by numbering a pattern
("Rain Sounds 17").  Spread over several personas, that leaves artists whose
titles are built almost only from each other's words.

Comparison is blocked: artist pairs are only considered when they share a
*rare* word (used by at most ``max_token_artists`` artists), so the cost
follows the number of rare-word co-occurrences, not artists squared; common
words ("love", "night") never create a pair on their own.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from ..names import strip_diacritics
from .base import DisjointSet, Draft, Params, detector, plural, quote_list
from .context import DetectionContext

FAMILY = "mass_produced"
_BRACKETS = re.compile(r"\s*[\(\[\{][^\)\]\}]*[\)\]\}]")
_FEAT = re.compile(r"\s+(?:feat\.?|ft\.?|featuring)\s+.*$", re.IGNORECASE)
_DASH_SUFFIX = re.compile(r"\s+[-–—]\s+.*$")
_WORD = re.compile(r"[^\W_]+")
_ROMAN = frozenset({"ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"})
STOPWORDS = frozenset(
    "a an and the of in on at to for from by with my your our me you i it is be we he she they "
    "de la le el los las les du des un une der die das und en y o".split())


def title_words(title: str) -> list[str]:
    """Content words of a title: brackets, "feat." and " - Radio Edit" parts, numbers and stop words removed."""
    return list(_title_words(title))


def _fold(text: str) -> str:
    return text.casefold() if text.isascii() else strip_diacritics(text).casefold()


@lru_cache(maxsize=1 << 17)
def _title_words(title: str) -> tuple[str, ...]:
    text = title
    if "(" in text or "[" in text or "{" in text:
        text = _BRACKETS.sub("", text)
    text = _DASH_SUFFIX.sub("", _FEAT.sub("", text))
    words = _WORD.findall(_fold(text))
    return tuple(w for w in words if w not in STOPWORDS and w not in _ROMAN and not w.isdigit())


_DIGITS = re.compile(r"\d+")


def title_skeleton(title: str) -> str:
    """Digits collapsed to '#': "Rain Sounds 17" -> "rain sounds #"."""
    text = _fold(_BRACKETS.sub("", title))
    return " ".join(_DIGITS.sub("#", w) for w in _WORD.findall(text))


@detector(
    "catalog.template_titles", family=FAMILY,
    description="Several artists title their tracks from one shared word pool or numbered pattern.",
    innocent=(
        "Genre conventions: ambient, lo-fi and chill titles reuse the same evocative words.",
        "Acts of one label or collective sharing a concept series.",
        "Numbered volumes of a compilation or a sound-effects series.",
    ),
)
def template_titles(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    yield from _shared_vocabulary(ctx, params)
    yield from _numbered_patterns(ctx, params)


def _shared_vocabulary(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    titles: dict[str, dict[str, tuple[str, ...]]] = {}
    for artist in ctx.artists.values():
        distinct: dict[str, tuple[str, ...]] = {}
        for track in ctx.tracks_of(artist.track_ids):
            words = tuple(w for w in _title_words(track.title) if len(w) >= 3)
            if words:
                distinct.setdefault(" ".join(words), words)
        if len(distinct) >= params["min_titles"]:
            titles[artist.key] = distinct
    vocab = {key: set().union(*map(set, t.values())) for key, t in titles.items()}
    artists_of: dict[str, list[str]] = defaultdict(list)
    for key, words in vocab.items():
        for word in words:
            artists_of[word].append(key)
    shared = _shared_word_counts(artists_of, int(params["max_token_artists"]), int(params["min_shared_words"]))

    def coverage(of: str, by: str) -> float:
        inside = sum(1 for words in titles[of].values() if all(w in vocab[by] for w in words))
        return inside / len(titles[of])

    groups = DisjointSet()
    edges: dict[tuple[str, str], tuple[float, float]] = {}
    for (a, b), count in shared.items():
        cab, cba = coverage(a, b), coverage(b, a)
        if min(cab, cba) >= params["min_coverage"]:
            groups.union(a, b)
            edges[(a, b)] = (cab, cba)
    for members in groups.groups():
        if len(members) < 2:
            continue
        members.sort()
        pool = Counter(w for key in members for w in vocab[key])
        common = sorted((w for w, n in pool.items() if n >= 2), key=lambda w: (-pool[w], w))
        ids = tuple(sorted(i for key in members for i in ctx.artists[key].track_ids))
        names = [ctx.artist_name(k) for k in members]
        total_titles = sum(len(titles[k]) for k in members)
        union_vocab = set().union(*(vocab[k] for k in members))
        covered = sum(1 for k in members for words in titles[k].values()
                      if all(pool[w] >= 2 for w in words))
        examples = [t for k in members for t in list(titles[k])[:2]]
        yield Draft(
            "cluster", f"Title pool shared by {quote_list(names, limit=3)}", "titles:" + "\x1e".join(members),
            "high" if len(members) >= 3 else "medium",
            f"{len(members)} artists title tracks from one word pool",
            f"{quote_list(names)} build their titles from the same {len(union_vocab)} words "
            f"(most used: {quote_list(common[:6], limit=6)}): {covered} of {total_titles} titles use only words "
            "that another of these artists uses too.",
            {"artists": names, "shared_words": common[:40], "vocabulary_size": len(union_vocab),
             "titles": total_titles, "titles_from_shared_words": covered, "example_titles": examples[:12],
             "coverage": {f"{ctx.artist_name(a)} -> {ctx.artist_name(b)}": round(c, 2)
                          for (a, b), (c, _) in sorted(edges.items()) if a in members}},
            ids,
        )


def _shared_word_counts(artists_of: dict[str, list[str]], max_artists: int, minimum: int) -> dict[tuple[str, str], int]:
    """Artist pairs sharing at least ``minimum`` rare words: a sparse artist x word product.

    Only words used by 2..``max_artists`` artists take part (common words link
    everyone and prove nothing); the product runs in scipy, not in Python loops.
    """
    from scipy import sparse

    words = [w for w, keys in artists_of.items() if 2 <= len(keys) <= max_artists]
    if not words:
        return {}
    artist_index: dict[str, int] = {}
    rows, cols = [], []
    for col, word in enumerate(words):
        for key in artists_of[word]:
            rows.append(artist_index.setdefault(key, len(artist_index)))
            cols.append(col)
    incidence = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)),
                                  shape=(len(artist_index), len(words)))
    together = sparse.triu(incidence @ incidence.T, k=1).tocoo()
    names = list(artist_index)
    keep = together.data >= minimum
    return {tuple(sorted((names[r], names[c]))): int(n)  # type: ignore[misc]
            for r, c, n in zip(together.row[keep].tolist(), together.col[keep].tolist(), together.data[keep].tolist())}


def _numbered_patterns(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    by_skeleton: dict[str, list[int]] = defaultdict(list)
    for track in ctx.tracks:
        if not _DIGITS.search(track.title):
            continue
        skeleton = title_skeleton(track.title)
        if "#" in skeleton and re.search(r"[^\W\d_]", skeleton):
            by_skeleton[skeleton].append(track.id)
    for skeleton, ids in sorted(by_skeleton.items()):
        artists = {t.artist_key for t in ctx.tracks_of(ids) if t.artist_key}
        if len(ids) < params["min_pattern_tracks"] or not (
                params["min_pattern_artists"] <= len(artists) <= params["max_pattern_artists"]):
            continue
        names = ctx.artist_names(ids)
        examples = sorted({t.title for t in ctx.tracks_of(ids)})[:5]
        yield Draft(
            "cluster", f"Title pattern '{skeleton}'", f"pattern:{skeleton}", "medium",
            f"Numbered title pattern across {len(artists)} artists",
            f"{plural(len(ids), 'track')} by {len(artists)} artists ({quote_list(names)}) follow the numbered "
            f"title pattern '{skeleton}' (e.g. {quote_list(examples, limit=3)}).",
            {"pattern": skeleton, "artists": names, "tracks": len(ids), "examples": examples},
            tuple(sorted(ids)),
        )


@detector(
    "catalog.near_duplicate_titles", family=FAMILY,
    description="Near-identical titles appear on tracks of several different artists.",
    innocent=(
        "Cover versions and standards keep the original title.",
        "Common phrases are used as titles by unrelated artists.",
    ),
)
def near_duplicate_titles(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    by_key: dict[str, list[int]] = defaultdict(list)
    for track in ctx.tracks:
        words = _title_words(track.title)
        if len(words) >= params["min_words"] and track.artist_key:
            by_key[" ".join(words)].append(track.id)
    keys = list(by_key)
    groups = DisjointSet()  # holds only titles that matched another one
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        words = key.split()
        # Near-identical titles share their initials and (typos aside) the start of their longest word.
        blocks["".join(sorted(w[0] for w in words)) + max(words, key=len)[:2]].append(i)
    for members in blocks.values():
        if len(members) < 2:
            continue
        for start in range(0, len(members), int(params["max_block"])):
            chunk = members[start:start + int(params["max_block"])]
            names = [keys[i] for i in chunk]
            scores = process.cdist(names, names, scorer=fuzz.token_sort_ratio,
                                   score_cutoff=params["min_score"], dtype=np.uint8)
            rows, cols = np.nonzero(np.triu(scores, k=1))
            for r, c in zip(rows.tolist(), cols.tolist()):
                groups.union(chunk[r], chunk[c])
    clusters = groups.groups()
    clustered = {m for members in clusters for m in members}
    minimum = params["min_artists"]
    clusters += [[i] for i, key in enumerate(keys) if i not in clustered and len(by_key[key]) >= minimum]
    for members in clusters:
        ids = tuple(sorted(i for m in members for i in by_key[keys[m]]))
        tracks = list(ctx.tracks_of(ids))
        artists = {t.artist_key for t in tracks}
        if not params["min_artists"] <= len(artists) <= params["max_artists"]:
            continue
        names = ctx.artist_names(ids)
        shown = sorted({t.title for t in tracks})
        yield Draft(
            "cluster", f"Titles like '{shown[0]}'", "title:" + min(keys[m] for m in members), "low",
            f"Near-identical titles across {len(artists)} artists",
            f"Near-identical titles ({quote_list(shown, limit=4)}) appear on {plural(len(ids), 'track')} by "
            f"{len(artists)} different artists ({quote_list(names)}).",
            {"titles": shown[:20], "artists": names, "tracks": len(ids)},
            ids,
        )
