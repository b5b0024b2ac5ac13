"""Embedded artwork, read on demand for the detail pane — strictly read-only.

The store keeps only a summary of each picture (hash, size, dimensions); the
thumbnail is read from the audio file when a track is selected.  The file is
opened with ``open(path, "rb")`` and mutagen is handed that file object, so
no code path here can write.  ZIP members are read from the archive into
memory (bounded).  Anything unexpected returns ``None``: the pane then shows
the stored summary instead of a picture.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Iterator
from typing import Any, BinaryIO

MAX_FILE_BYTES = 64 * 1024 * 1024  # a ZIP member larger than this is not unpacked for a thumbnail
MAX_PICTURE_BYTES = 32 * 1024 * 1024


def _open(path: str) -> BinaryIO | None:
    if "!/" in path:
        archive, member = path.split("!/", 1)
        try:
            with zipfile.ZipFile(archive) as zf:
                info = zf.getinfo(member)
                if info.file_size > MAX_FILE_BYTES:
                    return None
                with zf.open(info) as fh:
                    return io.BytesIO(fh.read(MAX_FILE_BYTES + 1))
        except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, ValueError, NotImplementedError):
            return None
    try:
        return open(path, "rb")  # noqa: SIM115 - closed by the caller
    except OSError:
        return None


def _pictures(audio: Any) -> Iterator[bytes]:
    tags = getattr(audio, "tags", None)
    for picture in getattr(audio, "pictures", None) or ():  # FLAC
        yield picture.data
    if tags is None:
        return
    getall = getattr(tags, "getall", None)
    if callable(getall):  # ID3 (MP3, AIFF, WAV)
        for frame in list(getall("APIC")) + list(getall("PIC")):
            yield frame.data
        return
    try:
        items = list(tags.items()) if hasattr(tags, "items") else list(tags)
    except Exception:  # noqa: BLE001 - hostile tags must not break the pane
        return
    for key, value in items:
        name = str(key).lower()
        values = value if isinstance(value, list) else [value]
        if name == "covr":  # MP4
            for cover in values:
                yield bytes(cover)
        elif name == "metadata_block_picture":  # Vorbis / Opus
            from mutagen.flac import Picture

            for encoded in values:
                try:
                    yield Picture(base64.b64decode(str(encoded))).data
                except Exception:  # noqa: BLE001
                    continue
        elif name == "wm/picture":  # ASF: type, size, mime and description (UTF-16, NUL-ended), data
            for item in values:
                data = getattr(item, "value", item)
                if isinstance(data, bytes):
                    picture = _asf_picture(data)
                    if picture:
                        yield picture
        elif name.startswith("cover art"):  # APEv2: "file name\0data"
            for item in values:
                data = getattr(item, "value", item)
                if isinstance(data, bytes) and b"\x00" in data:
                    yield data.split(b"\x00", 1)[1]


def _asf_picture(data: bytes) -> bytes | None:
    if len(data) < 5:
        return None
    size = int.from_bytes(data[1:5], "little")
    pos = 5
    for _ in range(2):  # mime type, then description
        while pos + 1 < len(data) and data[pos:pos + 2] != b"\x00\x00":
            pos += 2
        pos += 2
    picture = data[pos:pos + size]
    return picture if len(picture) == size else None


def embedded_picture(path: str, sha256: str | None = None) -> bytes | None:
    """The picture whose hash is ``sha256`` (or the first one) embedded in ``path``."""
    import mutagen

    fileobj = _open(path)
    if fileobj is None:
        return None
    try:
        try:
            audio = mutagen.File(fileobj)
        except Exception:  # noqa: BLE001 - mutagen raises many types on damaged files
            return None
        if audio is None:
            return None
        first = None
        for data in _pictures(audio):
            if not data or len(data) > MAX_PICTURE_BYTES:
                continue
            if sha256 is None or hashlib.sha256(data).hexdigest() == sha256:
                return bytes(data)
            first = first or bytes(data)
        return first  # the file changed since the scan: show what it holds now
    finally:
        fileobj.close()
