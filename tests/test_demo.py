"""The demo catalog: synthesized audio, real containers, real tags, a farm to find.

The catalog is built once per module (it takes seconds) and every test reads
it with mutagen directly, so these tests check the files themselves, not the
plan that produced them.
"""

from __future__ import annotations

import itertools
import json
import struct
import time
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import mutagen
import numpy as np
import pytest
from mutagen.flac import FLAC

from auditor.demo import (
    BROKEN_FILE,
    FARM_LABEL,
    FARM_PERSONAS,
    FARM_REGISTRANT,
    FARM_WINDOW,
    FARM_WRITER,
    HOUSE_ENCODER_ACTS,
    HUMAN_ACTS,
    LIBRARY_COMPOSER,
    MARKER,
    NO_CREDIT_ACT,
    SHARED_WRITER,
    DemoSummary,
    build_demo_catalog,
    plan_catalog,
    produce_file,
)
from auditor.demo.artwork import ArtSpec, difference_hash, render_cover
from auditor.demo.catalog import DemoTags
from auditor.demo.encode import EXTENSIONS, encode_audio, stamp_lame_header, tag_file
from auditor.demo.synth import STYLES, render_song
from auditor.errors import UsageError

AUDIO_EXTENSIONS = {".mp3", ".flac", ".ogg", ".opus", ".m4a", ".wav", ".aiff", ".wma"}


# --- reading helpers (mutagen only, per container) -------------------------------------------------


def _values(f: Any, id3: str, vorbis: str, mp4: str, asf: str) -> list[str]:
    """All values of one field, whatever the container."""
    tags = f.tags
    if tags is None:
        return []
    name = type(f).__name__
    out: list[str] = []
    if name in ("MP3", "WAVE", "AIFF"):
        for frame in tags.getall(id3):
            out.extend(str(v) for v in frame.text)
        return out
    if name in ("FLAC", "OggVorbis", "OggOpus"):
        return list(tags.get(vorbis, []))
    if name == "MP4":
        for v in tags.get(mp4, []):
            out.append(v.decode("utf-8") if isinstance(v, bytes) else str(v))
        return out
    if name == "ASF":
        return [str(v) for v in tags.get(asf, [])]
    raise AssertionError(f"unexpected container {name}")


def composers(f: Any) -> list[str]:
    return _values(f, "TCOM", "composer", "\xa9wrt", "WM/Composer")


def isrc_of(f: Any) -> str:
    (value,) = _values(f, "TSRC", "isrc", "----:com.apple.iTunes:ISRC", "WM/ISRC")
    return value


def date_of(f: Any) -> str:
    (value,) = _values(f, "TDRC", "date", "\xa9day", "WM/Year")
    return value


def encoder_of(f: Any) -> str:
    (value,) = _values(f, "TSSE", "encoder", "\xa9too", "WM/ToolName")
    return value


def ipis(f: Any) -> list[str]:
    """IPI numbers, from COMPOSER_IPI / IPI keys or inline "(IPI ...)" in credits."""
    found = []
    for key in ("COMPOSER_IPI", "IPI"):
        found += _values(f, f"TXXX:{key}", key.lower(), f"----:com.apple.iTunes:{key}", key)
    for name in composers(f):
        if "(IPI " in name:
            found.append(name.split("(IPI ")[1].rstrip(")"))
    return found


def artist_of(f: Any) -> str:
    (value,) = _values(f, "TPE1", "artist", "\xa9ART", "Author")
    return value


def picture_of(f: Any) -> bytes:
    name = type(f).__name__
    if name in ("MP3", "WAVE", "AIFF"):
        return f.tags.getall("APIC")[0].data
    if name == "FLAC":
        return f.pictures[0].data
    if name in ("OggVorbis", "OggOpus"):
        import base64

        from mutagen.flac import Picture

        return Picture(base64.b64decode(f.tags["metadata_block_picture"][0])).data
    if name == "MP4":
        return bytes(f.tags["covr"][0])
    if name == "ASF":  # type, size, UTF-16 mime + NUL, UTF-16 description + NUL, data
        blob = f.tags["WM/Picture"][0].value
        pos = 5
        for _ in range(2):
            while blob[pos:pos + 2] != b"\x00\x00":
                pos += 2
            pos += 2
        return blob[pos:]
    raise AssertionError(name)


# --- the catalog, built once --------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    events: list[tuple[int, int, str]] = []
    summary = build_demo_catalog(tmp_path_factory.mktemp("demo") / "catalog",
                                 progress=lambda done, total, text: events.append((done, total, text)))
    assert events and events[-1][0] == events[-1][1]
    return summary


@pytest.fixture(scope="module")
def tracks(demo: DemoSummary) -> dict[str, Any]:
    """Every track on disk (not inside the ZIP), by relative path, read by content type."""
    out = {}
    for planned in plan_catalog():
        if planned.delivery:
            continue
        path = demo.root / planned.relpath
        out[planned.relpath] = FLAC(path) if planned.role == "mismatch" else mutagen.File(path)
    return out


def _act_files(tracks: dict[str, Any], act: str) -> dict[str, Any]:
    return {rel: f for rel, f in tracks.items() if artist_of(f) == act}


# --- synthesizer ------------------------------------------------------------------------------


@pytest.mark.parametrize("style", STYLES)
def test_render_song_returns_stereo_float32_within_unit_range(style: str) -> None:
    samples = render_song(3, 4.0, 44100, style=style)
    assert samples.shape == (4 * 44100, 2)
    assert samples.dtype == np.float32
    assert np.all(np.abs(samples) <= 1.0)
    assert 0.05 < float(np.sqrt(np.mean(samples**2))) < 0.7  # audible, not clipped flat


def test_render_song_is_deterministic_per_seed_and_differs_between_seeds() -> None:
    first = render_song(11, 3.0, 48000, style="folk", tempo_bpm=92, key=4)
    assert np.array_equal(first, render_song(11, 3.0, 48000, style="folk", tempo_bpm=92, key=4))
    assert not np.array_equal(first, render_song(12, 3.0, 48000, style="folk", tempo_bpm=92, key=4))


def test_render_song_renders_twenty_seconds_in_well_under_half_a_second() -> None:
    render_song(0, 1.0)  # warm up imports and caches
    best = float("inf")
    for seed in range(3):  # best of three: the machine may be busy with other work
        started = time.perf_counter()
        render_song(seed, 20.0, 44100, style="pop")
        best = min(best, time.perf_counter() - started)
    assert best < 0.5


def test_farm_songs_sound_more_alike_than_human_pop_songs() -> None:
    def band_profile(samples: np.ndarray) -> np.ndarray:
        spectrum = np.abs(np.fft.rfft(samples.mean(axis=1))) ** 2
        freqs = np.fft.rfftfreq(len(samples), 1 / 44100)
        edges = np.geomspace(40, 16000, 25)
        bands = np.array([spectrum[(freqs >= lo) & (freqs < hi)].sum() for lo, hi in zip(edges, edges[1:])])
        return np.log10(bands / bands.sum() + 1e-12)

    def spread(style: str) -> float:
        profiles = [band_profile(render_song(seed, 8.0, 44100, style=style)) for seed in range(5)]
        return float(np.mean([np.abs(a - b).mean() for a, b in itertools.combinations(profiles, 2)]))

    assert spread("farm") < spread("pop")


def test_unknown_style_and_codec_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        render_song(1, 1.0, style="polka")
    with pytest.raises(UsageError):
        encode_audio(np.zeros((100, 2), np.float32), 44100, tmp_path / "x.ape", "ape")


# --- encoders and tags ---------------------------------------------------------------------------


@pytest.mark.parametrize("codec", sorted(EXTENSIONS))
def test_encoded_file_is_readable_and_carries_no_encoder_self_tags(codec: str, tmp_path: Path) -> None:
    rate = 48000 if codec == "opus" else 44100
    path = encode_audio(render_song(5, 2.0, rate), rate, tmp_path / f"x{EXTENSIONS[codec]}", codec)
    audio: Any = mutagen.File(path)
    assert audio is not None and abs(audio.info.length - 2.0) < 0.1
    assert not audio.tags  # no TSSE "Lavf...", no ENCODER=libsndfile, no ©too
    data = path.read_bytes()
    assert b"Lavf" not in data and b"Lavc" not in data


@pytest.mark.parametrize("codec", sorted(EXTENSIONS))
def test_encoding_the_same_samples_twice_gives_identical_bytes(codec: str, tmp_path: Path) -> None:
    rate = 48000 if codec == "opus" else 44100
    samples = render_song(6, 1.5, rate)
    one = encode_audio(samples, rate, tmp_path / f"a{EXTENSIONS[codec]}", codec).read_bytes()
    two = encode_audio(samples, rate, tmp_path / f"b{EXTENSIONS[codec]}", codec).read_bytes()
    assert one == two


def test_mp3_carries_a_lame_info_header_naming_version_and_settings(tmp_path: Path) -> None:
    from mutagen.mp3 import MP3, BitrateMode

    samples = render_song(7, 3.0)
    cbr = encode_audio(samples, 44100, tmp_path / "cbr.mp3", "mp3", bitrate=192_000)
    vbr = encode_audio(samples, 44100, tmp_path / "vbr.mp3", "mp3", vbr_quality=2)
    info: Any = MP3(cbr).info
    assert info.bitrate_mode == BitrateMode.CBR and info.encoder_info.startswith("LAME 3.100")
    assert info.encoder_settings == "-b 192"
    info = MP3(vbr).info
    assert info.bitrate_mode == BitrateMode.VBR and info.encoder_settings == "-V 2"
    stamp_lame_header(vbr, version="3.98r", vbr_quality=2)
    info = MP3(vbr).info
    assert info.encoder_info.startswith("LAME 3.98")
    assert b"LAME3.100" not in vbr.read_bytes()  # frame padding agrees with the header


def test_wav_gets_an_id3_chunk_and_a_well_formed_riff_info_chunk(tmp_path: Path) -> None:
    path = encode_audio(render_song(8, 1.0), 44100, tmp_path / "x.wav", "wav")
    tags = DemoTags(title="Odd", artist="Band", album="An Album", comment="c", date="2018-11-30",
                    genre="Rock", copyright="\u2117 2018 Label", encoder="REAPER v5.965", id3_version=3)
    tag_file(path, "wav", tags)
    tag_file(path, "wav", tags)  # rewriting replaces the INFO chunk instead of adding another
    data = path.read_bytes()
    assert data[:4] == b"RIFF" and struct.unpack("<I", data[4:8])[0] == len(data) - 8
    chunks, offset = [], 12
    while offset < len(data):
        cid, size = data[offset:offset + 4], struct.unpack("<I", data[offset + 4:offset + 8])[0]
        chunks.append((cid, data[offset + 8:offset + 8 + size]))
        offset += 8 + size + (size & 1)
    assert offset == len(data)
    assert [c for c, _ in chunks] == [b"fmt ", b"data", b"LIST", b"id3 "]
    info = chunks[2][1]
    assert info[:4] == b"INFO"
    items, pos = {}, 4
    while pos < len(info):
        key, size = info[pos:pos + 4].decode(), struct.unpack("<I", info[pos + 4:pos + 8])[0]
        items[key] = info[pos + 8:pos + 8 + size].rstrip(b"\x00").decode()
        pos += 8 + size + (size & 1)
    assert items == {"INAM": "Odd", "IART": "Band", "IPRD": "An Album", "ICMT": "c", "ICRD": "2018-11-30",
                     "IGNR": "Rock", "ICOP": "\u2117 2018 Label", "ISFT": "REAPER v5.965"}
    assert mutagen.File(path)["TIT2"].text == ["Odd"]


@pytest.mark.parametrize("codec", sorted(EXTENSIONS))
def test_tag_file_writes_native_tags_that_read_back(codec: str, tmp_path: Path) -> None:
    rate = 48000 if codec == "opus" else 44100
    path = encode_audio(render_song(9, 1.0, rate), rate, tmp_path / f"x{EXTENSIONS[codec]}", codec)
    cover = render_cover(ArtSpec("grid", "T", "A", 1, 0.3))
    tags = DemoTags(title="Song", artist="Act", album="Album", isrc="GBXKM1100231", date="2014-05-12",
                    composers=("Ann Lee", "Bo Park"), composer_ipis=("00412873561", "00731945628"),
                    encoder="Tool 1.0", artwork=cover, id3_version=3 if codec == "mp3" else 4)
    tag_file(path, codec, tags)
    audio = mutagen.File(path)
    assert composers(audio) in (["Ann Lee", "Bo Park"], ["Ann Lee / Bo Park"])
    assert isrc_of(audio) == "GBXKM1100231"
    assert encoder_of(audio) == "Tool 1.0"
    assert ipis(audio) == ["00412873561", "00731945628"] or ipis(audio) == ["00412873561 / 00731945628"]
    assert picture_of(audio) == cover


# --- artwork ----------------------------------------------------------------------------------------


def test_cover_art_is_deterministic_and_farm_template_clusters() -> None:
    farm = [render_cover(ArtSpec("farm", title, "P", 2025, 0.8 + d)) for title, d in
            (("Midnight Echoes", 0.0), ("Neon Echoes II", 0.02), ("Velvet Skyline", -0.02))]
    human = [render_cover(ArtSpec(layout, "Album", "Act", seed, hue)) for layout, seed, hue in
             (("circles", 1, 0.1), ("stripes", 2, 0.5), ("mountains", 3, 0.7), ("grid", 4, 0.2))]
    assert render_cover(ArtSpec("circles", "Album", "Act", 1, 0.1)) == human[0]

    def distance(a: bytes, b: bytes) -> int:
        return bin(difference_hash(a) ^ difference_hash(b)).count("1")

    assert max(distance(a, b) for a, b in itertools.combinations(farm, 2)) <= 6
    assert min(distance(a, b) for a, b in itertools.combinations(human, 2)) >= 12


# --- the catalog as built -----------------------------------------------------------------------------


def test_catalog_has_60_to_120_tracks_of_10_to_30_seconds_in_under_30_mb(demo: DemoSummary, tracks) -> None:
    assert 60 <= demo.tracks <= 120
    assert demo.human_tracks + demo.farm_tracks == demo.tracks
    on_disk = sum(p.stat().st_size for p in demo.root.rglob("*") if p.is_file())
    assert on_disk < 30_000_000
    assert demo.total_bytes == on_disk - (demo.root / MARKER).stat().st_size
    for rel, audio in tracks.items():
        assert 9.9 <= audio.info.length <= 30.5, rel


def test_catalog_uses_the_required_formats_rates_and_depths(demo: DemoSummary, tracks) -> None:
    suffixes = {Path(rel).suffix for rel in tracks}
    assert {".mp3", ".flac", ".ogg", ".m4a", ".wav"} <= suffixes
    assert {".aiff", ".opus"} & suffixes
    assert {getattr(audio.info, "sample_rate", 48000) for audio in tracks.values()} >= {44100, 48000}
    assert any(isinstance(a, FLAC) and a.info.bits_per_sample == 24 for a in tracks.values())
    lame = {a.info.encoder_info.split(".")[0] + "." + a.info.encoder_info.split(".")[1]
            for a in tracks.values() if type(a).__name__ == "MP3"}
    assert {"LAME 3.98", "LAME 3.99", "LAME 3.100"} <= lame


def test_every_file_is_readable_except_the_listed_failures(demo: DemoSummary) -> None:
    mismatches = set(demo.expected_mismatches)
    failures = set(demo.expected_failures)
    for path in demo.root.rglob("*"):
        rel = path.relative_to(demo.root).as_posix()
        if not path.is_file() or path.suffix not in AUDIO_EXTENSIONS:
            continue
        if rel in failures:
            with pytest.raises(mutagen.MutagenError):
                mutagen.File(path)
        elif rel in mismatches:
            assert path.read_bytes()[:4] == b"fLaC" and FLAC(path).info.length > 9
        else:
            assert mutagen.File(path) is not None, rel
    assert failures == {BROKEN_FILE} and len(mismatches) == 1


def test_zip_delivery_holds_a_human_acts_tracks_cover_and_notes(demo: DemoSummary, tmp_path: Path) -> None:
    (delivery,) = demo.deliveries
    with zipfile.ZipFile(demo.root / delivery) as archive:
        names = archive.namelist()
        assert sum(n.endswith(".mp3") for n in names) in (3, 4)
        assert any(n.endswith("/cover.jpg") for n in names) and any(n.endswith("/notes.txt") for n in names)
        member = next(n for n in names if n.endswith(".mp3"))
        (tmp_path / "m.mp3").write_bytes(archive.read(member))
    audio: Any = mutagen.File(tmp_path / "m.mp3")
    assert artist_of(audio) in HUMAN_ACTS and ipis(audio)


def test_farm_tracks_all_credit_one_writer_found_nowhere_else_and_without_ipi(tracks) -> None:
    per_persona: dict[str, int] = defaultdict(int)
    for rel, audio in tracks.items():
        if artist_of(audio) in FARM_PERSONAS:
            per_persona[artist_of(audio)] += 1
            assert composers(audio) == [FARM_WRITER] and not ipis(audio), rel
        else:
            assert FARM_WRITER not in " ".join(composers(audio)), rel
    assert set(per_persona) == set(FARM_PERSONAS) and min(per_persona.values()) >= 8


def test_farm_releases_fall_in_a_ten_day_window_with_sequential_interleaved_isrcs(tracks) -> None:
    farm = [a for a in tracks.values() if artist_of(a) in FARM_PERSONAS]
    assert all(FARM_WINDOW[0] <= date_of(a) <= FARM_WINDOW[1] for a in farm)
    ordered = sorted(farm, key=isrc_of)
    codes = [isrc_of(a) for a in ordered]
    assert {c[:5] for c in codes} == {FARM_REGISTRANT}
    numbers = [int(c[7:]) for c in codes]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    personas = [artist_of(a) for a in ordered]
    assert all(a != b for a, b in zip(personas, personas[1:]))  # interleaved across personas
    assert {_values(a, "TPUB", "", "", "")[0] for a in farm} == {FARM_LABEL}


def test_farm_tracks_share_one_encoder_setting_and_near_identical_durations(tracks) -> None:
    farm = [a for a in tracks.values() if artist_of(a) in FARM_PERSONAS]
    signatures = {(encoder_of(a), a.info.encoder_info, a.info.encoder_settings, a.info.bitrate, a.info.sample_rate,
                   a.tags.version) for a in farm}
    assert len(signatures) == 1
    lengths = [a.info.length for a in farm]
    assert max(lengths) - min(lengths) < 0.6
    titles = [_values(a, "TIT2", "", "", "")[0] for a in farm]
    stems: dict[str, set[str]] = defaultdict(set)
    for title, audio in zip(titles, farm):
        stems[title.split()[-1] if not title.endswith("II") else title.split()[-2]].add(artist_of(audio))
    assert any(len(personas) >= 2 for personas in stems.values())  # template words shared across personas


def test_a_third_of_farm_tracks_carry_generator_markers(tracks) -> None:
    farm = [a for a in tracks.values() if artist_of(a) in FARM_PERSONAS]
    comments = [a for a in farm if any("made with suno" in str(c) for c in a.tags.getall("COMM"))]
    urls = [a for a in farm if any(w.url.startswith("https://suno.com/song/") for w in a.tags.getall("WOAS"))]
    geobs = [g for a in farm for g in a.tags.getall("GEOB") if g.mime == "application/c2pa"]
    assert len(comments) >= 4 and len(urls) == 1 and len(geobs) == 1
    manifest = json.loads(geobs[0].data)
    assert manifest["claim_generator"] == "Suno"
    assert "trainedAlgorithmicMedia" in json.dumps(manifest)
    marked = len(comments) + len(urls) + len(geobs)
    assert abs(marked - len(farm) / 3) <= 1
    humans = [a for a in tracks.values() if artist_of(a) in HUMAN_ACTS and type(a).__name__ == "MP3"]
    assert not any(a.tags.getall("GEOB") or a.tags.getall("WOAS") for a in humans)


def test_human_acts_have_varied_writers_dates_encoders_and_durations(tracks) -> None:
    for act in HUMAN_ACTS:
        files = _act_files(tracks, act)
        assert len(files) >= 5, act
        years = {date_of(a)[:4] for a in files.values()}
        encoders = {encoder_of(a) for a in files.values()}
        lengths = [a.info.length for a in files.values()]
        assert len(years) >= 3 and len(encoders) >= 2, act
        assert max(lengths) - min(lengths) > 1.5, act
        writers = {n.split(" (IPI")[0] for a in files.values() for c in composers(a) for n in c.split(" / ")}
        if act == NO_CREDIT_ACT:
            assert writers == set()
        elif act == LIBRARY_COMPOSER:
            assert writers == {LIBRARY_COMPOSER}
        else:
            assert 2 <= len(writers) <= 4, (act, writers)
    all_years = {date_of(a)[:4] for a in tracks.values() if artist_of(a) in HUMAN_ACTS}
    assert min(all_years) <= "2009" and max(all_years) >= "2025"


def test_one_co_writer_with_an_ipi_is_shared_by_two_human_acts(tracks) -> None:
    acts_with_writer = {artist_of(a) for a in tracks.values() if any(SHARED_WRITER in c for c in composers(a))}
    assert len(acts_with_writer) == 2 and acts_with_writer <= set(HUMAN_ACTS)
    shared = [a for a in tracks.values() if any(SHARED_WRITER in c for c in composers(a))]
    assert any(ipis(a) for a in shared)


def test_indie_fairness_act_has_no_composer_credits_at_all(tracks) -> None:
    files = _act_files(tracks, NO_CREDIT_ACT)
    assert files and all(not composers(a) and not ipis(a) for a in files.values())
    assert len({date_of(a) for a in files.values()}) >= 3


def test_library_composer_has_an_ipi_on_every_track_over_many_years(tracks) -> None:
    files = _act_files(tracks, LIBRARY_COMPOSER)
    assert len(files) >= 8
    assert all(ipis(a) for a in files.values())
    years = sorted({date_of(a)[:4] for a in files.values()})
    assert int(years[-1]) - int(years[0]) >= 10


def test_two_label_acts_share_the_house_encoder_but_not_their_writers(tracks) -> None:
    encoders = [{encoder_of(a) for a in _act_files(tracks, act).values()} for act in HOUSE_ENCODER_ACTS]
    assert encoders[0] & encoders[1]
    writers = [{c for a in _act_files(tracks, act).values() for c in composers(a)} for act in HOUSE_ENCODER_ACTS]
    assert not {w.split(" (IPI")[0] for w in writers[0]} & {w.split(" (IPI")[0] for w in writers[1]}


def test_album_covers_are_distinct_per_human_album_and_one_template_for_the_farm(tracks) -> None:
    def distance(a: int, b: int) -> int:
        return bin(a ^ b).count("1")

    albums: dict[tuple[str, str], int] = {}
    farm_hashes = []
    for audio in tracks.values():
        digest = difference_hash(picture_of(audio))
        if artist_of(audio) in FARM_PERSONAS:
            farm_hashes.append(digest)
        else:
            album = _values(audio, "TALB", "album", "\xa9alb", "WM/AlbumTitle")[0]
            albums[(artist_of(audio), album)] = digest
    assert max(distance(a, b) for a, b in itertools.combinations(farm_hashes, 2)) <= 8
    assert min(distance(a, b) for a, b in itertools.combinations(albums.values(), 2)) >= 8


def test_summary_names_acts_personas_and_problem_files(demo: DemoSummary) -> None:
    assert demo.acts == HUMAN_ACTS and len(demo.acts) >= 5
    assert demo.farm_personas == FARM_PERSONAS and demo.farm_writer == FARM_WRITER
    assert demo.expected_failures == (BROKEN_FILE,)
    assert all(Path(m).suffix == ".mp3" for m in demo.expected_mismatches)
    assert dict(demo.formats)["mp3"] > dict(demo.formats)["flac"] > 0
    assert not demo.reused


# --- safety, idempotency, determinism -------------------------------------------------------------


def test_rerun_on_its_own_output_writes_nothing(demo: DemoSummary) -> None:
    before = {p: p.stat().st_mtime_ns for p in demo.root.rglob("*") if p.is_file()}
    again = build_demo_catalog(demo.root)
    assert again.reused
    assert (again.tracks, again.total_bytes) == (demo.tracks, demo.total_bytes)
    assert {p: p.stat().st_mtime_ns for p in demo.root.rglob("*") if p.is_file()} == before


def test_refuses_a_non_empty_directory_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "my music").mkdir()
    keep = tmp_path / "my music" / "song.mp3"
    keep.write_bytes(b"precious")
    with pytest.raises(UsageError, match="refusing"):
        build_demo_catalog(tmp_path / "my music")
    assert [p.name for p in (tmp_path / "my music").iterdir()] == ["song.mp3"]
    assert keep.read_bytes() == b"precious"
    (tmp_path / "a file").write_bytes(b"")
    with pytest.raises(UsageError):
        build_demo_catalog(tmp_path / "a file")


def test_files_produced_again_are_byte_identical(demo: DemoSummary, tmp_path: Path) -> None:
    """One file per distinct encoder setting is re-made from the plan and compared byte for byte."""
    seen = set()
    checked = 0
    for planned in sorted(plan_catalog(), key=lambda p: p.seconds):  # the shortest of each kind
        profile = planned.profile
        key = (profile.codec, profile.sample_rate, profile.bits_per_sample, profile.lame_version,
               profile.vbr_quality is None, planned.role)
        if planned.delivery or key in seen:
            continue
        seen.add(key)
        again = produce_file(planned, render_cover(planned.art), tmp_path / f"{checked}{Path(planned.relpath).suffix}")
        assert again.read_bytes() == (demo.root / planned.relpath).read_bytes(), planned.relpath
        checked += 1
    assert checked >= 12
    marker = json.loads((demo.root / MARKER).read_text())
    assert marker["complete"] and BROKEN_FILE in marker["files"]


def test_a_serial_build_matches_the_parallel_one(demo: DemoSummary, tmp_path: Path, monkeypatch) -> None:
    """The output does not depend on the worker count (the module build used two workers)."""
    import auditor.demo as demo_module

    subset = tuple(p for p in plan_catalog() if p.role == "mismatch" or p.delivery)
    monkeypatch.setattr(demo_module, "plan_catalog", lambda: subset)
    small = build_demo_catalog(tmp_path / "small", workers=1)
    assert small.tracks == len(subset) and small.expected_mismatches == demo.expected_mismatches
    for rel in [p.relpath for p in subset if not p.delivery] + list(small.deliveries):
        assert (small.root / rel).read_bytes() == (demo.root / rel).read_bytes(), rel


def test_demo_tags_repr_leaves_out_binary_payloads() -> None:
    tags = DemoTags(title="t", artist="a", artwork=b"x" * 100_000, c2pa_manifest=b"y" * 1000)
    assert len(repr(tags)) < 2000
