"""Splitting credit strings into people and normalizing their names.

Tags carry credits as free text ("Smith, Jane & K. Ito / Lee Min"); detectors
need one stable key per person so that spellings of the same writer merge.
The rules below are deliberately conservative: a wrong split invents people,
a wrong merge hides them, and either can make an honest artist look odd.

Splitting rules (applied to every single tag value; container multi-values
such as ID3v2.4 NUL-separated lists or repeated Vorbis keys are already
separate values):

1. ``;``, `` / `` (slash *with* spaces), `` & ``, `` + `` and a NUL always split.
2. A comma splits only when the value cannot read as "Last, First":
   a single comma between two one-word sides ("Smith, Jane") is kept as one
   name; "Smith, Jane, Ito" or "Jane Smith, Ken Ito" split.
3. A bare slash without spaces ("AC/DC") never splits.
4. Empty parts and parts without a letter or digit are dropped.

Normalization: NFKD and diacritics removed, casefolded, "Last, First" turned
into "first last", punctuation to spaces, whitespace collapsed.  Initials stay
as letters ("J.R.R. Tolkien" -> "j r r tolkien").
"""

from __future__ import annotations

import re
import unicodedata

_ALWAYS_SPLIT = re.compile(r"\s*(?:;|\x00|\s/\s|\s&\s|\s\+\s)\s*")
_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_IPI_INLINE = re.compile(r"[\(\[]\s*(IPI|ISNI)\s*[:#]?\s*([0-9][0-9 \-]{7,20}[0-9X])\s*[\)\]]", re.I)
_DETAIL = re.compile(r"^(?P<name>.+?)\s*\((?P<detail>[^()]{1,60})\)\s*$")


def split_names(value: str) -> list[str]:
    """Split one credit value into individual names (rules in the module doc)."""
    parts: list[str] = []
    for chunk in _ALWAYS_SPLIT.split(value):
        parts.extend(_split_commas(chunk))
    return [p for p in (part.strip() for part in parts) if any(ch.isalnum() for ch in p)]


def _split_commas(chunk: str) -> list[str]:
    pieces = [p.strip() for p in chunk.split(",")]
    if len(pieces) == 2 and all(len(p.split()) == 1 for p in pieces) and all(pieces):
        return [chunk]  # "Smith, Jane": one person written last-name first
    return pieces


def extract_inline_ids(name: str) -> tuple[str, str | None, str | None]:
    """Pull "(IPI 00123456789)" or "[ISNI ...]" out of a written name."""
    ipi = isni = None
    for match in _IPI_INLINE.finditer(name):
        digits = re.sub(r"[\s\-]", "", match.group(2))
        if match.group(1).upper() == "IPI":
            ipi = digits
        else:
            isni = digits
    return _IPI_INLINE.sub("", name).strip(), ipi, isni


def split_detail(name: str) -> tuple[str, str | None]:
    """"Jane Doe (guitar)" -> ("Jane Doe", "guitar"), used for performers."""
    match = _DETAIL.match(name)
    if not match:
        return name, None
    return match.group("name").strip(), match.group("detail").strip()


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_name(name: str) -> str:
    """Stable comparison key for a person's name (see module doc)."""
    text = strip_diacritics(name).casefold().strip()
    if text.count(",") == 1:
        last, first = (p.strip() for p in text.split(","))
        if last and first and len(last.split()) <= 2 and len(first.split()) <= 2:
            text = f"{first} {last}"
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def normalize_ipi(value: str) -> str | None:
    """Digits of an IPI name number (9-11 digits), zero-padded to 11; else None."""
    digits = re.sub(r"\D", "", value)
    if not 9 <= len(digits) <= 11:
        return None
    return digits.zfill(11)


def normalize_isni(value: str) -> str | None:
    """16-character ISNI (last may be X), spaces removed; else None."""
    compact = re.sub(r"[\s\-]", "", value).upper()
    if re.fullmatch(r"\d{15}[\dX]", compact):
        return compact
    return None
