"""Review decisions: statuses, history, effect on risk, survival across re-runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.cli import main
from auditor.errors import UsageError
from auditor.review import get_review, review_history, set_review
from tests.test_detectors_support import DEFAULTS, artist_risk, build, detect, findings, human_act, track


def _single_signal_catalog() -> list:
    """One act whose only finding is a conclusive provenance marker."""
    records = [track(f"/c/{i}.mp3", artist="Nova Ray", title=f"Song {i}", album="Album", duration=150.0 + 17 * i,
                     writers=[("Nova Writer", None)]) for i in range(4)]
    records.append(track("/c/m.mp3", artist="Nova Ray", title="Marked", album="Album", writers=[("Nova Writer", None)],
                         markers=("suno-comment@10",)))
    return records


def test_open_is_the_default_status(tmp_path: Path) -> None:
    with build(tmp_path, _single_signal_catalog()) as store:
        detect(store)
        key = findings(store)[0]["key"]
        assert get_review(store, key).status == "open"
        assert findings(store)[0]["review_status"] == "open"


def test_dismissing_a_finding_removes_its_points_and_confirming_restores_them(tmp_path: Path) -> None:
    with build(tmp_path, _single_signal_catalog()) as store:
        detect(store)
        key = findings(store, "provenance.markers")[0]["key"]
        assert artist_risk(store)["Nova Ray"] == (100.0, "high")
        set_review(store, key, "dismissed", "the artist's own demo sketch", thresholds=DEFAULTS)
        assert artist_risk(store)["Nova Ray"] == (0.0, "low")
        assert store.track_risk_map()[store.known(["/c/m.mp3"])["/c/m.mp3"][0]] == (0.0, "low")
        set_review(store, key, "confirmed", thresholds=DEFAULTS)
        assert artist_risk(store)["Nova Ray"] == (100.0, "high")


def test_every_decision_is_kept_in_the_history(tmp_path: Path) -> None:
    with build(tmp_path, _single_signal_catalog()) as store:
        detect(store)
        key = findings(store)[0]["key"]
        set_review(store, key, "dismissed", "first look", thresholds=DEFAULTS)
        set_review(store, key, "open", "reopened after new delivery", thresholds=DEFAULTS)
        history = review_history(store, key)
        assert [(r.status, r.note) for r in history] == [("dismissed", "first look"),
                                                           ("open", "reopened after new delivery")]
        assert all(r.at for r in history)
        assert get_review(store, key).note == "reopened after new delivery"


def test_review_survives_a_rescan_and_redetection(tmp_path: Path) -> None:
    with build(tmp_path, _single_signal_catalog()) as store:
        detect(store)
        key = findings(store, "provenance.markers")[0]["key"]
        set_review(store, key, "dismissed", thresholds=DEFAULTS)
        detect(store)
        detect(store)
        assert get_review(store, key).status == "dismissed"
        assert artist_risk(store)["Nova Ray"] == (0.0, "low")


def test_unknown_status_or_finding_is_a_usage_error(tmp_path: Path) -> None:
    with build(tmp_path, human_act("Ava", seed=1)) as store:
        detect(store)
        with pytest.raises(UsageError, match="must be one of"):
            set_review(store, "whatever", "maybe")
        with pytest.raises(UsageError, match="no finding with key"):
            set_review(store, "0000000000000000", "dismissed")


def test_cli_review_command_sets_the_status(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("CATALOG_AUDITOR_THRESHOLDS", str(tmp_path / "none.toml"))
    with build(tmp_path, _single_signal_catalog()) as store:
        detect(store)
        key = findings(store)[0]["key"]
    db = str(tmp_path / "audit.sqlite")
    assert main(["review", key, "--db", db, "--status", "dismissed", "--note", "demo sketch"]) == 0
    assert f"Finding {key}: dismissed" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        main(["review", key, "--db", db, "--status", "nope"])
    assert info.value.code == 2
