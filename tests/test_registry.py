"""The writer registry: forgiving CSV import, strict identifiers, editable entries, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.errors import UsageError
from auditor.registry import (add_writer, import_registry, list_writers, remove_writer, set_verified,
                              update_writer)
from auditor.store import Store

CSV = (
    "Writer Name,IPI Name Number,ISNI,Aliases,Verified\n"
    "\"Ekdahl, Maren\",00412873561,,M. Ekdahl;Maren E.,yes\n"
    "Tobias Wren,,0000 0001 2345 678X,,\n"
    "Bad Ids,12-34,12345,,\n"
    ",00111111111,,,\n"
)


def _file(tmp_path: Path, text: str, name: str = "registry.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_import_reads_loose_headers_identifiers_and_aliases(tmp_path: Path) -> None:
    with Store(tmp_path / "a.sqlite") as store:
        report = import_registry(store, _file(tmp_path, CSV))
        writers = {w.name: w for w in list_writers(store)}
    assert (report.added, report.updated, report.skipped) == (3, 0, 1)
    maren = writers["Ekdahl, Maren"]
    assert (maren.ipi, maren.aliases, maren.verified, maren.source) == (
        "00412873561", ("M. Ekdahl", "Maren E."), True, "registry.csv")
    assert writers["Tobias Wren"].isni == "000000012345678X"
    assert writers["Bad Ids"].ipi is None and writers["Bad Ids"].isni is None


def test_import_reports_malformed_identifiers_and_nameless_rows_by_line(tmp_path: Path) -> None:
    with Store(tmp_path / "a.sqlite") as store:
        report = import_registry(store, _file(tmp_path, CSV))
    problems = "\n".join(report.problems)
    assert "registry.csv:4: IPI '12-34' is not a 9-11 digit IPI name number" in problems
    assert "registry.csv:4: ISNI '12345'" in problems
    assert "registry.csv:5: no writer name; row skipped" in problems


def test_reimporting_updates_instead_of_duplicating(tmp_path: Path) -> None:
    with Store(tmp_path / "a.sqlite") as store:
        import_registry(store, _file(tmp_path, CSV))
        again = import_registry(store, _file(tmp_path, "name;ipi;aliases\nMaren Ekdahl;412873561;Mare\n", "b.csv"))
        writers = list_writers(store)
    assert (again.added, again.updated) == (0, 1)
    assert len(writers) == 3
    assert next(w for w in writers if w.ipi == "00412873561").aliases == ("M. Ekdahl", "Maren E.", "Mare")


def test_semicolon_files_with_bom_and_legacy_encoding_import(tmp_path: Path) -> None:
    with Store(tmp_path / "a.sqlite") as store:
        report = import_registry(store, _file(tmp_path, "\ufeffName;IPI\nJosé Núñez;00295518304\n"))
        legacy = import_registry(store, _file(tmp_path, "name\nBjörk Guðmundsdóttir\n", "old.csv", "cp1252"),
                                 source="old list")
        names = {w.name: w.source for w in list_writers(store)}
    assert report.added == 1 and "José Núñez" in names
    assert names["Björk Guðmundsdóttir"] == "old list" and "read as Windows-1252" in legacy.problems[0]


def test_a_file_without_a_name_column_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "a.sqlite") as store, pytest.raises(UsageError, match="no name column"):
        import_registry(store, _file(tmp_path, "ipi,isni\n00412873561,\n"))


def test_entries_can_be_added_edited_verified_and_removed(tmp_path: Path) -> None:
    with Store(tmp_path / "a.sqlite") as store:
        writer = add_writer(store, "Priya Raman", aliases=["P. Raman"], verified=False)
        assert (writer.verified, writer.source, writer.aliases) == (False, "manual", ("P. Raman",))
        edited = update_writer(store, writer.id, ipi="00731945628", aliases=["P. Raman", "Priya R."])
        assert (edited.ipi, edited.aliases) == ("00731945628", ("P. Raman", "Priya R."))
        assert set_verified(store, writer.id).verified is True
        with pytest.raises(UsageError, match="IPI"):
            update_writer(store, writer.id, ipi="12")
        cleared = update_writer(store, writer.id, ipi="")
        assert cleared.ipi is None
        remove_writer(store, writer.id)
        assert list_writers(store) == []
        with pytest.raises(UsageError, match="no registry writer"):
            remove_writer(store, writer.id)


def test_cli_registry_import_and_list(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "a.sqlite")
    assert main(["registry", "import", str(_file(tmp_path, CSV)), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "3 added · 0 updated · 1 skipped · 3 problems" in out
    assert main(["registry", "list", "--db", db, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == ["Bad Ids", "Ekdahl, Maren", "Tobias Wren"]
    assert rows[1]["aliases"] == ["M. Ekdahl", "Maren E."]


def test_cli_registry_import_of_a_missing_file_is_one_line_exit_1(tmp_path: Path, capsys) -> None:
    assert main(["registry", "import", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "a.sqlite")]) == 1
    assert "registry file does not exist" in capsys.readouterr().err


def test_verify_by_name_flags_an_existing_entry_or_adds_one(tmp_path) -> None:
    from auditor.registry import add_writer, list_writers, verify_by_name
    from auditor.store import Store

    with Store(tmp_path / "r.sqlite") as store:
        add_writer(store, "Smith, Jane", verified=False)
        assert verify_by_name(store, "Jane Smith").verified
        added = verify_by_name(store, "Adrian Kessel")
        assert added.verified and added.source == "verified in review"
        assert len(list_writers(store)) == 2
