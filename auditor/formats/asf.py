"""ASF/WMA attributes, including the packed ``WM/Picture`` structure."""

from __future__ import annotations

import struct
from typing import Any

from ..fields import ASF_ATTRIBUTES, freeform_target
from .collect import TagCollector


def collect_asf(tags: Any, collector: TagCollector) -> None:
    label = "ASF"
    collector.container(label)
    keys = []
    for key, values in tags.as_dict().items():
        keys.append(key)
        if key == "WM/Picture":
            for index, value in enumerate(values):
                _collect_picture(bytes(value.value), f"WM/Picture#{index}", collector)
            continue
        texts, binaries = [], []
        for value in values:
            raw = value.value
            (binaries if isinstance(raw, (bytes, bytearray)) else texts).append(raw)
        for raw in binaries:
            collector.binary(label, key, bytes(raw), "attribute")
        if texts:
            target = ASF_ATTRIBUTES.get(key)
            if target is None:
                target = freeform_target(key[3:] if key.startswith("WM/") else key)
            collector.text(label, key, [str(t) for t in texts], target)
            if key in ("WM/ToolName", "WM/EncodingSettings"):
                for text in texts:
                    collector.encoder(f"{label}:{key}", str(text))
    collector.layout.append(f"ASF[{','.join(keys)}]")


def _collect_picture(data: bytes, key: str, collector: TagCollector) -> None:
    """WM/Picture: type byte, data length, UTF-16 mime and description, then the image."""
    try:
        picture_type, length = struct.unpack_from("<BI", data, 0)
        pos = 5
        mime, pos = _utf16z(data, pos)
        _desc, pos = _utf16z(data, pos)
        image = data[pos:pos + length]
    except (struct.error, ValueError) as exc:
        collector.problems.append(f"ASF:{key}: malformed picture ({exc})")
        collector.binary("ASF", key, data, "picture-block")
        return
    collector.picture("ASF", key, image, mime, picture_type)


def _utf16z(data: bytes, pos: int) -> tuple[str, int]:
    for end in range(pos, len(data) - 1, 2):
        if data[end:end + 2] == b"\x00\x00":
            return data[pos:end].decode("utf-16-le", "replace"), end + 2
    raise ValueError("unterminated UTF-16 string")
