"""Raw ID3 inspection: stored frame order, padding, header quirks, v1 trailers, hostile tags."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutagen.id3 import APIC, ID3, TALB, TCON, TIT2, TPE1, TSSE

from auditor.formats import id3raw
from auditor.formats.id3raw import (
    Trailer,
    id3_layout_signature,
    padding_bucket,
    read_id3v1,
    read_id3v2_appended,
    read_id3v2_layout,
    read_trailers,
)
from auditor.textdecode import DecodedText

AUDIO = b"\xff\xfb\x90\x00" + b"\x55" * 413  # one MPEG-1 Layer III frame header and filler

# --------------------------------------------------------------------------
# builders


def syncsafe(n: int) -> bytes:
    return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])


def tag(major: int, body: bytes, flags: int = 0, size: int | None = None) -> bytes:
    return b"ID3" + bytes([major, 0, flags]) + syncsafe(len(body) if size is None else size) + body


def frame23(fid: bytes, payload: bytes, flags: int = 0) -> bytes:
    return fid + struct.pack(">IH", len(payload), flags) + payload


def frame24(fid: bytes, payload: bytes) -> bytes:
    return fid + syncsafe(len(payload)) + b"\x00\x00" + payload


def frame22(fid: bytes, payload: bytes) -> bytes:
    return fid + len(payload).to_bytes(3, "big") + payload


def text_payload(text: str) -> bytes:
    return b"\x03" + text.encode("utf-8")


def mutagen_file(tmp_path: Path, version: int, padding: int = 2048, v1: int = 0) -> Path:
    path = tmp_path / f"v2{version}.mp3"
    path.write_bytes(AUDIO)
    tags = ID3()
    tags.add(TIT2(encoding=3, text="Title"))
    tags.add(TPE1(encoding=3, text="Artist"))
    tags.add(TALB(encoding=3, text="Album"))
    tags.add(TCON(encoding=3, text="Pop"))
    tags.add(TSSE(encoding=3, text="Lavf60.3.100"))
    tags.add(APIC(encoding=3, mime="image/png", type=3, desc="", data=b"\x89PNG\r\n\x1a\n" + b"\xff" * 300))
    tags.save(path, v2_version=version, padding=lambda info: padding, v1=v1)
    return path


def layout_of(data: bytes, offset: int = 0) -> id3raw.Id3Layout | None:
    return read_id3v2_layout(io.BytesIO(data), offset)


def v1_block(title=b"", artist=b"", album=b"", year=b"", comment=b"", track: int | None = None, genre=255) -> bytes:
    comment = comment.ljust(30, b"\x00")[:30]
    if track is not None:
        comment = comment[:28] + b"\x00" + bytes([track])
    return (
        b"TAG"
        + title.ljust(30, b"\x00")
        + artist.ljust(30, b"\x00")
        + album.ljust(30, b"\x00")
        + year.ljust(4, b"\x00")
        + comment
        + bytes([genre])
    )


def ape_tag() -> bytes:
    item = struct.pack("<II", 5, 0) + b"Title\x00" + b"Hello"
    size = len(item) + 32
    footer = b"APETAGEX" + struct.pack("<IIII", 2000, size, 1, 0) + b"\x00" * 8
    return item + footer


def lyrics3v2() -> bytes:
    fields = b"IND00002" + b"10" + b"LYR00005" + b"hello"
    body = b"LYRICSBEGIN" + fields
    return body + str(len(body)).zfill(6).encode() + b"LYRICS200"


# --------------------------------------------------------------------------
# ID3v2 layouts written by mutagen


@pytest.mark.parametrize("version", [3, 4])
def test_mutagen_tag_frames_come_back_in_stored_order(tmp_path, version):
    path = mutagen_file(tmp_path, version)
    with path.open("rb") as f:
        layout = read_id3v2_layout(f)
    assert layout is not None
    assert (layout.major, layout.revision, layout.version) == (version, 0, f"2.{version}")
    assert set(layout.frame_ids) == {"TIT2", "TPE1", "TALB", "TCON", "TSSE", "APIC"}
    assert layout.frame_ids[0] == "TIT2"
    assert layout.padding == 2048 and layout.padding_all_zero
    assert layout.problems == ()
    assert layout.frame_size_mode == ("syncsafe" if version == 4 else "plain")
    assert layout.total_size == 10 + layout.tag_size
    apic = layout.frames[layout.frame_ids.index("APIC")]
    assert apic.size > 300


def test_signature_matches_documented_example(tmp_path):
    with mutagen_file(tmp_path, 3).open("rb") as f:
        layout = read_id3v2_layout(f)
    assert id3_layout_signature(layout) == "ID3v2.3[TIT2,TPE1,TALB,TCON,TSSE,APIC]pad=2048"


def test_signature_is_the_same_for_different_values_from_the_same_tool(tmp_path):
    one = mutagen_file(tmp_path, 4)
    other_dir = tmp_path / "b"
    other_dir.mkdir()
    two = mutagen_file(other_dir, 4)
    with one.open("rb") as f1, two.open("rb") as f2:
        assert id3_layout_signature(read_id3v2_layout(f1)) == id3_layout_signature(read_id3v2_layout(f2))


def test_reading_leaves_file_bytes_mtime_and_position_unchanged(tmp_path):
    path = mutagen_file(tmp_path, 4, v1=2)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    with path.open("rb") as f:
        f.seek(7)
        read_id3v2_layout(f)
        read_id3v1(f)
        read_id3v2_appended(f)
        read_trailers(f)
        assert f.tell() == 7
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


# --------------------------------------------------------------------------
# hand-built tags


def test_v22_uses_three_character_frame_ids():
    body = frame22(b"TT2", b"\x00Song") + frame22(b"TP1", b"\x00Band") + frame22(b"PIC", b"\x00JPG\x03\x00xx")
    layout = layout_of(tag(2, body + b"\x00" * 100) + AUDIO)
    assert layout is not None
    assert layout.version == "2.2"
    assert layout.frame_ids == ("TT2", "TP1", "PIC")
    assert [f.size for f in layout.frames] == [5, 5, 8]
    assert layout.padding == 100 and layout.padding_all_zero
    assert id3_layout_signature(layout) == "ID3v2.2[TT2,TP1,PIC]pad=64-128"


def test_v24_with_plain_frame_sizes_is_detected_itunes_style():
    long_text = text_payload("a" * 299)  # 300 bytes: plain 0x0000012C would be 172 as syncsafe
    body = struct.pack(">4sIH", b"TIT2", len(long_text), 0) + long_text
    body += struct.pack(">4sIH", b"TPE1", 5, 0) + text_payload("Band")
    layout = layout_of(tag(4, body + b"\x00" * 64))
    assert layout is not None
    assert layout.frame_ids == ("TIT2", "TPE1")
    assert layout.frame_size_mode == "plain"
    assert layout.frames[0].size == 300
    assert layout.padding == 64
    assert any("not syncsafe" in p for p in layout.problems)
    assert "(plain-sizes)" in id3_layout_signature(layout)


def test_v24_plain_size_with_high_bit_bytes_is_detected():
    long_text = text_payload("b" * 199)  # 200 = 0xC8: not representable as syncsafe
    body = struct.pack(">4sIH", b"TIT2", 200, 0) + long_text + frame24(b"TPE1", text_payload("x"))
    layout = layout_of(tag(4, body))
    assert layout is not None and layout.frame_ids == ("TIT2", "TPE1")
    assert layout.frame_size_mode == "plain"


def test_v24_syncsafe_sizes_are_preferred_when_valid():
    long_text = text_payload("c" * 299)
    body = frame24(b"TIT2", long_text) + frame24(b"TPE1", text_payload("x"))
    layout = layout_of(tag(4, body + b"\x00" * 10))
    assert layout is not None and layout.frame_size_mode == "syncsafe"
    assert layout.frames[0].size == 300 and layout.problems == ()


def test_header_flags_are_reported():
    ext = syncsafe(6) + b"\x01\x00"  # v2.4 extended header: size includes itself
    footer_tag = tag(4, ext + frame24(b"TIT2", text_payload("x")), flags=0x40 | 0x20 | 0x10)
    footer_tag += b"3DI" + footer_tag[3:10]
    layout = layout_of(footer_tag)
    assert layout is not None
    assert (layout.extended_header, layout.experimental, layout.footer, layout.unsynchronised) == (True, True, True, False)
    assert layout.extended_header_size == 6
    assert layout.frame_ids == ("TIT2",)
    assert layout.total_size == len(footer_tag)
    assert layout.problems == ()
    assert id3_layout_signature(layout).startswith("ID3v2.4(ext,footer)[TIT2]")


def test_v23_extended_header_is_skipped():
    ext = struct.pack(">IHI", 6, 0, 0)
    layout = layout_of(tag(3, ext + frame23(b"TIT2", text_payload("x")), flags=0x40))
    assert layout is not None and layout.extended_header_size == 10 and layout.frame_ids == ("TIT2",)


def test_extended_flag_without_extended_header_is_a_problem_not_a_loss():
    layout = layout_of(tag(3, frame23(b"TIT2", text_payload("x")), flags=0x40))
    assert layout is not None and layout.frame_ids == ("TIT2",)
    assert any("extended header" in p for p in layout.problems)


def test_missing_footer_is_reported():
    layout = layout_of(tag(4, frame24(b"TIT2", text_payload("x")), flags=0x10) + AUDIO)
    assert layout is not None and any("3DI" in p for p in layout.problems)


def test_whole_tag_unsynchronisation_in_v23_is_undone_before_walking():
    payload = b"\x00" + b"\xff\xe0" * 5  # MPEG-sync-like bytes that unsync must escape
    plain = frame23(b"APIC", payload) + frame23(b"TPE1", text_payload("Band"))
    stored = plain.replace(b"\xff", b"\xff\x00")
    layout = layout_of(tag(3, stored + b"\x00" * 8, flags=0x80))
    assert layout is not None and layout.unsynchronised
    assert layout.frame_ids == ("APIC", "TPE1")
    assert layout.frames[0].size == len(payload)
    assert layout.padding == 8 and layout.padding_all_zero
    assert id3_layout_signature(layout) == "ID3v2.3(unsync)[APIC,TPE1]pad=8"


def test_garbage_frame_id_stops_the_walk_and_counts_as_dirty_padding():
    body = frame23(b"TIT2", text_payload("ok")) + b"\x01Zq!" + b"\xde\xad" * 20
    layout = layout_of(tag(3, body))
    assert layout is not None
    assert layout.frame_ids == ("TIT2",)
    assert layout.padding == 44 and not layout.padding_all_zero
    assert any("invalid frame id" in p for p in layout.problems)
    assert id3_layout_signature(layout).endswith("pad=44!")


def test_nonzero_padding_is_reported():
    layout = layout_of(tag(3, frame23(b"TIT2", text_payload("ok")) + b"\x00" * 10 + b"junk"))
    assert layout is not None and not layout.padding_all_zero
    assert any("non-zero" in p for p in layout.problems)


def test_frame_overrunning_the_tag_is_reported():
    body = struct.pack(">4sIH", b"TIT2", 5000, 0) + b"\x03abc"
    layout = layout_of(tag(3, body))
    assert layout is not None and layout.frames[0].size == 5000
    assert any("past the end of the tag" in p for p in layout.problems)


def test_tag_larger_than_the_file_is_reported():
    layout = layout_of(tag(3, frame23(b"TIT2", text_payload("ok")), size=100_000))
    assert layout is not None and layout.frame_ids == ("TIT2",)
    assert any("truncated" in p for p in layout.problems)


def test_zero_size_frames_are_reported():
    layout = layout_of(tag(3, frame23(b"TIT2", b"") + frame23(b"TPE1", text_payload("x"))))
    assert layout is not None and layout.frame_ids == ("TIT2", "TPE1")
    assert any("size 0" in p for p in layout.problems)


def test_unknown_major_version_is_reported_without_frames():
    layout = layout_of(tag(5, b"\x00" * 20))
    assert layout is not None and layout.frames == () and any("unsupported" in p for p in layout.problems)


def test_non_syncsafe_tag_size_is_reported():
    data = b"ID3\x03\x00\x00\x00\x00\x00\x90" + frame23(b"TIT2", b"\x00x") + b"\x00" * 20
    layout = layout_of(data)
    assert layout is not None and any("not syncsafe" in p for p in layout.problems)


def test_no_tag_returns_none():
    assert layout_of(AUDIO) is None
    assert layout_of(b"") is None
    assert layout_of(b"ID3") is None


def test_tag_at_an_offset_can_be_read():
    data = b"RIFFjunk" + tag(3, frame23(b"TIT2", text_payload("x")))
    layout = layout_of(data, 8)
    assert layout is not None and layout.offset == 8 and layout.frame_ids == ("TIT2",)


def test_stacked_tags_are_reported():
    first = tag(3, frame23(b"TIT2", text_payload("new")) + b"\x00" * 16)
    second = tag(4, frame24(b"TIT2", text_payload("old")) + frame24(b"TPE1", text_payload("x")))
    layout = layout_of(first + second + AUDIO)
    assert layout is not None
    assert [t.version for t in layout.stacked] == ["2.4"]
    assert layout.stacked[0].offset == len(first)
    assert any("stacked" in p for p in layout.problems)
    assert id3_layout_signature(layout) == "ID3v2.3[TIT2]pad=16+ID3v2.4[TIT2,TPE1]pad=0"


def test_many_frames_stop_at_the_limit():
    body = frame23(b"TXXX", b"\x00a\x00b") * (id3raw.MAX_FRAMES + 50)
    layout = layout_of(tag(3, body))
    assert layout is not None and len(layout.frames) == id3raw.MAX_FRAMES
    assert id3_layout_signature(layout) == f"ID3v2.3[TXXX*{id3raw.MAX_FRAMES}]pad={padding_bucket(layout.padding)}!"


# --------------------------------------------------------------------------
# end of file: appended v2.4 tag, ID3v1, APEv2, Lyrics3


def appended_tag() -> bytes:
    body = frame24(b"TIT2", text_payload("end"))
    head = tag(4, body, flags=0x10)
    return head + b"3DI" + head[3:10]


def test_appended_v24_tag_is_found_before_id3v1():
    data = AUDIO + appended_tag() + v1_block(title=b"v1")
    f = io.BytesIO(data)
    layout = read_id3v2_appended(f)
    assert layout is not None
    assert layout.offset == len(AUDIO) and layout.footer and layout.frame_ids == ("TIT2",)
    assert [t.kind for t in read_trailers(f)] == ["id3v1", "id3v2"]
    assert read_id3v1(f).title.text == "v1"


def test_leading_tag_with_footer_is_not_reported_as_appended():
    assert read_id3v2_appended(io.BytesIO(appended_tag())) is None


def test_no_appended_tag_returns_none(tmp_path):
    with mutagen_file(tmp_path, 4).open("rb") as f:
        assert read_id3v2_appended(f) is None


def test_id3v1_written_by_mutagen_is_read(tmp_path):
    with mutagen_file(tmp_path, 3, v1=2).open("rb") as f:
        v1 = read_id3v1(f)
    assert v1 is not None
    assert (v1.title.text, v1.artist.text, v1.album.text) == ("Title", "Artist", "Album")
    assert v1.genre == "Pop" and v1.genre_id == 13
    assert v1.problems == ()


def test_id3v11_track_genre_and_cp1251_text():
    block = v1_block(
        title="Кукушка".encode("cp1251"),
        artist="Кино".encode("cp1251"),
        album=b"Album",
        year=b"1990",
        comment=b"ripped",
        track=7,
        genre=17,
    )
    v1 = read_id3v1(io.BytesIO(AUDIO + block))
    assert v1 is not None
    assert v1.version == "1.1" and v1.track == 7
    assert v1.title == DecodedText("Кукушка", "cp1251", True)
    assert v1.artist.encoding == "cp1251"
    assert v1.year.text == "1990" and v1.comment.text == "ripped"
    assert v1.genre == "Rock"
    assert v1.offset == len(AUDIO)


def test_id3v1_unset_and_unknown_genres():
    unset = read_id3v1(io.BytesIO(AUDIO + v1_block(genre=255)))
    unknown = read_id3v1(io.BytesIO(AUDIO + v1_block(genre=200)))
    assert unset.genre is None and unset.problems == ()
    assert unknown.genre is None and any("genre" in p for p in unknown.problems)


def test_all_winamp_genres_are_named():
    assert read_id3v1(io.BytesIO(AUDIO + v1_block(genre=191))).genre == "Psybient"
    assert read_id3v1(io.BytesIO(AUDIO + v1_block(genre=0))).genre == "Blues"


def test_enhanced_tag_extends_title_artist_album():
    ext = (
        b"TAG+"
        + b" continues here".ljust(60, b"\x00")
        + b"".ljust(60, b"\x00")
        + b"".ljust(60, b"\x00")
        + b"\x02"
        + b"Synthwave".ljust(30, b"\x00")
        + b"000:10"
        + b"003:40"
    )
    block = v1_block(title=b"A title that is exactly 30 chr")
    v1 = read_id3v1(io.BytesIO(AUDIO + ext + block))
    assert v1 is not None and v1.enhanced is not None
    assert v1.title.text == "A title that is exactly 30 chr continues here"
    assert v1.enhanced.genre.text == "Synthwave"
    assert (v1.enhanced.speed, v1.enhanced.start_time, v1.enhanced.end_time) == (2, "000:10", "003:40")
    assert [t.kind for t in read_trailers(io.BytesIO(AUDIO + ext + block))] == ["id3v1", "id3v1-enhanced"]


def test_id3v1_before_an_apev2_tag_is_found_and_flagged():
    data = AUDIO + v1_block(title=b"under ape") + ape_tag()
    v1 = read_id3v1(io.BytesIO(data))
    assert v1 is not None and v1.title.text == "under ape"
    assert any("apev2" in p for p in v1.problems)
    trailers = read_trailers(io.BytesIO(data))
    assert trailers[0] == Trailer("apev2", len(AUDIO) + 128, len(ape_tag()))


def test_lyrics3v2_before_id3v1_is_recognized():
    data = AUDIO + lyrics3v2() + v1_block(title=b"t")
    assert [t.kind for t in read_trailers(io.BytesIO(data))] == ["id3v1", "lyrics3v2"]
    assert read_id3v1(io.BytesIO(data)).problems == ()


def test_id3v1_behind_lyrics3v2_at_end_is_found():
    data = AUDIO + v1_block(title=b"t") + lyrics3v2()
    v1 = read_id3v1(io.BytesIO(data))
    assert v1 is not None and v1.title.text == "t" and v1.problems


def test_no_id3v1_returns_none():
    assert read_id3v1(io.BytesIO(AUDIO)) is None
    assert read_id3v1(io.BytesIO(b"TAG")) is None


def test_hostile_ape_footer_size_does_not_crash():
    footer = b"APETAGEX" + struct.pack("<IIII", 2000, 0xFFFFFFFF, 1, 0x80000000) + b"\x00" * 8
    assert read_trailers(io.BytesIO(AUDIO + footer)) == ()
    assert read_id3v1(io.BytesIO(AUDIO + footer)) is None


# --------------------------------------------------------------------------
# padding buckets


@pytest.mark.parametrize(
    ("padding", "bucket"),
    [(0, "0"), (37, "37"), (256, "256"), (1024, "1024"), (2048, "2048"), (4096, "4096"),
     (300, "256-512"), (1500, "1k-2k"), (5000, "4k-8k"), (6024, "4k-8k")],
)
def test_padding_buckets_keep_round_tool_defaults_exact(padding, bucket):
    assert padding_bucket(padding) == bucket


# --------------------------------------------------------------------------
# fuzz

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

frame_ids = st.sampled_from([b"TIT2", b"TPE1", b"APIC", b"TXXX", b"\x00\x00\x00\x00", b"abcd", b"TT2", b"\xff\xfb\x90\x00"])


@st.composite
def frame_soup(draw) -> bytes:
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        fid = draw(frame_ids)
        payload = draw(st.binary(max_size=40))
        size = draw(st.one_of(st.just(len(payload)), st.integers(0, 0xFFFFFFFF), st.sampled_from([0x80, 0x7F, 300])))
        parts.append(fid + struct.pack(">IH", size, 0) + payload)
    return b"".join(parts)


@FUZZ
@given(
    st.integers(0, 6),
    st.integers(0, 255),
    st.integers(0, 255),
    st.binary(min_size=4, max_size=4),
    frame_soup(),
    st.binary(max_size=200),
)
def test_fuzzed_id3v2_never_raises(major, revision, flags, size, frames, tail):
    data = b"ID3" + bytes([major, revision, flags]) + size + frames + tail
    f = io.BytesIO(data)
    layout = read_id3v2_layout(f)
    assert layout is not None
    id3_layout_signature(layout)
    read_id3v2_appended(f)
    read_id3v1(f)


@FUZZ
@given(st.binary(max_size=600), st.sampled_from([b"", b"TAG", b"TAG+", b"APETAGEX", b"LYRICS200", b"LYRICSEND", b"3DI", b"ID3"]))
def test_fuzzed_trailers_never_raise(data, magic):
    for candidate in (data + magic, magic + data, data + magic + data[:20]):
        f = io.BytesIO(candidate)
        read_trailers(f)
        read_id3v1(f)
        appended = read_id3v2_appended(f)
        if appended is not None:
            id3_layout_signature(appended)


def test_problem_lists_are_capped():
    layout = layout_of(tag(3, frame23(b"TIT2", b"") * 500))
    assert layout is not None and len(layout.frames) == 500
    assert len(layout.problems) == id3raw.MAX_PROBLEMS + 1


def test_signature_of_a_hostile_tag_stays_short():
    body = b"".join(frame23(b"TXXX" if i % 2 else b"PRIV", b"\x00") for i in range(3000))
    signature = id3_layout_signature(layout_of(tag(3, body)))
    assert signature.endswith(f"...+{3000 - id3raw.MAX_SIGNATURE_PARTS}]pad=0")
