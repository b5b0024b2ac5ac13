"""Review decisions: a person's verdict on a finding, with history.

Statuses: ``open`` (not looked at, the default), ``confirmed`` (the evidence
holds; counts fully in the risk), ``dismissed`` (an innocent explanation
applies; adds nothing).  Decisions are stored under the finding's stable
key, so they survive re-scans and re-runs of detection, and every change is
appended to ``review_log`` — who decided what, when, and why, stays visible.
"""

from __future__ import annotations

from .errors import UsageError
from .model import Review
from .store import Store
from .thresholds import Thresholds

STATUSES: tuple[str, ...] = ("open", "confirmed", "dismissed")


def set_review(store: Store, finding_key: str, status: str, note: str = "", *,
               rescore: bool = True, thresholds: Thresholds | None = None) -> Review:
    """Record a decision (and rescore, unless ``rescore=False`` for batches)."""
    if status not in STATUSES:
        raise UsageError(f"review status must be one of {', '.join(STATUSES)}, not {status!r}")
    if store.finding_row(finding_key) is None:
        raise UsageError(f"{store.path}: no finding with key {finding_key!r}")
    at = store.save_review(finding_key, status, note or "")
    if rescore:
        from .scoring import recompute_risk

        recompute_risk(store, thresholds)
    return Review(finding_key, status, note or "", at)


def get_review(store: Store, finding_key: str) -> Review:
    """The current decision; ``open`` when nobody decided yet."""
    row = store.review_row(finding_key)
    if row is None:
        return Review(finding_key, "open")
    return Review(finding_key, row["status"], row["note"] or "", row["updated_at"] or "")


def review_history(store: Store, finding_key: str) -> list[Review]:
    """Every decision ever made on the finding, oldest first."""
    return [Review(r["finding_key"], r["status"], r["note"] or "", r["at"] or "")
            for r in store.review_log_rows(finding_key)]
