"""Writers as people: spellings merged, look-alikes kept apart but named.

Tags spell one writer many ways ("Kessel, Adrian", "Adrian Kessel",
"Adrian Kessell").  :func:`~auditor.names.normalize_name` already folds case,
diacritics, punctuation and "Last, First"; this module merges what is left:

* the same IPI or ISNI on two spellings is one person, whatever the spelling;
* near-identical spellings (rapidfuzz ``token_sort_ratio`` >= ``merge_score``,
  same number of words, same initials) are one person — unless both carry
  identifiers and they differ, which proves two people;
* anything merely similar (>= ``lookalike_score``, or "J. Smith" beside
  "John Smith") stays apart and is reported as a *look-alike*, because a wrong
  merge would hide a writer and a wrong split would invent one.

Fuzzy comparison is blocked: only names with the same initials (of their
alphabetically sorted words) are compared, and blocks larger than
``max_block`` are split further by the longest word's first letters, so the
work grows with the size of the largest block, not with the square of the
number of writers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .context import WriterCredit


@dataclass(frozen=True, slots=True)
class Person:
    id: str  # the alphabetically first normalized spelling: stable across runs
    name: str  # the most common written spelling
    spellings: tuple[str, ...]  # normalized spellings merged into this person
    written: tuple[str, ...]  # written spellings, most common first
    ipis: tuple[str, ...]
    isnis: tuple[str, ...]
    track_ids: tuple[int, ...]
    sole_track_ids: tuple[int, ...]  # tracks on which this person is the only credited writer

    @property
    def identified(self) -> bool:
        return bool(self.ipis or self.isnis)


@dataclass(frozen=True, slots=True)
class LookAlike:
    a: str  # person ids
    b: str
    score: int
    reason: str  # "spelling" or "initials"


@dataclass(frozen=True, slots=True)
class People:
    persons: dict[str, Person]
    of_name: dict[str, str]  # normalized spelling -> person id
    lookalikes: tuple[LookAlike, ...]
    lookalikes_by_person: dict[str, tuple[LookAlike, ...]] = field(default_factory=dict)

    @property
    def identified_share(self) -> float:
        if not self.persons:
            return 0.0
        return sum(1 for p in self.persons.values() if p.identified) / len(self.persons)

    def lookalikes_of(self, person_id: str) -> list[tuple[str, LookAlike]]:
        return [(la.b if la.a == person_id else la.a, la) for la in self.lookalikes_by_person.get(person_id, ())]


class _Union:
    """Union-find over name indexes, refusing merges that identifiers contradict."""

    def __init__(self, ipis: list[set[str]], isnis: list[set[str]]) -> None:
        self.parent = list(range(len(ipis)))
        self.ipis = [set(s) for s in ipis]
        self.isnis = [set(s) for s in isnis]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def conflict(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        return ((bool(self.ipis[ra]) and bool(self.ipis[rb]) and not self.ipis[ra] & self.ipis[rb])
                or (bool(self.isnis[ra]) and bool(self.isnis[rb]) and not self.isnis[ra] & self.isnis[rb]))

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.ipis[ra] |= self.ipis[rb]
        self.isnis[ra] |= self.isnis[rb]


def block_key(name: str) -> str:
    return "".join(sorted(token[0] for token in name.split()))


def _initials_compatible(a: str, b: str) -> bool:
    """"j smith" vs "john smith": same word count, each word equal or an initial of the other."""
    ta, tb = a.split(), b.split()
    if len(ta) != len(tb) or ta == tb:
        return False
    full_match = False
    for x, y in zip(ta, tb):
        if x == y:
            full_match = full_match or len(x) > 1
        elif not ((len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))):
            return False
    return full_match


def same_shape(a: str, b: str) -> bool:
    """Safe to merge: same words except one typo (one edit) in a word of 5+ letters.

    "Adrian Kessel" / "Adrian Kessell" merge; "Ann Lee" / "Anna Lee", "Jon" / "John"
    and "Writer 1" / "Writer 10" do not — short words differing by a letter are
    as often different people as typos, so they are shown as look-alikes instead.
    """
    ta, tb = sorted(a.split()), sorted(b.split())
    if len(ta) != len(tb) or any(x[0] != y[0] for x, y in zip(ta, tb)):
        return False
    differing = [(x, y) for x, y in zip(ta, tb) if x != y]
    if len(differing) != 1:
        return False
    x, y = differing[0]
    return (min(len(x), len(y)) >= 5 and not (x.isdigit() or y.isdigit())
            and Levenshtein.distance(x, y) <= 1)


def _blocks(names: list[str], max_block: int) -> list[list[int]]:
    grouped: dict[str, list[int]] = defaultdict(list)
    for index, name in enumerate(names):
        grouped[block_key(name)].append(index)
    blocks: list[list[int]] = []
    for members in grouped.values():
        if len(members) < 2:
            continue
        if len(members) <= max_block:
            blocks.append(members)
            continue
        finer: dict[str, list[int]] = defaultdict(list)
        for index in members:
            longest = max(names[index].split(), key=len)
            finer[longest[:2]].append(index)
        blocks.extend(m for m in finer.values() if len(m) >= 2)
    return blocks


def cluster_writers(credits_by_track: Mapping[int, list[WriterCredit]], settings: Mapping[str, Any]) -> People:
    merge_score = float(settings["merge_score"])
    lookalike_score = float(settings["lookalike_score"])
    max_block = int(settings["max_block"])

    index: dict[str, int] = {}
    names: list[str] = []
    written: list[Counter[str]] = []
    ipis: list[set[str]] = []
    isnis: list[set[str]] = []
    tracks: list[set[int]] = []
    for track_id, credits in credits_by_track.items():
        for credit in credits:
            norm = credit.name_normalized
            if not norm:
                continue
            i = index.get(norm)
            if i is None:
                i = index[norm] = len(names)
                names.append(norm)
                written.append(Counter())
                ipis.append(set())
                isnis.append(set())
                tracks.append(set())
            written[i][credit.name] += 1
            if credit.ipi:
                ipis[i].add(credit.ipi)
            if credit.isni:
                isnis[i].add(credit.isni)
            tracks[i].add(track_id)

    union = _Union(ipis, isnis)
    for ids in (ipis, isnis):  # a shared identifier is proof, whatever the spelling
        owners: dict[str, int] = {}
        for i, values in enumerate(ids):
            for value in values:
                if value in owners:
                    union.union(owners[value], i)
                else:
                    owners[value] = i

    similar: list[tuple[int, int, int, str]] = []
    for block in _blocks(names, max_block):
        block_names = [names[i] for i in block]
        scores = process.cdist(block_names, block_names, scorer=fuzz.token_sort_ratio,
                               score_cutoff=lookalike_score, dtype=np.uint8)
        rows, cols = np.nonzero(np.triu(scores, k=1))
        for r, c in zip(rows.tolist(), cols.tolist()):
            a, b = block[r], block[c]
            score = int(scores[r, c])
            if score >= merge_score and same_shape(names[a], names[b]) and not union.conflict(a, b):
                union.union(a, b)
            else:
                similar.append((a, b, score, "spelling"))
        with_initials = {i for i in block if any(len(t) == 1 for t in names[i].split())}
        for a in sorted(with_initials):
            for b in block:
                if a != b and (b not in with_initials or a < b) and _initials_compatible(names[a], names[b]):
                    similar.append((a, b, int(fuzz.token_sort_ratio(names[a], names[b])), "initials"))

    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(names)):
        members[union.find(i)].append(i)
    of_name: dict[str, str] = {}
    cluster_tracks: dict[str, set[int]] = {}
    persons_raw: dict[str, tuple[list[int], set[int]]] = {}
    for group in members.values():
        person_id = min(names[i] for i in group)
        track_set = set().union(*(tracks[i] for i in group))
        persons_raw[person_id] = (group, track_set)
        cluster_tracks[person_id] = track_set
        for i in group:
            of_name[names[i]] = person_id

    sole: dict[str, list[int]] = defaultdict(list)
    for track_id, credits in credits_by_track.items():
        credited = {of_name[c.name_normalized] for c in credits if c.name_normalized in of_name}
        if len(credited) == 1:
            sole[next(iter(credited))].append(track_id)

    persons: dict[str, Person] = {}
    for person_id, (group, track_set) in persons_raw.items():
        if len(group) == 1:  # the common case, kept cheap
            i = group[0]
            spelled, person_ipis, person_isnis = written[i], ipis[i], isnis[i]
        else:
            spelled = Counter()
            for i in group:
                spelled.update(written[i])
            person_ipis = set().union(*(ipis[i] for i in group))
            person_isnis = set().union(*(isnis[i] for i in group))
        ordered = (list(spelled.items()) if len(spelled) == 1
                   else sorted(spelled.items(), key=lambda kv: (-kv[1], kv[0])))
        persons[person_id] = Person(
            id=person_id, name=ordered[0][0], spellings=tuple(sorted(names[i] for i in group)),
            written=tuple(w for w, _ in ordered), ipis=tuple(sorted(person_ipis)),
            isnis=tuple(sorted(person_isnis)), track_ids=tuple(sorted(track_set)),
            sole_track_ids=tuple(sorted(sole.get(person_id, ()))),
        )

    seen: set[tuple[str, str]] = set()
    lookalikes: list[LookAlike] = []
    for a, b, score, reason in similar:
        pa, pb = of_name[names[a]], of_name[names[b]]
        if pa == pb:
            continue
        pair = (min(pa, pb), max(pa, pb))
        if pair in seen:
            continue
        seen.add(pair)
        lookalikes.append(LookAlike(pair[0], pair[1], score, reason))
    lookalikes.sort(key=lambda la: (la.a, la.b))
    by_person: dict[str, list[LookAlike]] = defaultdict(list)
    for la in lookalikes:
        by_person[la.a].append(la)
        by_person[la.b].append(la)
    return People(persons, of_name, tuple(lookalikes), {k: tuple(v) for k, v in by_person.items()})
