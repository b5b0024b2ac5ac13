"""Raw ID3 inspection: what is stored and how, without mutagen's translation.

mutagen upgrades every tag to v2.4 semantics on load, drops padding and
forgets the frame order.  Those are exactly the traces a tagging tool leaves
(frame order, padding amount, the iTunes non-syncsafe-size bug, stacked or
appended tags, an ID3v1 in cp1251), so this module reads the headers itself.

Everything is read-only and bounded: frame *payloads* are never read (only
10-byte headers, found by seeking), padding is checked in blocks and only up
to ``MAX_PADDING_CHECK`` bytes, and a whole-tag-unsynchronised tag (v2.2/v2.3)
is de-unsynchronised in memory only up to ``MAX_UNSYNC_BYTES``.  Nothing
raises on malformed data: functions return ``None`` when there is no tag and
otherwise a record whose ``problems`` say what is wrong.  ``OSError`` from
the file object is not caught.  The caller's file position is restored.
"""

from __future__ import annotations

import itertools
import re
import struct
from dataclasses import dataclass, replace
from typing import BinaryIO

from mutagen._constants import GENRES

from auditor.textdecode import DecodedText, decode_legacy

__all__ = [
    "Id3Frame",
    "Id3Layout",
    "Id3v1",
    "Id3v1Enhanced",
    "Trailer",
    "id3_layout_signature",
    "padding_bucket",
    "read_id3v1",
    "read_id3v2_appended",
    "read_id3v2_layout",
    "read_trailers",
]

MAX_FRAMES = 10_000
MAX_STACKED = 16
MAX_UNSYNC_BYTES = 16 * 1024 * 1024
MAX_PADDING_CHECK = 16 * 1024 * 1024
MAX_TRAILERS = 8
MAX_PROBLEMS = 50
MAX_SIGNATURE_PARTS = 200
_BLOCK = 64 * 1024

_FRAME_ID_V22 = re.compile(rb"[A-Z0-9]{3}")
_FRAME_ID_V23 = re.compile(rb"[A-Z0-9]{4}")


@dataclass(frozen=True, slots=True)
class Id3Frame:
    """One frame header.

    ``offset`` is relative to the start of the tag header.  For a v2.2/v2.3
    tag with the whole-tag unsynchronisation flag it is measured in the
    de-unsynchronised stream (which is what the frame sizes refer to).
    ``size`` is the payload size as interpreted (see ``frame_size_mode``);
    ``flags`` is the raw 16-bit flag word (0 for v2.2, which has none).
    """

    id: str
    offset: int
    size: int
    flags: int


@dataclass(frozen=True, slots=True)
class Id3Layout:
    """How one ID3v2 tag is laid out.

    ``tag_size`` is the size from the header (excluding the 10-byte header
    and footer).  ``frame_size_mode`` is ``"syncsafe"`` or ``"plain"``: v2.4
    requires syncsafe frame sizes, but iTunes and others wrote plain 32-bit
    ones, and the mode that lands on valid frames wins.  v2.2/v2.3 are always
    ``"plain"``.  ``padding`` counts the bytes after the last valid frame up
    to the end of the tag (garbage after an invalid frame id included, in
    which case ``padding_all_zero`` is False).  ``stacked`` holds further
    tags that directly follow this one (only filled for the first tag).
    """

    offset: int
    major: int
    revision: int
    flags: int
    unsynchronised: bool
    extended_header: bool
    experimental: bool
    footer: bool
    tag_size: int
    extended_header_size: int
    frames: tuple[Id3Frame, ...]
    frame_size_mode: str
    padding: int
    padding_all_zero: bool
    stacked: tuple[Id3Layout, ...]
    problems: tuple[str, ...]

    @property
    def version(self) -> str:
        """``"2.3"`` etc.; the revision is in ``revision``."""
        return f"2.{self.major}"

    @property
    def total_size(self) -> int:
        """Bytes the tag occupies in the file, header and footer included."""
        return 10 + self.tag_size + (10 if self.footer else 0)

    @property
    def frame_ids(self) -> tuple[str, ...]:
        return tuple(frame.id for frame in self.frames)


@dataclass(frozen=True, slots=True)
class Trailer:
    """A tag found at the end of the file: ``id3v1``, ``id3v1-enhanced``
    (the 227-byte ``TAG+`` block), ``apev2``, ``lyrics3v1``, ``lyrics3v2``
    or ``id3v2`` (an appended tag with a ``3DI`` footer)."""

    kind: str
    offset: int
    size: int


@dataclass(frozen=True, slots=True)
class Id3v1Enhanced:
    """Fields only the ``TAG+`` block has (its title/artist/album extensions
    are appended to the ID3v1 fields instead)."""

    speed: int
    genre: DecodedText
    start_time: str
    end_time: str


@dataclass(frozen=True, slots=True)
class Id3v1:
    """An ID3v1 / v1.1 tag.  Text fields keep the encoding guess.

    ``track`` is set for v1.1 (comment byte 28 is NUL, byte 29 is not);
    ``genre`` is the Winamp name of ``genre_id`` or None (255 = unset, or an
    id outside the list, which is also a problem).  ``offset`` is where the
    128-byte block starts.
    """

    offset: int
    version: str
    title: DecodedText
    artist: DecodedText
    album: DecodedText
    year: DecodedText
    comment: DecodedText
    track: int | None
    genre_id: int
    genre: str | None
    enhanced: Id3v1Enhanced | None
    problems: tuple[str, ...]


# --------------------------------------------------------------------------
# byte sources: the tag body either straight from the file or de-unsynchronised


class _FileBody:
    """Tag body bytes read from the file on demand; position 0 is the byte after the header."""

    __slots__ = ("f", "base", "length")

    def __init__(self, f: BinaryIO, base: int, length: int) -> None:
        self.f, self.base, self.length = f, base, length

    def read(self, pos: int, n: int) -> bytes:
        n = min(n, self.length - pos)
        if n <= 0 or pos < 0:
            return b""
        self.f.seek(self.base + pos)
        return self.f.read(n)


class _BytesBody:
    __slots__ = ("data", "length")

    def __init__(self, data: bytes) -> None:
        self.data, self.length = data, len(data)

    def read(self, pos: int, n: int) -> bytes:
        if n <= 0 or pos < 0:
            return b""
        return self.data[pos : pos + n]


_Body = _FileBody | _BytesBody


def _all_zero(body: _Body, start: int, end: int) -> tuple[bool, bool]:
    """(all checked bytes are zero, the whole range was checked)."""
    stop = min(end, start + MAX_PADDING_CHECK)
    pos = start
    while pos < stop:
        block = body.read(pos, min(_BLOCK, stop - pos))
        if not block:
            break
        if block.strip(b"\x00"):
            return False, True
        pos += len(block)
    return True, stop == end


def _capped(problems: list[str]) -> tuple[str, ...]:
    """A hostile tag must not turn into 10,000 problem lines."""
    if len(problems) <= MAX_PROBLEMS:
        return tuple(problems)
    return (*problems[:MAX_PROBLEMS], f"... {len(problems) - MAX_PROBLEMS} further problems not listed")


def _syncsafe(raw: bytes) -> int:
    value = 0
    for b in raw:
        value = (value << 7) | (b & 0x7F)
    return value


# --------------------------------------------------------------------------
# frame walking


@dataclass(slots=True)
class _Walk:
    frames: list[Id3Frame]
    end_pos: int  # where padding (or garbage) starts
    problems: list[str]
    invalid_id: bool  # the walk stopped at something that is not a frame id
    clean: bool  # every size valid, no overrun, no invalid id, padding all zero
    padding_zero: bool
    padding_checked: bool  # the whole padding was checked (not cut at MAX_PADDING_CHECK)


def _walk_frames(body: _Body, start: int, major: int, mode: str) -> _Walk:
    header_len = 6 if major == 2 else 10
    id_re = _FRAME_ID_V22 if major == 2 else _FRAME_ID_V23
    frames: list[Id3Frame] = []
    problems: list[str] = []
    clean = True
    invalid_id = False
    pos = start
    end = body.length
    while pos < end:
        if len(frames) >= MAX_FRAMES:
            problems.append(f"stopped after {MAX_FRAMES} frames")
            clean = False
            break
        if pos + header_len > end:
            break  # too short for a header: counted as padding below
        header = body.read(pos, header_len)
        if len(header) < header_len or header[0] == 0:
            break
        raw_id = header[: header_len - (3 if major == 2 else 6)]
        if not id_re.fullmatch(raw_id):
            problems.append(f"invalid frame id {raw_id!r} at tag offset {pos + 10}; the rest is not frames")
            clean = False
            invalid_id = True
            break
        if major == 2:
            size = int.from_bytes(header[3:6], "big")
            flags = 0
        else:
            size_raw = header[4:8]
            if mode == "syncsafe":
                if any(b & 0x80 for b in size_raw):
                    problems.append(f"frame {raw_id.decode()} at tag offset {pos + 10} has a non-syncsafe size")
                    clean = False
                size = _syncsafe(size_raw)
            else:
                size = struct.unpack(">I", size_raw)[0]
            flags = struct.unpack(">H", header[8:10])[0]
        frame_id = raw_id.decode("ascii")
        if size == 0:
            problems.append(f"frame {frame_id} at tag offset {pos + 10} has size 0")
        frames.append(Id3Frame(frame_id, pos + 10, size, flags))
        if pos + header_len + size > end:
            problems.append(
                f"frame {frame_id} at tag offset {pos + 10} declares {size} bytes, "
                f"past the end of the tag by {pos + header_len + size - end}"
            )
            clean = False
            pos = end
            break
        pos += header_len + size
    pos = min(pos, end)
    if invalid_id:
        padding_zero, checked = False, True
    else:
        padding_zero, checked = _all_zero(body, pos, end)
    return _Walk(frames, pos, problems, invalid_id, clean and padding_zero, padding_zero, checked)


def _choose_v24_walk(body: _Body, start: int) -> tuple[_Walk, str]:
    """Pick syncsafe or plain frame sizes for a v2.4 tag (the iTunes bug)."""
    syncsafe = _walk_frames(body, start, 4, "syncsafe")
    if syncsafe.clean:
        return syncsafe, "syncsafe"
    plain = _walk_frames(body, start, 4, "plain")
    if plain.clean or len(plain.frames) > len(syncsafe.frames):
        plain.problems.insert(0, "v2.4 frame sizes are plain integers, not syncsafe (iTunes-style)")
        return plain, "plain"
    return syncsafe, "syncsafe"


# --------------------------------------------------------------------------
# one tag


def _parse_one(f: BinaryIO, offset: int, file_size: int) -> Id3Layout | None:
    header = b""
    if 0 <= offset <= file_size - 10:
        f.seek(offset)
        header = f.read(10)
    if len(header) < 10 or header[:3] != b"ID3":
        return None
    major, revision, flags = header[3], header[4], header[5]
    problems: list[str] = []
    if any(b & 0x80 for b in header[6:10]):
        problems.append("tag size is not syncsafe; high bits ignored")
    tag_size = _syncsafe(header[6:10])
    footer = major == 4 and bool(flags & 0x10)
    base = dict(
        offset=offset,
        major=major,
        revision=revision,
        flags=flags,
        unsynchronised=bool(flags & 0x80),
        extended_header=major in (3, 4) and bool(flags & 0x40),
        experimental=major in (3, 4) and bool(flags & 0x20),
        footer=footer,
        tag_size=tag_size,
        stacked=(),
    )
    if major not in (2, 3, 4):
        problems.append(f"unsupported ID3v2 version 2.{major}.{revision}; frames not read")
        return Id3Layout(
            **base,
            extended_header_size=0,
            frames=(),
            frame_size_mode="plain",
            padding=0,
            padding_all_zero=True,
            problems=_capped(problems),
        )
    known_flags = {2: 0xC0, 3: 0xE0, 4: 0xF0}[major]
    if flags & ~known_flags:
        problems.append(f"undefined header flag bits set: 0x{flags & ~known_flags:02x}")
    if major == 2 and flags & 0x40:
        problems.append("v2.2 compression flag set (no scheme was ever defined)")

    body_start = offset + 10
    available = max(0, min(tag_size, file_size - body_start))
    if available < tag_size:
        problems.append(f"tag declares {tag_size} bytes but the file ends after {available}; truncated")
    if footer:
        foot = b""
        if body_start + tag_size + 10 <= file_size:
            foot = _read_at(f, body_start + tag_size, 10)
        if len(foot) < 10 or foot[:3] != b"3DI":
            problems.append("footer flag set but no '3DI' footer follows the tag")

    body: _Body = _FileBody(f, body_start, available)
    if base["unsynchronised"] and major in (2, 3):
        if available <= MAX_UNSYNC_BYTES:
            body = _BytesBody(body.read(0, available).replace(b"\xff\x00", b"\xff"))
        else:
            problems.append("unsynchronised tag too large to decode; frame offsets may be wrong")

    ext_size = 0
    if base["extended_header"]:
        raw = body.read(0, 4)
        if _FRAME_ID_V23.fullmatch(raw):
            problems.append("extended header flag set but a frame follows the header directly")
        elif len(raw) < 4:
            problems.append("extended header truncated")
            ext_size = body.length
        else:
            if major == 4:
                ext_size = _syncsafe(raw)  # includes its own 4 size bytes
            else:
                ext_size = struct.unpack(">I", raw)[0] + 4  # v2.3 size excludes itself
            if ext_size < 6 or ext_size > body.length:
                problems.append(f"extended header size {ext_size} is impossible; frames not read")
                ext_size = body.length

    if major == 4:
        walk, mode = _choose_v24_walk(body, ext_size)
    else:
        walk, mode = _walk_frames(body, ext_size, major, "plain"), "plain"
    problems.extend(walk.problems)
    padding = body.length - walk.end_pos
    if not walk.padding_checked:
        problems.append(f"padding of {padding} bytes only checked for its first {MAX_PADDING_CHECK}")
    if padding and not walk.padding_zero and not walk.invalid_id:
        problems.append("padding contains non-zero bytes")
    if footer and padding:
        problems.append("tag has both a footer and padding (v2.4 forbids this)")
    return Id3Layout(
        **base,
        extended_header_size=ext_size,
        frames=tuple(walk.frames),
        frame_size_mode=mode,
        padding=padding,
        padding_all_zero=walk.padding_zero,
        problems=_capped(problems),
    )


def read_id3v2_layout(f: BinaryIO, offset: int = 0, end: int | None = None) -> Id3Layout | None:
    """Describe the ID3v2 tag starting at ``offset``, or None if there is none.

    ``end`` bounds the data the tag may occupy (e.g. the end of the RIFF/AIFF
    ``id3 `` chunk it sits in); by default it is the end of the file.

    Further tags that start exactly where this one ends (a known result of
    tools prepending a new tag instead of replacing the old one) are parsed
    too and reported in ``stacked``, with a problem line on this layout.
    """
    saved = f.tell()
    try:
        file_size = f.seek(0, 2)
        if end is not None:
            file_size = max(0, min(file_size, end))
        first = _parse_one(f, offset, file_size)
        if first is None:
            return None
        stacked: list[Id3Layout] = []
        pos = offset + first.total_size
        while len(stacked) < MAX_STACKED:
            nxt = _parse_one(f, pos, file_size)
            if nxt is None or nxt.total_size <= 0:
                break
            stacked.append(nxt)
            pos += nxt.total_size
        if not stacked:
            return first
        note = f"{len(stacked)} more ID3v2 tag(s) stacked directly after this one"
        return replace(first, stacked=tuple(stacked), problems=first.problems + (note,))
    finally:
        f.seek(saved)


# --------------------------------------------------------------------------
# end-of-file trailers


def _read_at(f: BinaryIO, pos: int, n: int) -> bytes:
    if pos < 0 or n <= 0:
        return b""
    f.seek(pos)
    return f.read(n)


def _scan_trailers(f: BinaryIO, file_size: int) -> tuple[list[Trailer], list[str]]:
    trailers: list[Trailer] = []
    problems: list[str] = []
    end = file_size
    for _ in range(MAX_TRAILERS):
        if end >= 128 and _read_at(f, end - 128, 3) == b"TAG":
            start = end - 128
            trailers.append(Trailer("id3v1", start, 128))
            if start >= 227 and _read_at(f, start - 227, 4) == b"TAG+":
                start -= 227
                trailers.append(Trailer("id3v1-enhanced", start, 227))
            end = start
            continue
        if end >= 32 and _read_at(f, end - 32, 8) == b"APETAGEX":
            footer = _read_at(f, end - 32, 32)
            size, flags = struct.unpack("<I4xI", footer[12:24])
            start = end - size - (32 if flags & 0x80000000 else 0)
            if size < 32 or start < 0:
                problems.append(f"APEv2 footer at offset {end - 32} declares an impossible size {size}")
                break
            trailers.append(Trailer("apev2", start, end - start))
            end = start
            continue
        if end >= 15 and _read_at(f, end - 9, 9) == b"LYRICS200":
            digits = _read_at(f, end - 15, 6)
            start = end - 15 - int(digits) if digits.isdigit() else -1
            if start < 0 or _read_at(f, start, 11) != b"LYRICSBEGIN":
                problems.append(f"Lyrics3v2 end marker at offset {end - 9} without a valid start")
                break
            trailers.append(Trailer("lyrics3v2", start, end - start))
            end = start
            continue
        if end >= 20 and _read_at(f, end - 9, 9) == b"LYRICSEND":
            window_start = max(0, end - 9 - 5100 - 11)
            window = _read_at(f, window_start, end - 9 - window_start)
            found = window.rfind(b"LYRICSBEGIN")
            if found < 0:
                problems.append(f"Lyrics3v1 end marker at offset {end - 9} without a start")
                break
            start = window_start + found
            trailers.append(Trailer("lyrics3v1", start, end - start))
            end = start
            continue
        if end >= 20 and _read_at(f, end - 10, 3) == b"3DI":
            foot = _read_at(f, end - 10, 10)
            start = end - 20 - _syncsafe(foot[6:10])
            if start >= 0 and _read_at(f, start, 3) == b"ID3":
                trailers.append(Trailer("id3v2", start, end - start))
            else:
                problems.append(f"ID3v2 footer at offset {end - 10} without a matching header")
        break
    return trailers, problems


def read_trailers(f: BinaryIO) -> tuple[Trailer, ...]:
    """Tags at the end of the file, outermost (closest to EOF) first."""
    saved = f.tell()
    try:
        return tuple(_scan_trailers(f, f.seek(0, 2))[0])
    finally:
        f.seek(saved)


def read_id3v2_appended(f: BinaryIO) -> Id3Layout | None:
    """An ID3v2.4 tag appended at the end of the file (found via its ``3DI``
    footer, looking past any ID3v1, APEv2 and Lyrics3 blocks), or None.

    A footer whose tag starts at offset 0 belongs to the file's leading tag
    and is not reported here.
    """
    saved = f.tell()
    try:
        file_size = f.seek(0, 2)
        trailers, _ = _scan_trailers(f, file_size)
        for trailer in trailers:
            if trailer.kind == "id3v2" and trailer.offset > 0:
                layout = _parse_one(f, trailer.offset, file_size)
                if layout is not None:
                    return layout
        return None
    finally:
        f.seek(saved)


# --------------------------------------------------------------------------
# ID3v1


def _genre_name(genre_id: int) -> str | None:
    return GENRES[genre_id] if 0 <= genre_id < len(GENRES) else None


def read_id3v1(f: BinaryIO) -> Id3v1 | None:
    """The ID3v1(.1) tag near the end of the file, or None.

    Found at the very end, or before APEv2 / Lyrics3 blocks written after it
    (a problem is recorded then, since the order is non-standard).  A
    ``TAG+`` block just before it extends title, artist and album.
    """
    saved = f.tell()
    try:
        file_size = f.seek(0, 2)
        trailers, _ = _scan_trailers(f, file_size)
        v1 = next((t for t in trailers if t.kind == "id3v1"), None)
        if v1 is None:
            return None
        problems: list[str] = []
        before = [t.kind for t in trailers[: trailers.index(v1)]]
        if before:
            problems.append(f"ID3v1 is not at the end of the file; followed by {', '.join(before)}")
        raw = _read_at(f, v1.offset, 128)
        title, artist, album = raw[3:33], raw[33:63], raw[63:93]
        year, comment, genre_id = raw[93:97], raw[97:127], raw[127]
        track: int | None = None
        version = "1.0"
        if comment[28] == 0 and comment[29] != 0:
            track, comment, version = comment[29], comment[:28], "1.1"

        enhanced: Id3v1Enhanced | None = None
        ext = next((t for t in trailers if t.kind == "id3v1-enhanced"), None)
        if ext is not None:
            raw_ext = _read_at(f, ext.offset, 227)
            title = title.split(b"\x00", 1)[0] + raw_ext[4:64]
            artist = artist.split(b"\x00", 1)[0] + raw_ext[64:124]
            album = album.split(b"\x00", 1)[0] + raw_ext[124:184]
            enhanced = Id3v1Enhanced(
                speed=raw_ext[184],
                genre=decode_legacy(raw_ext[185:215]),
                start_time=decode_legacy(raw_ext[215:221]).text,
                end_time=decode_legacy(raw_ext[221:227]).text,
            )
        genre = _genre_name(genre_id)
        if genre is None and genre_id != 255:
            problems.append(f"unknown genre id {genre_id}")
        return Id3v1(
            offset=v1.offset,
            version=version,
            title=decode_legacy(title),
            artist=decode_legacy(artist),
            album=decode_legacy(album),
            year=decode_legacy(year),
            comment=decode_legacy(comment),
            track=track,
            genre_id=genre_id,
            genre=genre,
            enhanced=enhanced,
            problems=_capped(problems),
        )
    finally:
        f.seek(saved)


# --------------------------------------------------------------------------
# signature


def padding_bucket(padding: int) -> str:
    """Padding as it appears in a signature.

    Tools with a *fixed* padding (0, or a round 256/512/1024/2048/4096…)
    keep their exact value, since the exact default identifies the tool.
    Anything else (mutagen, for one, pads 1 KiB + 0.1 % of the audio size)
    falls into a power-of-two range such as ``4k-8k`` so tracks of different
    lengths from the same tool still match.  Small odd amounts (≤ 64 bytes)
    stay exact as well.
    """
    if padding <= 64 or padding % 256 == 0:
        return str(padding)
    high = 1 << (padding - 1).bit_length()
    low = high >> 1

    def human(n: int) -> str:
        return f"{n >> 10}k" if n >= 1024 else str(n)

    return f"{human(low)}-{human(high)}"


def _one_signature(layout: Id3Layout) -> str:
    marks = []
    if layout.unsynchronised:
        marks.append("unsync")
    if layout.extended_header:
        marks.append("ext")
    if layout.footer:
        marks.append("footer")
    if layout.frame_size_mode == "plain" and layout.major == 4:
        marks.append("plain-sizes")
    flags = f"({','.join(marks)})" if marks else ""
    ids = []
    for frame_id, group in itertools.groupby(layout.frame_ids):
        run = sum(1 for _ in group)
        ids.append(frame_id if run == 1 else f"{frame_id}*{run}")
    if len(ids) > MAX_SIGNATURE_PARTS:
        ids = [*ids[:MAX_SIGNATURE_PARTS], f"...+{len(ids) - MAX_SIGNATURE_PARTS}"]
    pad = padding_bucket(layout.padding) + ("" if layout.padding_all_zero else "!")
    return f"ID3v{layout.version}{flags}[{','.join(ids)}]pad={pad}"


def id3_layout_signature(layout: Id3Layout) -> str:
    """E.g. ``ID3v2.3[TIT2,TPE1,TALB,TCON,TSSE,APIC]pad=2048``.

    Frames appear in stored order, consecutive repeats as ``TXXX*3`` (more
    than ``MAX_SIGNATURE_PARTS`` runs end in ``...+n``); header
    peculiarities appear in parentheses after the version (``unsync``,
    ``ext``, ``footer``, ``plain-sizes``); padding goes through
    ``padding_bucket`` and gets a ``!`` when it is not all zeros.  Stacked
    tags follow, joined by ``+``.
    """
    return "+".join(_one_signature(t) for t in (layout, *layout.stacked))
