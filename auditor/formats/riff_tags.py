"""RIFF INFO / Broadcast-WAV and AIFF text chunks into the collector.

mutagen reads the ``id3 `` chunk of WAV and AIFF; everything else label
tools write there (INFO, ``bext``, AIFF NAME/AUTH/ANNO, C2PA chunks) comes
from :mod:`auditor.formats.iff` and is routed here.
"""

from __future__ import annotations

from typing import BinaryIO

from ..fields import AIFF_TEXT, RIFF_INFO, F
from .collect import TagCollector
from .id3raw import id3_layout_signature, read_id3v2_layout
from .iff import ParseError, iff_layout_signature, read_aiff, read_riff


def collect_iff(fileobj: BinaryIO, fmt: str, collector: TagCollector) -> None:
    fileobj.seek(0)
    try:
        info = read_riff(fileobj) if fmt == "wav" else read_aiff(fileobj)
    except ParseError as exc:
        collector.problems.append(f"{fmt.upper()}: chunk structure unreadable ({exc})")
        return
    collector.problems.extend(info.problems)
    collector.layout.append(iff_layout_signature(info))
    for embedded in info.id3:
        layout = read_id3v2_layout(fileobj, embedded.data_offset, end=embedded.data_offset + embedded.size)
        if layout is not None:
            collector.layout.append(id3_layout_signature(layout))
    for embedded in info.c2pa:
        collector.raw.append(_embedded_raw(fmt, embedded))
    if fmt == "wav":
        _collect_riff_info(info, collector)
    else:
        _collect_aiff_texts(info, collector)


def _embedded_raw(fmt: str, embedded):  # type: ignore[no-untyped-def]
    from ..model import RawTag

    return RawTag(container=fmt.upper(), key=f"chunk:{embedded.id}", values=(f"offset={embedded.offset}",),
                  binary_kind="c2pa", binary_size=embedded.size, binary_sha256=embedded.sha256,
                  truncated=embedded.truncated)


def _note_guess(collector: TagCollector, source: str, decoded) -> None:  # type: ignore[no-untyped-def]
    if decoded.guessed and decoded.encoding not in ("ascii", "utf-8"):
        collector.problems.append(f"{source}: no declared encoding, decoded as {decoded.encoding} (guess)")


def _collect_riff_info(info, collector: TagCollector) -> None:  # type: ignore[no-untyped-def]
    if info.info:
        collector.container("RIFF-INFO")
    for chunk_id, decoded in info.info:
        collector.text("RIFF-INFO", chunk_id, [decoded.text], RIFF_INFO.get(chunk_id))
        _note_guess(collector, f"RIFF-INFO:{chunk_id}", decoded)
        if chunk_id == "ISFT":
            collector.encoder("RIFF-INFO:ISFT", decoded.text)
    bext = info.bext
    if bext is None:
        return
    collector.container("BEXT")
    for key, decoded, target in (
        ("Description", bext.description, F("comment")),
        ("Originator", bext.originator, None),
        ("OriginatorReference", bext.originator_reference, None),
        ("CodingHistory", bext.coding_history, None),
    ):
        if decoded.text:
            collector.text("BEXT", key, [decoded.text], target)
    if bext.origination_date:
        collector.text("BEXT", "OriginationDate", [f"{bext.origination_date} {bext.origination_time}".strip()], None)
    if bext.originator.text:
        collector.encoder("BEXT:Originator", bext.originator.text)
    if bext.coding_history.text:
        collector.encoder("BEXT:CodingHistory", bext.coding_history.text.splitlines()[0])


def _collect_aiff_texts(info, collector: TagCollector) -> None:  # type: ignore[no-untyped-def]
    if info.texts or info.comments:
        collector.container("AIFF")
    for chunk_id, decoded in info.texts:
        collector.text("AIFF", chunk_id.strip() or chunk_id, [decoded.text], AIFF_TEXT.get(chunk_id))
        _note_guess(collector, f"AIFF:{chunk_id}", decoded)
    for comment in info.comments:
        collector.text("AIFF", "COMT", [comment.text.text], AIFF_TEXT["COMT"])
