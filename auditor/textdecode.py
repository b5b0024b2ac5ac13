"""Decode tag text that was stored without a declared encoding.

ID3v1, RIFF INFO, AIFF text chunks and Broadcast-WAV ``bext`` fields are
byte strings: the formats say "ASCII" or "ISO-8859-1", but real catalogs are
full of UTF-8 and Windows code pages (cp1251 from Russian tools above all).
A wrong guess turns a Cyrillic title into "Ãðóïïà êðîâè", so we decode
deliberately and *record* what was guessed: for an auditor, the encoding a
file was written in is evidence about the tool that wrote it.

The decision, in order (documented because callers show it to users):

1. A UTF-16 byte-order mark followed by valid UTF-16 → ``"utf-16"``.
2. Trailing NULs and spaces are stripped (and, by default, everything from
   the first NUL on: fixed-size fields are NUL-terminated, and what follows
   the terminator is padding or leftovers of an older value).
3. Only ASCII bytes → ``"ascii"``, ``guessed=False`` (there was no choice).
4. Valid strict UTF-8 → ``"utf-8"``.  Text in a single-byte code page is
   almost never valid UTF-8 by accident, so this is tried first.
5. Otherwise choose between cp1251 (Cyrillic) and the Western code pages by
   looking at *words*: a run of letter bytes that consists only of high
   bytes (two or more of them) is how Cyrillic text looks in cp1251
   ("ÃðóïïÀ" as Western), while a run that mixes ASCII letters with high
   bytes is how accented Western text looks ("M\\xfcller", "caf\\xe9").
   Each high byte counts as one vote for the reading its word supports;
   lone single-byte words are ambiguous ("\\xe0" is French "à" and Russian
   "а") and do not vote.  More Cyrillic votes than Western votes → cp1251.
6. The Western reading is reported as ``"latin-1"`` unless bytes
   0x80–0x9F occur and decode as cp1252 (smart quotes, €, …), in which case
   it is ``"cp1252"``; latin-1 and cp1252 agree on every other byte.

Other code pages (Greek, Central European, Mac Roman, Shift-JIS, …) are out
of scope: they come out as latin-1/cp1252 with ``guessed=True``, which is
exactly the flag a reviewer needs to look twice.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DecodedText", "decode_legacy"]


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Text decoded from bytes with no declared encoding, and how it was done.

    ``encoding`` is a Python codec name: ``ascii``, ``utf-8``, ``utf-16``,
    ``cp1251``, ``cp1252`` or ``latin-1``.  ``guessed`` is False only when
    no choice had to be made (pure ASCII, including the empty string).
    """

    text: str
    encoding: str
    guessed: bool


# Bytes that are letters when the text is read as cp1251: А–я (0xC0–0xFF),
# Ё/ё and the Ukrainian/Belarusian letters.  In cp1252 the extra ones are
# symbols (¨ ¸ ª º ¯ ¿ ² ³ ¥ ´ ¡ ¢), so they only ever vote for Cyrillic.
_CP1251_EXTRA_LETTERS = frozenset(b"\xa8\xb8\xaa\xba\xaf\xbf\xb2\xb3\xa5\xb4\xa1\xa2")


def _is_letter_byte(b: int) -> bool:
    return (0x41 <= b <= 0x5A) or (0x61 <= b <= 0x7A) or b >= 0xC0 or b in _CP1251_EXTRA_LETTERS


def _cyrillic_and_western_votes(raw: bytes) -> tuple[int, int]:
    """Count high bytes whose word looks Cyrillic vs. Western (see module doc)."""
    cyrillic = western = 0
    ascii_letters = high = 0
    for b in raw + b" ":  # trailing sentinel closes the last word
        if _is_letter_byte(b):
            if b >= 0x80:
                high += 1
            else:
                ascii_letters += 1
            continue
        if high:
            if ascii_letters:
                western += high
            elif high >= 2:
                cyrillic += high
        ascii_letters = high = 0
    return cyrillic, western


def _try_utf16(raw: bytes) -> DecodedText | None:
    if not (raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff")):
        return None
    body = raw if len(raw) % 2 == 0 else raw[:-1]
    try:
        text = body.decode("utf-16")
    except UnicodeDecodeError:
        return None
    return DecodedText(text.split("\x00", 1)[0].rstrip(" "), "utf-16", True)


def decode_legacy(raw: bytes, *, stop_at_nul: bool = True) -> DecodedText:
    """Decode ``raw`` with a recorded encoding guess; never raises on any bytes.

    ``stop_at_nul=False`` keeps text after an embedded NUL (only trailing
    NULs are stripped), for callers that want to show leftovers as evidence.
    """
    raw = bytes(raw)
    utf16 = _try_utf16(raw)
    if utf16 is not None:
        return utf16
    if stop_at_nul:
        raw = raw.split(b"\x00", 1)[0]
    raw = raw.rstrip(b"\x00 ")
    if raw.isascii():
        return DecodedText(raw.decode("ascii"), "ascii", False)
    try:
        return DecodedText(raw.decode("utf-8"), "utf-8", True)
    except UnicodeDecodeError:
        pass
    cyrillic, western = _cyrillic_and_western_votes(raw)
    if cyrillic > western:
        try:
            return DecodedText(raw.decode("cp1251"), "cp1251", True)
        except UnicodeDecodeError:  # 0x98 is unassigned in cp1251
            pass
    if any(0x80 <= b <= 0x9F for b in raw):
        try:
            return DecodedText(raw.decode("cp1252"), "cp1252", True)
        except UnicodeDecodeError:  # 0x81 0x8D 0x8F 0x90 0x9D are unassigned
            pass
    return DecodedText(raw.decode("latin-1"), "latin-1", True)
