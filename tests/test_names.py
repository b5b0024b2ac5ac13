"""Credit splitting and name normalization rules (documented in auditor/names.py)."""

from __future__ import annotations

import pytest

from auditor.names import (extract_inline_ids, normalize_ipi, normalize_isni, normalize_name, split_detail,
                           split_names)


@pytest.mark.parametrize("value, expected", [
    ("Jane Smith", ["Jane Smith"]),
    ("Smith, Jane", ["Smith, Jane"]),
    ("Jane Smith, Ken Ito", ["Jane Smith", "Ken Ito"]),
    ("Smith, Jane, Ito", ["Smith", "Jane", "Ito"]),
    ("A / B; C & D + E", ["A", "B", "C", "D", "E"]),
    ("AC/DC", ["AC/DC"]),
    ("  ;  / ", []),
])
def test_split_names_follows_the_documented_rules(value: str, expected: list[str]) -> None:
    assert split_names(value) == expected


@pytest.mark.parametrize("a, b", [
    ("Smith, Jane", "Jane Smith"),
    ("JOSÉ  Pérez", "jose perez"),
    ("J.R.R. Tolkien", "j r r tolkien"),
    ("Beyoncé", "BEYONCE"),
])
def test_spellings_of_one_person_normalize_alike(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


def test_different_people_stay_different() -> None:
    assert normalize_name("Jane Smith") != normalize_name("Jane Smyth")


def test_inline_identifiers_are_extracted_from_names() -> None:
    assert extract_inline_ids("Jane Doe (IPI 00123456789)") == ("Jane Doe", "00123456789", None)
    assert extract_inline_ids("Jo [ISNI: 0000 0001 2345 6789]") == ("Jo", None, "0000000123456789")


def test_identifier_normalization_rejects_junk() -> None:
    assert normalize_ipi("123456789") == "00123456789"
    assert normalize_ipi("12-34") is None
    assert normalize_isni("0000 0001 2345 678X") == "000000012345678X"
    assert normalize_isni("abc") is None


def test_performer_instrument_detail() -> None:
    assert split_detail("Eva Ek (piano)") == ("Eva Ek", "piano")
    assert split_detail("Eva Ek") == ("Eva Ek", None)
