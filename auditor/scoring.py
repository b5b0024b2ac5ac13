"""From findings to risk: 0–100 per track and per artist, every point traceable.

The rules, and why:

* **Weights** come from ``thresholds.toml`` per detector and severity, so a
  label can say how much each kind of evidence is worth to it.
* **Diminishing repeats.**  The n-th finding of the *same* detector counts
  ``detector_decay ** n`` of its weight: ten tracks without a writer credit
  are one observation, not ten.  Findings a person *confirmed* count fully.
* **Family cap.**  Findings of one family together add at most
  ``family_cap`` points (below the ``high`` band): one kind of evidence,
  however much of it, is still one kind.
* **Corroboration rule.**  Without a conclusive finding, an artist needs at
  least ``corroboration_families`` independent families each worth
  ``min_family_points`` to go above ``corroboration_cap`` (69, the top of
  ``review``).  Only a conclusive finding — a generator's own provenance
  marker — may make an artist ``high`` on its own.
* **Reviews.**  A dismissed finding adds nothing; the decision survives
  re-runs because finding keys are stable.

Caps scale the listed contributions proportionally, so the points shown next
to each finding add up to the risk (up to rounding).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .detectors.base import FAMILY_TITLES
from .detectors.context import artist_key
from .model import Finding, RiskContribution
from .store import Store
from .thresholds import Thresholds, load_thresholds

BANDS = ("low", "review", "high")


@dataclass(frozen=True, slots=True)
class Scored:
    """A finding as scoring sees it: its weight after the review decision."""

    key: str
    detector: str
    family: str
    severity: str
    title: str
    weight: float
    confirmed: bool = False

    @property
    def conclusive(self) -> bool:
        return self.severity == "conclusive" and self.weight > 0


@dataclass(frozen=True, slots=True)
class Risk:
    risk: float
    band: str
    contributions: tuple[RiskContribution, ...]
    families: tuple[str, ...]  # families strong enough to count as corroboration
    note: str = ""


@dataclass(frozen=True, slots=True)
class RiskSummary:
    tracks: int
    artists: int
    artist_bands: dict[str, int]
    track_bands: dict[str, int]


def band_of(risk: float, scoring: Mapping) -> str:
    bands = scoring["bands"]
    if risk >= bands["high"]:
        return "high"
    if risk >= bands["review"]:
        return "review"
    return "low"


def _order(finding: Scored) -> tuple:
    return (not finding.confirmed, -finding.weight, finding.key)


_NOTHING = Risk(0.0, "low", (), ())


def combine(findings: Sequence[Scored], scoring: Mapping) -> Risk:
    """Risk of one subject (a track or an artist) from the findings that concern it.

    Runs once per distinct set of findings (tens of thousands of times on a big
    catalog), hence the plain loops.
    """
    decay = float(scoring["detector_decay"])
    family_cap = float(scoring["family_cap"])
    by_detector: dict[str, list[Scored]] = {}
    for finding in findings:
        if finding.weight > 0:
            items = by_detector.get(finding.detector)
            if items is None:
                by_detector[finding.detector] = [finding]
            else:
                items.append(finding)
    if not by_detector:
        return _NOTHING
    effective: list[tuple[Scored, float, bool]] = []
    family_raw: dict[str, float] = {}
    conclusive_points = 0.0
    for items in by_detector.values():
        if len(items) > 1:
            items.sort(key=_order)
        rank = 0
        for finding in items:
            if finding.confirmed:
                points = finding.weight
            else:
                points = finding.weight * decay ** rank
                rank += 1
            if points <= 0:  # decay can underflow tiny weights to 0
                continue
            conclusive = finding.severity == "conclusive"
            effective.append((finding, points, conclusive))
            if conclusive:
                conclusive_points += points
            else:
                family_raw[finding.family] = family_raw.get(finding.family, 0.0) + points
    family_points = {f: min(raw, family_cap) for f, raw in family_raw.items()}
    total_raw = sum(family_points.values()) + conclusive_points
    if total_raw <= 0:
        return _NOTHING
    total = min(100.0, total_raw)
    counted = tuple(sorted(f for f, p in family_points.items() if p >= scoring["min_family_points"]))
    note = ""
    cap = float(scoring["corroboration_cap"])
    if conclusive_points <= 0 and len(counted) < scoring["corroboration_families"] and total > cap:
        total = cap
        kinds = ", ".join(FAMILY_TITLES.get(f, f) for f in counted) or "weak signals only"
        note = (f"Held at {cap:g} by the corroboration rule: the evidence is of one kind ({kinds}); "
                "'high' needs a second independent kind or a conclusive provenance marker.")
    scale = total / total_raw
    contributions = []
    for finding, points, conclusive in effective:
        if not conclusive:
            points = points * family_points[finding.family] / family_raw[finding.family]
        weight = round(points * scale, 1)
        if weight > 0:
            contributions.append(RiskContribution(finding.key, finding.title, weight))
    contributions.sort(key=lambda c: (-c.weight, c.title, c.finding_key))
    risk = round(total, 1)
    return Risk(risk, band_of(risk, scoring), tuple(contributions), counted, note)


def load_scored(store: Store, thresholds: Thresholds) -> dict[str, Scored]:
    """Active findings with current weights (thresholds may have changed) and review decisions."""
    reviews = store.review_statuses()
    scored: dict[str, Scored] = {}
    for key, detector, family, severity, title, _score in store.scoring_findings():
        status = reviews.get(key, "open")
        weight = 0.0 if status == "dismissed" else thresholds.weight(detector, severity)
        scored[key] = Scored(key, detector, family, severity, title, weight, status == "confirmed")
    return scored


def recompute_risk(store: Store, thresholds: Thresholds | None = None) -> RiskSummary:
    """Rewrite ``track_risk`` and ``artist_risk`` from the stored findings and reviews.

    Cheap compared with detection, so it runs after every review decision.
    """
    thresholds = thresholds or load_thresholds()
    return _write_risk(store, load_scored(store, thresholds), store.active_finding_links(),
                       store.present_track_artists(), thresholds.scoring)


def score_findings(store: Store, findings: Iterable[Finding], track_artists: Iterable[tuple[int, str | None]],
                   thresholds: Thresholds) -> RiskSummary:
    """:func:`recompute_risk` for a detection run that still has its findings in memory.

    Same result, without reading back what was just written (a third of the
    scoring time on a 100,000-track catalog).
    """
    reviews = store.review_statuses()
    findings = list(findings)
    scored = {}
    for f in findings:
        status = reviews.get(f.key, "open")
        weight = 0.0 if status == "dismissed" else thresholds.weight(f.detector, f.severity)
        scored[f.key] = Scored(f.key, f.detector, f.family, f.severity, f.title, weight, status == "confirmed")
    links = ((f.key, track_id) for f in findings for track_id in f.track_ids)
    return _write_risk(store, scored, links, track_artists, thresholds.scoring)


def _write_risk(store: Store, scored: dict[str, Scored], links: Iterable[tuple[str, int]],
                track_artists: Iterable[tuple[int, str | None]], scoring: Mapping) -> RiskSummary:
    per_track: dict[int, list[str]] = defaultdict(list)
    for key, track_id in links:
        if key in scored:
            per_track[track_id].append(key)

    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    artist_tracks: dict[str, list[int]] = defaultdict(list)
    track_rows = []
    track_bands: Counter[str] = Counter()
    memo: dict[tuple[str, ...], tuple[Risk, str]] = {}  # tracks of one release share their findings
    for track_id, artist in track_artists:
        key = artist_key(artist)
        if key:
            spellings[key][artist.strip()] += 1
            artist_tracks[key].append(track_id)
        keys = per_track.get(track_id)
        if not keys:  # most tracks: nothing found, nothing to combine
            track_bands["low"] += 1
            track_rows.append((track_id, 0.0, "low", "[]", ""))
            continue
        signature = tuple(sorted(keys))
        if signature not in memo:
            risk = combine([scored[k] for k in signature], scoring)
            memo[signature] = (risk, json.dumps([c.as_dict() for c in risk.contributions], ensure_ascii=False))
        risk, reasons = memo[signature]
        track_bands[risk.band] += 1
        track_rows.append((track_id, risk.risk, risk.band, reasons, risk.note))

    artist_rows = []
    artist_bands: Counter[str] = Counter()
    for key, ids in artist_tracks.items():
        keys = {k for track_id in ids for k in per_track.get(track_id, ())}
        risk = combine([scored[k] for k in sorted(keys)], scoring) if keys else Risk(0.0, "low", (), ())
        artist_bands[risk.band] += 1
        name = sorted(spellings[key].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        artist_rows.append((key, name, risk.risk, risk.band, len(ids),
                            json.dumps([c.as_dict() for c in risk.contributions], ensure_ascii=False),
                            json.dumps(list(risk.families)), risk.note))
    store.replace_risk(track_rows, artist_rows)
    return RiskSummary(len(track_rows), len(artist_rows), dict(artist_bands), dict(track_bands))
