"""RIFF/RF64/BW64 and AIFF chunk walkers: layout, text, provenance chunks, hostile files."""

from __future__ import annotations

import hashlib
import io
import math
import os
import struct
import wave
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutagen.id3 import ID3, TIT2

from auditor.formats import iff
from auditor.formats.id3raw import read_id3v2_layout
from auditor.formats.iff import ParseError, iff_layout_signature, read_aiff, read_riff
from auditor.textdecode import DecodedText

# --------------------------------------------------------------------------
# builders


def le_chunk(cid: bytes, payload: bytes, size: int | None = None) -> bytes:
    declared = len(payload) if size is None else size
    return cid + struct.pack("<I", declared) + payload + (b"\x00" if len(payload) % 2 else b"")


def be_chunk(cid: bytes, payload: bytes) -> bytes:
    return cid + struct.pack(">I", len(payload)) + payload + (b"\x00" if len(payload) % 2 else b"")


def wave_chunks(frames: int = 100) -> tuple[bytes, bytes]:
    """(fmt chunk, data chunk) exactly as the stdlib wave module writes them."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(b"\x01\x02\x03\x04" * frames)
    raw = buf.getvalue()
    fmt_len = struct.unpack("<I", raw[16:20])[0]
    fmt_end = 20 + fmt_len
    return raw[12:fmt_end], raw[fmt_end:]


def riff(*chunks: bytes, form: bytes = b"RIFF", size: int | None = None) -> bytes:
    body = b"WAVE" + b"".join(chunks)
    return form + struct.pack("<I", len(body) if size is None else size) + body


def info_list(*items: tuple[bytes, bytes]) -> bytes:
    return le_chunk(b"LIST", b"INFO" + b"".join(le_chunk(cid, value) for cid, value in items))


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def riff_of(data: bytes) -> iff.RiffInfo:
    return read_riff(io.BytesIO(data))


def ext80(value: float) -> bytes:
    """IEEE 80-bit extended big-endian encoding (AIFF COMM sample rate)."""
    exponent = math.floor(math.log2(value))
    mantissa = int(value * 2 ** (63 - exponent))
    return struct.pack(">HQ", 16383 + exponent, mantissa)


def comm(channels=2, frames=1000, bits=16, rate=44100.0, aifc_tail: bytes = b"") -> bytes:
    return be_chunk(b"COMM", struct.pack(">hIh", channels, frames, bits) + ext80(rate) + aifc_tail)


def form(kind: bytes, *chunks: bytes) -> bytes:
    body = kind + b"".join(chunks)
    return b"FORM" + struct.pack(">I", len(body)) + body


def bext_payload(history: bytes = b"A=PCM,F=48000,W=24,M=stereo,T=Studio\r\n") -> bytes:
    fixed = (
        b"Take 3 of the bridge".ljust(256, b"\x00")
        + b"Pro Tools".ljust(32, b"\x00")
        + b"USID1234567890".ljust(32, b"\x00")
        + b"2024-05-01"
        + b"13:45:10"
        + struct.pack("<IIH", 5, 1, 1)
        + b"\x11" * 64
        + b"\x00" * (10 + 180)
    )
    assert len(fixed) == 602
    return fixed + history


class SpyFile(io.BytesIO):
    """Records the largest single read, to prove reads stay bounded."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.largest_read = 0

    def read(self, n: int | None = -1) -> bytes:
        chunk = super().read(n)
        self.largest_read = max(self.largest_read, len(chunk))
        return chunk


# --------------------------------------------------------------------------
# RIFF: ordinary files


def test_plain_wave_lists_fmt_then_data_with_format_fields():
    fmt, data = wave_chunks()
    info = riff_of(riff(fmt, data))
    assert [(c.id, c.offset) for c in info.chunks] == [("fmt ", 12), ("data", 12 + len(fmt))]
    assert info.chunks[1].size == 400
    assert info.fmt == iff.WaveFormat(1, 2, 44100, 176400, 4, 16, None)
    assert info.form == "RIFF" and info.form_type == "WAVE"
    assert info.problems == ()
    assert iff_layout_signature(info) == "RIFF:fmt ,data"


def test_info_fields_are_read_in_order_with_unknown_ids_kept():
    fmt, data = wave_chunks()
    info = riff_of(
        riff(
            fmt,
            info_list(
                (b"INAM", "Группа крови\x00".encode("cp1251")),
                (b"IART", b"Kino\x00"),
                (b"ISRC", b"Vinyl rip\x00"),
                (b"IZZZ", b"custom\x00"),
            ),
            data,
        )
    )
    assert info.info == (
        ("INAM", DecodedText("Группа крови", "cp1251", True)),
        ("IART", DecodedText("Kino", "ascii", False)),
        ("ISRC", DecodedText("Vinyl rip", "ascii", False)),
        ("IZZZ", DecodedText("custom", "ascii", False)),
    )
    assert info.problems == ()


def test_info_isrc_is_documented_as_source_not_a_recording_code():
    assert "source" in iff.INFO_FIELD_NAMES["ISRC"]
    assert "not" in iff.INFO_FIELD_NAMES["ISRC"]


def test_every_info_list_contributes_values():
    fmt, data = wave_chunks()
    info = riff_of(riff(fmt, info_list((b"INAM", b"One\x00")), data, info_list((b"INAM", b"Two\x00"))))
    assert [value.text for _, value in info.info] == ["One", "Two"]


def test_layout_signature_matches_documented_example():
    fmt, data = wave_chunks()
    tag = b"ID3\x03\x00\x00\x00\x00\x00\x00"
    info = riff_of(riff(fmt, info_list((b"INAM", b"t\x00"), (b"IART", b"a\x00")), data, le_chunk(b"id3 ", tag)))
    assert iff_layout_signature(info) == "RIFF:fmt ,LIST(INFO:INAM,IART),data,id3 "


def test_layout_signature_ignores_sizes_and_values():
    fmt, data = wave_chunks(10)
    fmt2, data2 = wave_chunks(999)
    one = riff_of(riff(fmt, info_list((b"INAM", b"short\x00")), data))
    two = riff_of(riff(fmt2, info_list((b"INAM", b"a much longer title\x00")), data2))
    assert iff_layout_signature(one) == iff_layout_signature(two)


def test_layout_signature_collapses_repeated_chunks():
    fmt, data = wave_chunks()
    info = riff_of(riff(fmt, le_chunk(b"junk", b""), le_chunk(b"junk", b""), le_chunk(b"junk", b""), data))
    assert iff_layout_signature(info) == "RIFF:fmt ,junk*3,data"


def test_odd_sized_chunks_are_followed_past_their_pad_byte():
    fmt, data = wave_chunks()
    info = riff_of(riff(fmt, le_chunk(b"abcd", b"xyz"), data))
    assert [c.id for c in info.chunks] == ["fmt ", "abcd", "data"]
    assert info.problems == ()


def test_missing_pad_byte_is_tolerated_and_reported():
    fmt, data = wave_chunks()
    unpadded = b"abcd" + struct.pack("<I", 3) + b"xyz"
    info = riff_of(riff(fmt, unpadded, data))
    assert [c.id for c in info.chunks] == ["fmt ", "abcd", "data"]
    assert any("pad byte" in p for p in info.problems)


def test_bext_fields_are_decoded():
    fmt, data = wave_chunks()
    info = riff_of(riff(le_chunk(b"bext", bext_payload()), fmt, data))
    bext = info.bext
    assert bext is not None
    assert bext.description.text == "Take 3 of the bridge"
    assert bext.originator.text == "Pro Tools"
    assert bext.originator_reference.text == "USID1234567890"
    assert (bext.origination_date, bext.origination_time) == ("2024-05-01", "13:45:10")
    assert bext.time_reference == (1 << 32) + 5
    assert bext.version == 1
    assert bext.umid == "11" * 64
    assert bext.coding_history.text == "A=PCM,F=48000,W=24,M=stereo,T=Studio\r\n"


def test_short_bext_is_reported_not_fatal():
    fmt, data = wave_chunks()
    info = riff_of(riff(fmt, le_chunk(b"bext", b"Desc"), data))
    assert info.bext is not None and info.bext.description.text == "Desc"
    assert any("bext" in p for p in info.problems)


def test_ixml_and_c2pa_presence_with_size_and_hash():
    fmt, data = wave_chunks()
    manifest = b"\x00\x01c2pa-manifest-store" * 10
    info = riff_of(riff(fmt, data, le_chunk(b"iXML", b"<BWFXML/>"), le_chunk(b"C2PA", manifest)))
    assert info.ixml_present
    assert len(info.c2pa) == 1
    c2pa = info.c2pa[0]
    assert (c2pa.id, c2pa.size, c2pa.truncated) == ("C2PA", len(manifest), False)
    assert c2pa.sha256 == hashlib.sha256(manifest).hexdigest()
    assert info.id3 == ()


def test_id3_chunk_points_at_a_tag_the_id3_reader_can_walk(tmp_path):
    tag_file = tmp_path / "tag.bin"
    tag_file.write_bytes(b"")
    tags = ID3()
    tags.add(TIT2(encoding=3, text="Hello"))
    tags.save(tag_file, v2_version=3, padding=lambda info: 0)
    tag = tag_file.read_bytes()
    fmt, data = wave_chunks()
    path = write(tmp_path, "t.wav", riff(fmt, data, le_chunk(b"id3 ", tag)))
    with path.open("rb") as f:
        info = read_riff(f)
        chunk = info.id3[0]
        assert chunk.sha256 == hashlib.sha256(tag).hexdigest()
        layout = read_id3v2_layout(f, chunk.data_offset, end=chunk.data_offset + chunk.size)
    assert layout is not None and layout.frame_ids == ("TIT2",)


def test_extensible_format_reports_subformat():
    payload = struct.pack("<HHIIHH", 0xFFFE, 2, 48000, 288000, 6, 24) + struct.pack("<HHI", 22, 24, 3)
    payload += struct.pack("<H", 1) + b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
    info = riff_of(riff(le_chunk(b"fmt ", payload), le_chunk(b"data", b"\x00" * 12)))
    assert info.fmt is not None and info.fmt.format_tag == 0xFFFE and info.fmt.subformat_tag == 1


def test_rf64_takes_data_size_from_ds64():
    fmt, _ = wave_chunks()
    audio = b"\x00" * 64
    ds64 = le_chunk(b"ds64", struct.pack("<QQQI", 0, len(audio), 16, 0))
    body = ds64 + fmt + b"data" + struct.pack("<I", 0xFFFFFFFF) + audio
    data = b"RF64" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE" + body
    fixed_riff = struct.pack("<Q", 4 + len(body))
    data = data[:20] + fixed_riff + data[28:]
    info = riff_of(data)
    assert info.form == "RF64"
    assert info.declared_size == 4 + len(body)
    assert [c.id for c in info.chunks] == ["ds64", "fmt ", "data"]
    assert info.chunks[-1].size == len(audio)
    assert info.problems == ()
    assert iff_layout_signature(info) == "RF64:ds64,fmt ,data"


def test_bw64_uses_the_ds64_table_for_other_chunks():
    fmt, data = wave_chunks()
    blob = b"<axml/>"
    table = struct.pack("<4sQ", b"axml", len(blob))
    ds64 = le_chunk(b"ds64", struct.pack("<QQQI", 0, 400, 100, 1) + table)
    axml = b"axml" + struct.pack("<I", 0xFFFFFFFF) + blob + b"\x00"
    body = ds64 + fmt + axml + data
    info = riff_of(b"BW64" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body)
    assert [(c.id, c.size) for c in info.chunks][2] == ("axml", len(blob))
    assert info.problems == ()


def test_rf64_without_ds64_is_reported():
    fmt, data = wave_chunks()
    info = riff_of(riff(fmt, data, form=b"RF64"))
    assert any("ds64" in p for p in info.problems)


# --------------------------------------------------------------------------
# RIFF: damaged and hostile files


def test_truncated_data_chunk_is_marked_and_reported():
    fmt, data = wave_chunks()
    whole = riff(fmt, data)
    info = riff_of(whole[:-100])
    assert info.chunks[-1].id == "data"
    assert info.chunks[-1].truncated and info.chunks[-1].size == 400
    assert any("truncated" in p for p in info.problems)
    assert any("missing" in p for p in info.problems)


def test_chunk_size_ffffffff_is_truncated_to_the_file():
    fmt, _ = wave_chunks()
    data = riff(fmt, b"data" + struct.pack("<I", 0xFFFFFFFF) + b"\x00" * 32)
    info = riff_of(data)
    assert info.chunks[-1].size == 0xFFFFFFFF and info.chunks[-1].truncated
    assert any("truncated" in p for p in info.problems)


def test_huge_declared_list_is_not_read_into_memory():
    fmt, data = wave_chunks()
    spy = SpyFile(riff(fmt, data, b"LIST" + struct.pack("<I", 0xFFFFFFF0) + b"INFO" + le_chunk(b"INAM", b"x\x00")))
    info = read_riff(spy)
    assert info.info[0][1].text == "x"
    assert spy.largest_read < 64 * 1024


def test_fifty_thousand_empty_chunks_stop_at_the_limit():
    fmt, data = wave_chunks()
    info = riff_of(riff(fmt, data, b"junk\x00\x00\x00\x00" * 50_000))
    assert len(info.chunks) == iff.MAX_CHUNKS
    assert any("stopped after" in p for p in info.problems)
    assert len(iff_layout_signature(info)) < 100


def test_chunk_limit_counts_list_children_too():
    fmt, data = wave_chunks()
    children = b"IZZZ\x00\x00\x00\x00" * 20_000
    info = riff_of(riff(fmt, le_chunk(b"LIST", b"INFO" + children), data))
    assert len(info.info) < iff.MAX_CHUNKS
    assert any("stopped after" in p for p in info.problems)


def test_long_info_text_is_capped():
    fmt, data = wave_chunks()
    spy = SpyFile(riff(fmt, info_list((b"ICMT", b"a" * 200_000)), data))
    info = read_riff(spy)
    assert len(info.info[0][1].text) == iff.MAX_TEXT_BYTES
    assert any("ICMT" in p and "first" in p for p in info.problems)
    assert spy.largest_read <= iff.MAX_TEXT_BYTES


def test_large_blobs_are_hashed_in_bounded_reads():
    fmt, data = wave_chunks()
    manifest = os.urandom(3 * 1024 * 1024 + 7)
    spy = SpyFile(riff(fmt, data, le_chunk(b"c2pa", manifest)))
    info = read_riff(spy)
    assert info.c2pa[0].sha256 == hashlib.sha256(manifest).hexdigest()
    assert spy.largest_read <= 1024 * 1024


def test_appended_id3v1_after_the_riff_end_is_reported_not_walked():
    fmt, data = wave_chunks()
    info = riff_of(riff(fmt, data) + b"TAG" + b"\x00" * 125)
    assert [c.id for c in info.chunks] == ["fmt ", "data"]
    assert any("trailing" in p and "ID3v1" in p for p in info.problems)


def test_chunks_appended_without_updating_the_riff_size_are_still_listed():
    fmt, data = wave_chunks()
    stale = riff(fmt, data)
    info = riff_of(stale + le_chunk(b"id3 ", b"ID3\x04\x00\x00\x00\x00\x00\x00"))
    assert [c.id for c in info.chunks] == ["fmt ", "data", "id3 "]
    assert any("beyond the declared" in p for p in info.problems)


def test_garbage_chunk_id_stops_the_walk_with_a_problem():
    fmt, data = wave_chunks()
    info = riff_of(riff(fmt, b"\x01\x02\x03\x04" + struct.pack("<I", 4) + b"abcd", data))
    assert [c.id for c in info.chunks] == ["fmt "]
    assert any("invalid chunk id" in p for p in info.problems)


def test_missing_fmt_is_a_problem():
    info = riff_of(riff(le_chunk(b"data", b"\x00\x00")))
    assert info.fmt is None and any("no fmt" in p for p in info.problems)


@pytest.mark.parametrize("data", [b"", b"RIFF", b"OggS" + b"\x00" * 40, b"FORM\x00\x00\x00\x04AIFF"])
def test_non_riff_input_raises_parse_error(data):
    with pytest.raises(ParseError):
        riff_of(data)


def test_parse_error_is_a_value_error():
    assert issubclass(ParseError, ValueError)


def test_reading_leaves_the_file_and_position_untouched(tmp_path):
    fmt, data = wave_chunks()
    path = write(tmp_path, "t.wav", riff(fmt, info_list((b"INAM", b"x\x00")), data))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    with path.open("rb") as f:
        f.seek(5)
        read_riff(f)
        assert f.tell() == 5
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


# --------------------------------------------------------------------------
# AIFF


def test_aiff_text_chunks_comments_and_comm_are_read():
    comments = struct.pack(">H", 2)
    for stamp, text in ((3_000_000_000, b"first note"), (3_000_000_001, b"odd")):
        comments += struct.pack(">IhH", stamp, 0, len(text)) + text + (b"\x00" if len(text) % 2 else b"")
    data = form(
        b"AIFF",
        comm(),
        be_chunk(b"NAME", b"Song"),
        be_chunk(b"AUTH", "Müller".encode("latin-1")),
        be_chunk(b"ANNO", b"one"),
        be_chunk(b"ANNO", b"two"),
        be_chunk(b"(c) ", b"2024 Label"),
        be_chunk(b"COMT", comments),
        be_chunk(b"SSND", b"\x00" * 8 + b"\x00\x01" * 20),
        be_chunk(b"ID3 ", b"ID3\x03\x00\x00\x00\x00\x00\x00"),
    )
    info = read_aiff(io.BytesIO(data))
    assert info.form_type == "AIFF"
    assert info.comm == iff.AiffCommon(2, 1000, 16, 44100.0)
    assert [(cid, value.text) for cid, value in info.texts] == [
        ("NAME", "Song"),
        ("AUTH", "Müller"),
        ("ANNO", "one"),
        ("ANNO", "two"),
        ("(c) ", "2024 Label"),
    ]
    assert info.texts[1][1].encoding == "latin-1"
    assert [(c.timestamp, c.text.text) for c in info.comments] == [(3_000_000_000, "first note"), (3_000_000_001, "odd")]
    assert len(info.id3) == 1 and info.id3[0].size == 10
    assert info.problems == ()
    assert iff_layout_signature(info) == "AIFF:COMM,NAME,AUTH,ANNO*2,(c) ,COMT,SSND,ID3 "


def test_aifc_compression_and_application_signature():
    tail = b"sowt" + bytes([15]) + b"Signed, little"  # pstring of 15 incl. pad
    data = form(
        b"AIFC",
        be_chunk(b"FVER", struct.pack(">I", 0xA2805140)),
        comm(rate=48000.0, aifc_tail=tail),
        be_chunk(b"APPL", b"pdos" + b"whatever"),
        be_chunk(b"SSND", b"\x00" * 8),
    )
    info = read_aiff(io.BytesIO(data))
    assert info.comm is not None
    assert info.comm.sample_rate == 48000.0
    assert info.comm.compression_type == "sowt"
    assert info.comm.compression_name is not None and info.comm.compression_name.text.startswith("Signed")
    assert iff_layout_signature(info) == "AIFC:FVER,COMM,APPL(pdos),SSND"


def test_aiff_with_bogus_sample_rate_reports_it():
    bad = be_chunk(b"COMM", struct.pack(">hIh", 2, 10, 16) + b"\x7f\xff" + b"\x00" * 8)
    info = read_aiff(io.BytesIO(form(b"AIFF", bad)))
    assert info.comm is not None and info.comm.sample_rate is None
    assert any("sample rate" in p for p in info.problems)


def test_aiff_comment_count_beyond_the_chunk_is_reported():
    comments = struct.pack(">H", 500) + struct.pack(">IhH", 1, 0, 2) + b"hi"
    info = read_aiff(io.BytesIO(form(b"AIFF", comm(), be_chunk(b"COMT", comments))))
    assert [c.text.text for c in info.comments] == ["hi"]
    assert any("COMT" in p for p in info.problems)


def test_truncated_aiff_is_reported():
    data = form(b"AIFF", comm(), be_chunk(b"SSND", b"\x00" * 400))
    info = read_aiff(io.BytesIO(data[:-200]))
    assert info.chunks[-1].truncated
    assert any("truncated" in p for p in info.problems)


@pytest.mark.parametrize("data", [b"", b"RIFF\x00\x00\x00\x00WAVE", b"FORM\x00"])
def test_non_form_input_raises_parse_error(data):
    with pytest.raises(ParseError):
        read_aiff(io.BytesIO(data))


# --------------------------------------------------------------------------
# fuzz: nothing but ParseError ever escapes

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

chunk_ids = st.sampled_from(
    [b"fmt ", b"data", b"LIST", b"bext", b"iXML", b"c2pa", b"id3 ", b"ds64", b"junk", b"COMM", b"COMT", b"NAME",
     b"ANNO", b"APPL", b"ID3 ", b"SSND", b"\x00\x00\x00\x00", b"INFO", b"INAM"]
)
sizes = st.one_of(st.integers(0, 64), st.sampled_from([0xFFFFFFFF, 0x7FFFFFFF, 0xFFFFFFFE, 1, 3]))


@st.composite
def chunk_soup(draw, endian: str) -> bytes:
    parts = []
    for _ in range(draw(st.integers(0, 8))):
        cid = draw(chunk_ids)
        payload = draw(st.binary(max_size=80))
        if cid == b"LIST":
            payload = draw(st.sampled_from([b"INFO", b"adtl", b""])) + payload
        size = draw(st.one_of(st.just(len(payload)), sizes))
        parts.append(cid + struct.pack(endian + "I", size) + payload)
    return b"".join(parts)


@FUZZ
@given(st.sampled_from([b"RIFF", b"RF64", b"BW64", b"RIFX"]), st.integers(0, 0xFFFFFFFF), chunk_soup("<"))
def test_fuzzed_riff_never_raises(magic, size, body):
    info = riff_of(magic + struct.pack("<I", size) + b"WAVE" + body)
    iff_layout_signature(info)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_only_ever_raise_parse_error(data):
    for reader in (read_riff, read_aiff):
        for candidate in (data, b"RIFF" + data, b"FORM" + data, b"RF64" + data):
            try:
                iff_layout_signature(reader(io.BytesIO(candidate)))
            except ParseError:
                pass


@FUZZ
@given(st.sampled_from([b"AIFF", b"AIFC", b"XXXX"]), st.integers(0, 0xFFFFFFFF), chunk_soup(">"))
def test_fuzzed_aiff_never_raises(kind, size, body):
    info = read_aiff(io.BytesIO(b"FORM" + struct.pack(">I", size) + kind + body))
    iff_layout_signature(info)


# --------------------------------------------------------------------------
# problem and signature bounds, streaming writers


def test_riff_size_zero_from_a_streaming_writer_is_one_problem():
    fmt, data = wave_chunks()
    info = riff_of(riff(fmt, data, *[le_chunk(b"junk", b"") for _ in range(500)], size=0))
    assert len(info.chunks) == 502
    assert sum("beyond the declared" in p for p in info.problems) == 1


def test_problem_lists_are_capped():
    fmt, data = wave_chunks()
    nested = b"".join(le_chunk(b"LIST", b"INFO" + b"\x01\x02\x03\x04") for _ in range(300))
    info = riff_of(riff(fmt, nested, data))
    assert len(info.problems) == iff.MAX_PROBLEMS + 1
    assert "further problems" in info.problems[-1]


def test_signature_of_a_hostile_layout_stays_short():
    fmt, data = wave_chunks()
    alternating = b"".join(le_chunk(b"aaaa" if i % 2 else b"bbbb", b"") for i in range(5000))
    signature = iff_layout_signature(riff_of(riff(fmt, alternating, data)))
    assert signature.endswith(f"...+{5002 - iff.MAX_SIGNATURE_PARTS}")
    assert len(signature) < 2000


# --------------------------------------------------------------------------
# files written by a real library (libsndfile through soundfile)


@pytest.mark.parametrize(
    ("container", "subtype", "signature"),
    [
        ("WAV", "PCM_16", "RIFF:fmt ,LIST(INFO:INAM,IART,ICMT,ISFT),data"),
        ("RF64", "PCM_24", "RF64:ds64,fmt ,LIST(INFO:INAM,IART,ICMT,ISFT),data"),
        ("AIFF", "PCM_16", "AIFF:COMM,NAME,AUTH,ANNO,APPL(m3ga),SSND"),
    ],
)
def test_libsndfile_files_walk_cleanly(tmp_path, container, subtype, signature):
    soundfile = pytest.importorskip("soundfile")
    np = pytest.importorskip("numpy")
    path = tmp_path / "sf.bin"
    with soundfile.SoundFile(path, "w", 44100, 2, subtype, format=container) as out:
        out.title = "Группа крови"
        out.artist = "Kino"
        out.comment = "hello"
        out.software = "unit-test"
        out.write(np.zeros((1000, 2), dtype="float32"))
    with path.open("rb") as f:
        info = read_aiff(f) if container == "AIFF" else read_riff(f)
    assert info.problems == ()
    assert iff_layout_signature(info) == signature
    texts = dict(info.texts if container == "AIFF" else info.info)
    title = texts["NAME" if container == "AIFF" else "INAM"]
    assert (title.text, title.encoding) == ("Группа крови", "utf-8")
    if container == "AIFF":
        assert info.comm is not None and info.comm.sample_rate == 44100.0 and info.comm.sample_frames == 1000
    else:
        assert info.fmt is not None and info.fmt.sample_rate == 44100 and info.fmt.channels == 2
        assert info.chunks[-1].size == 1000 * 2 * (2 if subtype == "PCM_16" else 3)
