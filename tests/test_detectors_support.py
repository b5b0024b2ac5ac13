"""Fixture builders for detector tests: catalogs written straight into a Store.

Detector fixtures do not need real audio: they need the *metadata* a scan
would have stored.  ``track()`` builds a :class:`TrackRecord` with sensible,
human-looking defaults; ``human_act()`` and ``farm()`` build whole catalogs
whose only differences are the ones a test is about.  Everything is
deterministic (seeded), so failures reproduce.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from auditor.detectors import run_detection
from auditor.detectors.engine import DetectionSummary
from auditor.model import Artwork, AudioProps, Credit, FieldValue, TrackRecord
from auditor.names import normalize_name
from auditor.store import Store
from auditor.thresholds import Thresholds, load_thresholds, thresholds_from_mapping

DEFAULTS = load_thresholds(include_user=False)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def phash_for(seed: str) -> str:
    """A random-looking, informative 64-bit hash (about half the bits set)."""
    rnd = random.Random(seed)
    while True:
        value = rnd.getrandbits(64)
        if 24 <= value.bit_count() <= 40:
            return f"{value:016x}"


def track(path: str, *, artist: str, title: str, album: str | None = None, date: str | None = "2020-01-01",
          isrc: str | None = None, duration: float | None = 200.0,
          writers: Sequence[tuple[str, str | None]] = (), role: str = "composer",
          encoder: str | None = "LAME 3.100", settings: str | None = "-b 320", fmt: str = "mp3",
          codec: str = "mp3", sample_rate: int = 44100, bitrate: int = 320_000, bitrate_mode: str = "CBR",
          channels: int = 2, containers: Sequence[str] = ("ID3v2.4",), layout: str | None = None,
          label: str | None = None, publisher: str | None = None, artwork: tuple[str, str | None] | None = None,
          markers: Sequence[str] = (), comment: str | None = None, url: str | None = None,
          compilation: str | None = None, album_artist: str | None = None, upc: str | None = None,
          audio_sha: str | None = None) -> TrackRecord:
    fields: dict[str, str] = {"title": title, "artist": artist}
    for name, value in (("album", album), ("release_date", date), ("isrc", isrc), ("label", label),
                        ("publisher", publisher), ("comment", comment), ("url", url),
                        ("compilation", compilation), ("album_artist", album_artist), ("upc", upc)):
        if value is not None:
            fields[name] = value
    values = tuple(FieldValue(k, v, f"ID3v2.4:{k.upper()}") for k, v in fields.items())
    credits = tuple(Credit(name, normalize_name(name), role, "ID3v2.4:TCOM", ipi=ipi) for name, ipi in writers)
    arts = ()
    if artwork is not None:
        arts = (Artwork(artwork[0], 1000, "image/jpeg", "ID3v2.4:APIC", 300, 300, 3, artwork[1]),)
    return TrackRecord(
        display_path=path, size=1000, mtime_ns=0, fingerprint=path, extension="." + fmt,
        sha256=audio_sha or sha(path), format=fmt, sniffed_format=fmt,
        audio=AudioProps(codec=codec, duration=duration, bitrate=bitrate, bitrate_mode=bitrate_mode,
                         sample_rate=sample_rate, channels=channels, encoder=encoder, encoder_settings=settings),
        tag_containers=tuple(containers), layout_signature=layout, fields=fields, values=values,
        credits=credits, artworks=arts, markers=tuple(markers),
    )


def write(store: Store, records: Iterable[TrackRecord]) -> Store:
    records = list(records)
    scan_id = store.begin_scan(["/fixture"], 0)
    for start in range(0, len(records), 500):
        store.write_tracks(scan_id, records[start:start + 500], {})
    store.finish_scan(scan_id, "completed", {"seen": len(records), "read": len(records)})
    return store


def detect(store: Store, thresholds: Thresholds | None = None, **overrides: Any) -> DetectionSummary:
    chosen = thresholds or (thresholds_from_mapping(overrides) if overrides else DEFAULTS)
    return run_detection(store, thresholds=chosen)


def findings(store: Store, detector: str | None = None) -> list[dict[str, Any]]:
    """Active findings (optionally of one detector) with their evidence parsed."""
    rows = [{**r, "evidence": json.loads(r["evidence"])} for r in store.finding_rows()]
    return [r for r in rows if detector is None or r["detector"] == detector]


def artist_risk(store: Store) -> dict[str, tuple[float, str]]:
    return {r["artist"]: (r["risk"], r["band"]) for r in store.artist_risk_rows()}


def day(base: str, offset: int) -> str:
    return (dt.date.fromisoformat(base) + dt.timedelta(days=offset)).isoformat()


_ENCODERS = [("LAME 3.99.5", "-V 0"), ("LAME 3.100", "-b 320"), ("iTunes 12.9", None), ("LAME 3.98.4", "-b 192")]


def human_act(name: str, *, seed: int, releases: int = 4, tracks_per_release: int = 4, start_year: int = 2008,
              writers: Sequence[tuple[str, str | None]] | None = None, registrant: str | None = None,
              label: str | None = None, credit: bool = True, encoders: Sequence[tuple[str, str | None]] | None = None,
              durations: Sequence[float] | None = None, padding: str | None = None,
              root: str = "/cat") -> list[TrackRecord]:
    """An ordinary act: releases years apart, varied lengths, own ISRC prefix and covers, 1-3 writers."""
    rnd = random.Random(seed)
    writers = list(writers if writers is not None else [(f"{name} Writer", f"00{seed:09d}"[-11:]),
                                                          (f"Co Writer {seed}", None)])
    registrant = registrant or f"GB{chr(65 + seed % 26)}{chr(65 + seed // 26 % 26)}{seed % 10}"
    encoders = list(encoders or _ENCODERS)
    records = []
    number = 1
    for r in range(releases):
        year = start_year + r * 3
        album = f"{name} Album {r + 1}"
        date = f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        encoder, settings = encoders[r % len(encoders)]
        art = (sha(f"{name}/{album}/cover"), phash_for(f"{name}/{album}"))
        for t in range(tracks_per_release):
            credited = [writers[(t + k) % len(writers)] for k in range(1 + t % 2)] if credit else []
            duration = durations[(number - 1) % len(durations)] if durations else rnd.uniform(150, 330)
            records.append(track(
                f"{root}/{name}/{album}/{t + 1:02d}.mp3", artist=name, title=f"{_word(rnd)} {_word(rnd)} {t}",
                album=album, date=date, isrc=f"{registrant}{year % 100:02d}{number:05d}", duration=duration,
                writers=credited, encoder=encoder, settings=settings, label=label, artwork=art,
                layout=f"ID3v2.4[TIT2,TPE1,TALB,TRCK,TDRC,TCOM,TSRC,TSSE]pad={padding or rnd.choice(['1k-2k', '0', '2k-4k'])}",
            ))
            number += 1
    return records


_SYLLABLES = ("ka", "lo", "mer", "vin", "tha", "dor", "sel", "quo", "ri", "bex", "nal", "pum", "ost", "gra",
              "fey", "lun", "wic", "zor", "ham", "tes", "bri", "cal", "dun", "epp")


def _word(rnd: random.Random) -> str:
    """A pseudo-word: human acts do not share a title vocabulary (that is what a farm does)."""
    return "".join(rnd.choice(_SYLLABLES) for _ in range(rnd.randint(2, 3))).title()


FARM_WORDS_A = ("Midnight", "Neon", "Velvet", "Golden", "Lunar", "Electric", "Silver", "Crystal")
FARM_WORDS_B = ("Echoes", "Hearts", "Skyline", "Dreams", "Waves", "Horizon", "Lights", "Glow")


def farm(personas: Sequence[str], *, writer: str = "Adrian Kessel", per_persona: int = 8, start: str = "2025-10-20",
         registrant: str = "QZH7W", encoder: str = "Lavf61.7.100", label: str = "Halcyon Wave Music",
         markers_on: Sequence[int] = (), root: str = "/cat") -> list[TrackRecord]:
    """Round-robin farm: one writer, sequential ISRCs, one pipeline, template titles and covers."""
    rnd = random.Random(2025)
    base_hash = int(phash_for("farm-cover"), 16)
    records = []
    total = per_persona * len(personas)
    for k in range(total):
        index = k % len(personas)
        persona = personas[index]
        slot = k // len(personas)
        title = f"{FARM_WORDS_A[(slot + index) % 8]} {FARM_WORDS_B[(slot * 3 + index * 5) % 8]}"
        flipped = base_hash ^ (1 << rnd.randrange(64))
        records.append(track(
            f"{root}/{persona}/{title} {k}.mp3", artist=persona, title=title, album=title,
            date=day(start, (k * 10) // total), isrc=f"{registrant}25{101 + k:05d}",
            duration=round(150 + rnd.uniform(-0.5, 0.5), 2), writers=[(writer, None)],
            encoder=encoder, settings="-b 128", sample_rate=48000, bitrate=128_000, label=label,
            artwork=(sha(f"farm-cover-{k}"), f"{flipped:016x}"),
            layout="ID3v2.4[TIT2,TPE1,TRCK,TALB,TDRC,TCON,TSRC,TSSE,TCOM,TEXT,TPUB,APIC]pad=1k-2k",
            markers=("suno-comment@429",) if k in markers_on else (),
        ))
    return records


def build(tmp_path: Path, records: Iterable[TrackRecord], name: str = "audit.sqlite") -> Store:
    return write(Store(tmp_path / name), records)


def test_builders_make_a_store_that_detection_can_read(tmp_path: Path) -> None:
    with build(tmp_path, human_act("Quiet River", seed=3)) as store:
        summary = detect(store)
        assert summary.status == "completed"
        assert artist_risk(store)["Quiet River"][1] == "low"
