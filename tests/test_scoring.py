"""Scoring: weights, diminishing repeats, family caps, the corroboration rule and reviews."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.scoring import Scored, band_of, combine
from auditor.thresholds import thresholds_from_mapping
from tests.test_detectors_support import DEFAULTS, artist_risk, build, detect, farm, findings

SCORING = DEFAULTS.scoring


def scored(key: str, detector: str, family: str, weight: float, severity: str = "medium",
           confirmed: bool = False) -> Scored:
    return Scored(key, detector, family, severity, f"title {key}", weight, confirmed)


@pytest.mark.parametrize(("risk", "band"), [(0, "low"), (39.9, "low"), (40, "review"), (69.9, "review"),
                                            (70, "high"), (100, "high")])
def test_bands_are_low_review_high_at_40_and_70(risk: float, band: str) -> None:
    assert band_of(risk, SCORING) == band


def test_no_findings_is_zero_low() -> None:
    risk = combine([], SCORING)
    assert (risk.risk, risk.band, risk.contributions) == (0.0, "low", ())


def test_repeats_of_one_detector_diminish() -> None:
    risk = combine([scored(f"k{i}", "writers.no_credit", "untraceable_writers", 8) for i in range(10)], SCORING)
    assert risk.risk == pytest.approx(16.0, abs=0.1)  # 8 + 4 + 2 + ... < 2 x 8


def test_one_family_is_capped_below_high() -> None:
    items = [scored(f"k{i}", f"det{i}", "mass_produced", 25, "high") for i in range(6)]
    risk = combine(items, SCORING)
    assert risk.risk == 60.0 and risk.band == "review"


def test_corroboration_rule_holds_single_family_evidence_at_69() -> None:
    loose = {**SCORING, "family_cap": 100}
    items = [scored(f"k{i}", f"det{i}", "mass_produced", 30, "high") for i in range(4)]
    risk = combine(items, loose)
    assert risk.risk == 69.0 and risk.band == "review"
    assert "corroboration rule" in risk.note


def test_a_weak_second_family_does_not_count_as_corroboration() -> None:
    items = [scored(f"k{i}", f"det{i}", "mass_produced", 30, "high") for i in range(3)]
    items.append(scored("w", "writers.missing_identifiers", "untraceable_writers", 5, "low"))
    risk = combine(items, {**SCORING, "family_cap": 100})
    assert risk.risk == 69.0 and risk.families == ("mass_produced",)


def test_two_independent_families_can_reach_high() -> None:
    items = [scored("a", "catalog.release_burst", "mass_produced", 25, "high"),
             scored("b", "catalog.artwork_reuse", "mass_produced", 25, "high"),
             scored("c", "writers.hub", "untraceable_writers", 35, "high")]
    risk = combine(items, SCORING)
    assert risk.risk == 85.0 and risk.band == "high" and risk.note == ""


def test_a_conclusive_marker_alone_reaches_high() -> None:
    risk = combine([scored("m", "provenance.markers", "ai_provenance", 100, "conclusive")], SCORING)
    assert (risk.risk, risk.band) == (100.0, "high")


def test_a_dismissed_finding_contributes_nothing() -> None:
    risk = combine([scored("m", "provenance.markers", "ai_provenance", 0, "conclusive")], SCORING)
    assert (risk.risk, risk.contributions) == (0.0, ())


def test_confirmed_findings_count_fully_without_diminishing() -> None:
    items = [scored(f"k{i}", "writers.no_credit", "untraceable_writers", 8, "low", confirmed=True) for i in range(3)]
    assert combine(items, SCORING).risk == 24.0


def test_contributions_name_each_finding_and_add_up_to_the_risk() -> None:
    items = [scored("a", "catalog.release_burst", "mass_produced", 25, "high"),
             scored("b", "catalog.artwork_reuse", "mass_produced", 25, "high"),
             scored("c", "catalog.template_titles", "mass_produced", 25, "high"),
             scored("d", "writers.hub", "untraceable_writers", 35, "high")]
    risk = combine(items, SCORING)
    assert risk.risk == 95.0
    assert {c.finding_key for c in risk.contributions} == {"a", "b", "c", "d"}
    assert sum(c.weight for c in risk.contributions) == pytest.approx(risk.risk, abs=0.5)
    assert risk.contributions[0].finding_key == "d"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["d1", "d2", "d3", "d4", "d5"]),
                          st.sampled_from(["untraceable_writers", "mass_produced", "production_signatures"]),
                          st.floats(min_value=0, max_value=60)), max_size=30))
def test_without_conclusive_evidence_one_family_never_reaches_high(items: list) -> None:
    findings_ = [scored(f"k{i}", det, "mass_produced", w) for i, (det, _family, w) in enumerate(items)]
    risk = combine(findings_, SCORING)
    assert 0 <= risk.risk < 70
    mixed = [scored(f"k{i}", det, fam, w) for i, (det, fam, w) in enumerate(items)]
    assert 0 <= combine(mixed, SCORING).risk <= 100


def test_weights_come_from_the_thresholds_and_changing_them_changes_the_risk(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra", "Milo", "Sienna"))) as store:
        detect(store)
        assert artist_risk(store)["Milo"] == (100.0, "high")
        light = thresholds_from_mapping({"detectors": {
            name: {"weights": {s: 1 for s in ("info", "low", "medium", "high")}}
            for name in {r["detector"] for r in findings(store)} if name != "provenance.markers"}})
        detect(store, light)
        assert artist_risk(store)["Milo"][1] == "low"


def test_scoring_in_memory_after_detection_equals_rescoring_from_the_store(tmp_path: Path) -> None:
    from auditor.scoring import recompute_risk

    with build(tmp_path, farm(("Lyra", "Milo", "Sienna")) + farm(("Ava",), writer="Someone Else", root="/b")) as store:
        detect(store)
        tracks = sorted(store.db.execute("SELECT * FROM track_risk").fetchall())
        artists = sorted(store.db.execute("SELECT * FROM artist_risk").fetchall())
        recompute_risk(store, DEFAULTS)
        assert sorted(store.db.execute("SELECT * FROM track_risk").fetchall()) == tracks
        assert sorted(store.db.execute("SELECT * FROM artist_risk").fetchall()) == artists
