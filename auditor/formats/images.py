"""Embedded-artwork inspection: format, dimensions and a perceptual hash.

AI-farm catalogs reuse one cover (or near-copies of it) across hundreds of
releases; a 64-bit difference hash lets the detectors group them.  Pictures
come from hostile files, so:

* the type is sniffed from magic bytes and the dimensions are read from the
  headers *without decoding* (PNG IHDR, JPEG SOFn, GIF screen descriptor,
  WebP VP8/VP8L/VP8X, BMP DIB header, TIFF first IFD);
* Pillow is only asked to decode when the image is at most
  ``MAX_HASH_PIXELS`` by both our header parse and Pillow's own, and JPEGs
  are decoded at reduced size via ``Image.draft``;
* Pillow is imported inside the function, so importing this module is cheap
  (the tag reader imports it in every worker);
* nothing raises: every failure becomes ``ImageInfo.problem``.
"""

from __future__ import annotations

import re
import struct
import warnings
from dataclasses import dataclass
from io import BytesIO

__all__ = ["ImageInfo", "MAX_HASH_PIXELS", "ParseError", "hamming", "inspect_image", "sniff_image"]

MAX_HASH_PIXELS = 40_000_000
_MAX_JPEG_MARKERS = 10_000
_MAX_TIFF_ENTRIES = 4_096
_HEX = re.compile(r"[0-9a-fA-F]*")

# Pillow is only allowed the decoder that matches the sniffed type: letting it
# guess would expose every plugin (EPS even shells out to Ghostscript).
_PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/bmp": "BMP",
    "image/tiff": "TIFF",
}


class ParseError(ValueError):
    """Raised by ``hamming`` for hashes that are not equal-length hex strings."""


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What could be learned about one picture.

    ``mime`` is None when the magic bytes match no supported format;
    ``width``/``height`` come from the headers; ``phash`` is the 64-bit
    dHash as 16 lowercase hex digits.  ``problem`` explains any missing piece
    (several are joined with ``"; "``) and is None when all is well.
    """

    mime: str | None
    width: int | None
    height: int | None
    phash: str | None
    problem: str | None


# --------------------------------------------------------------------------
# header parsing (no decoding)


def _u16be(data: bytes, pos: int) -> int | None:
    return struct.unpack_from(">H", data, pos)[0] if pos + 2 <= len(data) else None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    for _ in range(_MAX_JPEG_MARKERS):
        if pos + 4 > len(data):
            return None
        if data[pos] != 0xFF:
            pos = data.find(b"\xff", pos)  # tolerate junk between segments
            if pos < 0:
                return None
            continue
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:  # no length field
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # EOI / start of scan: SOF must come before
            return None
        length = _u16be(data, pos + 2)
        if length is None or length < 2:
            return None
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if pos + 9 > len(data):
                return None
            height, width = struct.unpack_from(">HH", data, pos + 5)
            return width, height
        pos += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    kind = data[12:16]
    if kind == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", data, 26)
        return width & 0x3FFF, height & 0x3FFF
    if kind == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if kind == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def _bmp_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 18:
        return None
    header_size = struct.unpack_from("<I", data, 14)[0]
    if header_size == 12 and len(data) >= 22:
        return struct.unpack_from("<HH", data, 18)
    if header_size >= 16 and len(data) >= 26:
        width, height = struct.unpack_from("<ii", data, 18)
        return abs(width), abs(height)  # negative height = top-down rows
    return None


def _tiff_size(data: bytes) -> tuple[int, int] | None:
    endian = "<" if data[:2] == b"II" else ">"
    if len(data) < 8:
        return None
    ifd = struct.unpack_from(endian + "I", data, 4)[0]
    if ifd + 2 > len(data):
        return None
    count = min(struct.unpack_from(endian + "H", data, ifd)[0], _MAX_TIFF_ENTRIES)
    found: dict[int, int] = {}
    for index in range(count):
        entry = ifd + 2 + index * 12
        if entry + 12 > len(data):
            break
        tag, kind = struct.unpack_from(endian + "HH", data, entry)
        if tag not in (256, 257):
            continue
        if kind == 3:
            found[tag] = struct.unpack_from(endian + "H", data, entry + 8)[0]
        elif kind == 4:
            found[tag] = struct.unpack_from(endian + "I", data, entry + 8)[0]
    if 256 in found and 257 in found:
        return found[256], found[257]
    return None


def sniff_image(data: bytes) -> tuple[str | None, tuple[int, int] | None]:
    """(mime, (width, height)) from magic bytes and headers alone."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", _jpeg_size(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(data) >= 24 and data[12:16] == b"IHDR":
            return "image/png", struct.unpack_from(">II", data, 16)
        return "image/png", None
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif", (struct.unpack_from("<HH", data, 6) if len(data) >= 10 else None)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", _webp_size(data)
    if data[:2] == b"BM":
        return "image/bmp", _bmp_size(data)
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff", _tiff_size(data)
    if data[:4] in (b"II+\x00", b"MM\x00+"):
        return "image/tiff", None  # BigTIFF: dimensions left to Pillow
    return None, None


# --------------------------------------------------------------------------
# perceptual hash


def _dhash(data: bytes, mime: str) -> tuple[str | None, str | None]:
    """(hash, problem).  Pillow errors of every kind are data here, not crashes."""
    try:
        from PIL import Image
    except ImportError as exc:  # Pillow is a hard dependency; keep going without a hash
        return None, f"Pillow unavailable: {exc}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # our own pixel limit is stricter than Pillow's warning
            with Image.open(BytesIO(data), formats=[_PILLOW_FORMATS[mime]]) as image:
                width, height = image.size
                if width * height > MAX_HASH_PIXELS:
                    return None, f"image too large to hash ({width}x{height})"
                if width == 0 or height == 0:
                    return None, "image has a zero dimension"
                if mime == "image/jpeg":
                    image.draft("L", (64, 64))
                small = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
                pixels = small.tobytes()
    except Exception as exc:  # noqa: BLE001 - Pillow raises OSError, SyntaxError, ValueError, struct.error, ...
        return None, f"cannot decode image: {type(exc).__name__}: {exc}"
    value = 0
    for row in range(8):
        for col in range(8):
            value = (value << 1) | (pixels[row * 9 + col + 1] > pixels[row * 9 + col])
    return f"{value:016x}", None


def inspect_image(data: bytes) -> ImageInfo:
    """Sniff, measure and hash one embedded picture; never raises."""
    data = bytes(data)
    problems: list[str] = []
    mime, size = sniff_image(data)
    width = height = None
    if mime is None:
        problems.append("unrecognized image format")
    elif size is None:
        problems.append(f"{mime} dimensions not found in the headers")
    else:
        width, height = size
    phash: str | None = None
    if mime is None:
        pass  # no decoder is trusted with bytes we could not identify
    elif width is not None and height is not None and width * height > MAX_HASH_PIXELS:
        problems.append(f"image too large to hash ({width}x{height})")
    elif width == 0 or height == 0:
        problems.append("image has a zero dimension")
    else:
        phash, problem = _dhash(data, mime)
        if problem:
            problems.append(problem)
    return ImageInfo(mime, width, height, phash, "; ".join(problems) or None)


def hamming(a: str, b: str) -> int:
    """Number of differing bits between two hex hashes of equal length."""
    if len(a) != len(b):
        raise ParseError(f"hashes differ in length: {len(a)} vs {len(b)}")
    if not (_HEX.fullmatch(a) and _HEX.fullmatch(b)):
        raise ParseError(f"not hex hashes: {a!r}, {b!r}")
    if not a:
        return 0
    return (int(a, 16) ^ int(b, 16)).bit_count()
