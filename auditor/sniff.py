"""Recognise audio by name and by magic bytes, without trusting either alone.

This is the leaf module of discovery: it knows which extensions are audio,
which are delivery paperwork that is never opened, which names are operating
system litter, and what the first bytes of every container we read look like.

``sniff_head`` looks only at bytes it is given and never raises on any input
(a property test feeds it random bytes): junk in a delivery is evidence to
record, not a reason to crash.  The format names it returns are the canonical
names used across the core (``TrackRecord.format`` / ``sniffed_format``).
"""

from __future__ import annotations

import os
import sys
from typing import BinaryIO

# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------

#: Extension (lowercase, with the dot) -> canonical format name.
#: ``.m4a`` also covers ALAC (an MP4 codec, not a container of its own);
#: ``.ogg``/``.oga`` map to the generic ``"ogg"`` because only the first packet
#: tells Vorbis from Opus or FLAC-in-Ogg.
AUDIO_EXTENSIONS: dict[str, str] = {
    ".mp3": "mp3",
    ".mp2": "mp2",
    ".flac": "flac",
    ".ogg": "ogg",
    ".oga": "ogg",
    ".opus": "ogg-opus",
    ".spx": "ogg-speex",
    ".m4a": "mp4",
    ".m4b": "mp4",
    ".m4p": "mp4",
    ".mp4": "mp4",
    ".aac": "aac",
    ".wav": "wav",
    ".wave": "wav",
    ".bwf": "wav",
    ".rf64": "wav",
    ".aif": "aiff",
    ".aiff": "aiff",
    ".aifc": "aiff",
    ".wma": "asf",
    ".asf": "asf",
    ".ape": "ape",
    ".wv": "wavpack",
    ".mpc": "musepack",
    ".mp+": "musepack",
    ".tak": "tak",
    ".ofr": "optimfrog",
    ".ofs": "optimfrog",
    ".dsf": "dsf",
    ".dff": "dff",
}

#: Delivery paperwork and artwork: files with these extensions are never
#: opened or sniffed, even if their bytes happen to look like audio.
NON_AUDIO_EXTENSIONS: frozenset[str] = frozenset(
    {
        # images
        ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp",
        ".heic", ".heif", ".avif", ".svg", ".ico", ".psd", ".eps", ".ai",
        # documents and sheets
        ".pdf", ".txt", ".nfo", ".rtf", ".doc", ".docx", ".odt", ".pages",
        ".xls", ".xlsx", ".ods", ".numbers", ".csv", ".tsv", ".ppt", ".pptx",
        ".key", ".md", ".html", ".htm", ".xml", ".json", ".yaml", ".yml",
        ".ini", ".toml", ".ddex",
        # playlists, cue sheets, rip logs, checksums, signatures
        ".cue", ".log", ".m3u", ".m3u8", ".pls", ".xspf", ".sfv", ".md5",
        ".sha1", ".sha256", ".ffp", ".accurip", ".sig", ".asc", ".par2",
        # video (containers that are not read as audio deliveries)
        ".mov", ".avi", ".mkv", ".webm", ".wmv", ".flv", ".m4v",
        # fonts, executables, misc.
        ".ttf", ".otf", ".exe", ".dll", ".app", ".dmg", ".iso", ".lnk",
        ".url", ".db", ".sqlite", ".tmp", ".bak", ".part", ".crdownload",
    }
)

#: Archive extensions.  Only ZIP is opened; the others are reported as
#: "not opened" so an auditor knows part of a delivery went unread.
ARCHIVE_EXTENSIONS: dict[str, str] = {
    ".zip": "ZIP",
    ".rar": "RAR",
    ".7z": "7-Zip",
    ".tar": "tar",
    ".gz": "gzip",
    ".tgz": "gzip",
    ".bz2": "bzip2",
    ".tbz2": "bzip2",
    ".xz": "xz",
    ".txz": "xz",
    ".zst": "Zstandard",
    ".lz": "lzip",
    ".lzma": "LZMA",
    ".cab": "CAB",
    ".sit": "StuffIt",
    ".sitx": "StuffIt",
}

#: Operating-system litter, compared case-insensitively.  Every name starting
#: with a dot (``._track.mp3`` AppleDouble forks, ``.DS_Store``, ``.git``,
#: ``.Trashes``) is skipped as well, see :func:`is_ignored_name`.
IGNORED_NAMES: frozenset[str] = frozenset(
    {
        "thumbs.db",
        "ehthumbs.db",
        "desktop.ini",
        "__macosx",
        "$recycle.bin",
        "system volume information",
        "icon\r",
    }
)


def is_ignored_name(name: str) -> bool:
    """True for hidden files and OS litter that must never become candidates.

    All dot-names are hidden (``._x.mp3`` resource forks hold no audio, and
    ``.git``/``.Trashes`` directories are not part of a delivery).
    """
    return name.startswith(".") or name.lower() in IGNORED_NAMES


def extension_of(name: str) -> str:
    """Lowercase extension with its dot (``".mp3"``), or ``""``."""
    return os.path.splitext(name)[1].lower()


def display_text(path: str | bytes) -> str:
    """Turn a file-system path into text that is always valid UTF-8.

    On POSIX a file name is bytes; names that are not valid UTF-8 reach
    Python as ``str`` with lone surrogates (``surrogateescape``) which SQLite,
    Qt and PDF writers refuse.  Each undecodable byte is shown as a visible
    ``\\xNN`` escape instead of U+FFFD so that two different raw names stay
    distinct (the store keys on display paths) and the auditor can see which
    byte was there.  The only possible collision is with a name that literally
    contains a backslash followed by ``xNN``.

    This text is for showing and storing only: to open the file use the
    original ``str`` (``Candidate.read_path``), which still round-trips to the
    real bytes.
    """
    raw = path if isinstance(path, bytes) else os.fsencode(path)
    return raw.decode(sys.getfilesystemencoding(), "backslashreplace")


# --------------------------------------------------------------------------
# Magic bytes
# --------------------------------------------------------------------------

#: Bytes read from the start of a file by :func:`sniff_file`, plus a small
#: window after a large ID3v2 tag.  Together at most 64 KiB are read.
SNIFF_HEAD_BYTES = 60 * 1024
AFTER_TAG_WINDOW = 4 * 1024

_ASF_HEADER_GUID = bytes.fromhex("3026B2758E66CF11A6D900AA0062CE6C")

# ISO-BMFF brands that are still images, not audio (HEIF/AVIF/CR3 photos).
_IMAGE_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"mif1", b"msf1", b"avif", b"avis", b"crx "})

# MPEG audio tables, kbps, indexed by bitrate index 0..14 (0 = free format).
_BITRATES = {
    (1, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (1, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (1, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (2, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {
    3: (44100, 48000, 32000),  # MPEG-1
    2: (22050, 24000, 16000),  # MPEG-2
    0: (11025, 12000, 8000),  # MPEG-2.5
}
_MAX_ID3_TAGS = 8  # stacked ID3v2 tags are seen in the wild; stop somewhere
_MPEG_SEARCH_AFTER_ID3 = 2048  # junk allowed between an ID3 tag and audio


def _mpeg_frame(buf: bytes, pos: int) -> tuple[int, int, int, int] | None:
    """Parse an MPEG audio frame header at ``pos``.

    Returns ``(version_bits, layer, sample_rate, frame_length)`` or ``None``
    when any field holds a reserved or unusable value (free-format bitrate
    cannot be validated, so it is refused).
    """
    if pos < 0 or pos + 4 > len(buf):
        return None
    b0, b1, b2, b3 = buf[pos], buf[pos + 1], buf[pos + 2], buf[pos + 3]
    if b0 != 0xFF or (b1 & 0xE0) != 0xE0:
        return None
    version_bits = (b1 >> 3) & 0x3
    layer_bits = (b1 >> 1) & 0x3
    if version_bits == 1 or layer_bits == 0:
        return None
    layer = 4 - layer_bits  # 3 -> Layer I, 1 -> Layer III
    bitrate_index = b2 >> 4
    rate_index = (b2 >> 2) & 0x3
    if bitrate_index in (0, 15) or rate_index == 3 or (b3 & 0x3) == 2:
        return None
    bitrate = _BITRATES[(1 if version_bits == 3 else 2, layer)][bitrate_index] * 1000
    sample_rate = _SAMPLE_RATES[version_bits][rate_index]
    padding = (b2 >> 1) & 0x1
    if layer == 1:
        length = (12 * bitrate // sample_rate + padding) * 4
    elif layer == 3 and version_bits != 3:
        length = 72 * bitrate // sample_rate + padding
    else:
        length = 144 * bitrate // sample_rate + padding
    return version_bits, layer, sample_rate, length


def _mpeg_at(buf: bytes, pos: int) -> str | None:
    """``"mp3"``/``"mp2"`` if an MPEG audio stream starts at ``pos``.

    One valid header is a weak signal (11 sync bits), so where the buffer
    holds the next header too it must be a valid frame of the same version,
    layer and sample rate.  Layer I is reported as ``"mp2"`` (both are the
    non-Layer-III family; Layer I deliveries are vanishingly rare).
    """
    first = _mpeg_frame(buf, pos)
    if first is None:
        return None
    version_bits, layer, sample_rate, length = first
    nxt = pos + length
    if nxt + 4 <= len(buf):
        second = _mpeg_frame(buf, nxt)
        if second is None or second[:3] != (version_bits, layer, sample_rate):
            return None
    return "mp3" if layer == 3 else "mp2"


def _adts_frame(buf: bytes, pos: int) -> tuple[int, int] | None:
    """Parse an ADTS (raw AAC) header: ``(sampling_index, frame_length)``."""
    if pos < 0 or pos + 7 > len(buf):
        return None
    if buf[pos] != 0xFF or (buf[pos + 1] & 0xF6) != 0xF0:  # 12-bit sync, layer 00
        return None
    sampling_index = (buf[pos + 2] >> 2) & 0xF
    if sampling_index > 12:
        return None
    length = ((buf[pos + 3] & 0x3) << 11) | (buf[pos + 4] << 3) | (buf[pos + 5] >> 5)
    header_length = 7 if buf[pos + 1] & 0x1 else 9  # protection_absent=0 adds a CRC
    if length < header_length:
        return None
    return sampling_index, length


def _adts_at(buf: bytes, pos: int) -> str | None:
    first = _adts_frame(buf, pos)
    if first is None:
        return None
    nxt = pos + first[1]
    if nxt + 7 <= len(buf):
        second = _adts_frame(buf, nxt)
        if second is None or second[0] != first[0]:
            return None
    return "aac"


def _ogg_kind(head: bytes) -> str:
    """Name the codec of an Ogg stream from its first packet."""
    if len(head) < 27:
        return "ogg"
    start = 27 + head[26]  # header + segment table
    packet = head[start : start + 8]
    if packet.startswith(b"\x01vorbis"):
        return "ogg-vorbis"
    if packet.startswith(b"OpusHead"):
        return "ogg-opus"
    if packet.startswith(b"\x7fFLAC"):
        return "ogg-flac"
    if packet.startswith(b"Speex   "):
        return "ogg-speex"
    return "ogg"


def id3v2_end(head: bytes) -> int | None:
    """Offset just past the leading ID3v2 tag(s), or ``None`` if there is none.

    The size is a 28-bit syncsafe integer (four 7-bit bytes); a v2.4 footer
    adds 10 bytes.  Several stacked tags are skipped.  The offset may lie
    beyond ``head`` when the tag is larger than what was read.
    """
    end = 0
    for _ in range(_MAX_ID3_TAGS):
        if head[end : end + 3] != b"ID3" or end + 10 > len(head):
            break
        size_bytes = head[end + 6 : end + 10]
        if head[end + 3] == 0xFF or any(b & 0x80 for b in size_bytes):
            break  # not a valid header: treat what we have as the end
        size = 0
        for b in size_bytes:
            size = (size << 7) | b
        footer = 10 if head[end + 3] >= 4 and head[end + 5] & 0x10 else 0
        end += 10 + size + footer
    return end or None


def _after_id3(rest: bytes) -> str:
    """What follows an ID3v2 tag: a specific format, else ``"mp3"``.

    Zero padding beyond the declared tag size is common, as is a little junk
    before the first MPEG frame, so both are tolerated here (and only here).
    """
    start = 0
    while start < len(rest) and rest[start] == 0:
        start += 1
    rest = rest[start:]
    found = _sniff_magic(rest)
    if found is not None and found != "zip":
        return found
    limit = min(len(rest), _MPEG_SEARCH_AFTER_ID3)
    pos = rest.find(b"\xff", 0, limit)
    while pos != -1:
        found = _adts_at(rest, pos) or _mpeg_at(rest, pos)
        if found is not None:
            return found
        pos = rest.find(b"\xff", pos + 1, limit)
    return "mp3"


def _sniff_magic(head: bytes) -> str | None:
    """Recognise a container by its signature at offset 0 (no ID3 handling)."""
    magic4 = head[:4]
    if magic4 == b"fLaC":
        return "flac"
    if magic4 == b"OggS":
        return _ogg_kind(head)
    if head[4:8] == b"ftyp":
        return None if head[8:12] in _IMAGE_BRANDS else "mp4"
    if magic4 in (b"RIFF", b"RIFX", b"RF64", b"BW64"):
        return "wav" if head[8:12] == b"WAVE" else None
    if magic4 == b"FORM":
        return "aiff" if head[8:12] in (b"AIFF", b"AIFC") else None
    if head[:16] == _ASF_HEADER_GUID:
        return "asf"
    if magic4 == b"MAC ":
        return "ape"
    if magic4 == b"wvpk":
        return "wavpack"
    if magic4 == b"MPCK" or head[:3] == b"MP+":
        return "musepack"
    if magic4 == b"tBaK":
        return "tak"
    if magic4 == b"OFR ":
        return "optimfrog"
    if magic4 == b"DSD ":
        return "dsf"
    if magic4 == b"FRM8" and head[12:16] == b"DSD ":
        return "dff"
    if magic4 in (b"PK\x03\x04", b"PK\x05\x06"):  # archive with members / empty
        return "zip"
    return _adts_at(head, 0) or _mpeg_at(head, 0)


def sniff_head(head: bytes | bytearray | memoryview) -> str | None:
    """Canonical format name for a file starting with ``head``, or ``None``.

    A leading ID3v2 tag is skipped using its syncsafe size and the bytes after
    it decide: ``ID3…fLaC`` is FLAC with a (non-standard) ID3 tag, ``ID3``
    followed by MPEG frames, by nothing recognisable, or by bytes beyond
    ``head`` is ``"mp3"``.  ``"zip"`` is returned for ZIP archives so the
    caller can expand them.  Never raises on any bytes.
    """
    if not isinstance(head, bytes):
        head = bytes(head)
    end = id3v2_end(head)
    if end is not None:
        return _after_id3(head[end:])
    if head.startswith(b"ID3"):
        return "mp3"  # damaged or cut-off ID3 header: still an MPEG file's tag
    return _sniff_magic(head)


def sniff_file(fileobj: BinaryIO, *, head_bytes: int = SNIFF_HEAD_BYTES) -> str | None:
    """Sniff an open binary file object (opened read-only by the caller).

    Reads at most ``head_bytes`` from the start, plus ``AFTER_TAG_WINDOW``
    bytes just after an ID3v2 tag larger than that (big cover art is common),
    so that ``ID3…fLaC`` is still told apart from MP3.  The stream position is
    restored for seekable files.  Content never raises; ``OSError`` from the
    underlying read propagates for the caller to record.
    """
    seekable = fileobj.seekable()
    start = fileobj.tell() if seekable else 0
    try:
        if seekable:
            fileobj.seek(0)
        head = fileobj.read(head_bytes) or b""
        end = id3v2_end(head)
        more_in_file = len(head) >= head_bytes
        if end is not None and seekable and more_in_file and len(head) - end < AFTER_TAG_WINDOW:
            fileobj.seek(end)
            return _after_id3(fileobj.read(AFTER_TAG_WINDOW) or b"")
        return sniff_head(head)
    finally:
        if seekable:
            fileobj.seek(start)
