"""Detectors: small registered units that turn catalog metadata into findings.

Families and modules:

* ``untraceable_writers`` — :mod:`.writers` (writer clustering in :mod:`.people`)
* ``mass_produced`` — :mod:`.catalog`, :mod:`.isrc`, :mod:`.titles`
* ``production_signatures`` — :mod:`.signatures`
* ``ai_provenance`` — :mod:`.provenance`
* ``audio`` — reserved for audio-level detectors (decoded features), not yet built

Each detector is registered with :func:`~.base.detector`: an id, a family, a
one-line description and its known innocent explanations.  Its parameters
and weights live in ``resources/thresholds.toml``.  :func:`run_detection`
runs them all over a store, saves findings under stable keys and rescores.
"""

from __future__ import annotations

from .base import (FAMILIES, FAMILY_TITLES, SEVERITIES, SUBJECT_TYPES, Detector, Draft, detector,
                   finding_key)
from .context import DetectionContext, TrackInfo
from .engine import (DetectionProgress, DetectionSummary, all_detectors, detect, run_detection)

__all__ = [
    "FAMILIES", "FAMILY_TITLES", "SEVERITIES", "SUBJECT_TYPES", "DetectionContext", "DetectionProgress",
    "DetectionSummary", "Detector", "Draft", "TrackInfo", "all_detectors", "detect", "detector",
    "finding_key", "run_detection",
]
