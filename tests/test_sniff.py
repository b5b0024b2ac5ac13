"""Format sniffing: real files where we can make them, hand-built headers elsewhere."""

from __future__ import annotations

import io
import random
import wave

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.sniff import (
    ARCHIVE_EXTENSIONS,
    AUDIO_EXTENSIONS,
    NON_AUDIO_EXTENSIONS,
    SNIFF_HEAD_BYTES,
    display_text,
    id3v2_end,
    is_ignored_name,
    sniff_file,
    sniff_head,
)

CANONICAL = {
    "mp3", "mp2", "flac", "ogg", "ogg-vorbis", "ogg-opus", "ogg-flac", "ogg-speex", "mp4", "wav",
    "aiff", "asf", "ape", "wavpack", "musepack", "tak", "optimfrog", "dsf", "dff", "aac",
}


# -- builders ---------------------------------------------------------------

MP3_HEADER = bytes.fromhex("FFFB9000")  # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz -> 417-byte frames
MP2_HEADER = bytes.fromhex("FFFD8000")  # MPEG-1 Layer II, 128 kbit/s, 44.1 kHz -> 417-byte frames


def mpeg_frames(header: bytes, count: int = 3, length: int = 417) -> bytes:
    return (header + bytes(length - 4)) * count


def adts_frames(count: int = 3, length: int = 200) -> bytes:
    header = bytes(
        [
            0xFF,
            0xF1,  # MPEG-4, layer 0, no CRC
            (1 << 6) | (4 << 2),  # AAC LC, 44.1 kHz
            (2 << 6) | ((length >> 11) & 0x3),  # 2 channels
            (length >> 3) & 0xFF,
            ((length & 0x7) << 5) | 0x1F,
            0xFC,
        ]
    )
    return (header + bytes(length - 7)) * count


def syncsafe(size: int) -> bytes:
    return bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])


def id3_tag(payload_size: int, *, version: int = 4, footer: bool = False) -> bytes:
    flags = 0x10 if footer else 0
    tag = b"ID3" + bytes([version, 0, flags]) + syncsafe(payload_size) + bytes(payload_size)
    if footer:
        tag += b"3DI" + bytes([version, 0, flags]) + syncsafe(payload_size)
    return tag


def ogg_page(packet: bytes) -> bytes:
    return b"OggS" + bytes([0, 2]) + bytes(8) + b"\x01\x00\x00\x00" + bytes(8) + bytes([1, len(packet)]) + packet


def wav_bytes(frames: int = 100) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(bytes(frames * 2))
    return buffer.getvalue()


# -- tables -------------------------------------------------------------------


def test_every_audio_extension_maps_to_a_canonical_format_name() -> None:
    assert set(AUDIO_EXTENSIONS.values()) <= CANONICAL
    for extension in AUDIO_EXTENSIONS:
        assert extension.startswith(".") and extension == extension.lower()


def test_audio_paperwork_and_archive_extensions_do_not_overlap() -> None:
    assert not set(AUDIO_EXTENSIONS) & NON_AUDIO_EXTENSIONS
    assert not set(AUDIO_EXTENSIONS) & set(ARCHIVE_EXTENSIONS)
    assert not NON_AUDIO_EXTENSIONS & set(ARCHIVE_EXTENSIONS)
    assert {".jpg", ".pdf", ".txt", ".cue", ".log", ".m3u8", ".xlsx"} <= NON_AUDIO_EXTENSIONS


@pytest.mark.parametrize(
    "name", ["._track.mp3", ".DS_Store", ".AppleDouble", "__MACOSX", "Thumbs.db", "desktop.ini", ".git", ".hidden.flac"]
)
def test_hidden_and_system_names_are_ignored(name: str) -> None:
    assert is_ignored_name(name)


@pytest.mark.parametrize("name", ["track.mp3", "Disc 1", "_underscore.wav", "thumbs.db.mp3"])
def test_ordinary_names_are_not_ignored(name: str) -> None:
    assert not is_ignored_name(name)


def test_display_text_shows_undecodable_bytes_as_visible_escapes() -> None:
    raw_name = b"/music/caf\xe9.mp3"  # latin-1 byte, invalid UTF-8
    shown = display_text(raw_name.decode("utf-8", "surrogateescape"))
    assert shown == "/music/caf\\xe9.mp3"
    shown.encode("utf-8")  # always valid UTF-8
    assert display_text("/music/café.mp3") == "/music/café.mp3"


def test_display_text_keeps_different_raw_names_distinct() -> None:
    first = display_text(b"a\xe9.mp3".decode("utf-8", "surrogateescape"))
    second = display_text(b"a\xe8.mp3".decode("utf-8", "surrogateescape"))
    assert first != second


# -- real files -----------------------------------------------------------------


def test_wav_written_by_the_wave_module_sniffs_as_wav() -> None:
    assert sniff_head(wav_bytes()) == "wav"


@pytest.mark.parametrize(
    ("container", "subtype", "samplerate", "expected"),
    [
        ("FLAC", None, 44100, "flac"),
        ("OGG", "VORBIS", 44100, "ogg-vorbis"),
        ("OGG", "OPUS", 48000, "ogg-opus"),
        ("AIFF", None, 44100, "aiff"),
        ("RF64", None, 44100, "wav"),
        ("MP3", None, 44100, "mp3"),
    ],
)
def test_files_written_by_libsndfile_sniff_as_their_format(tmp_path, container, subtype, samplerate, expected) -> None:
    soundfile = pytest.importorskip("soundfile")
    numpy = pytest.importorskip("numpy")
    if container not in soundfile.available_formats():
        pytest.skip(f"libsndfile here cannot write {container}")
    path = tmp_path / "audio.bin"
    soundfile.write(path, numpy.zeros((samplerate // 4, 2), dtype="float32"), samplerate, format=container, subtype=subtype)
    with open(path, "rb") as fileobj:
        assert sniff_file(fileobj) == expected


# -- hand-built headers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"fLaC\x00\x00\x00\x22" + bytes(40), "flac"),
        (ogg_page(b"\x01vorbis" + bytes(22)), "ogg-vorbis"),
        (ogg_page(b"OpusHead\x01\x02" + bytes(9)), "ogg-opus"),
        (ogg_page(b"\x7fFLAC\x01\x00\x00\x01fLaC" + bytes(34)), "ogg-flac"),
        (ogg_page(b"Speex   1.2" + bytes(69)), "ogg-speex"),
        (ogg_page(b"\x80theora" + bytes(20)), "ogg"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00M4A mp42isom" + bytes(8), "mp4"),
        (b"\x00\x00\x00\x18ftypM4B \x00\x00\x00\x00M4B " + bytes(8), "mp4"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42" + bytes(8), "mp4"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isom" + bytes(8), "mp4"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1" + bytes(8), None),  # a photo, not audio
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(20), "wav"),
        (b"RF64\xff\xff\xff\xffWAVEds64" + bytes(20), "wav"),
        (b"BW64\xff\xff\xff\xffWAVEds64" + bytes(20), "wav"),
        (b"RIFF\x24\x00\x00\x00AVI LIST" + bytes(20), None),
        (b"FORM\x00\x00\x00\x20AIFFCOMM" + bytes(20), "aiff"),
        (b"FORM\x00\x00\x00\x20AIFCFVER" + bytes(20), "aiff"),
        (bytes.fromhex("3026B2758E66CF11A6D900AA0062CE6C") + bytes(20), "asf"),
        (b"MAC \x96\x0f\x00\x00" + bytes(40), "ape"),
        (b"wvpk\x20\x00\x00\x00" + bytes(24), "wavpack"),
        (b"MPCKSH\x00\x00" + bytes(20), "musepack"),
        (b"MP+\x17" + bytes(20), "musepack"),
        (b"tBaK\x00\x00\x00\x00" + bytes(20), "tak"),
        (b"OFR \x0f\x00\x00\x00" + bytes(20), "optimfrog"),
        (b"DSD \x1c\x00\x00\x00\x00\x00\x00\x00" + bytes(20), "dsf"),
        (b"FRM8" + bytes(8) + b"DSD " + bytes(20), "dff"),
        (b"PK\x03\x04\x14\x00" + bytes(30), "zip"),
        (mpeg_frames(MP3_HEADER), "mp3"),
        (mpeg_frames(MP2_HEADER), "mp2"),
        (adts_frames(), "aac"),
        (b"%PDF-1.7\n" + bytes(40), None),
        (b"\x89PNG\r\n\x1a\n" + bytes(40), None),
        (b"", None),
    ],
)
def test_constructed_headers_sniff_as_their_format(head: bytes, expected: str | None) -> None:
    assert sniff_head(head) == expected


def test_single_mpeg_header_in_a_short_head_is_accepted() -> None:
    assert sniff_head(MP3_HEADER + bytes(100)) == "mp3"


def test_mpeg_sync_followed_by_junk_instead_of_a_second_frame_is_not_audio() -> None:
    junk = random.Random(7).randbytes(4096).replace(b"\xff", b"\x00")
    assert sniff_head(MP3_HEADER + junk) is None


def test_mpeg_second_frame_with_a_different_sample_rate_is_refused() -> None:
    other_rate = bytes.fromhex("FFFB9400")  # same layer, 48 kHz
    assert sniff_head(MP3_HEADER + bytes(413) + other_rate + bytes(500)) is None


def test_reserved_mpeg_fields_are_refused() -> None:
    for header in ("FFEB9000", "FFF99000", "FFFBF000", "FFFB0000", "FFFB9C00", "FFFB9002"):
        assert sniff_head(bytes.fromhex(header) + bytes(8)) is None, header


# -- ID3v2 ---------------------------------------------------------------------------


def test_flac_behind_an_id3_tag_is_flac() -> None:
    assert sniff_head(id3_tag(1000) + b"fLaC" + bytes(40)) == "flac"


def test_id3_followed_by_mpeg_frames_is_mp3() -> None:
    assert sniff_head(id3_tag(300) + mpeg_frames(MP3_HEADER)) == "mp3"


def test_id3_followed_by_layer_two_frames_is_mp2() -> None:
    assert sniff_head(id3_tag(300) + mpeg_frames(MP2_HEADER)) == "mp2"


def test_id3_followed_by_adts_is_aac() -> None:
    assert sniff_head(id3_tag(64) + adts_frames()) == "aac"


def test_id3_with_extra_padding_and_junk_before_frames_is_still_recognised() -> None:
    assert sniff_head(id3_tag(100) + bytes(500) + b"junk" + mpeg_frames(MP2_HEADER)) == "mp2"


def test_id3_followed_by_nothing_recognisable_is_mp3() -> None:
    assert sniff_head(id3_tag(100) + b"garbage that is no frame") == "mp3"
    assert sniff_head(id3_tag(100)) == "mp3"
    assert sniff_head(b"ID3") == "mp3"
    assert sniff_head(b"ID3\x04\x00\x00\xff\xff\xff\xff") == "mp3"  # invalid syncsafe size


def test_id3v24_footer_is_skipped() -> None:
    tag = id3_tag(50, footer=True)
    assert id3v2_end(tag + b"fLaC") == len(tag)
    assert sniff_head(tag + b"fLaC" + bytes(40)) == "flac"


def test_stacked_id3_tags_are_all_skipped() -> None:
    assert sniff_head(id3_tag(20) + id3_tag(30, version=3) + b"fLaC" + bytes(40)) == "flac"


def test_id3_tag_larger_than_the_head_is_followed_in_the_file() -> None:
    data = id3_tag(SNIFF_HEAD_BYTES * 2) + b"fLaC" + bytes(100)
    assert sniff_head(data[:SNIFF_HEAD_BYTES]) == "mp3"  # cannot see past the tag
    assert sniff_file(io.BytesIO(data)) == "flac"


def test_sniff_file_reads_at_most_64_kib() -> None:
    class CountingReader(io.BytesIO):
        total = 0

        def read(self, size: int | None = -1) -> bytes:
            data = super().read(size)
            CountingReader.total += len(data)
            return data

    sniff_file(CountingReader(id3_tag(SNIFF_HEAD_BYTES * 4) + b"fLaC" + bytes(10)))
    sniff_file(CountingReader(bytes(1_000_000)))
    assert CountingReader.total <= 2 * 64 * 1024


def test_sniff_file_restores_the_stream_position() -> None:
    stream = io.BytesIO(wav_bytes())
    stream.seek(17)
    assert sniff_file(stream) == "wav"
    assert stream.tell() == 17


def test_sniff_file_works_on_non_seekable_streams() -> None:
    class Unseekable(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def readinto(self, buffer) -> int:
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    assert sniff_file(io.BufferedReader(Unseekable(b"fLaC" + bytes(40)))) == "flac"


# -- robustness -------------------------------------------------------------------------

_MAGICS = [b"", b"ID3", b"ID3\x04\x00\x00", b"OggS", b"RIFF", b"FORM", b"\xff\xfb", b"\xff\xf1", b"\x00\x00\x00\x20ftyp", b"FRM8"]


@settings(derandomize=True, max_examples=400, deadline=None)
@given(st.binary(max_size=4096))
def test_random_bytes_never_crash_the_sniffer(data: bytes) -> None:
    assert sniff_head(data) in CANONICAL | {"zip", None}


@settings(derandomize=True, max_examples=400, deadline=None)
@given(st.sampled_from(_MAGICS), st.binary(max_size=2048))
def test_random_bytes_behind_real_magic_never_crash_the_sniffer(magic: bytes, tail: bytes) -> None:
    assert sniff_head(magic + tail) in CANONICAL | {"zip", None}
    assert sniff_file(io.BytesIO(magic + tail)) in CANONICAL | {"zip", None}


def test_sniff_head_accepts_bytearray_and_memoryview() -> None:
    data = b"fLaC" + bytes(10)
    assert sniff_head(bytearray(data)) == "flac"
    assert sniff_head(memoryview(data)) == "flac"


def test_random_bytes_are_rarely_mistaken_for_audio() -> None:
    rng = random.Random(1234)
    hits = sum(sniff_head(rng.randbytes(8192)) is not None for _ in range(2000))
    assert hits == 0

