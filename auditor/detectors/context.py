"""Everything detectors read, loaded from the store once per detection run.

Why one shared context: twenty detectors each querying SQLite would read the
same 100,000 rows twenty times.  The context reads each table once into
compact tuples (``TrackInfo`` is a NamedTuple rather than a dataclass because
building 100,000 of them is on the hot path) and computes shared indexes —
artists, releases, writer clusters — lazily, the first time a detector asks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, NamedTuple

from ..fields import WRITER_ROLES
from ..names import normalize_name
from ..thresholds import Thresholds

if TYPE_CHECKING:
    from ..store import Store
    from .people import People
    from .writers import RegistryIndex


class TrackInfo(NamedTuple):
    id: int
    path: str
    artist: str
    artist_key: str
    title: str
    album: str
    album_artist: str
    label: str
    publisher: str
    isrc: str
    upc: str
    release_date: str
    day: int | None  # proleptic ordinal of the release date, when it names a day
    year: int | None
    duration: float | None
    format: str
    codec: str
    sample_rate: int | None
    bitrate: int | None
    bitrate_mode: str
    channels: int | None
    bits_per_sample: int | None
    encoder: str
    encoder_settings: str
    encoded_by: str
    tag_containers: tuple[str, ...]
    layout_signature: str
    sha256: str
    markers: tuple[str, ...]
    compilation: bool


class WriterCredit(NamedTuple):
    track_id: int
    name: str
    name_normalized: str
    role: str
    ipi: str | None
    isni: str | None


class ArtworkRow(NamedTuple):
    track_id: int
    sha256: str
    phash: str | None
    picture_type: int | None


@dataclass(frozen=True, slots=True)
class Artist:
    key: str
    name: str
    track_ids: tuple[int, ...]


_DATE = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")
_TRUE = {"1", "true", "yes", "y"}


@lru_cache(maxsize=1 << 16)
def parse_date(text: str | None) -> tuple[int | None, int | None]:
    """``(day ordinal or None, year or None)``; a bare year has no day (it cannot date a burst)."""
    if not text:
        return None, None
    match = _DATE.match(text)
    if not match:
        return None, None
    year = int(match.group(1))
    if not 1000 <= year <= 2999:
        return None, None
    if match.group(3):
        try:
            return dt.date(year, int(match.group(2)), int(match.group(3))).toordinal(), year
        except ValueError:
            return None, year
    return None, year


def day_text(day: int) -> str:
    return dt.date.fromordinal(day).isoformat()


@lru_cache(maxsize=1 << 16)
def artist_key(name: str | None) -> str:
    """One key per artist however the tag spells it ("Hollow Pines, The" = "The Hollow Pines").

    Cached: a catalog has far fewer artists than tracks, and this runs per track.
    """
    return normalize_name(name) if name else ""


@lru_cache(maxsize=4096)
def _json_list(text: str | None) -> tuple[str, ...]:
    """Cached: container lists repeat across a catalog, and most marker lists are empty."""
    if not text or text == "[]":
        return ()
    try:
        value = json.loads(text)
    except ValueError:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _track(row: tuple) -> TrackInfo:
    (track_id, path, artist, title, album, album_artist, label, publisher, isrc, upc, release_date,
     original_date, duration, fmt, codec, sample_rate, bitrate, bitrate_mode, channels, bits,
     encoder, settings_stream, settings_tag, encoded_by, containers, layout, sha256, markers,
     compilation) = row
    day, year = parse_date(release_date or original_date)
    artist = (artist or "").strip()
    return TrackInfo(
        track_id, path, artist, artist_key(artist), (title or "").strip(), (album or "").strip(),
        (album_artist or "").strip(), (label or "").strip(), (publisher or "").strip(),
        (isrc or "").strip(), (upc or "").strip(), release_date or original_date or "", day, year,
        duration, fmt or "", codec or "", sample_rate, bitrate, bitrate_mode or "", channels, bits,
        (encoder or "").strip(), (settings_stream or settings_tag or "").strip(), (encoded_by or "").strip(),
        _json_list(containers), layout or "", sha256 or "", _json_list(markers),
        (compilation or "").strip().lower() in _TRUE,
    )


def _with_known_identifiers(store: Store, credits: Iterable[WriterCredit]) -> Iterator[WriterCredit]:
    """Tag credits, with the IPI/ISNI a delivery declared for that writer on that track filled in.

    Why: a writer declared with an IPI in an ERN message is traceable even when
    the tags carry only the name; so is a writer the label's reference
    catalogs already know with an identifier.
    """
    from ..delivery.reference import reference_writer_identifiers

    declared = store.declared_identifiers() if hasattr(store, "declared_identifiers") else {}
    known = reference_writer_identifiers(store) if hasattr(store, "reference_rows") else {}
    if not declared and not known:
        yield from credits
        return
    for credit in credits:
        if not (credit.ipi or credit.isni):
            ipi, isni = declared.get((credit.track_id, credit.name_normalized)) or known.get(
                credit.name_normalized) or (None, None)
            if ipi or isni:
                credit = credit._replace(ipi=ipi, isni=isni)
        yield credit


class DetectionContext:
    """The catalog as detectors see it: present, readable tracks and their people."""

    def __init__(self, tracks: Iterable[TrackInfo], credits: Iterable[WriterCredit],
                 artworks: Iterable[ArtworkRow], registry: list[dict], thresholds: Thresholds,
                 store: Store | None = None, texts: Iterable[tuple] | None = None) -> None:
        self.tracks: list[TrackInfo] = list(tracks)
        self.by_id: dict[int, TrackInfo] = {t.id: t for t in self.tracks}
        self.writer_credits: dict[int, list[WriterCredit]] = defaultdict(list)
        for credit in credits:
            if credit.track_id in self.by_id:
                self.writer_credits[credit.track_id].append(credit)
        self.artworks: list[ArtworkRow] = [a for a in artworks if a.track_id in self.by_id]
        self.registry = registry
        self.thresholds = thresholds
        self.store = store
        self._texts = list(texts) if texts is not None else None
        self._release_keys: dict[int, str] = {}

    @classmethod
    def load(cls, store: Store, thresholds: Thresholds) -> DetectionContext:
        return cls(
            (_track(row) for row in store.detection_tracks()),
            _with_known_identifiers(store, (WriterCredit(*row) for row in store.detection_credits(WRITER_ROLES))),
            (ArtworkRow(*row) for row in store.detection_artworks()),
            store.registry_rows(),
            thresholds,
            store,
        )

    def iter_texts(self) -> Iterator[tuple]:
        """``(track_id, comment, url, field_values_json, raw_tags_json)``, streamed from the store.

        Not kept in memory: tag text is by far the bulkiest thing a track has
        and only the provenance search needs it, once.
        """
        if self._texts is not None:
            yield from self._texts
        elif self.store is not None:
            yield from self.store.detection_texts()

    # --- shared indexes, built on first use ----------------------------------------------

    @cached_property
    def artists(self) -> dict[str, Artist]:
        """Artists by key; the display name is the most common spelling (ties: alphabetical)."""
        spellings: dict[str, Counter[str]] = defaultdict(Counter)
        members: dict[str, list[int]] = defaultdict(list)
        for track in self.tracks:
            if track.artist_key:
                spellings[track.artist_key][track.artist] += 1
                members[track.artist_key].append(track.id)
        return {key: Artist(key, sorted(spellings[key].items(), key=lambda kv: (-kv[1], kv[0]))[0][0], tuple(ids))
                for key, ids in members.items()}

    def artist_name(self, key: str) -> str:
        artist = self.artists.get(key)
        return artist.name if artist else "(no artist)"

    def release_key(self, track: TrackInfo) -> str:
        """One release per artist and album (or UPC, or the title of a single); memoized per track."""
        key = self._release_keys.get(track.id)
        if key is None:
            key = self._release_keys[track.id] = self._compute_release_key(track)
        return key

    def _compute_release_key(self, track: TrackInfo) -> str:
        album = normalize_name(track.album) if track.album else ""
        if album:
            return f"{track.artist_key}\x1falbum:{album}"
        if track.upc:
            return f"{track.artist_key}\x1fupc:{track.upc}"
        return f"{track.artist_key}\x1fsingle:{normalize_name(track.title) or track.id}"

    def release_name(self, track: TrackInfo) -> str:
        return track.album or track.title or track.path

    @cached_property
    def isrc_codes(self) -> dict[int, str]:
        """Valid ISRCs by track id, normalized ("us-abc-25-00001" -> "USABC2500001")."""
        from .isrc import valid_isrc

        codes = {}
        for track in self.tracks:
            if track.isrc:
                code = valid_isrc(track.isrc)
                if code:
                    codes[track.id] = code
        return codes

    @cached_property
    def registry_index(self) -> RegistryIndex:
        """The writer registry indexed by identifier, name, alias and fuzzy block."""
        from .writers import RegistryIndex

        return RegistryIndex(self.registry, float(self.thresholds.data["names"]["merge_score"]))

    @cached_property
    def people(self) -> People:
        """Writers merged across spellings (see :mod:`auditor.detectors.people`)."""
        from .people import cluster_writers

        return cluster_writers(self.writer_credits, self.thresholds.data["names"])

    def tracks_of(self, ids: Iterable[int]) -> Iterator[TrackInfo]:
        for track_id in ids:
            track = self.by_id.get(track_id)
            if track is not None:
                yield track

    def artist_names(self, ids: Iterable[int]) -> list[str]:
        """Display names of the artists of ``ids``, most tracks first."""
        counts = Counter(t.artist_key for t in self.tracks_of(ids) if t.artist_key)
        return [self.artist_name(k) for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
