"""Reference catalogs: a submission compared with what the label already holds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mutagen.flac import FLAC

from auditor.audit import run_audit
from auditor.cli import main
from auditor.delivery.reference import ReferenceError, add_reference, list_references, remove_reference
from auditor.store import Store
from tests.test_delivery_declared import flac
from tests.test_detectors_support import DEFAULTS, findings


def reference_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "label"
    flac(folder / "old.flac", 1.0, title="Northern Lights", artist="Known Act", isrc="GBAAA2000001")
    flac(folder / "other.flac", 0.7, title="Second Song", artist="Known Act", isrc="GBAAA2000002")
    return folder


def test_a_resubmitted_file_under_a_new_title_and_isrc_is_reported_naming_the_reference_track(
        tmp_path: Path) -> None:
    label = reference_folder(tmp_path)
    submission = tmp_path / "submission"
    submission.mkdir()
    shutil.copy(label / "old.flac", submission / "fresh.flac")  # the same bytes ...
    (submission / "manifest.csv").write_text(  # ... declared under a new title and ISRC
        "File,ISRC,Title,Artist\nfresh.flac,QZNEW2500001,Neon Tide,Lyra Solenne\n", encoding="utf-8")
    flac(submission / "honest.flac", 0.6, title="Honest Song", artist="Lyra Solenne", isrc="QZNEW2500002")
    before = sorted(p.name for p in label.iterdir())
    with Store(tmp_path / "audit.sqlite") as store:
        row = add_reference(store, label, audio=False, workers=0)
        assert row["kind"] == "folder" and len(list((tmp_path / "audit.references").glob("label-*.sqlite"))) == 1
        assert sorted(p.name for p in label.iterdir()) == before  # nothing written in the label's folder
        run_audit(store, [submission], workers=0, thresholds=DEFAULTS)
        (found,) = findings(store, "declared.reference_reuse")
    assert found["subject"] == str(submission / "fresh.flac") and found["severity"] == "medium"
    assert "'Northern Lights' by 'Known Act'" in found["explanation"]
    assert str(label / "old.flac") in found["explanation"]
    assert found["evidence"]["matches"][0]["how"] == "identical audio bytes"


def test_a_reused_isrc_on_different_audio_and_title_is_reported(tmp_path: Path) -> None:
    label = reference_folder(tmp_path)
    submission = tmp_path / "submission"
    flac(submission / "new.flac", 0.9, title="Brand New", artist="Nova Ray", isrc="GB-AAA-20-00002")
    with Store(tmp_path / "audit.sqlite") as store:
        add_reference(store, label, audio=False, workers=0)
        run_audit(store, [submission], workers=0, thresholds=DEFAULTS)
        (found,) = findings(store, "declared.reference_reuse")
    assert found["severity"] == "medium" and "'Second Song'" in found["explanation"]
    assert found["evidence"]["matches"][0]["how"].startswith("ISRC GBAAA2000002")


def test_a_retagged_copy_is_found_by_audio_fingerprint(tmp_path: Path) -> None:
    label = tmp_path / "label"
    flac(label / "old.flac", 8.0, title="Northern Lights", artist="Known Act", isrc="GBAAA2000001")
    submission = tmp_path / "submission"
    submission.mkdir()
    copy = shutil.copy(label / "old.flac", submission / "copy.flac")
    tags = FLAC(copy)
    tags["title"], tags["isrc"], tags["artist"] = "Neon Tide", "QZNEW2500001", "Lyra Solenne"
    tags.save()
    with Store(tmp_path / "audit.sqlite") as store:
        add_reference(store, label, audio=True, workers=0)
        run_audit(store, [submission], workers=0, thresholds=DEFAULTS, audio=True)
        (found,) = findings(store, "declared.reference_reuse")
    assert found["severity"] == "medium"
    assert found["evidence"]["matches"][0]["how"] == "the same recording (audio fingerprint)"


def test_an_unrelated_submission_has_no_reference_findings_and_references_can_be_removed(tmp_path: Path) -> None:
    label = reference_folder(tmp_path)
    submission = tmp_path / "submission"
    flac(submission / "new.flac", 0.9, title="Brand New", artist="Nova Ray", isrc="QZNEW2500009")
    with Store(tmp_path / "audit.sqlite") as store:
        add_reference(store, label, audio=False, workers=0)
        run_audit(store, [submission], workers=0, thresholds=DEFAULTS)
        assert findings(store, "declared.reference_reuse") == []
        assert [(r["kind"], r["tracks"]) for r in list_references(store)] == [("folder", 2)]
        remove_reference(store, label)
        assert list_references(store) == []
        with pytest.raises(ReferenceError, match="not a reference catalog"):
            remove_reference(store, label)
        with pytest.raises(ReferenceError, match="no such audit database or folder"):
            add_reference(store, tmp_path / "nowhere")


def test_reference_writers_with_an_ipi_count_as_identified(tmp_path: Path) -> None:
    from auditor.detectors.context import DetectionContext

    reference_db = tmp_path / "reference.sqlite"
    label = tmp_path / "label"
    flac(label / "a.flac", 0.5, title="Known", artist="Known Act", composer="Jane Smith")
    with Store(reference_db) as reference:
        run_audit(reference, [label], workers=0, thresholds=DEFAULTS)
        reference.db.execute("UPDATE credits SET ipi = '00123456789'")
        reference.db.conn.commit()
    submission = tmp_path / "submission"
    flac(submission / "b.flac", 0.5, title="New", artist="Nova Ray", composer="Jane Smith")
    with Store(tmp_path / "audit.sqlite") as store:
        assert add_reference(store, reference_db)["kind"] == "audit"
        run_audit(store, [submission], workers=0, thresholds=DEFAULTS)
        people = DetectionContext.load(store, DEFAULTS).people
    assert people.persons[people.of_name["jane smith"]].identified


def test_cli_reference_add_list_remove(tmp_path: Path, capsys) -> None:
    label = reference_folder(tmp_path)
    db = tmp_path / "audit.sqlite"
    assert main(["reference", "add", str(label), "--db", str(db), "--workers", "0", "--no-audio"]) == 0
    assert main(["reference", "list", "--db", str(db), "--format", "csv"]) == 0
    assert str(label) in capsys.readouterr().out
    assert main(["reference", "remove", str(label), "--db", str(db)]) == 0
    assert main(["reference", "remove", str(label), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a reference catalog" in err
    assert main(["reference", "add", str(tmp_path / "nowhere"), "--db", str(db)]) == 1
