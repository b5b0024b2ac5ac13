"""Plain records that flow from discovery through reading into the store.

Everything here is immutable and picklable: records are produced in worker
processes and shipped to the parent, so they carry no file handles or mutagen
objects, only evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file that discovery believes is audio, with its change fingerprint.

    ``display_path`` is what users see and what the store keys on; for a ZIP
    member it reads ``/abs/delivery.zip!/inner/track.mp3``.  ``read_path`` is
    where the bytes can be read from (for a ZIP member it is ``None`` until
    the member has been extracted into the scan's private temporary area).
    """

    display_path: str
    read_path: str | None
    size: int
    mtime_ns: int
    fingerprint: str
    archive: str | None = None
    member: str | None = None


@dataclass(frozen=True, slots=True)
class DiscoveryProblem:
    """Something discovery could not look at, recorded instead of raised."""

    path: str
    stage: str  # "walk", "stat", "archive", "sniff"
    reason: str


@dataclass(frozen=True, slots=True)
class FieldValue:
    """One value of one canonical field, as found under one tag key.

    An auditor keeps every alias: the same field can be present under several
    keys (TPUB and TXXX:LABEL) and disagree; each occurrence is evidence.
    """

    field: str
    value: str
    source: str  # "ID3v2.4:TPUB", "Vorbis:LABEL", "RIFF-INFO:IART", ...


@dataclass(frozen=True, slots=True)
class Conflict:
    """A canonical field whose aliases carry different values."""

    field: str
    values: tuple[FieldValue, ...]


@dataclass(frozen=True, slots=True)
class Credit:
    """A person (or entity) credited in a role, as written and normalized."""

    name: str
    name_normalized: str
    role: str  # composer, lyricist, writer, arranger, producer, performer, ...
    source: str
    ipi: str | None = None
    isni: str | None = None
    detail: str | None = None  # instrument for performers, TIPL role text, ...


@dataclass(frozen=True, slots=True)
class Artwork:
    """An embedded picture, summarized; the image itself is never written out."""

    sha256: str
    size: int
    mime: str
    source: str
    width: int | None = None
    height: int | None = None
    picture_type: int | None = None
    phash: str | None = None  # 64-bit difference hash as 16 hex digits


@dataclass(frozen=True, slots=True)
class AudioProps:
    """Technical properties of the audio stream and how it was encoded."""

    codec: str | None = None
    duration: float | None = None
    bitrate: int | None = None  # bits per second
    bitrate_mode: str | None = None  # CBR, VBR, ABR, lossless, unknown
    sample_rate: int | None = None
    channels: int | None = None
    bits_per_sample: int | None = None
    encoder: str | None = None  # best single encoder description
    encoder_settings: str | None = None  # e.g. LAME "-V 2", WM/EncodingSettings
    encoder_sources: tuple[FieldValue, ...] = ()  # every place an encoder was named


@dataclass(frozen=True, slots=True)
class RawTag:
    """One tag entry exactly as stored, for the detail view and the evidence.

    Text values are kept (long ones truncated, with the full length noted);
    binary payloads are summarized as kind, size and hash so PRIV, GEOB and
    C2PA data are recorded without bloating the store.
    """

    container: str
    key: str
    values: tuple[str, ...] = ()
    binary_kind: str | None = None
    binary_size: int | None = None
    binary_sha256: str | None = None
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class TrackRecord:
    """Everything the reader learned about one file, or why it could not."""

    display_path: str
    size: int
    mtime_ns: int
    fingerprint: str
    extension: str
    sha256: str | None = None
    format: str | None = None  # detected container: mp3, flac, ogg-vorbis, mp4, wav, ...
    sniffed_format: str | None = None  # what the magic bytes say
    format_mismatch: bool = False  # extension disagrees with the content
    audio: AudioProps = field(default_factory=AudioProps)
    tag_containers: tuple[str, ...] = ()  # "ID3v2.3", "ID3v1", "APEv2", "RIFF-INFO", ...
    layout_signature: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # canonical -> primary value
    values: tuple[FieldValue, ...] = ()  # every alias, in reading order
    conflicts: tuple[Conflict, ...] = ()
    credits: tuple[Credit, ...] = ()
    artworks: tuple[Artwork, ...] = ()
    raw_tags: tuple[RawTag, ...] = ()
    parse_issues: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()  # raw-byte provenance hits (filled by the provenance scan)
    error: str | None = None
    archive: str | None = None
    member: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


# --- detection results (appended by the detectors work) ----------------------------------

@dataclass(frozen=True, slots=True)
class Finding:
    """One reason to look at part of a catalog, with the evidence to check it.

    ``key`` is derived from the detector and the subject only (never from the
    run time), so a re-run finds the same key and the review decision a person
    made stays attached to it.  ``evidence`` is machine-readable JSON;
    ``explanation`` says the same in words a label executive understands.
    """

    key: str
    detector: str
    family: str
    severity: str  # info, low, medium, high, conclusive
    subject_type: str  # track, artist, writer, release, cluster
    subject: str
    title: str
    explanation: str
    evidence: dict = field(default_factory=dict)
    track_ids: tuple[int, ...] = ()
    innocent_explanations: tuple[str, ...] = ()
    score: float = 0.0  # the finding's weight before scoring's caps


@dataclass(frozen=True, slots=True)
class Review:
    """A person's decision about a finding; history lives in ``review_log``."""

    finding_key: str
    status: str  # open, confirmed, dismissed
    note: str = ""
    at: str = ""


@dataclass(frozen=True, slots=True)
class RiskContribution:
    """The points one finding adds to a track's or an artist's risk."""

    finding_key: str
    title: str
    weight: float

    def as_dict(self) -> dict:
        return {"finding_key": self.finding_key, "title": self.title, "weight": self.weight}
