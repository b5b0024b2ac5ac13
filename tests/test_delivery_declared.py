"""Declared vs. embedded: deliveries (ZIP or folder, ERN or manifest) scanned like any catalog."""

from __future__ import annotations

import zipfile
from pathlib import Path

from mutagen.flac import FLAC
from mutagen.id3 import ID3, TCOM, TIT2, TPE1, TSRC

from auditor import browse
from auditor.audit import run_audit
from auditor.cli import main
from auditor.detectors.context import DetectionContext
from auditor.store import Store
from tests import builders as b
from tests.ern_fixtures import ern43, ern382
from tests.test_detectors_support import DEFAULTS, findings


def flac(path: Path, seconds: float, **tags: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    b.soundfile_audio(path, "FLAC", seconds=seconds, sr=8000)
    audio = FLAC(path)
    for key, value in tags.items():
        audio[key] = value
    audio.save()
    return path


def mp3(path: Path, **frames: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    b.mpeg_frames(path, frames=60)  # about 1.57 s
    tags = ID3()
    for frame, value in (("TIT2", TIT2), ("TPE1", TPE1), ("TCOM", TCOM), ("TSRC", TSRC)):
        if frame in frames:
            tags.add(value(encoding=3, text=frames[frame]))
    tags.save(path)
    return path


def zip_delivery(tmp_path: Path) -> Path:
    """pkg/message.xml (ERN 4.3) declaring A1 and a missing A2 file; A2 and a bonus file present."""
    work = tmp_path / "work"
    files = {
        "pkg/resources/A1.flac": flac(work / "A1.flac", 1.0, title="Cedar Smoke", artist="The Hollow Pines",
                                      composer="Mark Rowe", isrc="GBLYR2599999"),
        "pkg/resources/A2.flac": flac(work / "A2.flac", 0.5, title="Kettle River", artist="The Hollow Pines",
                                      composer="Jane Smith", isrc="GBLYR2500002"),
        "pkg/resources/bonus.flac": flac(work / "bonus.flac", 0.5, title="Bonus", artist="The Hollow Pines"),
    }
    delivery = tmp_path / "in" / "delivery.zip"
    delivery.parent.mkdir()
    with zipfile.ZipFile(delivery, "w") as zf:
        zf.writestr("pkg/message.xml", ern43(missing_file=True).replace("PT3M12S", "PT1S"))
        for name, path in files.items():
            zf.write(path, name)
    return delivery


def by_detector(store: Store) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in findings(store):
        if row["detector"].startswith("declared."):
            grouped.setdefault(row["detector"], []).append(row)
    return grouped


def track_id(store: Store, suffix: str) -> int:
    return next(r["id"] for r in store.iter_tracks() if r["path"].endswith(suffix))


def test_zip_delivery_stores_declared_credits_with_source_and_reports_every_disagreement(tmp_path: Path) -> None:
    delivery = zip_delivery(tmp_path)
    with Store(tmp_path / "audit.sqlite") as store:
        summary = run_audit(store, [delivery.parent], workers=0, thresholds=DEFAULTS)
        assert summary.status == "completed"
        rows = store.declared_rows()
        assert [(r["reference"], r["source_kind"]) for r in rows] == [("A1", "ern"), ("A2", "ern")]
        assert all(r["source"] == f"{delivery}!/pkg/message.xml" for r in rows)
        a1, a2 = rows
        assert a1["track_path"] == f"{delivery}!/pkg/resources/A1.flac"  # matched by file path
        assert a2["track_path"] == f"{delivery}!/pkg/resources/A2.flac"  # file missing: matched by ISRC
        assert (a1["icpn"], a1["release_title"], a1["label"]) == ("5054321000013", "Woodsmoke", "Lantern Yard Records")
        assert {(c["name"], c["role"], c["ipi"], c["isni"]) for c in a1["contributors"]} == {
            ("Jane Smith", "composer", "00123456789", "000000012345678X"), ("Ken Ito", "lyricist", None, None)}

        found = by_detector(store)
        (writer,) = found["declared.writer_mismatch"]
        assert writer["subject"].endswith("A1.flac") and writer["severity"] == "medium"
        assert writer["evidence"]["only_tagged"] == ["Mark Rowe"] and "Jane Smith" in writer["explanation"]
        (isrc,) = found["declared.isrc_mismatch"]
        assert isrc["evidence"] == {**isrc["evidence"], "declared": "GBLYR2500001", "tagged": "GBLYR2599999"}
        (duration,) = found["declared.duration_mismatch"]  # A1 declared 1 s and plays 1 s: only A2
        assert duration["subject"].endswith("A2.flac") and duration["evidence"]["declared_s"] == 168.5
        (missing,) = found["declared.missing_file"]
        assert missing["subject"] == f"{delivery}!/pkg/resources/A2-missing.flac"
        assert missing["evidence"]["matched_by_isrc"].endswith("A2.flac")
        (undeclared,) = found["declared.undeclared_file"]
        assert undeclared["subject"].endswith("bonus.flac")
        assert all(r["severity"] in ("low", "medium") for rows_ in found.values() for r in rows_)
        assert all(r["innocent_explanations"] for rows_ in found.values() for r in rows_)

        detail = browse.track_detail(store, track_id(store, "A1.flac"))
        assert [d["reference"] for d in detail["declared"]] == ["A1"]
        assert detail["declared"][0]["contributors"][0]["ipi"] == "00123456789"


def test_a_writer_declared_with_an_ipi_counts_as_identified(tmp_path: Path) -> None:
    delivery = zip_delivery(tmp_path)
    with Store(tmp_path / "audit.sqlite") as store:
        run_audit(store, [delivery.parent], workers=0, thresholds=DEFAULTS)
        people = DetectionContext.load(store, DEFAULTS).people
    jane = people.persons[people.of_name["jane smith"]]
    assert jane.identified and jane.ipis == ("00123456789",)  # tagged without IPI, declared with one
    assert not people.persons[people.of_name["mark rowe"]].identified


def test_rescanning_replaces_the_declarations_of_the_scanned_roots(tmp_path: Path) -> None:
    delivery = zip_delivery(tmp_path)
    with Store(tmp_path / "audit.sqlite") as store:
        run_audit(store, [delivery.parent], workers=0, thresholds=DEFAULTS)
        run_audit(store, [delivery.parent], workers=0, thresholds=DEFAULTS)
        assert store.count("declared_recordings") == 2 and store.count("declared_contributors") == 3


def test_manifest_csv_delivery_is_matched_by_isrc_with_a_custom_column_mapping(tmp_path: Path) -> None:
    root = tmp_path / "delivery"
    flac(root / "audio" / "one.flac", 1.0, title="Harbour", artist="Grey Harbour", composer="Nils Berg",
         isrc="USOLD0900042")
    (root / "manifest.csv").write_text(
        "Recording Code,Song Name,Writers,Length\nUS-OLD-09-00042,Harbour,Åsa Lind,0:01\n", encoding="utf-8")
    with Store(tmp_path / "audit.sqlite") as store:
        run_audit(store, [root], workers=0, thresholds=DEFAULTS, manifest_mapping={"isrc": "Recording Code"})
        (row,) = store.declared_rows()
        assert row["source_kind"] == "manifest" and row["source"] == str(root / "manifest.csv")
        assert row["track_path"] == str(root / "audio" / "one.flac") and row["duration_s"] == 1.0
        found = by_detector(store)
    assert set(found) == {"declared.writer_mismatch"}
    assert found["declared.writer_mismatch"][0]["evidence"]["only_declared"] == ["Åsa Lind"]


def test_ern38_folder_delivery_links_mp3_by_path_and_agreeing_metadata_gives_no_findings(tmp_path: Path) -> None:
    root = tmp_path / "delivery"
    mp3(root / "resources" / "A1.mp3", TIT2="Harbour Lights", TPE1="Grey Harbour", TCOM="Åsa Lind",
        TSRC="USOLD0900042")
    (root / "message.xml").write_text(ern382().replace("PT4M01S", "PT1.6S"), encoding="utf-8")
    with Store(tmp_path / "audit.sqlite") as store:
        run_audit(store, [root], workers=0, thresholds=DEFAULTS)
        (row,) = store.declared_rows()
        assert row["track_path"] == str(root / "resources" / "A1.mp3") and row["label"] == "Tidewater Music"
        contributors = {c["name"]: c for c in row["contributors"]}
        assert contributors["Åsa Lind"]["indirect"] == 1 and contributors["Åsa Lind"]["role"] == "composer"
        assert contributors["Nils Berg"]["ipi"] == "00987654321"
        assert by_detector(store) == {}


def test_an_unsafe_ern_message_is_a_recorded_scan_problem(tmp_path: Path) -> None:
    root = tmp_path / "delivery"
    flac(root / "a.flac", 0.5, title="A")
    (root / "message.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>'
        '<NewReleaseMessage xmlns="http://ddex.net/xml/ern/43">&a;</NewReleaseMessage>')
    with Store(tmp_path / "audit.sqlite") as store:
        run_audit(store, [root], workers=0, thresholds=DEFAULTS)
        problems = [p for p in store.scan_errors() if p["stage"] == "declaration"]
    assert len(problems) == 1 and "refused unsafe XML" in problems[0]["reason"]


def test_cli_scan_accepts_a_manifest_mapping_and_rejects_a_bad_one(tmp_path: Path, capsys) -> None:
    root = tmp_path / "delivery"
    flac(root / "one.flac", 1.0, title="Harbour", isrc="USOLD0900042")
    (root / "sheet.csv").write_text("Code,Song Name\nUSOLD0900042,Harbour\n", encoding="utf-8")
    db = tmp_path / "audit.sqlite"
    assert main(["scan", str(root), "--db", str(db), "--workers", "0", "--no-audio", "--quiet",
                 "--manifest-map", "Code=isrc"]) == 0
    with Store(db) as store:
        assert [r["isrc"] for r in store.declared_rows()] == ["USOLD0900042"]
    try:
        code = main(["scan", str(root), "--db", str(db), "--manifest-map", "Code=bogus"])
    except SystemExit as exc:
        code = exc.code
    assert code == 2 and "manifest" in capsys.readouterr().err


def test_detail_pane_shows_the_declared_section_as_plain_text(tmp_path: Path, qtbot) -> None:
    from ui.views.detail import DetailPane

    delivery = zip_delivery(tmp_path)
    with Store(tmp_path / "audit.sqlite") as store:
        run_audit(store, [delivery.parent], workers=0, thresholds=DEFAULTS)
        pane = DetailPane()
        qtbot.addWidget(pane)
        pane.set_store(store)
        pane.show_track(track_id(store, "A1.flac"))
        rows = pane.section_texts()["declared"]
    assert ("Source", f"{delivery}!/pkg/message.xml", "ERN message") in rows
    assert ("ISRC", "GBLYR2500001", "") in rows
    assert ("Composer", "Jane Smith", "IPI 00123456789 · ISNI 000000012345678X") in rows
