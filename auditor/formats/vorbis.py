"""Vorbis comments (FLAC, Ogg Vorbis/Opus/Speex/FLAC) and FLAC picture blocks."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ..fields import freeform_target, normalize_key
from .collect import TagCollector

_PICTURE_KEYS = {"METADATABLOCKPICTURE", "COVERART"}


def collect_vorbis(comment: Any, collector: TagCollector, *, label: str = "Vorbis") -> None:
    """Every key of a mutagen ``VComment``; key order feeds the layout signature."""
    collector.container(label)
    vendor = getattr(comment, "vendor", "") or ""
    if vendor:
        collector.text(label, "vendor", [vendor], None)
        collector.encoder(f"{label}:vendor", vendor)
    grouped: dict[str, list[str]] = {}
    for key, value in comment:  # (key, value) pairs in stored order, repeats kept
        grouped.setdefault(key, []).append(value)
    for key, values in grouped.items():
        norm = normalize_key(key)
        if norm in _PICTURE_KEYS:
            for value in values:
                _collect_encoded_picture(key, value, collector, label)
            continue
        collector.text(label, key, values, freeform_target(key))
        if norm == "ENCODER":
            for value in values:
                collector.encoder(f"{label}:{key}", value)
    collector.layout.append(f"{label}[{','.join(k.upper() for k in grouped)}]")


def _collect_encoded_picture(key: str, value: str, collector: TagCollector, label: str) -> None:
    from mutagen.flac import Picture, error as FLACError

    try:
        data = base64.b64decode(value, validate=False)
    except (binascii.Error, ValueError) as exc:
        collector.problems.append(f"{label}:{key}: picture is not valid base64 ({exc})")
        return
    if normalize_key(key) == "COVERART":  # old style: bare image bytes
        collector.picture(label, key, data, None, None)
        return
    try:
        picture = Picture(data)
    except (FLACError, Exception) as exc:
        collector.problems.append(f"{label}:{key}: malformed picture block ({exc})")
        collector.binary(label, key, data, "picture-block")
        return
    collector.picture(label, key, picture.data, picture.mime, int(picture.type))


def collect_flac_blocks(flac: Any, collector: TagCollector) -> None:
    """FLAC metadata blocks: pictures, and block order + padding for the layout."""
    names = {0: "STREAMINFO", 1: "PADDING", 2: "APPLICATION", 3: "SEEKTABLE",
             4: "VORBIS_COMMENT", 5: "CUESHEET", 6: "PICTURE"}
    order = []
    for block in getattr(flac, "metadata_blocks", []):
        code = getattr(block, "code", -1)
        name = names.get(code, f"BLOCK{code}")
        if code == 1:
            name = f"PADDING={getattr(block, 'length', 0)}"
        elif code == 2:
            app_id = getattr(block, "data", b"")[:4]
            collector.binary("FLAC", f"APPLICATION:{app_id!r}", getattr(block, "data", b""), "APPLICATION")
        order.append(name)
    collector.layout.append(f"FLAC[{','.join(order)}]")
    for index, picture in enumerate(getattr(flac, "pictures", [])):
        collector.picture("FLAC", f"PICTURE#{index}", picture.data, picture.mime, int(picture.type))
