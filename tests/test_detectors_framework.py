"""The detector framework: registration, stable keys, re-runs that keep history."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from auditor.detectors import FAMILIES, SEVERITIES, all_detectors, finding_key, run_detection
from auditor.review import set_review
from tests.test_detectors_support import DEFAULTS, build, detect, farm, findings, human_act, write


def test_every_detector_is_registered_with_family_description_innocent_explanations_and_settings() -> None:
    detectors = all_detectors()
    assert len(detectors) >= 19 and len({d.id for d in detectors}) == len(detectors)
    for det in detectors:
        assert det.family in FAMILIES
        assert det.description and "\n" not in det.description and det.description.endswith(".")
        assert det.innocent_explanations, det.id
        section = DEFAULTS.detector_section(det.id)
        assert section["enabled"] is True
        assert set(section["weights"]) <= set(SEVERITIES), det.id


def test_every_family_has_detectors() -> None:
    assert {d.family for d in all_detectors()} == set(FAMILIES)


def test_finding_keys_depend_on_detector_and_subject_only() -> None:
    key = finding_key("writers.hub", "writer", "adrian kessel")
    assert key == finding_key("writers.hub", "writer", "adrian kessel") and len(key) == 16
    assert key != finding_key("writers.hub", "writer", "adrian kessell")
    assert key != finding_key("writers.implausible_output", "writer", "adrian kessel")


def test_findings_carry_innocent_explanations_evidence_and_member_tracks(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra", "Milo", "Sienna"))) as store:
        detect(store)
        row = findings(store, "writers.hub")[0]
        assert json.loads(row["innocent_explanations"])[0].startswith("A staff songwriter")
        assert row["evidence"]["writer"] == "Adrian Kessel" and row["active"] == 1
        assert store.count("finding_tracks", "finding_key = ?", [row["key"]]) == 24


def test_rerunning_detection_keeps_keys_and_review_decisions(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra", "Milo", "Sienna")) + human_act("Ava", seed=1)) as store:
        detect(store)
        first = {r["key"]: r["title"] for r in findings(store)}
        hub = findings(store, "writers.hub")[0]["key"]
        set_review(store, hub, "dismissed", "staff writer of the label", thresholds=DEFAULTS)
        detect(store)
        assert {r["key"]: r["title"] for r in findings(store)} == first
        assert store.finding_row(hub)["review_status"] == "dismissed"
        assert store.count("finding_tracks", "finding_key = ?", [hub]) == 24


def test_findings_no_longer_emitted_are_deactivated_not_deleted_and_come_back_with_their_review(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra", "Milo", "Sienna"))) as store:
        detect(store)
        hub = findings(store, "writers.hub")[0]["key"]
        set_review(store, hub, "confirmed", "checked with the PRO", thresholds=DEFAULTS)
        detect(store, detectors={"writers.hub": {"min_artists": 4}})
        assert store.finding_row(hub)["active"] == 0
        assert hub not in {r["key"] for r in findings(store)}
        detect(store)
        row = store.finding_row(hub)
        assert row["active"] == 1 and row["review_status"] == "confirmed"


def test_disabled_detectors_emit_nothing(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra", "Milo", "Sienna"))) as store:
        detect(store, detectors={"writers.hub": {"enabled": False}})
        assert findings(store, "writers.hub") == []


def test_cancelled_detection_writes_nothing(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra", "Milo", "Sienna"))) as store:
        cancel = threading.Event()
        cancel.set()
        summary = run_detection(store, thresholds=DEFAULTS, cancel=cancel)
        assert summary.status == "cancelled"
        assert store.count("findings") == 0 and store.count("artist_risk") == 0


def test_detection_records_a_run_with_per_detector_timings(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra", "Milo", "Sienna"))) as store:
        summary = detect(store)
        run = store.last_detection_run()
        assert run["id"] == summary.run_id and run["findings"] == summary.findings
        assert {d.id for d in all_detectors()} <= set(json.loads(run["timings"]))


def test_missing_tracks_leave_the_audit_on_the_next_run(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra", "Milo", "Sienna"))) as store:
        detect(store)
        scan_id = store.begin_scan(["/cat"], 0)
        assert store.mark_missing(scan_id, ["/cat"]) == 24
        detect(store)
        assert findings(store) == []
        assert store.count("artist_risk") == 0


def test_an_empty_store_detects_nothing(tmp_path: Path) -> None:
    with write(build(tmp_path, []), []) as store:
        summary = detect(store)
        assert (summary.status, summary.findings) == ("completed", 0)
