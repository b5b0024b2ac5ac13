"""Finding declarations in folders and ZIP deliveries."""

from __future__ import annotations

import zipfile
from pathlib import Path

from auditor.delivery.find import find_declarations
from tests.ern_fixtures import ern43


def test_ern_in_a_folder_is_found_and_file_references_resolve(tmp_path: Path) -> None:
    (tmp_path / "delivery").mkdir()
    (tmp_path / "delivery" / "message.xml").write_text(ern43(), encoding="utf-8")
    (tmp_path / "delivery" / "other.xml").write_text("<config/>", encoding="utf-8")
    problems = []
    (declaration,) = find_declarations([str(tmp_path)], on_problem=problems.append)
    assert declaration.kind == "ern" and not problems
    assert declaration.resolve("resources/A1.flac") == str(tmp_path / "delivery" / "resources" / "A1.flac")


def test_ern_and_manifest_inside_a_zip_resolve_to_member_paths(tmp_path: Path) -> None:
    delivery = tmp_path / "d.zip"
    with zipfile.ZipFile(delivery, "w") as zf:
        zf.writestr("pkg/message.xml", ern43())
        zf.writestr("pkg/manifest.csv", "File,ISRC,Title\nresources/A1.flac,GBLYR2500001,Cedar Smoke\n")
        zf.writestr("../evil.xml", ern43())
    found = {d.kind: d for d in find_declarations([str(tmp_path)], on_problem=print)}
    assert set(found) == {"ern", "manifest"}
    assert found["ern"].resolve("resources/A1.flac") == f"{delivery}!/pkg/resources/A1.flac"
    assert found["manifest"].recordings[0].isrc == "GBLYR2500001"


def test_unsafe_xml_in_a_delivery_is_a_recorded_problem(tmp_path: Path) -> None:
    (tmp_path / "bad.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>'
        '<NewReleaseMessage xmlns="http://ddex.net/xml/ern/43">&a;</NewReleaseMessage>')
    problems = []
    assert list(find_declarations([str(tmp_path)], on_problem=problems.append)) == []
    assert problems and "refused unsafe XML" in problems[0].reason


def test_spreadsheets_that_are_not_manifests_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "budget.csv").write_text("Item,Cost\nStudio,100\n")
    assert list(find_declarations([str(tmp_path)], on_problem=print)) == []
