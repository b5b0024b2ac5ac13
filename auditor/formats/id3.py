"""ID3v2 frames (as parsed by mutagen) and ID3v1 (parsed by us) into the collector.

mutagen translates v2.2/v2.3 frames to v2.4 names, so the mapping table is
keyed on v2.4 IDs; the *stored* frame order and IDs come from
:mod:`auditor.formats.id3raw` for the layout signature.
"""

from __future__ import annotations

from typing import Any

from ..fields import ID3_FRAMES, TIPL_ROLES, C, F, freeform_target, normalize_key
from .collect import TagCollector
from .id3raw import Id3v1

# COMM descriptions written by encoders/players that are data, not comments.
_TECHNICAL_COMMENTS = ("itun", "musicmatch", "songs-db", "mediajukebox")
_BINARY_FRAMES = {"PRIV", "GEOB", "UFID", "MCDI", "APIC", "PIC", "SYLT", "ETCO", "SYTC",
                  "RVA2", "EQU2", "AENC", "ENCR", "GRID", "SIGN", "SEEK", "ASPI", "MLLT",
                  "RVRB", "RBUF", "POSS", "OWNE", "COMR", "LINK", "CHAP", "CTOC", "RVAD"}


def collect_id3v2(tags: Any, collector: TagCollector) -> None:
    """Route every frame of a mutagen ``ID3`` object; unknown frames stay raw."""
    label = f"ID3v2.{tags.version[1]}"
    collector.container(label)
    for frame in tags.values():
        try:
            _collect_frame(frame, label, collector)
        except Exception as exc:  # one odd frame must not cost the whole file
            collector.problems.append(f"{label}:{getattr(frame, 'FrameID', '?')}: unreadable frame ({exc})")


def _collect_frame(frame: Any, label: str, collector: TagCollector) -> None:
    fid = frame.FrameID
    if fid == "TXXX":
        collector.text(label, f"TXXX:{frame.desc}", [str(t) for t in frame.text], freeform_target(frame.desc))
    elif fid == "COMM":
        key = f"COMM:{frame.desc}:{frame.lang}"
        technical = frame.desc.lower().startswith(_TECHNICAL_COMMENTS)
        target = None if technical else F("comment")
        if frame.desc and not technical and freeform_target(frame.desc).kind != "raw":
            target = freeform_target(frame.desc)  # COMM:"ISRC" and friends used as fields
        collector.text(label, key, [str(t) for t in frame.text], target)
    elif fid == "USLT":
        collector.text(label, f"USLT:{frame.desc}:{frame.lang}", [frame.text], F("lyrics"))
    elif fid == "WXXX":
        collector.text(label, f"WXXX:{frame.desc}", [frame.url], F("url"))
    elif fid.startswith("W"):
        collector.text(label, fid, [frame.url], ID3_FRAMES.get(fid, F("url")))
    elif fid in ("TIPL", "IPLS"):
        _collect_people(frame, label, collector, instruments=False)
    elif fid == "TMCL":
        _collect_people(frame, label, collector, instruments=True)
    elif fid in ("APIC", "PIC"):
        mime = getattr(frame, "mime", None)
        collector.picture(label, f"{fid}:{frame.desc}", frame.data, mime, int(frame.type))
    elif fid == "GEOB":
        collector.binary(label, f"GEOB:{frame.desc}", frame.data, "GEOB",
                         note=f"mime={frame.mime}; filename={frame.filename}")
    elif fid == "PRIV":
        collector.binary(label, f"PRIV:{frame.owner}", frame.data, "PRIV")
    elif fid == "UFID":
        collector.binary(label, f"UFID:{frame.owner}", frame.data, "UFID")
    elif fid == "POPM":
        collector.text(label, f"POPM:{frame.email}", [f"rating={frame.rating}; count={getattr(frame, 'count', 0)}"], None)
    elif hasattr(frame, "text") and fid not in _BINARY_FRAMES:
        texts = [str(t) for t in frame.text] if isinstance(frame.text, list) else [str(frame.text)]
        collector.text(label, fid, texts, ID3_FRAMES.get(fid))
        if fid == "TSSE":
            for text in texts:
                collector.encoder(f"{label}:TSSE", text)
    else:
        data = getattr(frame, "data", None)
        if not isinstance(data, bytes):
            data = frame._writeData() if hasattr(frame, "_writeData") else repr(frame).encode()
        collector.binary(label, fid, data, fid)


def _collect_people(frame: Any, label: str, collector: TagCollector, *, instruments: bool) -> None:
    """TIPL/TMCL carry (role, name) pairs; roles map to credits, instruments to performers."""
    fid = frame.FrameID
    raw_values = [f"{role}: {name}" for role, name in frame.people]
    collector.text(label, fid, raw_values, None)
    for role_text, name in frame.people:
        if instruments:
            collector.mapped_credit(C("performer"), name, f"{label}:{fid}", detail=role_text)
            continue
        role = TIPL_ROLES.get(normalize_key(role_text))
        if role:
            collector.mapped_credit(C(role), name, f"{label}:{fid}", detail=role_text)


def collect_id3v1(tag: Id3v1, collector: TagCollector) -> None:
    """ID3v1 is its own container: 30-byte fields, legacy encodings, genre byte."""
    label = "ID3v1.1" if tag.track else "ID3v1"
    collector.container(label)
    for key, target, decoded in (
        ("title", F("title"), tag.title),
        ("artist", F("artist"), tag.artist),
        ("album", F("album"), tag.album),
        ("year", F("release_date"), tag.year),
        ("comment", F("comment"), tag.comment),
    ):
        if decoded is None or not decoded.text:
            continue
        collector.text(label, key, [decoded.text], target)
        if decoded.guessed and decoded.encoding != "utf-8":
            collector.problems.append(f"{label}:{key}: no declared encoding, decoded as {decoded.encoding} (guess)")
    if tag.track:
        collector.text(label, "track", [str(tag.track)], F("track_number"))
    if tag.genre:
        collector.text(label, "genre", [tag.genre], F("genre"))
