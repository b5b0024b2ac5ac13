"""Read one audio file into a :class:`TrackRecord`: mutagen behind one safe wrapper.

Guarantees:

* **Read-only.**  The file is opened with ``open(path, "rb")`` and mutagen is
  handed that file object, so no code path below can write; nothing here
  saves, adds or deletes tags (a test greps the core for such calls).
* **Never raises for a bad file.**  Every failure (corrupt data, wrong
  extension, permission denied, a timeout raised by the scan's watchdog)
  becomes ``TrackRecord.error`` with a sentence a user can act on.
* **Keeps everything.**  Every alias of every field, every raw frame, every
  binary payload (summarized) and every parse problem is returned as evidence.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from typing import Any, BinaryIO

import mutagen
from mutagen.aiff import AIFF
from mutagen.apev2 import APEv2, APENoHeaderError
from mutagen.asf import ASF
from mutagen.dsdiff import DSDIFF
from mutagen.dsf import DSF
from mutagen.flac import FLAC
from mutagen.id3 import ID3
from mutagen.monkeysaudio import MonkeysAudio
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.musepack import Musepack
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggspeex import OggSpeex
from mutagen.oggvorbis import OggVorbis
from mutagen.optimfrog import OptimFROG
from mutagen.tak import TAK
from mutagen.wave import WAVE
from mutagen.wavpack import WavPack

from . import fields as F
from .errors import ReadTimeout
from .formats import riff_tags
from .formats.apev2 import collect_apev2
from .formats.asf import collect_asf
from .formats.collect import TagCollector
from .formats.id3 import collect_id3v1, collect_id3v2
from .formats.id3raw import id3_layout_signature, read_id3v1, read_id3v2_layout
from .formats.mp4 import collect_mp4, mp4_layout
from .formats.vorbis import collect_flac_blocks, collect_vorbis
from .model import AudioProps, Candidate, Conflict, Credit, FieldValue, TrackRecord
from .markers import HEAD_BYTES, TAIL_BYTES, find_markers
from .names import extract_inline_ids, normalize_ipi, normalize_isni, normalize_name, split_detail, split_names
from .sniff import AUDIO_EXTENSIONS, extension_of, sniff_file

HASH_CHUNK = 1 << 20

# mutagen class -> our canonical format name
_FORMAT_OF: dict[str, str] = {
    "MP3": "mp3", "EasyMP3": "mp3", "FLAC": "flac", "OggVorbis": "ogg-vorbis", "OggOpus": "ogg-opus",
    "OggFLAC": "ogg-flac", "OggSpeex": "ogg-speex", "OggTheora": "ogg-theora", "MP4": "mp4",
    "WAVE": "wav", "AIFF": "aiff", "ASF": "asf", "MonkeysAudio": "ape", "WavPack": "wavpack",
    "Musepack": "musepack", "TAK": "tak", "OptimFROG": "optimfrog", "DSF": "dsf", "DSDIFF": "dff",
    "TrueAudio": "tta", "AAC": "aac", "AC3": "ac3", "SMF": "midi", "APEv2File": "apev2-file",
    "ID3FileType": "id3-file",
}
# sniffed format -> the mutagen classes to try first (content beats extension)
_CLASSES_FOR: dict[str, tuple[type, ...]] = {
    "mp3": (MP3,), "mp2": (MP3,), "flac": (FLAC,), "ogg-vorbis": (OggVorbis,), "ogg-opus": (OggOpus,),
    "ogg-flac": (OggFLAC,), "ogg-speex": (OggSpeex,), "mp4": (MP4,), "wav": (WAVE,), "aiff": (AIFF,),
    "asf": (ASF,), "ape": (MonkeysAudio,), "wavpack": (WavPack,), "musepack": (Musepack,),
    "tak": (TAK,), "optimfrog": (OptimFROG,), "dsf": (DSF,), "dff": (DSDIFF,),
}
_LOSSLESS = {"flac", "ogg-flac", "wav", "aiff", "ape", "wavpack", "tak", "optimfrog", "dsf", "dff", "tta"}
_CODEC_OF = {"ogg-vorbis": "vorbis", "ogg-opus": "opus", "ogg-flac": "flac", "ogg-speex": "speex",
             "wav": "pcm", "aiff": "pcm", "ape": "monkeys-audio", "dsf": "dsd", "dff": "dsd"}


def family(fmt: str | None) -> str | None:
    """Formats that one extension may legitimately hold collapse to one family."""
    if fmt is None:
        return None
    if fmt.startswith("ogg"):
        return "ogg"
    return {"mp2": "mp3", "apev2-file": "ape", "id3-file": "mp3"}.get(fmt, fmt)


def _record_base(candidate: Candidate) -> dict[str, Any]:
    """The fields every record of ``candidate`` carries, read or not."""
    return dict(
        display_path=candidate.display_path, size=candidate.size, mtime_ns=candidate.mtime_ns,
        fingerprint=candidate.fingerprint, extension=extension_of(candidate.member or candidate.display_path),
        archive=candidate.archive, member=candidate.member,
    )


def failed_record(candidate: Candidate, reason: str) -> TrackRecord:
    """A file that was not (fully) read, with the reason users see."""
    return TrackRecord(**_record_base(candidate), error=reason)


def read_track(candidate: Candidate, read_path: str | None = None) -> TrackRecord:
    """Read ``candidate`` (from ``read_path`` for extracted archive members)."""
    path = read_path or candidate.read_path
    base = _record_base(candidate)
    extension = base["extension"]
    if path is None:
        return TrackRecord(**base, error="internal: no readable location for this file")
    try:
        with open(path, "rb") as fileobj:  # read-only by construction
            return _read_open_file(fileobj, base, extension)
    except ReadTimeout as exc:
        return TrackRecord(**base, error=exc.reason)
    except PermissionError:
        return TrackRecord(**base, error="permission denied: the file cannot be opened for reading")
    except IsADirectoryError:
        return TrackRecord(**base, error="is a directory, not a file")
    except FileNotFoundError:
        return TrackRecord(**base, error="the file disappeared before it could be read")
    except OSError as exc:
        return TrackRecord(**base, error=f"cannot read the file: {exc.strerror or exc}")
    except MemoryError:
        return TrackRecord(**base, error="the file needs more memory to parse than is available")
    except Exception as exc:  # mutagen raises many types; a bad file must stay data
        return TrackRecord(**base, error=f"unexpected {type(exc).__name__} while reading: {exc}")


def _hash_and_markers(fileobj: BinaryIO, size: int) -> tuple[str, tuple[str, ...]]:
    """One pass over the file: its sha256, and provenance markers in its head and tail."""
    digest = hashlib.sha256()
    head = b""
    previous = last = b""
    for chunk in iter(lambda: fileobj.read(HASH_CHUNK), b""):
        digest.update(chunk)
        if not head:
            head = chunk[:HEAD_BYTES]
        previous, last = last, chunk
    tail = (previous + last)[-TAIL_BYTES:] if size > HEAD_BYTES else b""
    return digest.hexdigest(), find_markers(head, tail, tail_offset=max(size - len(tail), 0))


def _read_open_file(fileobj: BinaryIO, base: dict[str, Any], extension: str) -> TrackRecord:
    sha256, markers = _hash_and_markers(fileobj, base["size"])
    fileobj.seek(0)
    sniffed = sniff_file(fileobj)
    if base["size"] == 0 or fileobj.seek(0, os.SEEK_END) == 0:
        return TrackRecord(**base, sha256=sha256, error="empty file (0 bytes)")
    fileobj.seek(0)
    audio, error = _open_with_mutagen(fileobj, sniffed)
    if audio is None:
        looks = f" (the content looks like {sniffed})" if sniffed else ""
        return TrackRecord(**base, sha256=sha256, sniffed_format=sniffed,
                           error=error or f"not a recognised or readable audio file{looks}")
    fmt = _FORMAT_OF.get(type(audio).__name__, type(audio).__name__.lower())
    expected = AUDIO_EXTENSIONS.get(extension)
    mismatch = expected is not None and family(expected) != family(fmt)

    collector = TagCollector()
    if mismatch:
        collector.problems.append(
            f"extension {extension} suggests {expected}, but the content is {fmt}; read as {fmt}")
    _collect_tags(audio, fileobj, fmt, collector)
    props = _audio_props(audio, fmt, collector)
    if not props.duration and not props.sample_rate:
        return TrackRecord(**base, sha256=sha256, format=fmt, sniffed_format=sniffed,
                           format_mismatch=mismatch, error=f"{fmt} container holds no audio stream")
    values, primary, conflicts = _assemble_fields(collector)
    credits = _assemble_credits(collector)
    _check_values(primary, collector)
    return TrackRecord(
        **base,
        sha256=sha256,
        format=fmt,
        sniffed_format=sniffed,
        format_mismatch=mismatch,
        audio=props,
        tag_containers=tuple(collector.containers),
        layout_signature=" | ".join(collector.layout) or None,
        fields=primary,
        values=tuple(values),
        conflicts=tuple(conflicts),
        credits=tuple(credits),
        artworks=tuple(collector.artworks),
        raw_tags=tuple(collector.raw),
        parse_issues=tuple(collector.problems),
        markers=markers,
    )


def _open_with_mutagen(fileobj: BinaryIO, sniffed: str | None) -> tuple[Any, str | None]:
    """Content decides the parser; the extension only breaks ties (via mutagen.File)."""
    error = None
    for cls in _CLASSES_FOR.get(sniffed or "", ()):
        fileobj.seek(0)
        try:
            return (cls(fileobj, load_v1=False) if cls is MP3 else cls(fileobj)), None
        except Exception as exc:
            error = f"damaged or unsupported {sniffed} data: {_reason(exc)}"
    fileobj.seek(0)
    try:
        audio = mutagen.File(fileobj)
    except Exception as exc:
        if error:
            return None, error
        if sniffed is None:
            return None, f"not a recognised audio file: no known audio signature ({_reason(exc)})"
        return None, f"damaged or unsupported audio data: {_reason(exc)}"
    if audio is not None and isinstance(audio, MP3):  # reload without merging ID3v1 into v2
        fileobj.seek(0)
        audio = MP3(fileobj, load_v1=False)
    return audio, error


def _reason(exc: Exception) -> str:
    """mutagen's message without the (temporary, repeated) file name."""
    text = re.sub(r"'(?:/|[A-Za-z]:\\)[^']*'", "the file", str(exc).strip())
    if text in ("", "error", "()"):
        inner = exc.args[0] if exc.args else exc.__context__
        if isinstance(inner, (OSError, EOFError)) or isinstance(exc.__context__, (OSError, EOFError)):
            return "unexpected end of data (the file looks truncated)"
        return f"{type(exc).__name__} without details"
    return text[:300]


def _collect_tags(audio: Any, fileobj: BinaryIO, fmt: str, collector: TagCollector) -> None:
    tags = audio.tags
    if fmt in ("mp3", "tta", "id3-file"):
        layout = read_id3v2_layout(fileobj, 0)
        if layout is not None:
            collector.layout.append(id3_layout_signature(layout))
            collector.problems.extend(layout.problems)
    if tags is not None:
        if isinstance(tags, ID3):  # MP3, and the ID3 chunks of WAV/AIFF/DSF/DFF (mutagen subclasses)
            collect_id3v2(tags, collector)
        elif fmt == "mp4":
            collect_mp4(tags, collector)
        elif fmt == "asf":
            collect_asf(tags, collector)
        elif hasattr(tags, "vendor"):
            collect_vorbis(tags, collector)
        elif isinstance(tags, APEv2):
            collect_apev2(tags, collector)
    if fmt == "flac":
        collect_flac_blocks(audio, collector)
    if fmt == "mp4":
        mp4_layout(fileobj, collector)
    if fmt in ("wav", "aiff"):
        riff_tags.collect_iff(fileobj, fmt, collector)
    if fmt in ("mp3", "tta", "id3-file", "aac"):
        _collect_appended_tags(fileobj, collector)


def _collect_appended_tags(fileobj: BinaryIO, collector: TagCollector) -> None:
    """APEv2 and ID3v1 at the end of MPEG files are separate containers."""
    fileobj.seek(0)
    try:
        collect_apev2(APEv2(fileobj), collector)
    except APENoHeaderError:
        pass
    except Exception as exc:
        collector.problems.append(f"APEv2: damaged tag ({_reason(exc)})")
    v1 = read_id3v1(fileobj)
    if v1 is not None:
        collect_id3v1(v1, collector)
        collector.layout.append("ID3v1")


def _audio_props(audio: Any, fmt: str, collector: TagCollector) -> AudioProps:
    info = audio.info
    duration = getattr(info, "length", None)
    bitrate = getattr(info, "bitrate", None) or None
    codec = _CODEC_OF.get(fmt, fmt)
    settings = None
    mode = "lossless" if fmt in _LOSSLESS else "unknown"
    if fmt == "mp3":
        codec = f"mp{getattr(info, 'layer', 3)}"
        mode = str(getattr(info, "bitrate_mode", "UNKNOWN")).rsplit(".", 1)[-1]  # mutagen's enum has no .name
        mode = "unknown" if mode == "UNKNOWN" else mode
        if getattr(info, "encoder_info", ""):
            collector.encoder("MPEG:LAME-header", info.encoder_info)
        settings = getattr(info, "encoder_settings", "") or None
    elif fmt == "mp4":
        codec = getattr(info, "codec", None) or "mp4"
        mode = "lossless" if codec == "alac" else "unknown"
    elif fmt == "asf":
        codec = getattr(info, "codec_name", None) or "asf"
    elif fmt in ("ogg-vorbis", "ogg-opus", "ogg-speex", "musepack"):
        mode = "VBR"
    if settings is None:
        settings = next((v.value for v in collector.mapped_values("encoder_settings")), None)
    tag_tool = next((e for e in collector.encoders if not e.source.startswith("MPEG:")), None)
    stream = next((e for e in collector.encoders if e.source.startswith("MPEG:")), None)
    encoder = (tag_tool or stream).value if (tag_tool or stream) else None
    return AudioProps(
        codec=codec,
        duration=round(float(duration), 3) if duration else None,
        bitrate=int(bitrate) if bitrate else None,
        bitrate_mode=mode,
        sample_rate=getattr(info, "sample_rate", None) or None,
        channels=getattr(info, "channels", None) or None,
        bits_per_sample=getattr(info, "bits_per_sample", None) or None,
        encoder=encoder,
        encoder_settings=settings,
        encoder_sources=tuple(collector.encoders),
    )


# --- fields ------------------------------------------------------------------------

_FREEFORM_SOURCE = re.compile(r":(TXXX|COMM|----|WXXX):")


def _source_rank(source: str) -> tuple[int, int]:
    return F.container_rank(source), 1 if _FREEFORM_SOURCE.search(source + ":") else 0


def _assemble_fields(collector: TagCollector) -> tuple[list[FieldValue], dict[str, str], list[Conflict]]:
    values = [FieldValue(m.target.name, m.value, m.source) for m in collector.mapped if m.target.kind == "field"]
    by_field: dict[str, dict[str, list[FieldValue]]] = defaultdict(dict)
    for value in values:
        by_field[value.field].setdefault(value.source, []).append(value)
    primary: dict[str, str] = {}
    conflicts: list[Conflict] = []
    for field, by_source in by_field.items():
        ordered = sorted(by_source, key=_source_rank)
        primary[field] = "; ".join(v.value for v in by_source[ordered[0]])
        if field in F.MULTI_VALUED or len(ordered) < 2:
            continue
        reference = _comparable(field, by_source[ordered[0]])
        disagreeing = [
            s for s in ordered[1:]
            if not _compatible(field, reference, _comparable(field, by_source[s]), s)
        ]
        if disagreeing:
            members = tuple(v for s in [ordered[0], *disagreeing] for v in by_source[s])
            conflicts.append(Conflict(field, members))
    return values, primary, conflicts


def _comparable(field: str, values: list[FieldValue]) -> str:
    text = " ".join(v.value for v in values).casefold().strip()
    text = re.sub(r"\s+", " ", text)
    if field in ("track_number", "disc_number"):
        match = re.match(r"\s*0*(\d+)", text)
        return match.group(1) if match else text
    if field == "isrc":
        return re.sub(r"[\s\-]", "", text)
    if field == "upc":
        return re.sub(r"\D", "", text).lstrip("0")
    return text


def _compatible(field: str, reference: str, other: str, source: str) -> bool:
    if reference == other:
        return True
    if field in ("release_date", "original_date") or source.startswith("ID3v1"):
        return reference.startswith(other) or other.startswith(reference)  # "2025" vs "2025-10-22"
    return False


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?([T ]\d{2}(:\d{2}(:\d{2})?)?.*)?$")
_NUMBER = re.compile(r"^\s*\d+\s*(/\s*\d*\s*)?$")


def _check_values(primary: dict[str, str], collector: TagCollector) -> None:
    """Record malformed values instead of silently casting them (they are evidence)."""
    for field in ("track_number", "disc_number", "track_total", "disc_total"):
        value = primary.get(field)
        if value and not _NUMBER.match(value):
            collector.problems.append(f"{field}: {value!r} is not a number (kept as written)")
    for field in ("release_date", "original_date"):
        value = primary.get(field)
        if value and not _DATE.match(value.strip()):
            collector.problems.append(f"{field}: {value!r} is not an ISO date (kept as written)")


# --- credits -----------------------------------------------------------------------

def _assemble_credits(collector: TagCollector) -> list[Credit]:
    """People per role, identifiers attached where the pairing is unambiguous.

    An IPI/ISNI key for a role (``COMPOSER_IPI``) pairs with that role's names
    in order when the counts match; a bare ``IPI`` key pairs with the writers
    (composer/lyricist/writer) when there is exactly one distinct writer or the
    counts match.  Anything else stays unpaired (kept raw) rather than guessed.
    """
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    order: list[tuple[str, str]] = []
    ids: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in collector.mapped:
        kind = item.target.kind
        if kind in ("ipi", "isni"):
            for part in re.split(r"[;,/\x00]|\s&\s", item.value):
                if part.strip():
                    ids[(kind, item.target.name)].append(part.strip())
            continue
        if kind != "credit":
            continue
        for written in split_names(item.value):
            written, ipi, isni = extract_inline_ids(written)
            detail = item.detail
            if item.target.name == "performer" and detail is None:
                written, detail = split_detail(written)
            norm = normalize_name(written)
            if not norm:
                continue
            key = (norm, item.target.name)
            if key not in merged:
                merged[key] = dict(name=written, role=item.target.name, sources=[], ipi=None,
                                   isni=None, detail=detail)
                order.append(key)
            entry = merged[key]
            if item.source not in entry["sources"]:
                entry["sources"].append(item.source)
            entry["ipi"] = entry["ipi"] or (normalize_ipi(ipi) if ipi else None)
            entry["isni"] = entry["isni"] or (normalize_isni(isni) if isni else None)

    for (kind, role), raw_ids in ids.items():
        roles = {role} if role else set(F.WRITER_ROLES)
        people = []
        for key in order:
            if merged[key]["role"] in roles and key[0] not in [p[0] for p in people]:
                people.append(key)
        unique_ids = list(dict.fromkeys(raw_ids))
        normalizer = normalize_ipi if kind == "ipi" else normalize_isni
        if len(people) == len(unique_ids) or (len(unique_ids) == 1 and len(people) == 1):
            for person, raw in zip(people, unique_ids):
                value = normalizer(raw)
                if value is None:
                    collector.problems.append(f"{kind.upper()} {raw!r} is malformed (kept raw)")
                    continue
                for key in order:  # the same person in other writer roles gets it too
                    if key[0] == person[0] and merged[key]["role"] in roles:
                        merged[key][kind] = merged[key][kind] or value
        else:
            collector.problems.append(
                f"{len(unique_ids)} {kind.upper()} value(s) for {len(people)} {role or 'writer'} credit(s): "
                "not paired (ambiguous)")
    return [
        Credit(
            name=e["name"], name_normalized=key[0], role=e["role"], source=", ".join(e["sources"]),
            ipi=e["ipi"], isni=e["isni"], detail=e["detail"],
        )
        for key in order
        for e in [merged[key]]
    ]
