"""Showing hostile text safely: tag values are evidence, never markup.

Every string that came from a file (tags, paths, errors that quote them) is
shown through these helpers:

* :func:`display_text` makes one line for a table cell: control characters,
  newlines and bidirectional overrides become visible symbols, and huge values
  are cut with a note of the full length;
* :func:`plain_tooltip` builds a tooltip that Qt cannot interpret as rich
  text (tooltips auto-detect HTML, so ``<img src=x>`` in a title would be
  rendered; here the text is escaped inside an explicit ``<qt>`` document);
* :func:`tsv_cell` prepares a value for spreadsheets (no tabs or newlines,
  no formula injection).

Labels that show tag text must additionally use ``Qt.TextFormat.PlainText``.
"""

from __future__ import annotations

import html
import re

CELL_LIMIT = 300
TOOLTIP_LIMIT = 2_000
DETAIL_LIMIT = 4_000

_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\r\n|\r|\n|\u2028|\u2029")


def _visible_control(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return chr(0x2400 + code) if code < 0x20 else f"\\x{code:02x}"


def _visible_bidi(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}"


def elide(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text):,} characters]"


def display_text(value: object, limit: int = CELL_LIMIT, *, multiline: bool = False) -> str:
    """A value as safe, bounded, visibly-escaped plain text."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = elide(text, limit)
    text = _CONTROL.sub(_visible_control, text.replace("\t", " "))
    text = _BIDI.sub(_visible_bidi, text)
    if not multiline:
        text = _NEWLINES.sub(" ⏎ ", text)
    return text


def plain_tooltip(value: object, limit: int = TOOLTIP_LIMIT) -> str:
    """A tooltip that shows ``value`` literally, whatever markup it contains."""
    text = display_text(value, limit, multiline=True)
    if not text:
        return ""
    return ("<qt><p style='white-space:pre-wrap'>" + html.escape(text, quote=False)
            + "</p></qt>")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|")


def tsv_cell(value: object) -> str:
    """One cell of tab-separated text for a spreadsheet, formula injection neutralized."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    text = _NEWLINES.sub(" ", str(value)).replace("\t", " ")
    text = _CONTROL.sub(" ", text)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text
