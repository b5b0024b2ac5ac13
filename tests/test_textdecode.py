"""decode_legacy: undeclared-encoding tag text is decoded deliberately and the guess recorded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.textdecode import DecodedText, decode_legacy


def test_pure_ascii_is_not_a_guess():
    assert decode_legacy(b"Blue Monday") == DecodedText("Blue Monday", "ascii", False)


def test_empty_input_is_empty_ascii():
    assert decode_legacy(b"") == DecodedText("", "ascii", False)


def test_trailing_nuls_and_spaces_are_stripped():
    assert decode_legacy(b"Title   \x00\x00\x00").text == "Title"


def test_text_after_the_first_nul_is_dropped_by_default():
    assert decode_legacy(b"New\x00old leftover").text == "New"


def test_text_after_a_nul_can_be_kept_as_evidence():
    assert decode_legacy(b"New\x00old\x00\x00", stop_at_nul=False).text == "New\x00old"


@pytest.mark.parametrize(
    "text",
    ["Группа крови", "КИНО", "Звезда по имени Солнце", "Ёлка и ёжик", "Ще не вмерла України"],
)
def test_cyrillic_in_cp1251_is_recognized(text):
    decoded = decode_legacy(text.encode("cp1251"))
    assert decoded == DecodedText(text, "cp1251", True)


@pytest.mark.parametrize(
    "text",
    ["Müller", "Straße", "Größe der Welt", "Für Elise", "Über den Wolken"],
)
def test_german_in_latin1_is_recognized(text):
    assert decode_legacy(text.encode("latin-1")) == DecodedText(text, "latin-1", True)


@pytest.mark.parametrize(
    "text",
    ["Ça va", "Café de Flore", "La Vie en rose à Paris", "Élève été", "Noël"],
)
def test_french_in_latin1_is_recognized(text):
    assert decode_legacy(text.encode("latin-1")) == DecodedText(text, "latin-1", True)


def test_smart_quotes_make_it_cp1252():
    text = "Don’t Stop “Believin’” – Café"
    assert decode_legacy(text.encode("cp1252")) == DecodedText(text, "cp1252", True)


def test_russian_mixed_with_english_words_is_cp1251():
    text = "DJ Смэш - Moscow Never Sleeps (Remix)"
    assert decode_legacy(text.encode("cp1251")) == DecodedText(text, "cp1251", True)


def test_english_with_one_accented_name_is_western():
    text = "Live at the Olympia feat. Beyoncé"
    assert decode_legacy(text.encode("latin-1")).encoding == "latin-1"


@pytest.mark.parametrize("text", ["Кино", "Müller", "日本語のタイトル", "Café ☕"])
def test_valid_utf8_wins_over_single_byte_guesses(text):
    assert decode_legacy(text.encode("utf-8")) == DecodedText(text, "utf-8", True)


def test_utf16_with_bom_is_decoded():
    decoded = decode_legacy("Кино\x00".encode("utf-16") + b"\x00\x00")
    assert decoded == DecodedText("Кино", "utf-16", True)


def test_undefined_cp1252_bytes_fall_back_to_latin1():
    decoded = decode_legacy(b"abc\x81def")
    assert decoded.encoding == "latin-1"
    assert decoded.text == "abc\x81def"


@given(st.binary(max_size=300))
def test_any_bytes_decode_without_raising(raw):
    decoded = decode_legacy(raw)
    assert isinstance(decoded.text, str)
    assert decoded.encoding in {"ascii", "utf-8", "utf-16", "cp1251", "cp1252", "latin-1"}
    assert decoded.guessed == (decoded.encoding != "ascii")
