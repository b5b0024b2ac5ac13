"""The detector framework: what a detector is, how it registers, what it emits.

A detector is a small function registered with an id, a family, a one-line
description and the *innocent explanations* that fit its findings.  It reads
the prepared :class:`~auditor.detectors.context.DetectionContext` and yields
:class:`Draft` findings; the engine turns drafts into stored findings with a
stable key, the family, the innocent explanations and a weight.

Why detectors never compute a key, weight or family themselves: those are
policy (stable review identity, thresholds.toml weights) and must be the same
for every detector.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .context import DetectionContext

FAMILIES: tuple[str, ...] = (
    "untraceable_writers", "mass_produced", "production_signatures", "ai_provenance", "audio", "delivery",
)
FAMILY_TITLES: dict[str, str] = {
    "untraceable_writers": "Untraceable writers",
    "mass_produced": "Mass-produced catalog",
    "production_signatures": "Identical production signatures",
    "ai_provenance": "AI provenance markers",
    "audio": "Audio-level signals",
    "delivery": "Declared vs embedded",
}
SEVERITIES: tuple[str, ...] = ("info", "low", "medium", "high", "conclusive")
SUBJECT_TYPES: tuple[str, ...] = ("track", "artist", "writer", "release", "cluster")

Params = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Draft:
    """A finding as a detector sees it: subject, severity, words and evidence.

    ``subject_id`` is the stable identity of the subject (a normalized artist
    key, a writer cluster id, a signature string); it feeds the finding key,
    so it must not contain anything that changes between runs.
    """

    subject_type: str
    subject: str
    subject_id: str
    severity: str
    title: str
    explanation: str
    evidence: dict[str, Any]
    track_ids: tuple[int, ...]


DetectFn = Callable[["DetectionContext", Params], Iterable[Draft]]


@dataclass(frozen=True, slots=True)
class Detector:
    id: str
    family: str
    description: str
    innocent_explanations: tuple[str, ...]
    run: DetectFn = field(repr=False)


_REGISTRY: dict[str, Detector] = {}


def detector(id: str, *, family: str, description: str,
             innocent: Iterable[str]) -> Callable[[DetectFn], DetectFn]:
    """Register the decorated function as a detector (ids are unique)."""
    if family not in FAMILIES:
        raise ValueError(f"detector {id}: unknown family {family!r}")

    def register(fn: DetectFn) -> DetectFn:
        if id in _REGISTRY and _REGISTRY[id].run is not fn:
            raise ValueError(f"detector id {id!r} registered twice")
        _REGISTRY[id] = Detector(id, family, description, tuple(innocent), fn)
        return fn

    return register


def registered() -> tuple[Detector, ...]:
    """Every registered detector, by family (in :data:`FAMILIES` order) and id: stable for any import order."""
    return tuple(sorted(_REGISTRY.values(), key=lambda d: (FAMILIES.index(d.family), d.id)))


def finding_key(detector_id: str, subject_type: str, subject_id: str) -> str:
    """Stable key: a hash of what was found about what — never of when."""
    digest = hashlib.sha1(f"{detector_id}\x1f{subject_type}\x1f{subject_id}".encode("utf-8")).hexdigest()
    return digest[:16]


# --- wording helpers shared by detectors ---------------------------------------------------------

def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def quote_list(names: Iterable[str], limit: int = 4, *, quote: bool = True) -> str:
    """"'A', 'B' and 'C'" — with "and N more" past ``limit``."""
    items = [f"'{n}'" if quote else str(n) for n in names]
    if len(items) > limit:
        rest = len(items) - limit
        return ", ".join(items[:limit]) + f" and {rest} more"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def days_text(days: int) -> str:
    return "1 day" if days <= 1 else f"{days} days"


class DisjointSet:
    """Union-find over hashable items: clusters from pairwise links in near-linear time."""

    def __init__(self) -> None:
        self.parent: dict = {}

    def add(self, item: object) -> None:
        self.parent.setdefault(item, item)

    def find(self, item: object) -> object:
        parent = self.parent.setdefault(item, item)
        root = item
        while parent != root:
            root, parent = parent, self.parent[parent]
        while item != root:  # path compression
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: object, b: object) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra

    def groups(self) -> list[list]:
        grouped: dict = {}
        for item in self.parent:
            grouped.setdefault(self.find(item), []).append(item)
        return list(grouped.values())
