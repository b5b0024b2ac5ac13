"""DDEX ERN NewReleaseMessage (3.8.x and 4.1/4.2/4.3): what a delivery *declares*.

Labels and distributors carry the richest credit data in the ERN message, not
in the tags: writers with IPI name numbers, ISNIs, ISWCs, display artists,
release dates, UPC/ICPN.  The auditor compares this declared data with what is
embedded in the audio files.

Parsing is defensive: defusedxml forbids DTDs, entity declarations and
external references (billion-laughs and XXE are refused with a clear error),
the document size is capped, and element names are matched by local name so
the 3.8 and 4.x namespaces (and UTF-8 or UTF-16 encodings) read alike.
Version differences are isolated in two small functions:
``_recording_v3`` / ``_recording_v4``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterable
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ..errors import AuditorError
from ..names import normalize_ipi, normalize_isni, normalize_name

MAX_ERN_BYTES = 64 * 1024 * 1024
WRITER_ROLES = {"composer", "lyricist", "composerlyricist", "author", "writer", "songwriter",
                "librettist", "arranger", "adapter", "translator"}
_ROLE_NAMES = {"composerlyricist": "writer", "author": "writer", "songwriter": "writer",
               "composer": "composer", "lyricist": "lyricist", "writer": "writer",
               "producer": "producer", "arranger": "arranger", "mixer": "mixer",
               "mixingengineer": "mixer", "recordingengineer": "engineer", "mainartist": "performer",
               "featuredartist": "performer", "conductor": "conductor", "remixer": "remixer"}


class ErnError(AuditorError):
    """An ERN message that cannot be read safely; the message names the file."""


@dataclass(frozen=True, slots=True)
class DeclaredContributor:
    name: str
    name_normalized: str
    role: str  # our credit role (composer, lyricist, writer, producer, ...)
    ddex_role: str  # as written in the message
    ipi: str | None = None
    isni: str | None = None
    indirect: bool = False  # IndirectContributor / IndirectResourceContributor (work-level)


@dataclass(frozen=True, slots=True)
class DeclaredRecording:
    reference: str
    isrc: str | None
    title: str | None
    display_artist: str | None
    contributors: tuple[DeclaredContributor, ...]
    duration_s: float | None
    creation_date: str | None
    iswc: str | None
    files: tuple[str, ...]  # paths relative to the message's folder
    label: str | None = None


@dataclass(frozen=True, slots=True)
class DeclaredRelease:
    reference: str
    icpn: str | None
    title: str | None
    display_artist: str | None
    label: str | None
    release_date: str | None
    resource_references: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ErnMessage:
    version: str  # "3.8.2", "4.3", ...
    message_id: str | None
    sender: str | None
    recordings: tuple[DeclaredRecording, ...]
    releases: tuple[DeclaredRelease, ...]
    problems: tuple[str, ...] = ()

    def release_for(self, reference: str) -> DeclaredRelease | None:
        return next((r for r in self.releases if reference in r.resource_references), None)


def looks_like_ern(head: bytes) -> bool:
    """Cheap test on a file's first bytes (either encoding) for a NewReleaseMessage."""
    for encoding in ("utf-8", "utf-16"):
        try:
            text = head.decode(encoding, "ignore")
        except LookupError:
            continue
        if "NewReleaseMessage" in text and "ddex.net/xml/ern" in text:
            return True
    return False


def parse_ern(data: bytes, *, source: str = "<ern>") -> ErnMessage:
    if len(data) > MAX_ERN_BYTES:
        raise ErnError(f"{source}: ERN message of {len(data):,} bytes exceeds the {MAX_ERN_BYTES:,}-byte limit")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ErnError(f"{source}: refused unsafe XML ({type(exc).__name__}: DTDs, entities and "
                       "external references are not allowed in a delivery)") from exc
    except ParseError as exc:
        raise ErnError(f"{source}: not well-formed XML ({exc})") from exc
    if _local(root.tag) != "NewReleaseMessage":
        raise ErnError(f"{source}: root element is {_local(root.tag)!r}, not NewReleaseMessage")
    version = _version(root)
    problems: list[str] = []
    parties = _parties(root)
    recordings = []
    for node in _descendants(root, "SoundRecording"):
        if _child(node, "ResourceReference") is None:
            continue  # a SoundRecording reference inside a release, not the resource itself
        recording = (_recording_v3(node) if version.startswith("3") else _recording_v4(node, parties))
        if recording.isrc is None:
            problems.append(f"sound recording {recording.reference} declares no ISRC")
        recordings.append(recording)
    releases = tuple(_release(node, parties) for node in _descendants(root, "Release")
                     if _child(node, "ReleaseReference") is not None or _child(node, "ReleaseId") is not None)
    header = _child(root, "MessageHeader")
    return ErnMessage(
        version=version,
        message_id=_text(header, "MessageId") if header is not None else None,
        sender=_text(_child(header, "MessageSender"), "PartyName", "FullName") if header is not None else None,
        recordings=tuple(recordings),
        releases=releases,
        problems=tuple(problems),
    )


# --- element helpers (namespace-agnostic) -------------------------------------------------

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node: Element | None, name: str) -> Element | None:
    if node is None:
        return None
    return next((c for c in node if _local(c.tag) == name), None)


def _children(node: Element | None, name: str) -> list[Element]:
    return [] if node is None else [c for c in node if _local(c.tag) == name]


def _descendants(node: Element, name: str) -> Iterable[Element]:
    return (e for e in node.iter() if _local(e.tag) == name)


def _text(node: Element | None, *path: str) -> str | None:
    for name in path:
        node = _child(node, name)
        if node is None:
            return None
    if node is None or node.text is None:
        return None
    return node.text.strip() or None


def _first_text(node: Element, name: str) -> str | None:
    found = next(_descendants(node, name), None)
    return found.text.strip() if found is not None and found.text and found.text.strip() else None


def _version(root: Element) -> str:
    declared = root.get("MessageSchemaVersionId") or ""
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    digits = re.search(r"ern/(\d+)", declared or namespace)
    if not digits:
        return "unknown"
    raw = digits.group(1)
    return f"{raw[0]}.{raw[1:]}" if len(raw) > 1 else raw


_DURATION = re.compile(r"^P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")


def parse_duration(value: str | None) -> float | None:
    """ISO 8601 duration (PT3M12.5S) in seconds; None when absent or malformed."""
    if not value:
        return None
    match = _DURATION.match(value.strip())
    if not match:
        return None
    days, hours, minutes, seconds = match.groups()
    return (int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60
            + float(seconds or 0))


def _role(ddex_role: str) -> str:
    key = re.sub(r"[^a-z]", "", ddex_role.lower())
    return _ROLE_NAMES.get(key, key or "contributor")


def _ids(node: Element | None) -> tuple[str | None, str | None]:
    if node is None:
        return None, None
    ipi = isni = None
    for element in node.iter():
        name = _local(element.tag)
        text = (element.text or "").strip()
        if name in ("IpiNameNumber", "IPI", "IpiBaseNumber") and text and ipi is None:
            ipi = normalize_ipi(text)
        elif name == "ISNI" and text:
            isni = normalize_isni(text)
    return ipi, isni


# --- parties (4.x keeps them in a PartyList, referenced by PartyReference) -----------------

@dataclass(frozen=True, slots=True)
class _Party:
    name: str
    ipi: str | None
    isni: str | None


def _parties(root: Element) -> dict[str, _Party]:
    parties = {}
    for party in _descendants(root, "Party"):
        reference = _text(party, "PartyReference")
        name = _text(party, "PartyName", "FullName")
        if reference and name:
            ipi, isni = _ids(_child(party, "PartyId"))
            parties[reference] = _Party(name, ipi, isni)
    return parties


def _contributor(name: str, ddex_role: str, ipi: str | None, isni: str | None,
                 indirect: bool) -> DeclaredContributor:
    return DeclaredContributor(name=name, name_normalized=normalize_name(name), role=_role(ddex_role),
                               ddex_role=ddex_role, ipi=ipi, isni=isni, indirect=indirect)


# --- sound recordings ------------------------------------------------------------------

def _recording_v4(node: Element, parties: dict[str, _Party]) -> DeclaredRecording:
    contributors = []
    for tag, indirect in (("Contributor", False), ("IndirectContributor", True),
                          ("ResourceContributor", False), ("IndirectResourceContributor", True)):
        for element in _descendants(node, tag):
            reference = _text(element, "ContributorPartyReference") or _text(element, "PartyReference")
            party = parties.get(reference or "")
            name = party.name if party else _text(element, "PartyName", "FullName")
            if not name:
                continue
            roles = [(r.text or "").strip() for r in element if _local(r.tag) in ("Role", "ContributorRole")]
            for ddex_role in roles or ["Contributor"]:
                if ddex_role == "UserDefined":
                    continue
                contributors.append(_contributor(name, ddex_role, party.ipi if party else None,
                                                 party.isni if party else None, indirect))
    artist_ref = _text(_child(node, "DisplayArtist"), "ArtistPartyReference")
    display_artist = _first_text(node, "DisplayArtistName") or (parties[artist_ref].name if artist_ref in parties else None)
    files = []
    for uri in _descendants(node, "URI"):
        if uri.text and uri.text.strip():
            files.append(uri.text.strip())
    return DeclaredRecording(
        reference=_text(node, "ResourceReference") or "",
        isrc=_first_text(node, "ISRC"),
        title=_first_text(node, "DisplayTitleText") or _first_text(node, "TitleText"),
        display_artist=display_artist,
        contributors=tuple(contributors),
        duration_s=parse_duration(_text(node, "Duration")),
        creation_date=_first_text(node, "CreationDate"),
        iswc=_first_text(node, "ISWC"),
        files=tuple(files),
    )


def _recording_v3(node: Element) -> DeclaredRecording:
    contributors = []
    for tag, role_tag, indirect in (("ResourceContributor", "ResourceContributorRole", False),
                                    ("IndirectResourceContributor", "IndirectResourceContributorRole", True)):
        for element in _descendants(node, tag):
            name = _text(element, "PartyName", "FullName")
            if not name:
                continue
            ipi, isni = _ids(_child(element, "PartyId"))
            roles = [(r.text or "").strip() for r in element if _local(r.tag) == role_tag]
            for ddex_role in roles or ["Contributor"]:
                contributors.append(_contributor(name, ddex_role, ipi, isni, indirect))
    display = _child(next(iter(_descendants(node, "SoundRecordingDetailsByTerritory")), node), "DisplayArtist")
    files = []
    for file_node in _descendants(node, "File"):
        name = _text(file_node, "FileName")
        if name:
            folder = _text(file_node, "FilePath") or ""
            files.append(str(PurePosixPath(folder.replace("\\", "/")) / name) if folder else name)
    titles = [t for t in _descendants(node, "Title") if t.get("TitleType") == "DisplayTitle"]
    title = _text(titles[0], "TitleText") if titles else _text(_child(node, "ReferenceTitle"), "TitleText")
    return DeclaredRecording(
        reference=_text(node, "ResourceReference") or "",
        isrc=_first_text(node, "ISRC"),
        title=title,
        display_artist=_text(display, "PartyName", "FullName"),
        contributors=tuple(contributors),
        duration_s=parse_duration(_text(node, "Duration")),
        creation_date=_first_text(node, "CreationDate"),
        iswc=_first_text(node, "ISWC"),
        files=tuple(files),
        label=_first_text(node, "LabelName"),
    )


def _release(node: Element, parties: dict[str, _Party]) -> DeclaredRelease:
    references = [e.text.strip() for e in node.iter()
                  if _local(e.tag) in ("ReleaseResourceReference", "ReleaseResourceReferenceList")
                  and e.text and e.text.strip()]
    label_ref = _text(node, "ReleaseLabelReference")
    label = parties[label_ref].name if label_ref in parties else _first_text(node, "LabelName")
    artist_ref = _text(_child(node, "DisplayArtist"), "ArtistPartyReference")
    display_artist = _first_text(node, "DisplayArtistName") or (
        parties[artist_ref].name if artist_ref in parties else _text(_child(node, "DisplayArtist"), "PartyName", "FullName"))
    return DeclaredRelease(
        reference=_text(node, "ReleaseReference") or "",
        icpn=_first_text(node, "ICPN"),
        title=_first_text(node, "DisplayTitleText") or _first_text(node, "TitleText"),
        display_artist=display_artist,
        label=label,
        release_date=_first_text(node, "ReleaseDate") or _first_text(node, "OriginalReleaseDate")
        or _first_text(node, "GlobalOriginalReleaseDate"),
        resource_references=tuple(references),
    )
