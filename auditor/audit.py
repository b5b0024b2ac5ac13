"""One audit = scan, then detect: THE entry point of the CLI and the GUI.

Why one function: findings must exist after every scan, whichever face
started it, and both faces must see the same progress events.  Detection
progress is reported as :class:`~auditor.scan.ScanProgress` events with
phase ``"detecting"`` (``files_done``/``files_total`` count detectors), and
the scan's own ``"done"`` event is held back until detection has finished,
so a progress bar never says "done" twice.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .delivery.declared import load_declarations
from .detectors.engine import DetectionProgress, DetectionSummary, run_detection
from .model import DiscoveryProblem
from .scan import DEFAULT_FILE_TIMEOUT, ProgressCallback, ScanProgress, ScanSummary, normalize_roots, run_scan
from .store import Store
from .thresholds import Thresholds


@dataclass(frozen=True, slots=True)
class AuditSummary:
    scan: ScanSummary
    detection: DetectionSummary | None  # None when nothing could be detected on

    @property
    def status(self) -> str:
        return self.scan.status


def run_audit(
    store: Store,
    roots: Iterable[str | os.PathLike[str]],
    *,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    file_timeout: float = DEFAULT_FILE_TIMEOUT,
    thresholds: Thresholds | None = None,
    audio: bool = False,
    manifest_mapping: dict[str, str] | None = None,
) -> AuditSummary:
    """Scan ``roots`` into ``store``, then run every detector and rescore.

    Detection also runs after a *cancelled* scan when the store holds tracks:
    what was read is audited (quickly) rather than left without findings.
    Cancelling during detection keeps the previous findings untouched.
    What deliveries under ``roots`` declare (ERN messages, manifests read with
    ``manifest_mapping`` over the auto-detected columns) is stored and matched
    to the tracks between the two, so detection compares declared and embedded.
    """
    roots = [os.fspath(r) for r in roots]
    cancel = cancel or threading.Event()
    held: list[ScanProgress] = []
    last: list[ScanProgress] = []

    def relay(event: ScanProgress) -> None:
        last[:] = [event]
        if event.phase == "done":
            held.append(event)
        elif progress is not None:
            progress(event)

    scan = run_scan(store, roots, workers=workers, progress=relay, cancel=cancel, file_timeout=file_timeout,
                    audio=audio)
    detection: DetectionSummary | None = None
    has_tracks = store.count("tracks", "status = 'present'") > 0
    if scan.status == "completed" or (scan.status == "cancelled" and has_tracks):
        problems: list[DiscoveryProblem] = []
        load_declarations(store, normalize_roots(roots), scan.scan_id, manifest_mapping=manifest_mapping,
                          on_problem=problems.append)
        store.record_problems(scan.scan_id, problems)
        detect_cancel = cancel if scan.status == "completed" else threading.Event()
        started = time.monotonic()
        base = last[0] if last else None

        def on_detect(event: DetectionProgress) -> None:
            if progress is None or base is None:
                return
            progress(replace(base, phase="detecting", files_done=event.step, files_total=event.total,
                             elapsed=base.elapsed + time.monotonic() - started, eta_seconds=None,
                             current=event.detector, message=f"Detecting: {event.message}"))

        detection = run_detection(store, thresholds=thresholds, progress=on_detect, cancel=detect_cancel)
    if progress is not None and held:
        message = held[0].message
        if detection is not None:
            message += (f"; {detection.findings} findings" if detection.status == "completed"
                        else "; detection cancelled")
        progress(replace(held[0], message=message))
    return AuditSummary(scan, detection)
