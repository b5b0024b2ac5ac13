"""The demo catalog, declared as data: who the acts are and how each file is made.

Why it looks like this: label staff learn the auditor on this catalog, so it
must contain the patterns the detectors look for *and* the honest look-alikes
that must not be flagged.

* Six human acts with ordinary, messy metadata: several writers each, co-writes,
  one co-writer shared by two acts (with an IPI), some writers with IPIs and
  some without, releases spread over 2009-2025, mixed encoders and settings.
* Fairness cases: an indie act with no composer credits at all (Orla Finch), a
  prolific library composer with IPI on every cue (Edith Marlowe), and two acts
  of one label sharing the label's house encoder (The Hollow Pines, Juno
  Calloway at Lantern Yard Records).
* An AI farm, modelled on a November 2025 news story (all names invented):
  three personas, every track written by one writer who appears nowhere else
  and has no IPI, released within ten days, sequential ISRCs under one
  registrant interleaved across personas, one encoder with one setting, one
  cover template, near-identical durations, template titles, and generator
  markers (comment, source URL, C2PA GEOB) on a third of the tracks.

Everything here is plain data; :func:`plan_catalog` flattens it into one
:class:`PlannedFile` per output file, deterministically.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from dataclasses import dataclass, field, replace

from auditor.demo.artwork import ArtSpec

__all__ = [
    "ACTS", "DemoAct", "DemoRelease", "DemoTags", "DemoTrack", "EncodeProfile", "FARM_LABEL",
    "FARM_PERSONAS", "FARM_REGISTRANT", "FARM_WINDOW", "FARM_WRITER", "HUMAN_ACTS", "HOUSE_ENCODER_ACTS",
    "LIBRARY_COMPOSER", "NO_CREDIT_ACT", "PlannedFile", "SHARED_WRITER", "Writer", "plan_catalog",
]


@dataclass(frozen=True, slots=True)
class DemoTags:
    """Every tag value one demo file carries; an empty value is simply not written."""

    title: str
    artist: str
    album: str = ""
    album_artist: str = ""
    label: str = ""
    publisher: str = ""
    isrc: str = ""
    barcode: str = ""
    catalog_number: str = ""
    date: str = ""
    original_date: str = ""
    genre: str = ""
    track_number: int = 0
    track_total: int = 0
    disc_number: int = 0
    disc_total: int = 0
    copyright: str = ""
    comment: str = ""
    composers: tuple[str, ...] = ()  # as written, possibly with an inline "(IPI ...)"
    lyricists: tuple[str, ...] = ()
    producers: tuple[str, ...] = ()
    composer_ipis: tuple[str, ...] = ()  # written under ``ipi_key``, in composer order
    ipi_key: str = "COMPOSER_IPI"
    extra: tuple[tuple[str, str], ...] = ()  # further free-form keys (TXXX / Vorbis / ----)
    encoder: str = ""  # tool string: TSSE, ENCODER, ©too, ISFT, WM/ToolName
    artwork: bytes = field(default=b"", repr=False)
    artwork_mime: str = "image/jpeg"
    id3_version: int = 4  # 3 or 4, where the container uses ID3
    id3v1: bool = False  # also an ID3v1 tag (MP3 only)
    source_url: str = ""  # ID3 WOAS
    c2pa_manifest: bytes = field(default=b"", repr=False)  # ID3 GEOB application/c2pa


@dataclass(frozen=True, slots=True)
class Writer:
    """A songwriter; ``ipi`` is the IPI name number when the act's metadata carries it."""

    name: str
    ipi: str | None = None


@dataclass(frozen=True, slots=True)
class EncodeProfile:
    """How a release was encoded: the production signature detectors compare."""

    codec: str
    sample_rate: int = 44100
    bitrate: int | None = None
    vbr_quality: int | None = None
    bits_per_sample: int = 16
    tool: str = ""  # the tool string written into the container's encoder field
    lame_version: str = "3.100"  # MP3 only: version in the LAME info tag
    id3_version: int = 4
    id3v1: bool = False


@dataclass(frozen=True, slots=True)
class DemoTrack:
    """One song of a release; empty credit tuples mean "no credit written"."""

    title: str
    seconds: float
    composers: tuple[str, ...] = ()
    lyricists: tuple[str, ...] = ()
    style: str | None = None  # overrides the act's style
    profile: EncodeProfile | None = None  # overrides the release's profile
    comment: str = ""
    extension: str | None = None  # overrides the codec's extension (the mismatch case)


@dataclass(frozen=True, slots=True)
class DemoRelease:
    """An album, EP or single, with the identifiers a distributor would assign."""

    title: str
    date: str
    profile: EncodeProfile
    tracks: tuple[DemoTrack, ...]
    label: str = ""
    catalog_number: str = ""
    genre: str = ""
    art_layout: str = "circles"
    art_format: str = "JPEG"
    delivery: str = ""  # non-empty: shipped as this ZIP under deliveries/


@dataclass(frozen=True, slots=True)
class DemoAct:
    """A recording artist (or farm persona) and its releases."""

    name: str
    kind: str  # "human" or "farm"
    style: str
    releases: tuple[DemoRelease, ...]
    writers: tuple[Writer, ...] = ()
    producers: tuple[str, ...] = ()
    publisher: str = ""
    isrc_registrant: str = ""  # country code + registrant, e.g. "GBLYR"
    barcode_prefix: str = ""  # first digits of the act's UPCs
    ipi_key: str = "COMPOSER_IPI"
    inline_ipi: bool = False  # co-writes with mixed IPI knowledge carry "(IPI ...)" in the name
    note: str = ""  # why this act is in the demo


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """Everything needed to produce one output file, independent of all others."""

    relpath: str
    act: str
    kind: str  # "human" or "farm"
    profile: EncodeProfile
    seed: int
    seconds: float
    style: str
    tags: DemoTags  # artwork bytes are filled in at build time from ``art``
    art: ArtSpec
    delivery: str = ""  # ZIP (relative path) this file is shipped in, if any
    role: str = "track"  # "track" or "mismatch"


# --- identifiers -------------------------------------------------------------------------------


def upc(digits11: str) -> str:
    """UPC-A with its check digit."""
    odd = sum(int(d) for d in digits11[0::2])
    even = sum(int(d) for d in digits11[1::2])
    return digits11 + str((10 - (odd * 3 + even) % 10) % 10)


def isrc(registrant: str, year: int, number: int) -> str:
    """ISRC: country(2) + registrant(3) + year(2) + designation(5)."""
    return f"{registrant}{year % 100:02d}{number:05d}"


# --- encoding profiles -------------------------------------------------------------------------

LAME_398 = EncodeProfile("mp3", bitrate=192_000, tool="LAME 3.98.4", lame_version="3.98r", id3_version=3, id3v1=True)
LAME_398_320 = EncodeProfile("mp3", bitrate=320_000, tool="LAME 3.98.4", lame_version="3.98r", id3_version=3)
LAME_399_V0 = EncodeProfile("mp3", vbr_quality=0, tool="LAME 3.99.5", lame_version="3.99r", id3_version=3)
LAME_399_320 = EncodeProfile("mp3", bitrate=320_000, tool="LAME 3.99.5", lame_version="3.99r", id3_version=4)
LAME_3100_256 = EncodeProfile("mp3", bitrate=256_000, tool="LAME 3.100", id3_version=4)
LAME_3100_320 = EncodeProfile("mp3", bitrate=320_000, tool="LAME 3.100", id3_version=4)
# Lantern Yard Records' house encoder: both of the label's acts ship through it.
LANTERN_HOUSE = EncodeProfile("mp3", vbr_quality=2, tool="Lantern Yard Mastering (LAME 3.99.5 -V2)",
                              lame_version="3.99r", id3_version=3)
# The farm: one pipeline, one setting, for every persona.
FARM_PROFILE = EncodeProfile("mp3", sample_rate=48000, bitrate=128_000, tool="Lavf61.7.100", id3_version=4)

# --- the people ----------------------------------------------------------------------------------

MAREN = Writer("Maren Ekdahl", "00412873561")
TOBIAS = Writer("Tobias Wren")
JUNO = Writer("Juno Calloway", "00587214963")
DEV = Writer("Dev Okonkwo", "00731945628")  # co-writes for two acts
PRIYA = Writer("Priya Raman")
RAFAEL = Writer("Rafael Mendes", "00295518304")
AIKO = Writer("Aiko Tanabe", "00844120975")
CALLUM = Writer("Callum Reid", "00652281907")
SEAN = Writer("Sean Doyle")
EDITH = Writer("Edith Marlowe", "00118034527")

SHARED_WRITER = DEV.name
LIBRARY_COMPOSER = EDITH.name
NO_CREDIT_ACT = "Orla Finch"
HOUSE_ENCODER_ACTS = ("The Hollow Pines", "Juno Calloway")

FARM_PERSONAS: tuple[str, ...] = ("Lyra Solenne", "Milo Ashcroft", "Sienna Vale")
FARM_WRITER = "Adrian Kessel"
FARM_LABEL = "Halcyon Wave Music"
FARM_PUBLISHER = "Halcyon Wave Publishing"
FARM_REGISTRANT = "QZH7W"
FARM_WINDOW = ("2025-10-20", "2025-10-30")
FARM_DURATION = 14.0
_FARM_TITLES: dict[str, tuple[str, ...]] = {
    "Lyra Solenne": ("Midnight Echoes", "Neon Hearts", "Velvet Skyline", "Golden Hour Drive",
                     "Midnight Echoes II", "Lunar Waves", "Electric Dreams", "Silver Horizon"),
    "Milo Ashcroft": ("Neon Echoes", "Midnight Hearts", "Velvet Horizon", "Golden Hour Dreams",
                      "Neon Echoes II", "Lunar Lights", "Electric Skyline", "Silver Waves"),
    "Sienna Vale": ("Velvet Echoes", "Neon Skyline", "Midnight Horizon", "Golden Hour Waves",
                    "Velvet Echoes II", "Lunar Hearts", "Electric Echoes", "Silver Dreams"),
}

T = DemoTrack

ACTS: tuple[DemoAct, ...] = (
    DemoAct(
        "The Hollow Pines", "human", "folk", writers=(MAREN, TOBIAS), producers=("Ilse Varga",),
        publisher="Hollow Pines Music", isrc_registrant="SEK4H", barcode_prefix="73012",
        note="Folk band: self-release, then Lantern Yard's house encoder; one writer has an IPI.",
        releases=(
            DemoRelease("Cedar Smoke", "2011-04-18", LAME_398, label="", genre="Folk", art_layout="mountains", tracks=(
                T("Cedar Smoke", 14.4, (MAREN.name,), (MAREN.name,)),
                T("Kettle River", 11.9, (MAREN.name, TOBIAS.name), (MAREN.name,)),
                T("Woodsmoke Hymn", 15.2, (TOBIAS.name,), (TOBIAS.name,)),
                T("Long Way to Ume", 10.6, (MAREN.name, TOBIAS.name), (TOBIAS.name,)),
            )),
            DemoRelease("Low Water", "2015-09-04", LANTERN_HOUSE, label="Lantern Yard Records",
                        catalog_number="LYR-031", genre="Folk", art_layout="waves", tracks=(
                T("Low Water", 14.3, (MAREN.name,), (MAREN.name,)),
                T("Salt in the Well", 10.7, (MAREN.name, TOBIAS.name), (MAREN.name, TOBIAS.name)),
                T("Fieldfare", 15.9, (TOBIAS.name,), (TOBIAS.name,), style="pop"),
            )),
            DemoRelease("Paper Lanterns", "2019-11-08", EncodeProfile("flac", tool="XLD 20181126"),
                        label="Lantern Yard Records", catalog_number="LYR-077", genre="Folk",
                        art_layout="stripes", art_format="PNG", tracks=(
                T("Paper Lanterns", 10.2, (MAREN.name,), (MAREN.name,), style="ambient"),
            )),
        ),
    ),
    DemoAct(
        "Juno Calloway", "human", "pop", writers=(JUNO, DEV, PRIYA), producers=("Dev Okonkwo",),
        publisher="Calloway Songs", isrc_registrant="GBLYR", barcode_prefix="50602", inline_ipi=True,
        note="Pop songwriter at Lantern Yard (shares the label's house encoder) with co-writers.",
        releases=(
            DemoRelease("Glasshouse", "2016-03-11", LANTERN_HOUSE, label="Lantern Yard Records",
                        catalog_number="LYR-044", genre="Pop", art_layout="circles", tracks=(
                T("Glasshouse", 15.6, (JUNO.name, DEV.name), (JUNO.name,)),
                T("Paper Planes at Dawn", 12.2, (JUNO.name,), (JUNO.name,)),
                T("Overexposed", 16.4, (JUNO.name, PRIYA.name), (JUNO.name, PRIYA.name)),
            )),
            DemoRelease("Satellite Summer", "2021-06-25", LANTERN_HOUSE, label="Lantern Yard Records",
                        catalog_number="LYR-102", genre="Pop", art_layout="blocks", tracks=(
                T("Satellite Summer", 13.1, (JUNO.name, DEV.name), (JUNO.name,)),
                T("Lights of Leith", 11.3, (JUNO.name, DEV.name, PRIYA.name), (JUNO.name,), style="folk"),
            )),
            DemoRelease("Northbound", "2024-02-09",
                        EncodeProfile("aac", bitrate=256_000, tool="iTunes 12.13.1.3"),
                        label="Lantern Yard Records", catalog_number="LYR-140", genre="Pop",
                        art_layout="type", tracks=(
                T("Northbound", 13.4, (JUNO.name, DEV.name), (JUNO.name,), style="electronic"),
            )),
        ),
    ),
    DemoAct(
        "Static Bloom", "human", "electronic", writers=(RAFAEL, AIKO), producers=("Rafael Mendes", "Aiko Tanabe"),
        publisher="Parallax Publishing", isrc_registrant="DEPX7", barcode_prefix="42601",
        note="Electronic duo: iTunes-encoded AAC, one ALAC, Opus web release; both writers have IPIs.",
        releases=(
            DemoRelease("Kinetic", "2013-11-22", EncodeProfile("aac", bitrate=256_000, tool="iTunes 11.1.3"),
                        label="Parallax Audio", catalog_number="PLX-019", genre="Electronic", art_layout="grid",
                        tracks=(
                T("Kinetic", 13.1, (RAFAEL.name, AIKO.name)),
                T("Sodium Lights", 14.6, (RAFAEL.name, AIKO.name), style="ambient"),
            )),
            DemoRelease("Afterglow Systems", "2018-05-18",
                        EncodeProfile("aac", sample_rate=48000, bitrate=256_000, tool="iTunes 12.7.4.76"),
                        label="Parallax Audio", catalog_number="PLX-052", genre="Electronic", art_layout="circles",
                        tracks=(
                T("Afterglow Systems", 12.2, (RAFAEL.name, AIKO.name)),
                T("Afterglow (Lossless Edit)", 10.0, (RAFAEL.name, AIKO.name), style="ambient",
                  profile=EncodeProfile("alac", tool="iTunes 12.7.4.76")),
            )),
            DemoRelease("Night Bus", "2023-09-15",
                        EncodeProfile("opus", sample_rate=48000, bitrate=96_000, tool="opusenc from opus-tools 0.2"),
                        label="Parallax Audio", catalog_number="PLX-090", genre="Electronic",
                        art_layout="blocks", art_format="PNG", tracks=(
                T("Night Bus", 12.8, (RAFAEL.name,)),
                T("Last Stop Drift", 15.3, (RAFAEL.name, AIKO.name), style="ambient"),
            )),
        ),
    ),
    DemoAct(
        NO_CREDIT_ACT, "human", "pop", publisher="", isrc_registrant="USQ8F", barcode_prefix="19401",
        note="Fairness case: self-released indie with no composer credits at all, otherwise ordinary.",
        releases=(
            DemoRelease("Small Hours", "2017-02-03", LAME_399_V0, genre="Indie", art_layout="mountains", tracks=(
                T("Small Hours", 11.3),
                T("Borrowed Coat", 16.8, style="folk"),
                T("Radiator Song", 13.1),
            )),
            DemoRelease("Weather Patterns", "2020-10-09",
                        EncodeProfile("vorbis", vbr_quality=5, tool="libsndfile-1.0.28"), genre="Indie",
                        art_layout="waves", tracks=(
                T("Weather Patterns", 15.7),
                T("Pressure Front", 10.2, style="electronic"),
                T("Sleet", 17.9, style="ambient"),
            )),
            DemoRelease("Tidewater", "2023-05-26", EncodeProfile("flac", tool="Audacity 3.3.2"),
                        genre="Indie", art_layout="stripes", tracks=(
                T("Tidewater", 10.3, style="ambient"),
                T("Tidewater (Demo)", 10.1, style="ambient", extension=".mp3"),  # FLAC saved as .mp3
            )),
        ),
    ),
    DemoAct(
        "Grey Harbour", "human", "rock", writers=(CALLUM, SEAN, DEV), producers=("Niamh Coyle",),
        publisher="Tin Roof Songs", isrc_registrant="IETR9", barcode_prefix="53910", inline_ipi=True,
        note="Rock band since 2009: old LAME + WMA, libsndfile Vorbis, a live WAV, a ZIP delivery.",
        releases=(
            DemoRelease("Breakwater", "2009-08-14", replace(LAME_398, tool="LAME 3.98.2"), label="Tin Roof Records",
                        catalog_number="TRR-007", genre="Rock", art_layout="grid", tracks=(
                T("Breakwater", 16.6, (CALLUM.name, SEAN.name), (CALLUM.name,)),
                T("Dry Dock", 13.2, (CALLUM.name,), (CALLUM.name,)),
                T("Harbour Lights (Web Bonus)", 12.0, (CALLUM.name, SEAN.name), (CALLUM.name,),
                  profile=EncodeProfile("wma", bitrate=128_000, tool="Windows Media Player 11.0.5721.5262")),
            )),
            DemoRelease("Signal Fires", "2014-03-21", EncodeProfile("vorbis", vbr_quality=4, tool="libsndfile-1.0.25"),
                        label="Tin Roof Records", catalog_number="TRR-021", genre="Rock", art_layout="type", tracks=(
                T("Signal Fires", 14.4, (CALLUM.name, DEV.name), (CALLUM.name,)),
                T("Undertow Road", 16.8, (CALLUM.name, SEAN.name), (SEAN.name,)),
                T("Lamplighter", 11.1, (SEAN.name, DEV.name), (SEAN.name,), style="folk"),
            )),
            DemoRelease("Live at the Anchor", "2018-11-30",
                        EncodeProfile("wav", tool="REAPER v5.965", id3_version=3),
                        label="Tin Roof Records", catalog_number="TRR-038", genre="Rock", art_layout="circles", tracks=(
                T("Dry Dock (Live)", 10.2, (CALLUM.name,), (CALLUM.name,)),
            )),
            DemoRelease("Undertow", "2025-03-14", replace(LAME_3100_256, bitrate=192_000), label="Tin Roof Records",
                        catalog_number="TRR-061", genre="Rock", art_layout="mountains",
                        delivery="deliveries/Grey Harbour - Undertow (TRR-061).zip", tracks=(
                T("Undertow", 12.4, (CALLUM.name, SEAN.name, DEV.name), (CALLUM.name,)),
                T("Salt Lines", 11.9, (CALLUM.name,), (CALLUM.name,)),
                T("Foghorn", 10.3, (SEAN.name,), (SEAN.name,)),
            )),
        ),
    ),
    DemoAct(
        LIBRARY_COMPOSER, "human", "ambient", writers=(EDITH,), publisher="Northlight Production Music",
        isrc_registrant="GBNLM", barcode_prefix="50607", ipi_key="IPI",
        note="Prolific library-music composer: many cues over 15 years, IPI on every one.",
        releases=(
            DemoRelease("Quiet Landscapes", "2010-05-03", replace(LAME_398_320, bitrate=256_000),
                        label="Northlight Library", catalog_number="NLM012", genre="Soundtrack",
                        art_layout="mountains", tracks=(
                T("Open Fields (30s edit)", 11.0, (EDITH.name,), comment="Warm, reflective pad bed; slow build."),
                T("Frost on Glass", 10.0, (EDITH.name,), comment="Sparse, cold, glassy textures.", style="electronic"),
            )),
            DemoRelease("Urban Motion", "2012-02-20", replace(LAME_398_320, bitrate=256_000),
                        label="Northlight Library", catalog_number="NLM024", genre="Soundtrack",
                        art_layout="grid", tracks=(
                T("Commuter Grid", 11.2, (EDITH.name,), comment="Driving, positive corporate pulse.",
                  style="electronic"),
            )),
            DemoRelease("Tension & Release", "2014-09-15", LAME_399_320, label="Northlight Library",
                        catalog_number="NLM031", genre="Soundtrack", art_layout="type", tracks=(
                T("Slow Burn", 10.0, (EDITH.name,), comment="Rising tension, unresolved.",
                  profile=EncodeProfile("aiff", tool="Logic Pro X 10.0.7", id3_version=4)),
                T("Exhale", 10.6, (EDITH.name,), comment="Release and calm after tension."),
            )),
            DemoRelease("Cinematic Pulses", "2017-06-12", replace(LAME_399_320, bitrate=192_000),
                        label="Northlight Library", catalog_number="NLM047", genre="Soundtrack",
                        art_layout="waves", tracks=(
                T("Pulse Engine", 12.0, (EDITH.name,), comment="Epic ticking percussion bed.", style="electronic"),
                T("Wide Shot", 10.5, (EDITH.name,), comment="Sweeping, hopeful.", style="pop"),
            )),
            DemoRelease("Documentary Beds", "2020-01-27", replace(LAME_3100_320, bitrate=None, vbr_quality=0),
                        label="Northlight Library", catalog_number="NLM066", genre="Soundtrack",
                        art_layout="blocks", tracks=(
                T("Field Notes", 11.4, (EDITH.name,), comment="Curious, light, acoustic.", style="folk"),
            )),
            DemoRelease("Horizons", "2025-04-07", LAME_3100_320, label="Northlight Library",
                        catalog_number="NLM083", genre="Soundtrack", art_layout="circles", art_format="PNG", tracks=(
                T("First Light", 10.0, (EDITH.name,), comment="Gentle sunrise swell (24-bit master).",
                  profile=EncodeProfile("flac", sample_rate=48000, bits_per_sample=24, tool="Logic Pro 11.1")),
                T("Meridian", 10.4, (EDITH.name,), comment="Broad, optimistic, orchestral-electronic.", style="pop"),
            )),
        ),
    ),
)

HUMAN_ACTS: tuple[str, ...] = tuple(act.name for act in ACTS if act.kind == "human")

_EXTENSIONS = {"mp3": ".mp3", "flac": ".flac", "vorbis": ".ogg", "opus": ".opus", "aac": ".m4a",
               "alac": ".m4a", "wav": ".wav", "aiff": ".aiff", "wma": ".wma"}


def _safe(name: str) -> str:
    """File-system safe name that still reads like the tag value."""
    return re.sub(r'[\\/:*?"<>|]', "_", name).strip(" .")


def _credits(act: DemoAct, names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Composer strings and the IPI values to write under the act's IPI key.

    When every composer's IPI is known the IPIs go under the key, in composer
    order (the reader pairs them by position).  When only some are known, acts
    with ``inline_ipi`` write them inside the name, as some publishers do;
    others simply leave them out, as real metadata often does.
    """
    ipis = {w.name: w.ipi for w in act.writers}
    known = [ipis.get(n) for n in names]
    if names and all(known):
        return names, tuple(k for k in known if k)
    if any(known) and act.inline_ipi:
        return tuple(f"{n} (IPI {ipis[n]})" if ipis.get(n) else n for n in names), ()
    return names, ()


def _human_files(act: DemoAct, act_index: int) -> list[PlannedFile]:
    files: list[PlannedFile] = []
    number = 1
    for r_index, release in enumerate(act.releases):
        year = int(release.date[:4])
        barcode = upc(f"{act.barcode_prefix}{year % 100:02d}{r_index:02d}{act_index:02d}"[:11].ljust(11, "0"))
        art = ArtSpec(release.art_layout, release.title, act.name, seed=1000 * act_index + r_index,
                      hue=((act_index * 0.17 + r_index * 0.31) % 1.0), image_format=release.art_format)
        folder = f"{_safe(act.name)}/{_safe(release.title)} ({year})"
        owner = release.label or act.name
        for t_index, track in enumerate(release.tracks, start=1):
            profile = track.profile or release.profile
            composers, composer_ipis = _credits(act, track.composers)
            ext = track.extension or _EXTENSIONS[profile.codec]
            name = f"{t_index:02d} - {_safe(track.title)}{ext}"
            relpath = name if release.delivery else f"{folder}/{name}"
            tags = DemoTags(
                title=track.title, artist=act.name, album=release.title, album_artist=act.name,
                label=release.label, publisher=act.publisher, isrc=isrc(act.isrc_registrant, year, 100 + number),
                barcode=barcode, catalog_number=release.catalog_number, date=release.date,
                original_date=release.date if r_index % 2 else "", genre=release.genre,
                track_number=t_index, track_total=len(release.tracks), disc_number=1 if r_index % 2 == 0 else 0,
                disc_total=1 if r_index % 2 == 0 else 0, copyright=f"\u2117 {year} {owner}", comment=track.comment,
                composers=composers, lyricists=track.lyricists, producers=act.producers if track.composers else (),
                composer_ipis=composer_ipis, ipi_key=act.ipi_key, encoder=profile.tool,
                artwork_mime=art.mime, id3_version=profile.id3_version, id3v1=profile.id3v1,
            )
            files.append(PlannedFile(
                relpath=relpath, act=act.name, kind="human", profile=profile,
                seed=act_index * 10_000 + r_index * 100 + t_index, seconds=track.seconds,
                style=track.style or act.style, tags=tags, art=art, delivery=release.delivery,
                role="mismatch" if track.extension else "track",
            ))
            number += 1
    return files


def _c2pa_manifest(title: str, persona: str, song_id: str, created: str) -> bytes:
    """A small, fake C2PA-style manifest as a generator would embed it (JSON, not JUMBF)."""
    manifest = {
        "claim_generator": "Suno",
        "claim_generator_info": [{"name": "Suno", "version": "4.5"}],
        "title": title,
        "instance_id": f"xmp:iid:{song_id}",
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": [{
                "action": "c2pa.created", "when": created,
                "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
            }]}},
            {"label": "stds.schema-org.CreativeWork", "data": {"author": [{"@type": "Person", "name": persona}]}},
        ],
    }
    return json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _farm_files() -> list[PlannedFile]:
    """24 farm singles: ISRCs and dates advance together, round-robin over the personas."""
    rnd = random.Random(20251020)
    files: list[PlannedFile] = []
    per_persona = len(next(iter(_FARM_TITLES.values())))
    total = per_persona * len(FARM_PERSONAS)
    for k in range(total):
        persona = FARM_PERSONAS[k % len(FARM_PERSONAS)]
        slot = k // len(FARM_PERSONAS)
        title = _FARM_TITLES[persona][slot]
        day = 20 + (k * 10) // total  # 2025-10-20 .. 2025-10-29
        date = f"2025-10-{day:02d}"
        created = f"{date}T{rnd.randrange(24):02d}:{rnd.randrange(60):02d}:{rnd.randrange(60):02d}Z"
        song_id = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
        seconds = round(FARM_DURATION + rnd.uniform(-0.25, 0.25), 2)
        hue = 0.80 + rnd.uniform(-0.02, 0.02)
        comment = source_url = ""
        manifest = b""
        if k % 3 == 0:  # a third of the farm carries a generator marker
            if k == 9:
                source_url = f"https://suno.com/song/{song_id}"
            elif k == 15:
                manifest = _c2pa_manifest(title, persona, song_id, created)
            else:
                comment = f"made with suno; created={created}; id={song_id}"
        art = ArtSpec("farm", title, persona, seed=2025, hue=hue)
        tags = DemoTags(
            title=title, artist=persona, album=title, album_artist=persona, label=FARM_LABEL,
            publisher=FARM_PUBLISHER, isrc=isrc(FARM_REGISTRANT, 2025, 101 + k),
            barcode=upc(f"1987{k + 1:07d}"), date=date, genre="Chill Pop", track_number=1, track_total=1,
            copyright=f"\u2117 2025 {FARM_LABEL}", comment=comment, composers=(FARM_WRITER,),
            lyricists=(FARM_WRITER,), encoder=FARM_PROFILE.tool, artwork_mime=art.mime,
            id3_version=FARM_PROFILE.id3_version, source_url=source_url, c2pa_manifest=manifest,
        )
        relpath = f"{_safe(persona)}/{_safe(title)} (2025)/01 - {_safe(title)}.mp3"
        files.append(PlannedFile(relpath=relpath, act=persona, kind="farm", profile=FARM_PROFILE,
                                 seed=900_000 + k, seconds=seconds, style="farm", tags=tags, art=art))
    return files


def plan_catalog() -> tuple[PlannedFile, ...]:
    """Every file of the demo, in a fixed order; pure function of this module's data."""
    files: list[PlannedFile] = []
    for index, act in enumerate(ACTS, start=1):
        files.extend(_human_files(act, index))
    files.extend(_farm_files())
    return tuple(files)
