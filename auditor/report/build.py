"""Build the :class:`ReportModel` from an audit database.

One pass over the tracks (selected columns only) plus the findings, reviews
and risk tables; linear in the catalog size, so the report view of a
100,000-track audit builds in about a second.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from ..detectors import all_detectors
from ..detectors.base import FAMILY_TITLES
from ..detectors.context import artist_key
from ..fields import WRITER_ROLES
from ..store import Store
from .model import (ArtistSection, Breakdown, ChartData, DetectorDoc, DurationSeries, FamilyDoc,
                    FindingItem, Histogram, NetworkEdge, NetworkNode, Reason, ReportModel,
                    SignatureCluster, TimelineSeries, TrackLine)

BANDS = ("low", "review", "high")
MAX_CHART_ARTISTS = 12
MAX_NETWORK_ARTISTS = 40

# What each family can show and what it cannot prove (the methodology page).
FAMILY_LIMITS: dict[str, tuple[str, str]] = {
    "untraceable_writers": (
        "Writers who leave no trace: no credit at all, no IPI/ISNI where colleagues have one, "
        "absent from the label's registry, or one name behind several artist personas.",
        "A missing identifier proves nothing about a person: many real writers are unregistered, "
        "new, or credited under a pseudonym; registries are incomplete."),
    "mass_produced": (
        "Catalog shapes typical of bulk production: bursts of releases, consecutive ISRCs across "
        "acts, template titles, uniform durations, reused artwork.",
        "Labels release in batches, distributors assign ISRC blocks, compilations reuse artwork, "
        "and some genres have very regular song lengths."),
    "production_signatures": (
        "Different acts whose files share one technical fingerprint: encoder and settings, sample "
        "rate, tag layout and padding of the tagging tool.",
        "A label's house encoder, a distributor's pipeline or one mastering studio produce the same "
        "signature for unrelated human artists."),
    "ai_provenance": (
        "Markers written by AI music generators themselves (comments, song URLs, C2PA "
        "assertions of a trained model as digital source).",
        "Markers can be removed or, rarely, copied; absence of a marker proves nothing. A C2PA "
        "manifest alone only says the file was signed."),
    "delivery": (
        "Disagreements between what a delivery declares (DDEX ERN, manifest) and what the files carry: "
        "writers, durations, ISRCs, missing or undeclared files, and material re-used from the label's "
        "reference catalog.",
        "Tags are often written before the final credits; edits change durations; pre-release ISRCs are "
        "placeholders; re-issues legitimately re-use masters. A disagreement asks for a check, not a verdict."),
    "audio": (
        "Properties of the sound: periodic spectral peaks typical of neural decoders, near-duplicate "
        "audio under different names, one mastering envelope across acts, lossy sources in lossless files.",
        "Synthesizers, resampling, mains hum, a shared mastering engineer and remasters can produce "
        "similar measurements; audio evidence alone never makes an act 'high'."),
}


def _json(text: str | None, default: Any) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def _iso_date(value: str | None) -> str | None:
    match = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value or "")
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    return f"{year}-{month}-{day}"


def _histogram(values: Iterable[float]) -> Histogram:
    edges = tuple(float(x) for x in range(0, 101, 10))
    counts = [0] * 10
    for value in values:
        counts[min(int(value // 10), 9)] += 1
    return Histogram(edges, tuple(counts))


def _table_exists(store: Store, name: str) -> bool:
    return store.db[name].exists()


def build_report(store: Store, *, title: str = "Catalog audit",
                 only_tracks: Iterable[int] | None = None, evidence: bool = True) -> ReportModel:
    """The report of the whole audit, or of the tracks in ``only_tracks`` (a filter's result).

    ``evidence=False`` leaves each finding's evidence JSON unparsed (empty): the report view
    shows charts and counts, and parsing tens of thousands of evidence objects is most of the
    time of a big audit's model.
    """
    db = store.db
    keep = set(only_tracks) if only_tracks is not None else None
    tracks: dict[int, dict[str, Any]] = {}
    keys: dict[str | None, str] = {}  # artist spelling -> key; normalizing once per artist, not per track
    for row in db.execute(
        "SELECT id, path, artist, title, release_date, isrc, duration, encoder, encoder_settings_stream, "
        "sample_rate, bitrate_mode, channels, tag_containers, layout_signature, error FROM tracks "
        "WHERE status = 'present'"
    ):
        (track_id, path, artist, name, date, isrc, duration, encoder, settings, rate, mode, channels,
         containers, layout, error) = row
        if keep is not None and track_id not in keep:
            continue
        key = keys.get(artist)
        if key is None:
            key = keys[artist] = artist_key(artist)
        tracks[track_id] = dict(path=path, artist=artist, key=key, title=name, date=date,
                                isrc=isrc, duration=duration, encoder=encoder, settings=settings, rate=rate,
                                mode=mode, channels=channels, containers=containers, layout=layout, error=error)
    track_risk = {tid: (risk, band) for tid, risk, band in
                  db.execute("SELECT track_id, risk, band FROM track_risk")} if _table_exists(store, "track_risk") else {}
    artists = []
    if _table_exists(store, "artist_risk"):
        for row in db.execute("SELECT artist_key, artist, risk, band, tracks, reasons FROM artist_risk "
                              "ORDER BY risk DESC, artist"):
            artists.append(dict(key=row[0], artist=row[1], risk=row[2] or 0.0, band=row[3] or "low",
                                tracks=row[4] or 0, reasons=_json(row[5], [])))
    findings = _findings(store, tracks, evidence=evidence)
    members: dict[str, list[int]] = defaultdict(list)
    for track_id, track in tracks.items():
        members[track["key"]].append(track_id)
    if keep is not None:  # a filtered report: only what the filtered tracks touch
        track_risk = {t: v for t, v in track_risk.items() if t in tracks}
        artists = [a for a in artists if a["key"] in members]
        findings = [f for f in findings if f.track_paths]
    by_key = {f.key: f for f in findings}

    flagged = []
    for artist in artists:
        if artist["band"] == "low":
            continue
        reasons = tuple(Reason(r.get("finding_key", ""), r.get("title", ""), float(r.get("weight", 0)))
                        for r in artist["reasons"])
        items = tuple(by_key[r.finding_key] for r in reasons if r.finding_key in by_key)
        lines = tuple(sorted(
            (TrackLine(tracks[t]["path"], tracks[t]["title"], tracks[t]["date"], tracks[t]["isrc"],
                       tracks[t]["duration"], *(track_risk.get(t) or (None, None)))
             for t in members.get(artist["key"], [])),
            key=lambda line: (line.release_date or "", line.path)))
        flagged.append(ArtistSection(artist["artist"], artist["risk"], artist["band"], artist["tracks"],
                                     reasons, items, lines))
    scan = store.last_scan()
    roots = tuple(_json(scan["roots"], [])) if scan else ()
    writers = {r[0] for r in db.execute("SELECT DISTINCT name_normalized FROM credits")}
    family_counts = Counter(f.family_title for f in findings)
    totals = {
        "tracks": len(tracks),
        "artists": len(members) - (1 if "" in members else 0),
        "writers": len(writers),
        "failed": sum(1 for t in tracks.values() if t["error"]),
        "missing": store.count("tracks", "status = 'missing'"),
        "findings": len(findings),
        "flagged_artists": len(flagged),
        "high_artists": sum(1 for a in flagged if a.band == "high"),
    }
    return ReportModel(
        title=title,
        audit_path=str(store.path),
        generated_at=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        roots=roots,
        last_scan=(f"{scan['started_at'].replace('T', ' ')[:16]} UTC, {scan['status']}" if scan else None),
        totals=totals,
        findings_by_family=dict(family_counts),
        flagged=tuple(flagged),
        low_artists=tuple((a["artist"], a["risk"], a["tracks"]) for a in artists if a["band"] == "low"),
        findings=tuple(sorted(findings, key=_finding_order)),
        methodology=methodology(),
        charts=build_charts(store, tracks, track_risk, artists, members),
    )


_SEVERITY_ORDER = {"conclusive": 0, "high": 1, "medium": 2, "low": 3, "info": 4}


def _finding_order(item: FindingItem) -> tuple:
    return (_SEVERITY_ORDER.get(item.severity, 9), item.family, item.subject, item.title)


def _findings(store: Store, tracks: dict[int, dict[str, Any]], *, evidence: bool = True) -> list[FindingItem]:
    db = store.db
    paths: dict[str, list[str]] = defaultdict(list)
    for key, track_id in db.execute("SELECT finding_key, track_id FROM finding_tracks ORDER BY track_id"):
        if track_id in tracks:
            paths[key].append(tracks[track_id]["path"])
    reviews = {k: (s, n or "") for k, s, n in db.execute("SELECT finding_key, status, note FROM reviews")}
    items = []
    innocent_lists: dict[str, tuple[str, ...]] = {}  # one text per detector: parse it once
    for row in db.execute(
        "SELECT key, detector, family, severity, subject_type, subject, title, explanation, evidence, "
        "innocent_explanations FROM findings WHERE active = 1"
    ):
        key, detector_id, family, severity, subject_type, subject, name, explanation, data, innocent = row
        if innocent not in innocent_lists:
            innocent_lists[innocent] = tuple(_json(innocent, []))
        status, note = reviews.get(key, ("open", ""))
        items.append(FindingItem(
            key=key, detector=detector_id, family=family, family_title=FAMILY_TITLES.get(family, family),
            severity=severity, subject_type=subject_type, subject=subject, title=name,
            explanation=explanation, evidence=_json(data, {}) if evidence else {},
            innocent_explanations=innocent_lists[innocent], review_status=status, review_note=note,
            track_paths=tuple(paths.get(key, ())),
        ))
    return items


def methodology() -> tuple[FamilyDoc, ...]:
    docs: dict[str, list[DetectorDoc]] = defaultdict(list)
    for unit in all_detectors():
        docs[unit.family].append(DetectorDoc(unit.id, unit.family, unit.description, unit.innocent_explanations))
    return tuple(
        FamilyDoc(family, FAMILY_TITLES.get(family, family), *FAMILY_LIMITS.get(family, ("", "")),
                  tuple(docs.get(family, ())))
        for family in FAMILY_TITLES
    )


# --- charts ----------------------------------------------------------------------------

def build_charts(store: Store, tracks: dict[int, dict[str, Any]], track_risk: dict[int, tuple],
                 artists: list[dict[str, Any]], members: dict[str, list[int]]) -> ChartData:
    band_of = {a["key"]: a["band"] for a in artists}
    chart_artists = [a for a in artists if a["key"] in members][:MAX_CHART_ARTISTS]
    timelines, durations = [], []
    for artist in chart_artists:
        ids = sorted(members[artist["key"]], key=lambda t: tracks[t]["date"] or "")
        dated = [(tracks[t]["date"], t) for t in ids if _iso_date(tracks[t]["date"])]
        timelines.append(TimelineSeries(artist["artist"], artist["band"],
                                        tuple(_iso_date(d) for d, _ in dated), tuple(t for _, t in dated)))
        timed = [(tracks[t]["duration"], t) for t in ids if tracks[t]["duration"]]
        durations.append(DurationSeries(artist["artist"], artist["band"], tuple(d for d, _ in timed),
                                        tuple(t for _, t in timed)))
    nodes, edges = _network(store, tracks, artists, members, band_of)
    return ChartData(
        track_risk=_histogram(r for r, _ in track_risk.values() if r is not None),
        artist_risk=_histogram(a["risk"] for a in artists),
        track_bands={b: sum(1 for _, band in track_risk.values() if band == b) for b in BANDS},
        artist_bands={b: sum(1 for a in artists if a["band"] == b) for b in BANDS},
        timelines=tuple(timelines),
        network_nodes=nodes,
        network_edges=edges,
        signatures=_signatures(tracks),
        durations=tuple(durations),
        breakdowns=_breakdowns(tracks),
    )


def _network(store: Store, tracks: dict[int, dict[str, Any]], artists: list[dict[str, Any]],
             members: dict[str, list[int]], band_of: dict[str, str]) -> tuple[tuple[NetworkNode, ...], tuple[NetworkEdge, ...]]:
    """Writers and artist personas; hub writers and untraceable writers marked; laid out by networkx."""
    import networkx as nx

    roles = tuple(sorted(WRITER_ROLES))
    writer_tracks: dict[str, set[int]] = defaultdict(set)
    writer_names: dict[str, str] = {}
    for name, norm, track_id in store.db.execute(
        f"SELECT name, name_normalized, track_id FROM credits WHERE role IN ({','.join('?' * len(roles))})", roles
    ):
        if track_id in tracks:
            writer_tracks[norm].add(track_id)
            writer_names.setdefault(norm, name)
    identified = {r[0] for r in store.db.execute(
        "SELECT name_normalized FROM people WHERE ipi IS NOT NULL OR isni IS NOT NULL")}
    if store.db["registry_writers"].exists():
        identified |= {r[0] for r in store.db.execute("SELECT name_normalized FROM registry_writers")}
    shown = {a["key"] for a in artists[:MAX_NETWORK_ARTISTS] if a["key"] in members}
    graph = nx.Graph()
    links: Counter[tuple[str, str]] = Counter()
    for writer, ids in writer_tracks.items():
        for track_id in ids:
            key = tracks[track_id]["key"]
            if key in shown:
                links[(f"w:{writer}", f"a:{key}")] += 1
    for (source, target), weight in links.items():
        graph.add_edge(source, target, weight=weight)
    if not graph:
        return (), ()
    positions = _tiled_layout(graph)
    artist_names = {a["key"]: a["artist"] for a in artists}
    nodes = []
    for node_id in graph.nodes:
        x, y = (float(v) for v in positions[node_id])
        kind, key = node_id.split(":", 1)
        if kind == "w":
            degree = graph.degree(node_id)
            nodes.append(NetworkNode(node_id, writer_names.get(key, key), "writer", x, y,
                                     len(writer_tracks[key]), untraceable=key not in identified,
                                     hub=degree >= 2, track_ids=tuple(sorted(writer_tracks[key]))))
        else:
            nodes.append(NetworkNode(node_id, artist_names.get(key, key), "artist", x, y, len(members[key]),
                                     band=band_of.get(key), track_ids=tuple(sorted(members[key]))))
    edges = tuple(NetworkEdge(s, t, w) for (s, t), w in sorted(links.items()))
    return tuple(sorted(nodes, key=lambda n: n.id)), edges


def _tiled_layout(graph) -> dict[str, tuple[float, float]]:  # noqa: ANN001 - networkx graph
    """Lay out each connected group on its own tile, biggest first, so groups never overlap.

    Inside a tile, Kamada-Kawai (deterministic) for small groups, a seeded spring
    layout for big ones; tiles fill a grid roughly as wide as it is tall.
    """
    import math

    import networkx as nx

    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), sorted(c)[0]))
    columns = max(1, math.ceil(math.sqrt(len(components))))
    positions: dict[str, tuple[float, float]] = {}
    for index, nodes in enumerate(components):
        sub = graph.subgraph(nodes)
        if len(sub) == 1:
            local = {next(iter(nodes)): (0.0, 0.0)}
        elif len(sub) <= 60:
            local = nx.kamada_kawai_layout(sub)
        else:
            local = nx.spring_layout(sub, seed=7)
        xs = [p[0] for p in local.values()]
        ys = [p[1] for p in local.values()]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
        row, column = divmod(index, columns)
        for node, (x, y) in local.items():
            positions[node] = (column * 1.6 + (x - min(xs)) / span, -row * 1.6 - (y - min(ys)) / span)
    return positions


def _signatures(tracks: dict[int, dict[str, Any]]) -> tuple[SignatureCluster, ...]:
    """Technical signatures (encoder, settings, format, tag containers) shared across artists."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for track_id, t in tracks.items():
        if t["error"] or not t["encoder"]:
            continue
        # the tag layout is left out: frame sets differ with the content (a comment here, a URL
        # there) even when one tool wrote them; the signatures detector compares layouts itself
        groups[(t["encoder"], t["settings"], t["rate"], t["mode"], t["channels"], t["containers"])].append(track_id)
    clusters = []
    for signature, ids in groups.items():
        names = sorted({tracks[t]["artist"] or "?" for t in ids})
        if len(names) < 2:
            continue
        encoder, settings, rate, mode, channels, containers = signature
        label = " · ".join(str(p) for p in (encoder, settings, f"{rate} Hz" if rate else None, mode,
                                            ", ".join(_json(containers, []))) if p)
        clusters.append(SignatureCluster(label, "|".join(str(p) for p in signature), tuple(names), tuple(sorted(ids))))
    clusters.sort(key=lambda c: (-len(c.artists), -len(c.track_ids), c.label))
    return tuple(clusters[:12])


def _breakdowns(tracks: dict[int, dict[str, Any]]) -> tuple[Breakdown, ...]:
    def top(counter: Counter, n: int = 8) -> tuple[tuple[str, ...], tuple[int, ...]]:
        common = counter.most_common(n)
        rest = sum(counter.values()) - sum(c for _, c in common)
        if rest:
            common.append(("other", rest))
        return tuple(str(k) for k, _ in common), tuple(c for _, c in common)

    readable = [t for t in tracks.values() if not t["error"]]
    encoders = Counter((t["encoder"] or "unknown")[:40] for t in readable)
    rates = Counter(f"{t['rate'] / 1000:g} kHz" if t["rate"] else "unknown" for t in readable)
    modes = Counter(t["mode"] or "unknown" for t in readable)
    return (Breakdown("Encoder", *top(encoders)), Breakdown("Sample rate", *top(rates)),
            Breakdown("Bitrate mode", *top(modes)))
