"""The report model: everything a report shows, as plain data.

Built once from the store (:mod:`auditor.report.build`) and rendered twice:
by the desktop app's report view and by the PDF writer, so the two never
disagree.  No Qt here; charts are described by their data, and the UI's
pyqtgraph code draws them for both the screen and the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Reason:
    finding_key: str
    title: str
    weight: float


@dataclass(frozen=True, slots=True)
class FindingItem:
    key: str
    detector: str
    family: str
    family_title: str
    severity: str
    subject_type: str
    subject: str
    title: str
    explanation: str
    evidence: dict
    innocent_explanations: tuple[str, ...]
    review_status: str  # open, confirmed, dismissed
    review_note: str
    track_paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TrackLine:
    path: str
    title: str | None
    release_date: str | None
    isrc: str | None
    duration: float | None
    risk: float | None
    band: str | None


@dataclass(frozen=True, slots=True)
class ArtistSection:
    artist: str
    risk: float
    band: str
    tracks: int
    reasons: tuple[Reason, ...]
    findings: tuple[FindingItem, ...]
    member_tracks: tuple[TrackLine, ...]


@dataclass(frozen=True, slots=True)
class DetectorDoc:
    id: str
    family: str
    description: str
    innocent_explanations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FamilyDoc:
    family: str
    title: str
    can_show: str
    cannot_prove: str
    detectors: tuple[DetectorDoc, ...]


# --- chart data ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Histogram:
    """Counts per bin; ``edges`` has one more entry than ``counts``."""

    edges: tuple[float, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TimelineSeries:
    artist: str
    band: str
    dates: tuple[str, ...]  # ISO dates, one per track (repeats = several releases that day)
    track_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class NetworkNode:
    id: str
    label: str
    kind: str  # "writer" or "artist"
    x: float
    y: float
    size: int  # tracks
    untraceable: bool = False  # writer without IPI/ISNI and not in the registry
    hub: bool = False  # writer linking several artist personas
    band: str | None = None  # artists: risk band
    track_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class NetworkEdge:
    source: str
    target: str
    weight: int


@dataclass(frozen=True, slots=True)
class SignatureCluster:
    label: str  # short description of the shared signature
    signature: str
    artists: tuple[str, ...]
    track_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Breakdown:
    title: str
    labels: tuple[str, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DurationSeries:
    artist: str
    band: str
    durations: tuple[float, ...]
    track_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ChartData:
    track_risk: Histogram
    artist_risk: Histogram
    track_bands: dict[str, int]
    artist_bands: dict[str, int]
    timelines: tuple[TimelineSeries, ...]
    network_nodes: tuple[NetworkNode, ...]
    network_edges: tuple[NetworkEdge, ...]
    signatures: tuple[SignatureCluster, ...]
    durations: tuple[DurationSeries, ...]
    breakdowns: tuple[Breakdown, ...]


@dataclass(frozen=True, slots=True)
class ReportModel:
    title: str
    audit_path: str
    generated_at: str
    roots: tuple[str, ...]
    last_scan: str | None  # "2026-11-23 14:02 UTC, completed"
    totals: dict[str, int]  # tracks, artists, writers, failed, missing, findings, flagged_artists
    findings_by_family: dict[str, int]
    flagged: tuple[ArtistSection, ...]  # band review or high, highest risk first
    low_artists: tuple[tuple[str, float, int], ...]  # (artist, risk, tracks) for the rest
    findings: tuple[FindingItem, ...]  # appendix: all active findings
    methodology: tuple[FamilyDoc, ...]
    charts: ChartData
    notes: tuple[str, ...] = field(default_factory=tuple)
