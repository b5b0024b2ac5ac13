"""APEv2 items (on MP3, Monkey's Audio, WavPack, Musepack, TAK, OptimFROG)."""

from __future__ import annotations

from typing import Any

from ..fields import freeform_target, normalize_key
from .collect import TagCollector


def collect_apev2(tags: Any, collector: TagCollector) -> None:
    label = "APEv2"
    collector.container(label)
    keys = []
    for key, value in tags.items():
        keys.append(key)
        kind = type(value).__name__
        if kind == "APEBinaryValue":
            data = bytes(value.value)
            if normalize_key(key).startswith("COVERART"):
                _name, _, image = data.partition(b"\x00")
                collector.picture(label, key, image, None, 3 if "FRONT" in key.upper() else 0)
            else:
                collector.binary(label, key, data, "binary-item")
            continue
        texts = list(value) if kind == "APETextValue" else [str(value)]
        collector.text(label, key, texts, freeform_target(key))
        if normalize_key(key) in ("ENCODER", "TOOL", "ENCODEDBY"):
            for text in texts:
                collector.encoder(f"{label}:{key}", text)
    collector.layout.append(f"APEv2[{','.join(keys)}]")
