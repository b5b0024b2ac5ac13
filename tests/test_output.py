"""CSV/JSON/table rendering: spreadsheet formula injection is neutralized."""

from __future__ import annotations

import csv
import io
import json

from auditor.output import csv_text, neutralize_cell, write_json, write_table


def test_formula_prefixes_are_neutralized() -> None:
    for value in ("=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert neutralize_cell(value) == "'" + value
    assert neutralize_cell("plain") == "plain" and neutralize_cell(-3) == -3


def test_csv_round_trips_hostile_unicode_and_newlines() -> None:
    rows = [{"title": "=cmd|' /C calc'!A0", "note": "line1\nline2, \"quoted\"", "name": "Ænima – Ø"}]
    parsed = list(csv.DictReader(io.StringIO(csv_text(rows))))
    assert parsed[0]["title"] == "'=cmd|' /C calc'!A0"
    assert parsed[0]["note"] == "line1\nline2, \"quoted\"" and parsed[0]["name"] == "Ænima – Ø"


def test_json_keeps_unicode_and_nesting() -> None:
    out = io.StringIO()
    write_json([{"a": ["Ø", {"b": 1}]}], out)
    assert json.loads(out.getvalue()) == [{"a": ["Ø", {"b": 1}]}]


def test_table_elides_long_cells_and_escapes_control_characters() -> None:
    out = io.StringIO()
    write_table([{"a": "x" * 500, "b": "bell\x07\x1b[2J"}], out, ["a", "b"], max_width=60)
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 60 for line in lines)
    assert "\x1b" not in out.getvalue() and "\\x1b" in out.getvalue() or "…" in lines[2]
