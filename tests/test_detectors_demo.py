"""The demo catalog end to end: every farm persona ends high, every human act low, with reasons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.demo import FARM_PERSONAS, FARM_WRITER, HOUSE_ENCODER_ACTS, HUMAN_ACTS, LIBRARY_COMPOSER, NO_CREDIT_ACT
from auditor.detectors import run_detection
from auditor.review import get_review, set_review
from auditor.store import Store
from tests.test_detectors_support import DEFAULTS


@pytest.fixture
def demo_db(demo_audit: Path) -> Path:
    """The session's demo audit (tests/conftest.py): built and scanned once, read-only here."""
    return demo_audit


def _artists(db: Path) -> dict[str, dict]:
    with Store(db) as store:
        return {r["artist"]: {**r, "reasons": json.loads(r["reasons"])} for r in store.artist_risk_rows()}


def test_every_farm_persona_ends_high(demo_db: Path) -> None:
    artists = _artists(demo_db)
    for persona in FARM_PERSONAS:
        assert artists[persona]["band"] == "high", (persona, artists[persona])


def test_every_human_act_ends_low(demo_db: Path) -> None:
    artists = _artists(demo_db)
    for act in HUMAN_ACTS:
        assert artists[act]["band"] == "low", (act, artists[act])


def test_personas_without_provenance_markers_are_high_by_corroboration(demo_db: Path) -> None:
    with Store(demo_db) as store:
        marked = {r["subject"].split("/")[-3] for r in store.finding_rows() if r["detector"] == "provenance.markers"}
    unmarked = [p for p in FARM_PERSONAS if p not in marked]
    assert unmarked, "the demo leaves some personas without markers"
    artists = _artists(demo_db)
    for persona in unmarked:
        families = set(json.loads(artists[persona]["families"]))
        assert len(families) >= 2 and artists[persona]["band"] == "high"


def test_farm_reasons_name_the_writer_the_shared_pipeline_and_the_isrc_batch(demo_db: Path) -> None:
    titles = " | ".join(r["title"] for r in _artists(demo_db)[FARM_PERSONAS[1]]["reasons"])
    assert f"'{FARM_WRITER}' writes alone for 3 artists" in titles
    assert "3 artists share one encoding signature" in titles
    assert "Consecutive ISRCs alternate between 3 artists" in titles


def test_fairness_cases_of_the_demo_are_seen_but_stay_low(demo_db: Path) -> None:
    with Store(demo_db) as store:
        rows = store.finding_rows()
    no_credit = [r for r in rows if r["detector"] == "writers.no_credit"]
    assert [r["subject"] for r in no_credit] == [NO_CREDIT_ACT]
    house = [r for r in rows if r["detector"] == "signatures.shared_encoding" and r["severity"] != "high"]
    assert len(house) == 1 and all(act in house[0]["explanation"] for act in HOUSE_ENCODER_ACTS)
    assert not [r for r in rows if LIBRARY_COMPOSER in r["subject"]]
    artists = _artists(demo_db)
    assert {artists[a]["band"] for a in (NO_CREDIT_ACT, LIBRARY_COMPOSER, *HOUSE_ENCODER_ACTS)} == {"low"}


def test_artists_table_shows_farm_first_with_readable_reasons(demo_db: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("CATALOG_AUDITOR_THRESHOLDS", str(demo_db.parent / "none.toml"))
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["artists", "--db", str(demo_db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["artist", "risk", "band", "tracks", "why"]
    top = lines[2:2 + len(FARM_PERSONAS)]
    assert {line.split("  ")[0].strip() for line in top} == set(FARM_PERSONAS)
    assert all(" high " in line for line in top)


def test_rerunning_detection_on_the_demo_keeps_review_decisions(demo_audit_copy: Path) -> None:
    with Store(demo_audit_copy) as store:
        house = next(r for r in store.finding_rows()
                     if r["detector"] == "signatures.shared_encoding" and r["severity"] != "high")
        set_review(store, house["key"], "dismissed", "Lantern Yard's house encoder", thresholds=DEFAULTS)
        before = {r["key"] for r in store.finding_rows()}
        run_detection(store, thresholds=DEFAULTS)
        assert {r["key"] for r in store.finding_rows()} == before
        assert get_review(store, house["key"]).status == "dismissed"
        risks = {r["artist"]: r for r in store.artist_risk_rows()}
        assert all(house["key"] not in r["reasons"] for a, r in risks.items() if a in HOUSE_ENCODER_ACTS)
