"""The tag reader: every container, every alias, credits, technical properties, bad input."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from mutagen.apev2 import APEv2
from mutagen.asf import ASF
from mutagen.flac import FLAC, Picture
from mutagen.id3 import (APIC, COMM, GEOB, ID3, PRIV, TCOM, TEXT, TIPL, TIT2, TMCL, TPE1, TPUB, TRCK,
                         TSRC, TSSE, TXXX, WOAS)
from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from auditor.model import Candidate
from auditor.reader import read_track
from tests import builders as b


def candidate_for(path: Path) -> Candidate:
    st = os.stat(path)
    return Candidate(display_path=str(path), read_path=str(path), size=st.st_size,
                     mtime_ns=st.st_mtime_ns, fingerprint=f"{st.st_size}:{st.st_mtime_ns}")


def read(path: Path):
    return read_track(candidate_for(path))


def values_of(record, field: str) -> dict[str, str]:
    return {v.source: v.value for v in record.values if v.field == field}


def credits_of(record) -> set[tuple[str, str]]:
    return {(c.name, c.role) for c in record.credits}


# --- MP3 / ID3 -----------------------------------------------------------------------

@pytest.fixture
def tagged_mp3(tmp_path: Path) -> Path:
    path = b.mpeg_frames(tmp_path / "song.mp3")
    tags = ID3()
    tags.add(TIT2(encoding=3, text="Neon Echoes"))
    tags.add(TPE1(encoding=3, text=["Velvet Lyra"]))
    tags.add(TPUB(encoding=3, text="Farm Records"))
    tags.add(TXXX(encoding=3, desc="LABEL", text="Farm Records Intl"))
    tags.add(TXXX(encoding=3, desc="CATALOGNUMBER", text="FR-001"))
    tags.add(TXXX(encoding=3, desc="BARCODE", text="0123456789012"))
    tags.add(TSRC(encoding=3, text="QZABC2500101"))
    tags.add(TRCK(encoding=3, text="1/x"))
    tags.add(TCOM(encoding=3, text=["Smith, Jane", "Ken Ito & Lee Min"]))
    tags.add(TEXT(encoding=3, text="Ana Lopez"))
    tags.add(TXXX(encoding=3, desc="COMPOSER_IPI", text="00123456789; 00987654321; 00555555555"))
    tags.add(TIPL(encoding=3, people=[["producer", "Max Hall"], ["engineer", "Ola Berg"], ["catering", "X"]]))
    tags.add(TMCL(encoding=3, people=[["guitar", "Rui Sato"]]))
    tags.add(COMM(encoding=3, lang="eng", desc="", text="made with suno; created=2025-10-22; id=abc"))
    tags.add(COMM(encoding=3, lang="eng", desc="iTunNORM", text=" 0000 0000"))
    tags.add(WOAS(url="https://suno.com/song/3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f"))
    tags.add(TSSE(encoding=3, text="FarmTool 2.0"))
    tags.add(PRIV(owner="com.example", data=b"\x00\x01secret"))
    tags.add(GEOB(encoding=3, mime="application/c2pa", filename="manifest.c2pa", desc="c2pa",
                  data=b'{"claim_generator":"Suno"}'))
    tags.add(APIC(encoding=3, mime="image/png", type=3, desc="cover", data=b.png_bytes()))
    tags.save(path, v2_version=4)
    with open(path, "ab") as fh:
        fh.write(b.id3v1_block(b"Neon Echoes", b"Velvet Lyra", year=b"2025", track=1, genre=12))
    return path


def test_mp3_fields_keep_every_alias_and_pick_the_dedicated_frame(tagged_mp3: Path) -> None:
    record = read(tagged_mp3)
    assert record.ok and record.format == "mp3"
    assert record.fields["title"] == "Neon Echoes"
    assert record.fields["label"] == "Farm Records"  # TPUB outranks TXXX:LABEL
    assert values_of(record, "label") == {"ID3v2.4:TPUB": "Farm Records", "ID3v2.4:TXXX:LABEL": "Farm Records Intl"}
    assert record.fields["catalog_number"] == "FR-001"
    assert record.fields["upc"] == "0123456789012"
    assert record.fields["isrc"] == "QZABC2500101"
    assert values_of(record, "title")["ID3v1.1:title"] == "Neon Echoes"
    assert "ID3v2.4" in record.tag_containers and "ID3v1.1" in record.tag_containers


def test_mp3_conflicting_aliases_are_recorded_as_a_conflict(tagged_mp3: Path) -> None:
    record = read(tagged_mp3)
    conflicts = {c.field: {v.source for v in c.values} for c in record.conflicts}
    assert conflicts["label"] == {"ID3v2.4:TPUB", "ID3v2.4:TXXX:LABEL"}
    assert "title" not in conflicts  # ID3v1 agrees


def test_malformed_track_number_is_kept_and_reported_not_cast(tagged_mp3: Path) -> None:
    record = read(tagged_mp3)
    assert record.fields["track_number"] == "1/x"
    assert any("track_number" in issue and "1/x" in issue for issue in record.parse_issues)


def test_mp3_credits_cover_composer_lyricist_tipl_and_tmcl_roles(tagged_mp3: Path) -> None:
    record = read(tagged_mp3)
    assert credits_of(record) >= {
        ("Smith, Jane", "composer"), ("Ken Ito", "composer"), ("Lee Min", "composer"),
        ("Ana Lopez", "lyricist"), ("Max Hall", "producer"), ("Ola Berg", "engineer"),
        ("Rui Sato", "performer"),
    }
    assert not any(c.name == "X" for c in record.credits)  # unknown TIPL role stays raw
    performer = next(c for c in record.credits if c.role == "performer")
    assert performer.detail == "guitar"
    jane = next(c for c in record.credits if c.name == "Smith, Jane")
    assert jane.name_normalized == "jane smith"


def test_composer_ipis_pair_with_composers_in_order_when_counts_match(tagged_mp3: Path) -> None:
    record = read(tagged_mp3)
    ipis = {c.name: c.ipi for c in record.credits if c.role == "composer"}
    assert ipis == {"Smith, Jane": "00123456789", "Ken Ito": "00987654321", "Lee Min": "00555555555"}


def test_technical_comments_are_raw_only_and_urls_binary_frames_are_kept(tagged_mp3: Path) -> None:
    record = read(tagged_mp3)
    comments = values_of(record, "comment")
    assert list(comments.values()) == ["made with suno; created=2025-10-22; id=abc"]
    assert values_of(record, "url") == {"ID3v2.4:WOAS": "https://suno.com/song/3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f"}
    raw = {r.key: r for r in record.raw_tags}
    assert raw["PRIV:com.example"].binary_size == 8
    assert raw["GEOB:c2pa"].binary_kind == "GEOB" and "application/c2pa" in raw["GEOB:c2pa"].values[0]
    assert "COMM:iTunNORM:eng" in raw


def test_artwork_is_hashed_and_measured_not_stored(tagged_mp3: Path) -> None:
    record = read(tagged_mp3)
    (art,) = record.artworks
    assert art.sha256 == hashlib.sha256(b.png_bytes()).hexdigest()
    assert (art.width, art.height, art.mime) == (32, 24, "image/png")
    assert art.phash is not None and len(art.phash) == 16


def test_mp3_encoder_and_layout_signature(tagged_mp3: Path) -> None:
    record = read(tagged_mp3)
    assert record.audio.encoder == "FarmTool 2.0"
    assert record.audio.sample_rate == 44100 and record.audio.channels == 2
    assert record.audio.codec == "mp3" and record.audio.bitrate == 128000
    assert record.layout_signature.startswith("ID3v2.4[TIT2,TPE1,")  # mutagen saves in its own order
    assert "GEOB,APIC]pad=" in record.layout_signature
    assert record.layout_signature.endswith("ID3v1")


def test_id3v23_tags_are_labelled_with_their_version(tmp_path: Path) -> None:
    path = b.mpeg_frames(tmp_path / "old.mp3")
    tags = ID3()
    tags.add(TIT2(encoding=1, text="Old"))
    tags.save(path, v2_version=3)
    record = read(path)
    assert record.tag_containers == ("ID3v2.3",)
    assert values_of(record, "title") == {"ID3v2.3:TIT2": "Old"}


def test_legacy_encoded_id3v1_is_decoded_and_the_guess_recorded(tmp_path: Path) -> None:
    path = b.mpeg_frames(tmp_path / "v1.mp3")
    with open(path, "ab") as fh:
        fh.write(b.id3v1_block("Привет мир".encode("cp1251"), "Группа".encode("cp1251")))
    record = read(path)
    assert record.fields["title"] == "Привет мир"
    assert any("cp1251" in issue for issue in record.parse_issues)


def test_apev2_on_mp3_is_its_own_container(tmp_path: Path) -> None:
    path = b.mpeg_frames(tmp_path / "ape.mp3")
    ape = APEv2()
    ape["Title"] = "Ape Title"
    ape["Composer"] = "Ape Writer"
    ape.save(path)
    record = read(path)
    assert "APEv2" in record.tag_containers
    assert record.fields["title"] == "Ape Title"
    assert ("Ape Writer", "composer") in credits_of(record)


# --- Vorbis comments ---------------------------------------------------------------

def test_flac_vorbis_comments_pictures_and_ipi(tmp_path: Path) -> None:
    path = b.soundfile_audio(tmp_path / "a.flac", "FLAC", "PCM_24")
    flac = FLAC(path)
    flac["TITLE"] = "Rain"
    flac["ARTIST"] = "Nils"
    flac["ORGANIZATION"] = "North Label"
    flac["LABEL"] = "North Label"
    flac["COMPOSER"] = ["Nils Berg"]
    flac["COMPOSER_IPI"] = ["123456789"]
    flac["PERFORMER"] = ["Eva Ek (piano)"]
    flac["DATE"] = "2019-05-01"
    flac["ORIGINALDATE"] = "2019"
    picture = Picture()
    picture.type, picture.mime, picture.data = 3, "image/png", b.png_bytes((0, 0, 255))
    flac.add_picture(picture)
    flac.save()
    record = read(path)
    assert record.format == "flac" and record.audio.bits_per_sample == 24
    assert record.audio.bitrate_mode == "lossless"
    assert record.fields["label"] == "North Label" and not record.conflicts
    nils = next(c for c in record.credits if c.name == "Nils Berg")
    assert nils.ipi == "00123456789"
    eva = next(c for c in record.credits if c.role == "performer")
    assert (eva.name, eva.detail) == ("Eva Ek", "piano")
    assert len(record.artworks) == 1 and record.artworks[0].source == "FLAC:PICTURE#0"
    assert "FLAC[STREAMINFO" in record.layout_signature
    assert record.audio.encoder.startswith("reference libFLAC")


def test_ogg_vorbis_and_opus_are_read_with_vendor_as_encoder(tmp_path: Path) -> None:
    ogg = b.soundfile_audio(tmp_path / "a.ogg", "OGG", "VORBIS")
    tags = OggVorbis(ogg)
    tags["title"] = "Vorbis"
    tags["writer"] = "W. Writer"
    tags.save()
    opus = b.soundfile_audio(tmp_path / "b.opus", "OGG", "OPUS", sr=48000)
    tags = OggOpus(opus)
    tags["title"] = "Opus"
    tags.save()
    vorbis, opus_record = read(ogg), read(opus)
    assert (vorbis.format, vorbis.audio.codec) == ("ogg-vorbis", "vorbis")
    assert ("W. Writer", "writer") in credits_of(vorbis)
    assert (opus_record.format, opus_record.audio.codec) == ("ogg-opus", "opus")
    assert opus_record.fields["title"] == "Opus"
    assert vorbis.audio.encoder and opus_record.audio.encoder


# --- MP4 ---------------------------------------------------------------------------

def test_mp4_atoms_freeform_atoms_and_cover(tmp_path: Path) -> None:
    path = b.pyav_audio(tmp_path / "a.m4a", "ipod", "aac")
    mp4 = MP4(path)
    mp4["\xa9nam"] = ["Atom Song"]
    mp4["\xa9ART"] = ["Mira"]
    mp4["\xa9wrt"] = ["Mira Kay / Tom Ode"]
    mp4["\xa9too"] = ["iTunes 12.9"]
    mp4["trkn"] = [(2, 10)]
    mp4["----:com.apple.iTunes:ISRC"] = [MP4FreeForm(b"GBAAA1900002")]
    mp4["----:com.apple.iTunes:LABEL"] = [MP4FreeForm(b"Ode Music")]
    mp4["----:com.apple.iTunes:LYRICIST"] = [MP4FreeForm(b"Tom Ode")]
    mp4["covr"] = [MP4Cover(b.png_bytes(), imageformat=MP4Cover.FORMAT_PNG)]
    mp4.save()
    record = read(path)
    assert record.format == "mp4" and record.audio.codec.startswith("mp4a")
    assert record.fields["isrc"] == "GBAAA1900002" and record.fields["label"] == "Ode Music"
    assert record.fields["track_number"] == "2/10"
    assert credits_of(record) >= {("Mira Kay", "composer"), ("Tom Ode", "composer"), ("Tom Ode", "lyricist")}
    assert record.audio.encoder == "iTunes 12.9"
    assert record.artworks and record.artworks[0].mime == "image/png"
    assert "MP4:" in record.layout_signature and "ilst[" in record.layout_signature


# --- WAV / AIFF --------------------------------------------------------------------

def test_wav_reads_id3_chunk_and_riff_info_as_separate_containers(tmp_path: Path) -> None:
    path = b.soundfile_audio(tmp_path / "a.wav", "WAV", "PCM_16")
    b.append_riff_chunk(path, b.riff_info_chunk({
        "INAM": b"Info Title", "IART": b"Info Artist", "ICMT": b"made with suno", "ISFT": b"Lavf60",
        "ISRC": b"Supplier Ltd",
    }))
    wave = WAVE(path)
    wave.add_tags()
    wave.tags.add(TIT2(encoding=3, text="ID3 Title"))
    wave.save()
    record = read(path)
    assert record.format == "wav" and record.audio.codec == "pcm"
    assert {"ID3v2.4", "RIFF-INFO"} <= set(record.tag_containers)
    assert values_of(record, "title") == {"ID3v2.4:TIT2": "ID3 Title", "RIFF-INFO:INAM": "Info Title"}
    assert record.fields["title"] == "ID3 Title"
    assert record.fields["artist"] == "Info Artist"
    assert "isrc" not in record.fields  # INFO ISRC means "source"
    assert "LIST(INFO" in record.layout_signature


def test_aiff_with_id3(tmp_path: Path) -> None:
    path = b.soundfile_audio(tmp_path / "a.aiff", "AIFF", "PCM_16")
    from mutagen.aiff import AIFF

    aiff = AIFF(path)
    aiff.add_tags()
    aiff.tags.add(TIT2(encoding=3, text="Aiff Title"))
    aiff.save()
    record = read(path)
    assert record.format == "aiff" and record.fields["title"] == "Aiff Title"


def test_asf_attributes_map_to_fields_and_credits(tmp_path: Path) -> None:
    path = b.pyav_audio(tmp_path / "a.wma", "asf", "wmav2")
    asf = ASF(path)
    asf["Title"] = ["WMA Song"]
    asf["Author"] = ["Old Act"]
    asf["WM/Composer"] = ["Bo Lund"]
    asf["WM/Publisher"] = ["Lund Label"]
    asf.save()
    record = read(path)
    assert record.format == "asf"
    assert record.fields["title"] == "WMA Song" and record.fields["artist"] == "Old Act"
    assert record.fields["label"] == "Lund Label"
    assert ("Bo Lund", "composer") in credits_of(record)


# --- content beats extension; bad input is data ------------------------------------

def test_flac_named_mp3_is_read_as_flac_and_mismatch_recorded(tmp_path: Path) -> None:
    source = b.soundfile_audio(tmp_path / "real.flac", "FLAC")
    disguised = tmp_path / "disguised.mp3"
    disguised.write_bytes(source.read_bytes())
    record = read(disguised)
    assert record.ok and record.format == "flac" and record.format_mismatch
    assert any("suggests mp3" in issue for issue in record.parse_issues)


@pytest.mark.parametrize("content, expected", [
    (b"", "empty file"),
    (bytes(range(256)) * 16, "not a recognised"),
    (b"fLaC\x00\x00\x00\x22" + b"\x00" * 10, "damaged"),
])
def test_bad_files_become_recorded_errors(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.flac"
    path.write_bytes(content)
    record = read(path)
    assert record.error and expected in record.error


def test_truncated_mp3_is_read_as_far_as_possible_or_reported(tmp_path: Path, tagged_mp3: Path) -> None:
    data = tagged_mp3.read_bytes()
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(data[: len(data) // 3])
    record = read(cut)
    assert record.error or record.fields.get("title") == "Neon Echoes"


def test_unreadable_path_is_an_error_not_an_exception(tmp_path: Path) -> None:
    ghost = tmp_path / "gone.mp3"
    candidate = Candidate(str(ghost), str(ghost), 10, 0, "x")
    assert "disappeared" in read_track(candidate).error


def test_huge_tag_frame_is_truncated_in_the_record(tmp_path: Path) -> None:
    path = b.mpeg_frames(tmp_path / "huge.mp3")
    tags = ID3()
    tags.add(COMM(encoding=3, lang="eng", desc="", text="A" * (50 * 1024 * 1024)))
    tags.save(path)
    record = read(path)
    assert record.ok and len(record.fields["comment"]) == 4096
    assert any("truncated" in issue for issue in record.parse_issues)


def test_hostile_markup_in_tags_is_kept_verbatim(tmp_path: Path) -> None:
    path = b.mpeg_frames(tmp_path / "x.mp3")
    tags = ID3()
    tags.add(TIT2(encoding=3, text='<img src="http://evil/x.png"><a href="x">=cmd|calc</a>'))
    tags.save(path)
    assert read(path).fields["title"].startswith("<img src=")


def test_reading_never_changes_the_file(tagged_mp3: Path) -> None:
    before = (tagged_mp3.read_bytes(), os.stat(tagged_mp3).st_mtime_ns)
    read(tagged_mp3)
    assert (tagged_mp3.read_bytes(), os.stat(tagged_mp3).st_mtime_ns) == before


def test_permission_denied_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    path = b.mpeg_frames(tmp_path / "locked.mp3")
    real_open = open

    def deny(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    assert read(path).error == "permission denied: the file cannot be opened for reading"


def test_provenance_markers_are_found_in_the_raw_bytes(tagged_mp3: Path) -> None:
    ids = {hit.split("@")[0] for hit in read(tagged_mp3).markers}
    assert {"suno-comment", "suno-url"} <= ids


def test_clean_file_has_no_markers(tmp_path: Path) -> None:
    assert read(b.soundfile_audio(tmp_path / "clean.flac", "FLAC")).markers == ()


def test_mp3_bitrate_mode_comes_from_the_lame_header(tmp_path: Path) -> None:
    import numpy as np

    from auditor.demo.encode import encode_audio

    samples = (np.random.default_rng(3).standard_normal((44100, 2)) * 0.05).astype(np.float32)
    cbr = encode_audio(samples, 44100, tmp_path / "cbr.mp3", "mp3", bitrate=128_000)
    record = read(cbr)
    assert record.audio.bitrate_mode == "CBR"
    assert record.audio.encoder.startswith("LAME") or record.audio.encoder.startswith("Lavc")
