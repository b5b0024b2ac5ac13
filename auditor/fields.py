"""The one normalized field model, and where each field lives in each container.

In the spirit of beets' ``mediafile`` storage styles, but read-only and
complete: a field may be found under several keys of several containers
(``TPUB`` and ``TXXX:LABEL`` and an APEv2 ``Label``) and the auditor keeps
*every* occurrence.  Each table maps a container's raw key to a
:class:`Target`: either a canonical field, a credit role, or an identifier
(IPI/ISNI) that belongs to the people credited in a role.

Free-form keys (ID3 ``TXXX`` descriptions, Vorbis comments, MP4 ``----``
atoms, APEv2 items, unknown ASF attributes) share one table, looked up by
the key upper-cased with everything but letters and digits removed, so
"ALBUM ARTIST", "AlbumArtist" and "album_artist" are one key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Canonical fields, in display order.  ``track_number`` etc. keep the raw text;
# parsed integers are derived by the reader and the raw text stays as evidence.
FIELDS: tuple[str, ...] = (
    "title", "subtitle", "artist", "album", "album_artist", "label", "publisher",
    "isrc", "upc", "catalog_number", "iswc", "release_date", "original_date",
    "genre", "track_number", "track_total", "disc_number", "disc_total",
    "copyright", "comment", "url", "lyrics", "encoder_tag", "encoded_by",
    "encoder_settings", "bpm", "key", "language", "mood", "compilation",
)

# Fields that legitimately carry several values; others conflict when aliases differ.
MULTI_VALUED: frozenset[str] = frozenset({"url", "comment", "genre", "lyrics"})

CREDIT_ROLES: tuple[str, ...] = (
    "composer", "lyricist", "writer", "arranger", "producer", "performer",
    "conductor", "remixer", "engineer", "mixer", "dj_mixer",
    "original_artist", "original_lyricist",
)
# Roles that make someone an author of the work (as opposed to the recording).
WRITER_ROLES: frozenset[str] = frozenset({"composer", "lyricist", "writer"})


@dataclass(frozen=True, slots=True)
class Target:
    """Where a raw key's value goes: a field, a credit role, or an identifier."""

    kind: str  # "field", "credit", "ipi", "isni", "raw"
    name: str = ""  # field name, role, or (for ipi/isni) the role it belongs to ("" = any writer)


def F(name: str) -> Target:
    return Target("field", name)


def C(role: str) -> Target:
    return Target("credit", role)


RAW = Target("raw")

# --- free-form keys (normalized: upper-case letters and digits only) -------------
FREEFORM: dict[str, Target] = {
    "TITLE": F("title"), "SUBTITLE": F("subtitle"), "VERSION": F("subtitle"),
    "ARTIST": F("artist"), "ARTISTS": F("artist"),
    "ALBUM": F("album"), "ALBUMARTIST": F("album_artist"),
    "LABEL": F("label"), "ORGANIZATION": F("label"), "RECORDLABEL": F("label"),
    "PUBLISHER": F("publisher"), "MUSICPUBLISHER": F("publisher"),
    "ISRC": F("isrc"), "BARCODE": F("upc"), "UPC": F("upc"), "EAN": F("upc"),
    "EANUPN": F("upc"), "UPCEAN": F("upc"), "ICPN": F("upc"),
    "CATALOGNUMBER": F("catalog_number"), "CATALOGNO": F("catalog_number"),
    "CATALOG": F("catalog_number"), "LABELNO": F("catalog_number"),
    "ISWC": F("iswc"),
    "DATE": F("release_date"), "YEAR": F("release_date"), "RELEASEDATE": F("release_date"),
    "RELEASETIME": F("release_date"),
    "ORIGINALDATE": F("original_date"), "ORIGINALYEAR": F("original_date"),
    "ORIGINALRELEASEDATE": F("original_date"),
    "GENRE": F("genre"), "STYLE": F("genre"),
    "TRACKNUMBER": F("track_number"), "TRACK": F("track_number"),
    "TRACKTOTAL": F("track_total"), "TOTALTRACKS": F("track_total"),
    "DISCNUMBER": F("disc_number"), "DISC": F("disc_number"),
    "DISCTOTAL": F("disc_total"), "TOTALDISCS": F("disc_total"),
    "COPYRIGHT": F("copyright"), "COMMENT": F("comment"), "DESCRIPTION": F("comment"),
    "LYRICS": F("lyrics"), "UNSYNCEDLYRICS": F("lyrics"),
    "WEBSITE": F("url"), "URL": F("url"), "WWW": F("url"), "SOURCEURL": F("url"),
    "ENCODER": F("encoder_tag"), "ENCODEDBY": F("encoded_by"), "ENCODEDWITH": F("encoder_tag"),
    "ENCODERSETTINGS": F("encoder_settings"), "ENCODINGSETTINGS": F("encoder_settings"),
    "BPM": F("bpm"), "KEY": F("key"), "INITIALKEY": F("key"), "LANGUAGE": F("language"),
    "MOOD": F("mood"), "COMPILATION": F("compilation"),
    "COMPOSER": C("composer"), "LYRICIST": C("lyricist"), "WRITER": C("writer"),
    "SONGWRITER": C("writer"), "AUTHOR": C("writer"), "TEXTER": C("lyricist"),
    "ARRANGER": C("arranger"), "PRODUCER": C("producer"), "COPRODUCER": C("producer"),
    "PERFORMER": C("performer"), "CONDUCTOR": C("conductor"),
    "REMIXER": C("remixer"), "MIXARTIST": C("remixer"), "ENGINEER": C("engineer"),
    "MIXER": C("mixer"), "MIXENGINEER": C("mixer"), "DJMIXER": C("dj_mixer"),
    "ORIGINALARTIST": C("original_artist"), "ORIGINALLYRICIST": C("original_lyricist"),
}

_ID_KEY = re.compile(r"^(?P<role>[A-Z]*?)(?P<kind>IPI|ISNI)(?:NAME|NAMENUMBER|NUMBER|BASE)?$")
_ROLE_ALIASES = {"": "", "SONGWRITER": "writer", "AUTHOR": "writer", "CAE": ""}


def normalize_key(key: str) -> str:
    """Free-form key as looked up in :data:`FREEFORM`."""
    return re.sub(r"[^A-Z0-9]", "", key.upper())


def freeform_target(key: str) -> Target:
    """Target of a free-form key, recognising IPI/ISNI keys such as COMPOSER_IPI."""
    norm = normalize_key(key)
    target = FREEFORM.get(norm)
    if target is not None:
        return target
    match = _ID_KEY.match(norm)
    if match:
        role_key = match.group("role")
        role = _ROLE_ALIASES.get(role_key)
        if role is None:
            role = role_key.lower() if role_key.lower() in CREDIT_ROLES else ""
        return Target(match.group("kind").lower(), role)
    return RAW


# --- ID3v2 frames (after mutagen's v2.2/v2.3 -> v2.4 translation) ---------------
ID3_FRAMES: dict[str, Target] = {
    "TIT2": F("title"), "TIT3": F("subtitle"), "TPE1": F("artist"), "TALB": F("album"),
    "TPE2": F("album_artist"), "TPUB": F("label"), "TSRC": F("isrc"),
    "TDRC": F("release_date"), "TDRL": F("release_date"), "TYER": F("release_date"),
    "TDOR": F("original_date"), "TORY": F("original_date"), "TCON": F("genre"),
    "TRCK": F("track_number"), "TPOS": F("disc_number"), "TCOP": F("copyright"),
    "COMM": F("comment"), "USLT": F("lyrics"), "SYLT": F("lyrics"),
    "WOAS": F("url"), "WOAR": F("url"), "WOAF": F("url"), "WCOM": F("url"),
    "WPUB": F("url"), "WORS": F("url"), "WPAY": F("url"), "WCOP": F("url"), "WXXX": F("url"),
    "TSSE": F("encoder_tag"), "TENC": F("encoded_by"), "TBPM": F("bpm"), "TKEY": F("key"),
    "TLAN": F("language"), "TMOO": F("mood"), "TCMP": F("compilation"),
    "TCOM": C("composer"), "TEXT": C("lyricist"), "TOLY": C("original_lyricist"),
    "TOPE": C("original_artist"), "TPE3": C("conductor"), "TPE4": C("remixer"),
}

# TIPL ("involved people") role words -> credit roles; unknown words stay raw.
TIPL_ROLES: dict[str, str] = {
    "PRODUCER": "producer", "COPRODUCER": "producer", "ARRANGER": "arranger",
    "ENGINEER": "engineer", "MIX": "mixer", "MIXER": "mixer", "DJMIX": "dj_mixer",
    "COMPOSER": "composer", "LYRICIST": "lyricist", "WRITER": "writer",
    "SONGWRITER": "writer", "CONDUCTOR": "conductor", "REMIXER": "remixer",
}

# --- MP4 atoms (free-form ``----:mean:name`` atoms go through FREEFORM) ------------
MP4_ATOMS: dict[str, Target] = {
    "\xa9nam": F("title"), "\xa9ART": F("artist"), "\xa9alb": F("album"),
    "aART": F("album_artist"), "\xa9day": F("release_date"), "\xa9gen": F("genre"),
    "gnre": F("genre"), "trkn": F("track_number"), "disk": F("disc_number"),
    "cprt": F("copyright"), "\xa9cmt": F("comment"), "desc": F("comment"),
    "\xa9lyr": F("lyrics"), "\xa9too": F("encoder_tag"), "\xa9enc": F("encoded_by"),
    "tmpo": F("bpm"), "cpil": F("compilation"), "\xa9pub": F("publisher"),
    "\xa9wrt": C("composer"), "\xa9prd": C("producer"), "\xa9con": C("conductor"),
    "\xa9ope": C("original_artist"),
}

# --- ASF / WMA attributes (others: "WM/" stripped, then FREEFORM) ----------------
ASF_ATTRIBUTES: dict[str, Target] = {
    "Title": F("title"), "Author": F("artist"), "WM/AlbumTitle": F("album"),
    "WM/AlbumArtist": F("album_artist"), "WM/Publisher": F("label"), "WM/ISRC": F("isrc"),
    "WM/Barcode": F("upc"), "WM/CatalogNo": F("catalog_number"), "WM/Year": F("release_date"),
    "WM/OriginalReleaseYear": F("original_date"), "WM/OriginalReleaseTime": F("original_date"),
    "WM/Genre": F("genre"), "WM/TrackNumber": F("track_number"), "WM/Track": F("track_number"),
    "WM/PartOfSet": F("disc_number"), "Copyright": F("copyright"), "Description": F("comment"),
    "WM/Lyrics": F("lyrics"), "WM/ToolName": F("encoder_tag"),
    "WM/EncodingSettings": F("encoder_settings"), "WM/EncodedBy": F("encoded_by"),
    "WM/AuthorURL": F("url"), "WM/PromotionURL": F("url"), "WM/AudioFileURL": F("url"),
    "WM/Composer": C("composer"), "WM/Writer": C("lyricist"), "WM/Producer": C("producer"),
    "WM/Conductor": C("conductor"), "WM/ModifiedBy": C("remixer"),
}

# --- RIFF INFO and AIFF text chunks ---------------------------------------------
# INFO "ISRC" means *source* (who supplied the material), not the ISRC code.
RIFF_INFO: dict[str, Target] = {
    "INAM": F("title"), "IART": F("artist"), "IPRD": F("album"), "ICMT": F("comment"),
    "ICRD": F("release_date"), "IGNR": F("genre"), "ICOP": F("copyright"),
    "ISFT": F("encoder_tag"), "ITRK": F("track_number"), "IPRT": F("track_number"),
    "ILNG": F("language"), "IENG": C("engineer"), "IMUS": C("composer"),
    "IWRI": C("writer"), "IPRO": C("producer"), "ICMS": RAW, "ISRC": RAW,
}
AIFF_TEXT: dict[str, Target] = {
    "NAME": F("title"), "AUTH": F("artist"), "(c) ": F("copyright"), "ANNO": F("comment"),
    "COMT": F("comment"),
}

# Order in which containers are trusted for a field's primary value: the richest,
# most deliberate container first, ID3v1 (30-byte, legacy-encoded) last.
CONTAINER_PRIORITY: tuple[str, ...] = (
    "ID3v2", "Vorbis", "MP4", "ASF", "APEv2", "RIFF-INFO", "BEXT", "AIFF", "ID3v1",
)


def container_rank(source: str) -> int:
    """Rank of a source such as "ID3v2.4:TPUB" in :data:`CONTAINER_PRIORITY`."""
    for rank, prefix in enumerate(CONTAINER_PRIORITY):
        if source.startswith(prefix):
            return rank
    return len(CONTAINER_PRIORITY)
