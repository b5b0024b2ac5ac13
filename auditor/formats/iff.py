"""Read-only chunk walkers for RIFF/RF64/BW64 WAVE and FORM AIFF/AIFC.

mutagen reads the audio stream and an embedded ID3 chunk but not what an
auditor needs from these containers: the *order* of chunks (a production
tool always writes the same layout, so it works like a signature), RIFF INFO
and AIFF text chunks in their legacy encodings, Broadcast-WAV ``bext``
origination data, and whether C2PA provenance or iXML is present.

Safety rules, because inputs are hostile by assumption:

* only ``seek``/``read``/``tell`` are called on the file object; the caller's
  position is restored afterwards;
* every read is bounded: text payloads are capped at ``MAX_TEXT_BYTES``,
  other chunks are skipped by seeking, blobs are hashed in fixed-size blocks
  and only up to ``MAX_HASH_BYTES``;
* at most ``MAX_CHUNKS`` chunks (top-level and LIST children together) are
  walked per file;
* nothing raises on malformed data: what is wrong becomes a line in
  ``problems``.  The one exception is ``ParseError`` when the file does not
  start with the container's magic at all.  ``OSError`` from the file object
  itself is not caught.

Offsets are absolute file offsets of a chunk's 8-byte header; its payload
starts at ``offset + 8``.  Sizes are the sizes declared in the file (for RF64
the 64-bit size from ``ds64``), so a truncated chunk shows both what it
claimed and, through ``truncated`` and ``problems``, that it was cut short.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import struct
from dataclasses import dataclass
from collections.abc import Callable
from typing import BinaryIO

from auditor.textdecode import DecodedText, decode_legacy

__all__ = [
    "AiffComment",
    "AiffCommon",
    "AiffInfo",
    "Bext",
    "Chunk",
    "EmbeddedChunk",
    "INFO_FIELD_NAMES",
    "ParseError",
    "RiffInfo",
    "WaveFormat",
    "iff_layout_signature",
    "read_aiff",
    "read_riff",
]

MAX_CHUNKS = 10_000
MAX_TEXT_BYTES = 64 * 1024
MAX_HASH_BYTES = 256 * 1024 * 1024
MAX_AIFF_COMMENTS = 1_000
MAX_PROBLEMS = 50
MAX_SIGNATURE_PARTS = 200
_HASH_BLOCK = 1024 * 1024
_BEXT_FIXED = 602  # bytes before CodingHistory (EBU Tech 3285)

# What each RIFF INFO id means, for display.  Unknown ids are kept anyway.
# Note ISRC: in RIFF INFO it is "source" (who supplied the original), *not*
# the International Standard Recording Code; tools that put an ISRC code
# there are misusing it, which is itself worth showing.
INFO_FIELD_NAMES: dict[str, str] = {
    "IARL": "archival location",
    "IART": "artist",
    "ICMS": "commissioned by",
    "ICMT": "comment",
    "ICOP": "copyright",
    "ICRD": "creation date",
    "ICRP": "cropped",
    "IDIM": "dimensions",
    "IDPI": "dots per inch",
    "IDIT": "digitization date",
    "IENG": "engineer",
    "IGNR": "genre",
    "IKEY": "keywords",
    "ILGT": "lightness",
    "ILNG": "language",
    "IMED": "medium",
    "INAM": "title",
    "IPLT": "palette setting",
    "IPRD": "product (album)",
    "ISBJ": "subject",
    "ISFT": "software",
    "ISHP": "sharpness",
    "ISRC": "source (not an ISRC code)",
    "ISRF": "source form",
    "ITCH": "technician",
    "ITRK": "track number",
    "IPRT": "part (track number)",
    "IFRM": "total parts",
    "ISMP": "SMPTE time code",
    "ISGN": "secondary genre",
    "IRTD": "rating",
    "ISTR": "starring",
    "IWRI": "written by",
    "IPRO": "produced by",
    "IMUS": "music by",
    "ILYR": "lyrics",
    "IEDT": "edited by",
    "ICNT": "country",
    "IBSU": "base URL",
    "ICNM": "cinematographer",
    "IPDS": "production designer",
    "ICDS": "costume designer",
    "IENC": "encoded by",
}


class ParseError(ValueError):
    """The bytes are not this container at all (wrong magic or too short).

    Carries no path: the tag reader wraps it into ``UnreadableFile``.
    """


@dataclass(frozen=True, slots=True)
class Chunk:
    """One chunk header as found in the file.

    ``subtype`` is the list type of a ``LIST`` chunk (``INFO``, ``adtl``) or
    the application signature of an AIFF ``APPL`` chunk; ``children`` are
    the ids of a LIST's sub-chunks in stored order.  Ids that are not
    printable ASCII are shown with ``\\xNN`` escapes.
    """

    id: str
    offset: int
    size: int
    truncated: bool = False
    subtype: str | None = None
    children: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EmbeddedChunk:
    """A binary payload (C2PA manifest, ID3 tag) summarized, never copied.

    ``sha256`` covers the bytes actually present (all of them unless
    ``truncated``); it is None when the payload exceeds ``MAX_HASH_BYTES``.
    ``data_offset`` is where the payload starts, e.g. to hand to
    ``id3raw.read_id3v2_layout``.
    """

    id: str
    offset: int
    data_offset: int
    size: int
    sha256: str | None
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class WaveFormat:
    """The ``fmt `` chunk.  ``subformat_tag`` is set for WAVE_FORMAT_EXTENSIBLE."""

    format_tag: int
    channels: int
    sample_rate: int
    byte_rate: int
    block_align: int
    bits_per_sample: int | None
    subformat_tag: int | None = None


@dataclass(frozen=True, slots=True)
class Bext:
    """Broadcast-WAV origination data (EBU Tech 3285).

    The text fields are ASCII by the standard and anything in practice, so
    they go through ``decode_legacy``.  ``umid`` is hex, None when all zero.
    """

    description: DecodedText
    originator: DecodedText
    originator_reference: DecodedText
    origination_date: str
    origination_time: str
    time_reference: int
    version: int
    umid: str | None
    coding_history: DecodedText


@dataclass(frozen=True, slots=True)
class RiffInfo:
    """What a RIFF/RF64/BW64 walk found.  ``form`` is the magic, ``form_type`` normally WAVE."""

    form: str
    form_type: str
    declared_size: int
    file_size: int
    chunks: tuple[Chunk, ...]
    info: tuple[tuple[str, DecodedText], ...]
    bext: Bext | None
    ixml_present: bool
    c2pa: tuple[EmbeddedChunk, ...]
    id3: tuple[EmbeddedChunk, ...]
    fmt: WaveFormat | None
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AiffCommon:
    """The ``COMM`` chunk.  ``sample_rate`` is None if the 80-bit float is unusable."""

    channels: int
    sample_frames: int
    bits_per_sample: int
    sample_rate: float | None
    compression_type: str | None = None  # AIFC only
    compression_name: DecodedText | None = None  # AIFC only


@dataclass(frozen=True, slots=True)
class AiffComment:
    """One comment of a ``COMT`` chunk; ``timestamp`` is seconds since 1904-01-01."""

    timestamp: int
    marker_id: int
    text: DecodedText


@dataclass(frozen=True, slots=True)
class AiffInfo:
    """What a FORM AIFF/AIFC walk found.

    ``texts`` holds NAME, AUTH, ANNO (any number) and ``(c) `` chunks in
    stored order, keyed by chunk id.
    """

    form: str
    form_type: str
    declared_size: int
    file_size: int
    chunks: tuple[Chunk, ...]
    texts: tuple[tuple[str, DecodedText], ...]
    comments: tuple[AiffComment, ...]
    comm: AiffCommon | None
    id3: tuple[EmbeddedChunk, ...]
    c2pa: tuple[EmbeddedChunk, ...]
    problems: tuple[str, ...]


# --------------------------------------------------------------------------
# low-level helpers


def _fourcc(raw: bytes) -> str:
    """Chunk id as text; anything outside printable ASCII becomes ``\\xNN``."""
    return "".join(chr(b) if 0x20 <= b <= 0x7E else f"\\x{b:02x}" for b in raw)


def _valid_id(raw: bytes) -> bool:
    return len(raw) == 4 and all(0x20 <= b <= 0x7E for b in raw) and raw != b"    "


def _read_at(f: BinaryIO, pos: int, n: int) -> bytes:
    if n <= 0 or pos < 0:
        return b""
    f.seek(pos)
    return f.read(n)


def _file_size(f: BinaryIO) -> int:
    return f.seek(0, 2)


def _hash_range(f: BinaryIO, pos: int, n: int) -> str | None:
    if n > MAX_HASH_BYTES:
        return None
    digest = hashlib.sha256()
    f.seek(pos)
    remaining = n
    while remaining > 0:
        block = f.read(min(_HASH_BLOCK, remaining))
        if not block:
            break
        digest.update(block)
        remaining -= len(block)
    return digest.hexdigest()


def _describe_bytes(raw: bytes) -> str:
    if raw and not raw.strip(b"\x00"):
        return "zero bytes"
    for magic, name in ((b"TAG", "an ID3v1 tag"), (b"ID3", "an ID3v2 tag"), (b"APETAGEX", "an APE tag")):
        if raw.startswith(magic):
            return name
    return f"bytes {raw[:8]!r}"


def _capped(problems: list[str]) -> tuple[str, ...]:
    """A hostile file must not turn into 10,000 problem lines."""
    if len(problems) <= MAX_PROBLEMS:
        return tuple(problems)
    return (*problems[:MAX_PROBLEMS], f"... {len(problems) - MAX_PROBLEMS} further problems not listed")


class _Budget:
    """Shared chunk counter so nested LISTs cannot multiply the work."""

    __slots__ = ("left",)

    def __init__(self, limit: int) -> None:
        self.left = limit

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


@dataclass(slots=True)
class _RawChunk:
    raw_id: bytes
    offset: int
    size: int  # declared (or ds64-resolved)
    available: int  # payload bytes actually inside the walked range
    truncated: bool


def _walk(
    f: BinaryIO,
    start: int,
    soft_end: int,
    hard_end: int,
    endian: str,
    budget: _Budget,
    problems: list[str],
    where: str,
    resolve_size: Callable[[bytes, int, int], int] | None = None,
) -> list[_RawChunk]:
    """Walk chunk headers from ``start``.

    Chunks are expected up to ``soft_end`` (the container's declared end);
    past it, up to ``hard_end`` (the end of the file), a chunk is accepted
    only if its header looks valid, since writers that append chunks
    without updating the container size are common and worth seeing.
    """
    fmt = endian + "4sI"
    chunks: list[_RawChunk] = []
    pos = start
    beyond_reported = False
    while pos + 8 <= hard_end:
        header = _read_at(f, pos, 8)
        if len(header) < 8:
            break
        raw_id, size = struct.unpack(fmt, header)
        if not _valid_id(raw_id):
            rest = hard_end - pos
            if pos >= soft_end:
                problems.append(
                    f"{where}: {rest} trailing bytes after the declared end at offset {pos} "
                    f"({_describe_bytes(_read_at(f, pos, 16))})"
                )
            else:
                problems.append(
                    f"{where}: invalid chunk id {_fourcc(raw_id)!r} at offset {pos}; "
                    f"{rest} bytes not walked ({_describe_bytes(_read_at(f, pos, 16))})"
                )
            return chunks
        if not budget.take():
            problems.append(f"{where}: stopped after {MAX_CHUNKS} chunks at offset {pos}")
            return chunks
        if pos >= soft_end and not beyond_reported:
            beyond_reported = True
            problems.append(
                f"{where}: chunk {_fourcc(raw_id)!r} at offset {pos} (and any after it) lies beyond "
                f"the declared container size"
            )
        if resolve_size is not None:
            size = resolve_size(raw_id, size, pos)
        payload = pos + 8
        available = min(size, hard_end - payload)
        truncated = available < size
        if truncated:
            problems.append(
                f"{where}: chunk {_fourcc(raw_id)!r} at offset {pos} declares {size} bytes "
                f"but only {available} remain; truncated"
            )
        elif pos < soft_end < payload + size:
            problems.append(
                f"{where}: chunk {_fourcc(raw_id)!r} at offset {pos} extends beyond the declared container size"
            )
        chunks.append(_RawChunk(raw_id, pos, size, available, truncated))
        if truncated:
            break
        nxt = payload + size
        if size & 1:
            nxt += 1
            if nxt > hard_end:
                problems.append(f"{where}: final chunk {_fourcc(raw_id)!r} has an odd size and no pad byte")
                break
            if nxt + 8 <= hard_end and not _valid_id(_read_at(f, nxt, 4)) and _valid_id(_read_at(f, nxt - 1, 4)):
                problems.append(
                    f"{where}: odd-sized chunk {_fourcc(raw_id)!r} at offset {pos} is missing its pad byte"
                )
                nxt -= 1
        pos = nxt
    if 0 < hard_end - pos < 8 and pos >= start:
        leftover = _read_at(f, pos, hard_end - pos)
        if leftover.strip(b"\x00"):
            problems.append(f"{where}: {len(leftover)} stray bytes at offset {pos}")
    return chunks


def _read_text(f: BinaryIO, chunk: _RawChunk, problems: list[str], where: str) -> DecodedText:
    n = min(chunk.available, MAX_TEXT_BYTES)
    if chunk.available > MAX_TEXT_BYTES:
        problems.append(
            f"{where}: {_fourcc(chunk.raw_id)!r} text is {chunk.size} bytes; only the first {MAX_TEXT_BYTES} were read"
        )
    return decode_legacy(_read_at(f, chunk.offset + 8, n))


def _embedded(f: BinaryIO, chunk: _RawChunk, problems: list[str], where: str) -> EmbeddedChunk:
    digest = _hash_range(f, chunk.offset + 8, chunk.available)
    if digest is None:
        problems.append(f"{where}: {_fourcc(chunk.raw_id)!r} chunk of {chunk.size} bytes is too large to hash")
    return EmbeddedChunk(
        id=_fourcc(chunk.raw_id),
        offset=chunk.offset,
        data_offset=chunk.offset + 8,
        size=chunk.size,
        sha256=digest,
        truncated=chunk.truncated,
    )


# --------------------------------------------------------------------------
# RIFF / RF64 / BW64


def _parse_fmt(data: bytes, endian: str, problems: list[str]) -> WaveFormat | None:
    if len(data) < 14:
        problems.append(f"RIFF: fmt chunk too short ({len(data)} bytes)")
        return None
    tag, channels, rate, byte_rate, align = struct.unpack(endian + "HHIIH", data[:14])
    bits = struct.unpack(endian + "H", data[14:16])[0] if len(data) >= 16 else None
    subformat = None
    if tag == 0xFFFE:
        if len(data) >= 26:
            subformat = struct.unpack(endian + "H", data[24:26])[0]
        else:
            problems.append("RIFF: WAVE_FORMAT_EXTENSIBLE fmt chunk without a sub-format")
    return WaveFormat(tag, channels, rate, byte_rate, align, bits, subformat)


def _parse_bext(data: bytes, declared: int, problems: list[str]) -> Bext | None:
    if len(data) < _BEXT_FIXED:
        problems.append(f"RIFF: bext chunk too short ({len(data)} of {_BEXT_FIXED} bytes)")
        data = data.ljust(_BEXT_FIXED, b"\x00")
    if declared - _BEXT_FIXED > MAX_TEXT_BYTES:
        problems.append(f"RIFF: bext coding history is {declared - _BEXT_FIXED} bytes; only {MAX_TEXT_BYTES} were read")
    low, high, version = struct.unpack("<IIH", data[338:348])
    umid = data[348:412]
    return Bext(
        description=decode_legacy(data[0:256]),
        originator=decode_legacy(data[256:288]),
        originator_reference=decode_legacy(data[288:320]),
        origination_date=decode_legacy(data[320:330]).text,
        origination_time=decode_legacy(data[330:338]).text,
        time_reference=(high << 32) | low,
        version=version,
        umid=umid.hex() if umid.strip(b"\x00") else None,
        coding_history=decode_legacy(data[_BEXT_FIXED:]),
    )


def _walk_list(
    f: BinaryIO,
    chunk: _RawChunk,
    endian: str,
    budget: _Budget,
    problems: list[str],
    info: list[tuple[str, DecodedText]],
) -> Chunk:
    if chunk.available < 4:
        problems.append(f"LIST chunk at offset {chunk.offset} too short for a list type")
        return Chunk("LIST", chunk.offset, chunk.size, chunk.truncated)
    list_type_raw = _read_at(f, chunk.offset + 8, 4)
    list_type = _fourcc(list_type_raw)
    end = chunk.offset + 8 + chunk.available
    where = f"LIST({list_type}) at offset {chunk.offset}"
    children = _walk(f, chunk.offset + 12, end, end, endian, budget, problems, where)
    if list_type_raw == b"INFO":
        for child in children:
            info.append((_fourcc(child.raw_id), _read_text(f, child, problems, where)))
    return Chunk(
        "LIST",
        chunk.offset,
        chunk.size,
        chunk.truncated,
        subtype=list_type,
        children=tuple(_fourcc(c.raw_id) for c in children),
    )


def _parse_ds64(data: bytes, problems: list[str]) -> tuple[int | None, int | None, dict[bytes, int]]:
    if len(data) < 28:
        problems.append(f"RF64: ds64 chunk too short ({len(data)} bytes)")
        return None, None, {}
    riff_size, data_size, _samples, table_len = struct.unpack("<QQQI", data[:28])
    table: dict[bytes, int] = {}
    entries = data[28:]
    if table_len * 12 > len(entries):
        problems.append(f"RF64: ds64 table declares {table_len} entries but holds {len(entries) // 12}")
    for i in range(min(table_len, len(entries) // 12)):
        cid, csize = struct.unpack("<4sQ", entries[i * 12 : i * 12 + 12])
        table.setdefault(cid, csize)
    return riff_size, data_size, table


def read_riff(f: BinaryIO) -> RiffInfo:
    """Walk a RIFF/RIFX/RF64/BW64 file; raise ``ParseError`` only for wrong magic."""
    saved = f.tell()
    try:
        return _read_riff(f)
    finally:
        f.seek(saved)


def _read_riff(f: BinaryIO) -> RiffInfo:
    file_size = _file_size(f)
    header = _read_at(f, 0, 12)
    if len(header) < 12 or header[:4] not in (b"RIFF", b"RIFX", b"RF64", b"BW64"):
        raise ParseError("not a RIFF/RF64/BW64 file")
    form = header[:4].decode("ascii")
    endian = ">" if form == "RIFX" else "<"
    declared = struct.unpack(endian + "I", header[4:8])[0]
    form_type = _fourcc(header[8:12])
    problems: list[str] = []
    if header[8:12] != b"WAVE":
        problems.append(f"{form}: form type is {form_type!r}, not 'WAVE'")

    ds64_data_size: int | None = None
    ds64_table: dict[bytes, int] = {}
    if form in ("RF64", "BW64"):
        first = _read_at(f, 12, 8)
        if len(first) == 8 and first[:4] == b"ds64":
            ds64_len = struct.unpack("<I", first[4:])[0]
            riff64, ds64_data_size, ds64_table = _parse_ds64(_read_at(f, 20, min(ds64_len, 4096)), problems)
            if declared == 0xFFFFFFFF and riff64 is not None:
                declared = riff64
        else:
            problems.append(f"{form}: first chunk is not ds64; 64-bit sizes unknown")

    def resolve(raw_id: bytes, size: int, pos: int) -> int:
        if size != 0xFFFFFFFF or form not in ("RF64", "BW64"):
            return size
        if raw_id == b"data" and ds64_data_size is not None:
            return ds64_data_size
        if raw_id in ds64_table:
            return ds64_table[raw_id]
        problems.append(f"{form}: chunk {_fourcc(raw_id)!r} at offset {pos} has a 0xFFFFFFFF size not in ds64")
        return size

    declared_end = 8 + declared
    if declared_end > file_size:
        problems.append(
            f"{form}: header declares {declared_end} bytes but the file has {file_size}; "
            f"{declared_end - file_size} bytes missing"
        )
    soft_end = min(declared_end, file_size)
    budget = _Budget(MAX_CHUNKS)
    raw_chunks = _walk(f, 12, soft_end, file_size, endian, budget, problems, form, resolve)

    chunks: list[Chunk] = []
    info: list[tuple[str, DecodedText]] = []
    bext: Bext | None = None
    fmt: WaveFormat | None = None
    ixml = False
    c2pa: list[EmbeddedChunk] = []
    id3: list[EmbeddedChunk] = []
    for rc in raw_chunks:
        cid = rc.raw_id
        if cid == b"LIST":
            chunks.append(_walk_list(f, rc, endian, budget, problems, info))
            continue
        chunks.append(Chunk(_fourcc(cid), rc.offset, rc.size, rc.truncated))
        if cid == b"fmt ":
            if fmt is not None:
                problems.append(f"{form}: more than one fmt chunk; the first is used")
            else:
                fmt = _parse_fmt(_read_at(f, rc.offset + 8, min(rc.available, 1024)), endian, problems)
        elif cid == b"bext":
            if bext is not None:
                problems.append(f"{form}: more than one bext chunk; the first is used")
            else:
                data = _read_at(f, rc.offset + 8, min(rc.available, _BEXT_FIXED + MAX_TEXT_BYTES))
                bext = _parse_bext(data, rc.size, problems)
        elif cid == b"iXML":
            ixml = True
        elif cid in (b"c2pa", b"C2PA"):
            c2pa.append(_embedded(f, rc, problems, form))
        elif cid in (b"id3 ", b"ID3 "):
            id3.append(_embedded(f, rc, problems, form))
    if fmt is None:
        problems.append(f"{form}: no fmt chunk")
    return RiffInfo(
        form=form,
        form_type=form_type,
        declared_size=declared,
        file_size=file_size,
        chunks=tuple(chunks),
        info=tuple(info),
        bext=bext,
        ixml_present=ixml,
        c2pa=tuple(c2pa),
        id3=tuple(id3),
        fmt=fmt,
        problems=_capped(problems),
    )


# --------------------------------------------------------------------------
# AIFF / AIFC

_AIFF_TEXT_IDS = (b"NAME", b"AUTH", b"ANNO", b"(c) ")


def _extended_to_float(raw: bytes) -> float | None:
    """IEEE 754 80-bit extended (big-endian) → float; None for inf/NaN/overflow."""
    if len(raw) < 10:
        return None
    sign_exp, mantissa = struct.unpack(">HQ", raw[:10])
    exponent = sign_exp & 0x7FFF
    if exponent == 0x7FFF:
        return None
    if exponent == 0 and mantissa == 0:
        return 0.0
    try:
        value = math.ldexp(mantissa, exponent - 16383 - 63)
    except OverflowError:
        return None
    return -value if sign_exp & 0x8000 else value


def _parse_comm(data: bytes, aifc: bool, problems: list[str]) -> AiffCommon | None:
    if len(data) < 18:
        problems.append(f"AIFF: COMM chunk too short ({len(data)} bytes)")
        return None
    channels, frames, bits = struct.unpack(">hIh", data[:8])
    rate = _extended_to_float(data[8:18])
    if rate is None:
        problems.append("AIFF: COMM sample rate is not a finite number")
    ctype = cname = None
    if aifc:
        if len(data) >= 22:
            ctype = _fourcc(data[18:22])
            if len(data) >= 23:
                cname = decode_legacy(data[23 : 23 + data[22]])
        else:
            problems.append("AIFC: COMM chunk has no compression type")
    return AiffCommon(channels, frames, bits, rate, ctype, cname)


def _parse_comt(f: BinaryIO, rc: _RawChunk, problems: list[str]) -> list[AiffComment]:
    comments: list[AiffComment] = []
    head = _read_at(f, rc.offset + 8, 2)
    if len(head) < 2:
        problems.append(f"AIFF: COMT chunk at offset {rc.offset} too short")
        return comments
    count = struct.unpack(">H", head)[0]
    pos = rc.offset + 10
    end = rc.offset + 8 + rc.available
    for index in range(count):
        if index >= MAX_AIFF_COMMENTS:
            problems.append(f"AIFF: COMT declares {count} comments; only {MAX_AIFF_COMMENTS} were read")
            break
        if pos + 8 > end:
            problems.append(f"AIFF: COMT declares {count} comments but holds {index}")
            break
        stamp, marker, length = struct.unpack(">IhH", _read_at(f, pos, 8))
        pos += 8
        if pos + length > end:
            problems.append(f"AIFF: COMT comment {index} runs past its chunk; truncated")
            length = end - pos
        comments.append(AiffComment(stamp, marker, decode_legacy(_read_at(f, pos, length))))
        pos += length + (length & 1)
    return comments


def read_aiff(f: BinaryIO) -> AiffInfo:
    """Walk a FORM AIFF/AIFC file; raise ``ParseError`` only for wrong magic."""
    saved = f.tell()
    try:
        return _read_aiff(f)
    finally:
        f.seek(saved)


def _read_aiff(f: BinaryIO) -> AiffInfo:
    file_size = _file_size(f)
    header = _read_at(f, 0, 12)
    if len(header) < 12 or header[:4] != b"FORM":
        raise ParseError("not an IFF FORM file")
    declared = struct.unpack(">I", header[4:8])[0]
    form_type = _fourcc(header[8:12])
    problems: list[str] = []
    if header[8:12] not in (b"AIFF", b"AIFC"):
        problems.append(f"FORM: form type is {form_type!r}, not AIFF or AIFC")
    aifc = header[8:12] == b"AIFC"
    declared_end = 8 + declared
    if declared_end > file_size:
        problems.append(
            f"FORM: header declares {declared_end} bytes but the file has {file_size}; "
            f"{declared_end - file_size} bytes missing"
        )
    budget = _Budget(MAX_CHUNKS)
    raw_chunks = _walk(f, 12, min(declared_end, file_size), file_size, ">", budget, problems, "FORM")

    chunks: list[Chunk] = []
    texts: list[tuple[str, DecodedText]] = []
    comments: list[AiffComment] = []
    comm: AiffCommon | None = None
    id3: list[EmbeddedChunk] = []
    c2pa: list[EmbeddedChunk] = []
    for rc in raw_chunks:
        cid = rc.raw_id
        subtype = None
        if cid == b"APPL" and rc.available >= 4:
            subtype = _fourcc(_read_at(f, rc.offset + 8, 4))
        chunks.append(Chunk(_fourcc(cid), rc.offset, rc.size, rc.truncated, subtype=subtype))
        if cid in _AIFF_TEXT_IDS:
            texts.append((_fourcc(cid), _read_text(f, rc, problems, "FORM")))
        elif cid == b"COMM":
            if comm is not None:
                problems.append("AIFF: more than one COMM chunk; the first is used")
            else:
                comm = _parse_comm(_read_at(f, rc.offset + 8, min(rc.available, 18 + 4 + 256)), aifc, problems)
        elif cid == b"COMT":
            comments.extend(_parse_comt(f, rc, problems))
        elif cid in (b"ID3 ", b"id3 "):
            id3.append(_embedded(f, rc, problems, "FORM"))
        elif cid in (b"c2pa", b"C2PA"):
            c2pa.append(_embedded(f, rc, problems, "FORM"))
    if comm is None:
        problems.append("FORM: no COMM chunk")
    return AiffInfo(
        form="FORM",
        form_type=form_type,
        declared_size=declared,
        file_size=file_size,
        chunks=tuple(chunks),
        texts=tuple(texts),
        comments=tuple(comments),
        comm=comm,
        id3=tuple(id3),
        c2pa=tuple(c2pa),
        problems=_capped(problems),
    )


# --------------------------------------------------------------------------
# layout signature


def _collapse(ids: list[str]) -> list[str]:
    """Runs of the same id become ``id*n``; past ``MAX_SIGNATURE_PARTS`` the
    rest is counted, so hostile files cannot make signatures huge."""
    out: list[str] = []
    for item, group in itertools.groupby(ids):
        run = sum(1 for _ in group)
        out.append(item if run == 1 else f"{item}*{run}")
    if len(out) > MAX_SIGNATURE_PARTS:
        out = [*out[:MAX_SIGNATURE_PARTS], f"...+{len(out) - MAX_SIGNATURE_PARTS}"]
    return out


def iff_layout_signature(info: RiffInfo | AiffInfo) -> str:
    """Chunk layout without sizes, e.g. ``RIFF:fmt ,LIST(INFO:INAM,IART),data,id3 ``.

    The prefix is the magic (``RIFF``, ``RF64``, ``BW64``) for WAVE files,
    ``RIFF/<type>`` for other RIFF forms and the form type (``AIFF``,
    ``AIFC``) for FORM files.  Sizes and offsets are left out so two files
    written by the same tool match.  Consecutive repeats collapse to
    ``id*n`` and more than ``MAX_SIGNATURE_PARTS`` distinct runs end in
    ``...+n``; an AIFF ``APPL`` chunk shows its signature as ``APPL(sig)``.
    """
    if isinstance(info, AiffInfo):
        prefix = info.form_type
    elif info.form_type == "WAVE":
        prefix = info.form
    else:
        prefix = f"{info.form}/{info.form_type}"
    parts: list[str] = []
    for chunk in info.chunks:
        if chunk.id == "LIST" and chunk.subtype is not None:
            inner = ",".join(_collapse(list(chunk.children)))
            parts.append(f"LIST({chunk.subtype}:{inner})" if inner else f"LIST({chunk.subtype})")
        elif chunk.subtype is not None:
            parts.append(f"{chunk.id}({chunk.subtype})")
        else:
            parts.append(chunk.id)
    return f"{prefix}:" + ",".join(_collapse(parts))
