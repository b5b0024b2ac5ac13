"""MP4/M4A atoms: ``ilst`` items, free-form ``----`` atoms, cover art, atom layout."""

from __future__ import annotations

from typing import Any

from ..fields import MP4_ATOMS, freeform_target
from .collect import TagCollector

_IMAGE_FORMATS = {13: "image/jpeg", 14: "image/png", 27: "image/bmp"}


def collect_mp4(tags: Any, collector: TagCollector) -> None:
    label = "MP4"
    collector.container(label)
    for key, values in tags.items():
        try:
            _collect_item(key, values, collector, label)
        except Exception as exc:  # a malformed atom must not cost the file
            collector.problems.append(f"{label}:{key!r}: unreadable atom ({exc})")
    collector.layout.append(f"ilst[{','.join(_printable(k) for k in tags.keys())}]")


def _collect_item(key: str, values: Any, collector: TagCollector, label: str) -> None:
    if not isinstance(values, list):
        values = [values]
    if key == "covr":
        for index, cover in enumerate(values):
            mime = _IMAGE_FORMATS.get(getattr(cover, "imageformat", None))
            collector.picture(label, f"covr#{index}", bytes(cover), mime, 3)
        return
    if key.startswith("----:"):
        _, mean, name = (key.split(":", 2) + ["", ""])[:3]
        texts = []
        for value in values:
            if getattr(value, "dataformat", 1) in (1, 2):  # UTF-8 / UTF-16 text
                texts.append(bytes(value).decode("utf-8", "replace").rstrip("\x00"))
            else:
                collector.binary(label, key, bytes(value), "freeform-binary")
        if texts:
            collector.text(label, key, texts, freeform_target(name))  # any mean: the name is what tools vary
            if name.upper() == "ENCODER":
                for text in texts:
                    collector.encoder(f"{label}:{key}", text)
        return
    if key in ("trkn", "disk"):
        texts = [f"{n}/{total}" if total else str(n) for n, total in values]
    elif isinstance(values[0], (bytes, bytearray)):
        for value in values:
            collector.binary(label, _printable(key), bytes(value), "atom")
        return
    else:
        texts = [str(v) for v in values]
    collector.text(label, _printable(key), texts, MP4_ATOMS.get(key))
    if key == "\xa9too":
        for text in texts:
            collector.encoder(f"{label}:\u00a9too", text)


def _printable(key: str) -> str:
    return key.replace("\xa9", "\u00a9")


def mp4_layout(fileobj: Any, collector: TagCollector) -> None:
    """Top-level and ``moov`` child atom order plus the ``ftyp`` brand."""
    from mutagen.mp4 import Atoms

    fileobj.seek(0)
    head = fileobj.read(12)
    brand = head[8:12].decode("latin-1", "replace").strip() if head[4:8] == b"ftyp" else "?"
    fileobj.seek(0)
    try:
        atoms = Atoms(fileobj)
    except Exception as exc:
        collector.problems.append(f"MP4: atom tree unreadable ({exc})")
        return
    parts = []
    for atom in atoms.atoms[:64]:
        name = atom.name.decode("latin-1", "replace")
        if atom.name == b"moov" and atom.children:
            inner = ",".join(c.name.decode("latin-1", "replace") for c in atom.children[:64])
            name = f"moov({inner})"
        if atom.name == b"uuid":
            fileobj.seek(atom.offset + 8)
            uuid = fileobj.read(16).hex()
            name = f"uuid:{uuid}"
            collector.binary("MP4", f"uuid:{uuid}", b"", "uuid-box", note=f"size={atom.length}")
        parts.append(name)
    collector.layout.append(f"MP4:{brand}[{','.join(parts)}]")
