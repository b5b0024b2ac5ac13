"""DDEX ERN parsing: 4.3 and 3.8.2, UTF-8 and UTF-16, and XML attacks refused."""

from __future__ import annotations

import pytest

from auditor.delivery.ern import ErnError, looks_like_ern, parse_duration, parse_ern
from tests.ern_fixtures import ern43, ern382


def test_ern43_recordings_contributors_and_release() -> None:
    message = parse_ern(ern43().encode("utf-8"))
    assert (message.version, message.message_id, message.sender) == ("4.3", "MSG-0001", "North Distribution")
    first, second = message.recordings
    assert (first.reference, first.isrc, first.title, first.display_artist) == (
        "A1", "GBLYR2500001", "Cedar Smoke", "The Hollow Pines")
    assert first.duration_s == 192 and first.creation_date == "2025-03-01"
    assert first.files == ("resources/A1.flac",)
    jane = next(c for c in first.contributors if c.name == "Jane Smith")
    assert (jane.role, jane.ipi, jane.isni) == ("composer", "00123456789", "000000012345678X")
    assert {(c.name, c.role) for c in first.contributors} == {("Jane Smith", "composer"), ("Ken Ito", "lyricist")}
    assert second.contributors[0].role == "writer" and second.duration_s == 168.5
    (release,) = message.releases
    assert (release.icpn, release.label, release.release_date) == ("5054321000013", "Lantern Yard Records", "2025-11-07")
    assert message.release_for("A2") is release


def test_writer_without_ipi_is_declared_without_one() -> None:
    message = parse_ern(ern43(writer_ipi=None).encode())
    jane = next(c for c in message.recordings[0].contributors if c.name == "Jane Smith")
    assert jane.ipi is None


def test_ern382_inline_parties_indirect_contributors_and_file_paths() -> None:
    message = parse_ern(ern382().encode("utf-8"))
    assert message.version == "3.82"
    (recording,) = message.recordings
    assert (recording.isrc, recording.title, recording.display_artist, recording.label) == (
        "USOLD0900042", "Harbour Lights", "Grey Harbour", "Tidewater Music")
    assert recording.files == ("resources/A1.mp3",)
    roles = {(c.name, c.role, c.indirect, c.ipi) for c in recording.contributors}
    assert roles == {("Nils Berg", "producer", False, "00987654321"), ("Åsa Lind", "composer", True, None)}
    assert message.releases[0].release_date == "2009-06-01"


def test_utf16_messages_read_like_utf8() -> None:
    text = ern43().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    data = text.encode("utf-16")
    assert looks_like_ern(data[:4096])
    assert parse_ern(data).recordings[0].title == "Cedar Smoke"


def test_entity_expansion_is_refused() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            '<NewReleaseMessage>&lol2;</NewReleaseMessage>')
    with pytest.raises(ErnError, match="refused unsafe XML"):
        parse_ern(bomb.encode(), source="bomb.xml")


def test_external_entity_is_refused() -> None:
    xxe = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           '<NewReleaseMessage>&x;</NewReleaseMessage>')
    with pytest.raises(ErnError, match="refused unsafe XML"):
        parse_ern(xxe.encode())


def test_oversized_and_malformed_documents_are_refused(monkeypatch) -> None:
    import auditor.delivery.ern as ern

    monkeypatch.setattr(ern, "MAX_ERN_BYTES", 1000)
    with pytest.raises(ErnError, match="exceeds"):
        parse_ern(ern43().encode())
    monkeypatch.undo()
    with pytest.raises(ErnError, match="not well-formed"):
        parse_ern(b"<NewReleaseMessage><unclosed></NewReleaseMessage>")
    with pytest.raises(ErnError, match="not NewReleaseMessage"):
        parse_ern(b"<PurgeReleaseMessage/>")


@pytest.mark.parametrize("value, seconds", [("PT3M12S", 192), ("PT1H0M1.5S", 3601.5), ("P0DT0H0M7S", 7),
                                            ("3:12", None), (None, None)])
def test_iso_durations(value, seconds) -> None:
    assert parse_duration(value) == seconds
