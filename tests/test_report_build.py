"""The report model built from a real audit: the demo catalog, end to end."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from auditor.demo import FARM_PERSONAS, HUMAN_ACTS
from auditor.report.build import build_report
from auditor.report.csv_export import export_csv
from auditor.review import set_review
from auditor.store import Store


@pytest.fixture
def demo_db(demo_audit: Path) -> Path:
    return demo_audit


def test_flagged_artists_are_the_farm_personas_highest_first(demo_db: Path) -> None:
    with Store(demo_db) as store:
        report = build_report(store)
    assert {a.artist for a in report.flagged} == set(FARM_PERSONAS)
    assert [a.risk for a in report.flagged] == sorted((a.risk for a in report.flagged), reverse=True)
    section = report.flagged[0]
    assert section.reasons and section.findings and len(section.member_tracks) == section.tracks
    assert {name for name, _, _ in report.low_artists} == set(HUMAN_ACTS)
    assert report.totals["tracks"] == 73 and report.totals["failed"] == 1  # 72 tracks + 1 broken file


def test_methodology_covers_every_family_with_limits(demo_db: Path) -> None:
    with Store(demo_db) as store:
        report = build_report(store)
    families = {doc.family: doc for doc in report.methodology}
    assert {"untraceable_writers", "mass_produced", "production_signatures", "ai_provenance"} <= set(families)
    for family in ("untraceable_writers", "mass_produced", "production_signatures", "ai_provenance"):
        doc = families[family]
        assert doc.can_show and doc.cannot_prove and doc.detectors
        assert all(d.innocent_explanations for d in doc.detectors)


def test_charts_describe_the_farm(demo_db: Path) -> None:
    with Store(demo_db) as store:
        charts = build_report(store).charts
    assert sum(charts.track_risk.counts) == sum(charts.track_bands.values()) > 0
    assert charts.artist_bands["high"] == len(FARM_PERSONAS)
    hubs = [n for n in charts.network_nodes if n.kind == "writer" and n.hub and n.untraceable]
    assert [n.label for n in hubs] == ["Adrian Kessel"]
    farm_cluster = charts.signatures[0]
    assert set(farm_cluster.artists) == set(FARM_PERSONAS)
    farm_timeline = next(t for t in charts.timelines if t.artist in FARM_PERSONAS)
    assert all(d.startswith("2025-10") for d in farm_timeline.dates)
    assert {b.title for b in charts.breakdowns} == {"Encoder", "Sample rate", "Bitrate mode"}


def test_review_decisions_appear_in_the_report(demo_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(demo_db.read_bytes())
    with Store(copy) as store:
        key = build_report(store).flagged[0].findings[0].key
        set_review(store, key, "dismissed", "Checked with the distributor")
        item = next(f for f in build_report(store).findings if f.key == key)
    assert (item.review_status, item.review_note) == ("dismissed", "Checked with the distributor")


def test_csv_export_writes_three_spreadsheet_safe_files(demo_db: Path, tmp_path: Path) -> None:
    with Store(demo_db) as store:
        paths = export_csv(store, tmp_path / "out")
    assert [p.name for p in paths] == ["tracks.csv", "artists.csv", "findings.csv"]
    raw = paths[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    with open(paths[1], encoding="utf-8-sig", newline="") as fh:
        artists = list(csv.DictReader(fh))
    assert artists[0]["band"] == "high" and artists[0]["artist"] in FARM_PERSONAS
    with open(paths[2], encoding="utf-8-sig", newline="") as fh:
        findings = list(csv.DictReader(fh))
    assert findings and all(f["review_status"] for f in findings)
    with open(paths[0], encoding="utf-8-sig", newline="") as fh:
        tracks = list(csv.DictReader(fh))
    assert len(tracks) == 73 and {"risk", "band", "writers"} <= set(tracks[0])


def test_report_of_a_filtered_selection_only_shows_those_tracks(demo_db: Path) -> None:
    with Store(demo_db) as store:
        farm_ids = [r[0] for r in store.db.execute("SELECT id FROM tracks WHERE artist = ?", [FARM_PERSONAS[0]])]
        report = build_report(store, only_tracks=farm_ids)
    assert report.totals["tracks"] == len(farm_ids) == 8
    assert [a.artist for a in report.flagged] == [FARM_PERSONAS[0]]
    assert report.low_artists == ()
    assert [t.artist for t in report.charts.timelines] == [FARM_PERSONAS[0]]


def test_every_family_has_methodology_text() -> None:
    from auditor.detectors.base import FAMILIES
    from auditor.report.build import FAMILY_LIMITS

    assert set(FAMILY_LIMITS) == set(FAMILIES)
