"""Render lists of records as JSON, CSV or a terminal table.

Shared by every CLI listing (and the CSV export) so that formula injection
is neutralized in one place: a spreadsheet must never execute a tag value.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Sequence
from typing import Any, TextIO

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


def write_json(rows: Sequence[dict[str, Any]], out: TextIO) -> None:
    json.dump(list(rows), out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_csv(rows: Sequence[dict[str, Any]], out: TextIO, columns: Sequence[str] | None = None) -> None:
    """RFC 4180 CSV; nested values as JSON; every text cell neutralized."""
    columns = list(columns or (rows[0].keys() if rows else []))
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralize_cell(_cell_text(row.get(col))) for col in columns])


def csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    buffer = io.StringIO()
    write_csv(rows, buffer, columns)
    return buffer.getvalue()


def _printable(text: str) -> str:
    """Control characters would move a terminal's cursor: show them escaped."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def write_table(rows: Sequence[dict[str, Any]], out: TextIO, columns: Sequence[str],
                *, max_width: int | None = None) -> None:
    """A plain fixed-width table sized to the terminal; long cells are elided with '…'."""
    width = max_width or shutil.get_terminal_size((160, 24)).columns
    cells = [[_printable(_cell_text(row.get(col))) for col in columns] for row in rows]
    widths = [max([len(col)] + [len(r[i]) for r in cells]) for i, col in enumerate(columns)]
    budget = max(width - 2 * (len(columns) - 1), len(columns) * 4)
    while sum(widths) > budget and max(widths) > 8:
        widest = widths.index(max(widths))
        widths[widest] -= 1

    def fit(text: str, w: int) -> str:
        return text if len(text) <= w else text[: max(w - 1, 0)] + "…"

    out.write("  ".join(fit(c, w).ljust(w) for c, w in zip(columns, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write("  ".join(fit(c, w).ljust(w) for c, w in zip(row, widths)).rstrip() + "\n")
