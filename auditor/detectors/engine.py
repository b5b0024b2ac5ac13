"""Running the detectors: load once, detect, store findings, score.

:func:`run_detection` is what ``detect --db`` and :func:`auditor.audit.run_audit`
call.  It writes nothing if cancelled, so a stopped run leaves the previous
findings and risk intact.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..model import Finding
from ..store import Store, utcnow
from ..thresholds import Thresholds, load_thresholds
from .base import SEVERITIES, SUBJECT_TYPES, Detector, finding_key, registered
from .context import DetectionContext


@dataclass(frozen=True, slots=True)
class DetectionProgress:
    step: int
    total: int
    detector: str
    message: str


@dataclass(frozen=True, slots=True)
class DetectionSummary:
    status: str  # "completed" or "cancelled"
    run_id: int | None = None
    findings: int = 0
    by_family: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    artist_bands: dict[str, int] = field(default_factory=dict)
    track_bands: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


DetectionCallback = Callable[[DetectionProgress], None]


def all_detectors() -> tuple[Detector, ...]:
    """Every detector, importing the family modules so that they register."""
    from . import audio, catalog, declared, isrc, provenance, signatures, titles, writers  # noqa: F401

    return registered()


def detect(ctx: DetectionContext, detectors: Iterable[Detector] | None = None, *,
           timings: dict[str, float] | None = None, cancel: threading.Event | None = None,
           progress: DetectionCallback | None = None) -> list[Finding] | None:
    """Run ``detectors`` (default: all enabled) on ``ctx``; ``None`` when cancelled."""
    thresholds = ctx.thresholds
    chosen = [d for d in (detectors if detectors is not None else all_detectors()) if thresholds.enabled(d.id)]
    findings: list[Finding] = []
    keys: set[str] = set()
    for step, det in enumerate(chosen):
        if cancel is not None and cancel.is_set():
            return None
        if progress is not None:
            progress(DetectionProgress(step, len(chosen), det.id, det.description))
        started = time.perf_counter()
        for draft in det.run(ctx, thresholds.params(det.id)):
            if draft.severity not in SEVERITIES or draft.subject_type not in SUBJECT_TYPES:
                raise ValueError(f"detector {det.id}: bad severity or subject type in {draft.title!r}")
            key = finding_key(det.id, draft.subject_type, draft.subject_id)
            suffix = 2
            while key in keys:  # two drafts about one subject: keep both, deterministically
                key = finding_key(det.id, draft.subject_type, f"{draft.subject_id}#{suffix}")
                suffix += 1
            keys.add(key)
            findings.append(Finding(
                key=key, detector=det.id, family=det.family, severity=draft.severity,
                subject_type=draft.subject_type, subject=draft.subject, title=draft.title,
                explanation=draft.explanation, evidence=draft.evidence, track_ids=tuple(draft.track_ids),
                innocent_explanations=det.innocent_explanations,
                score=thresholds.weight(det.id, draft.severity),
            ))
        if timings is not None:
            timings[det.id] = round(time.perf_counter() - started, 4)
    if progress is not None:
        progress(DetectionProgress(len(chosen), len(chosen), "", "detectors finished"))
    return findings


def run_detection(store: Store, *, thresholds: Thresholds | None = None,
                  progress: DetectionCallback | None = None,
                  cancel: threading.Event | None = None,
                  detectors: Sequence[Detector] | None = None) -> DetectionSummary:
    """Detect on everything in ``store``, save findings (stable keys), recompute risk."""
    from ..scoring import score_findings  # scoring imports this package; import late

    started_at = utcnow()
    clock = time.perf_counter()
    thresholds = thresholds or load_thresholds()
    timings: dict[str, float] = {}
    ctx = DetectionContext.load(store, thresholds)
    timings["load"] = round(time.perf_counter() - clock, 4)
    findings = detect(ctx, detectors, timings=timings, cancel=cancel, progress=progress)
    if findings is None:
        return DetectionSummary("cancelled", elapsed=time.perf_counter() - clock, timings=timings)
    mark = time.perf_counter()
    run_id = store.save_findings(findings, started_at=started_at, elapsed=time.perf_counter() - clock,
                                 timings=timings)
    timings["save"] = round(time.perf_counter() - mark, 4)
    mark = time.perf_counter()
    risk = score_findings(store, findings, ((t.id, t.artist) for t in ctx.tracks), thresholds)
    timings["score"] = round(time.perf_counter() - mark, 4)
    return DetectionSummary(
        "completed", run_id, len(findings),
        dict(Counter(f.family for f in findings)), dict(Counter(f.severity for f in findings)),
        risk.artist_bands, risk.track_bands, time.perf_counter() - clock, timings,
    )
