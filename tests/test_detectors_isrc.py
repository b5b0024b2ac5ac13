"""ISRC analysis: structure, alternating runs, reuse on different audio, year of reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.detectors.isrc import isrc_year, normalize_isrc, valid_isrc
from tests.test_detectors_support import artist_risk, build, detect, farm, findings, human_act, track


WORDS = ("Harbour", "Meadow", "Copper", "Winter", "Garden", "Amber", "Thunder", "Feather", "Candle", "Gravel",
         "Juniper", "Marble", "Lights", "Rain", "Road", "Song", "Smoke")


@pytest.mark.parametrize(("text", "expected"), [
    ("USABC2500001", "USABC2500001"), ("us-abc-25-00001", "USABC2500001"), ("ISRC: GB-A1B-99-12345", "GBA1B9912345"),
    ("US-ABC-2-00001", None), ("12ABC2500001", None), ("USABC25000011", None), ("", None),
])
def test_isrc_structure_is_validated_after_removing_separators(text: str, expected: str | None) -> None:
    assert valid_isrc(text) == expected
    assert normalize_isrc("  qz-h7w-25-00101 ") == "QZH7W2500101"


def test_isrc_year_picks_the_century_nearest_the_release() -> None:
    assert isrc_year("USABC9900001", 2001) == 1999
    assert isrc_year("USABC0100001", 1999) == 2001
    assert isrc_year("USABC2500001", None) == 2025


def test_malformed_isrcs_are_reported_per_artist(tmp_path: Path) -> None:
    records = [track(f"/c/{i}.mp3", artist="Nova", title=f"S{i}", isrc=code)
               for i, code in enumerate(("US-ABC-2-00001", "CAT-0042", "USABC2500003"))]
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "isrc.malformed")
    assert len(rows) == 1 and rows[0]["evidence"]["malformed"] == ["US-ABC-2-00001", "CAT-0042"]
    assert "2 of 3 tracks by 'Nova'" in rows[0]["explanation"]


def test_wellformed_isrcs_are_not_malformed(tmp_path: Path) -> None:
    with build(tmp_path, human_act("Grey Harbour", seed=5)) as store:
        detect(store)
        assert findings(store, "isrc.malformed") == []


def test_consecutive_codes_alternating_between_artists_are_flagged(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra", "Milo", "Sienna"))) as store:
        detect(store)
        rows = findings(store, "isrc.consecutive_across_artists")
    assert len(rows) == 1 and rows[0]["severity"] == "high"
    evidence = rows[0]["evidence"]
    assert (evidence["first"], evidence["last"], evidence["codes"]) == ("QZH7W2500101", "QZH7W2500124", 24)
    assert evidence["sequence"][:4] == ["Lyra", "Milo", "Sienna", "Lyra"]


def test_one_artists_block_of_codes_is_not_flagged(tmp_path: Path) -> None:
    records = [track(f"/c/{i}.mp3", artist="Nova", title=f"S{i}", isrc=f"QZH7W25{101 + i:05d}") for i in range(12)]
    with build(tmp_path, records) as store:
        detect(store)
        assert findings(store, "isrc.consecutive_across_artists") == []


def test_fairness_distributor_shared_prefix_is_not_evidence(tmp_path: Path) -> None:
    """A distributor's registrant code shared by many customers, numbered in blocks and singles."""
    records = []
    number = 1
    encoders = [("LAME 3.100", "-b 320"), ("LAME 3.99.5", "-V 2"), ("iTunes 12.9", None), ("Lavf60.3.100", "-b 256")]
    # Twelve unrelated customers, each releasing twice in the year: albums are blocks of codes,
    # and a customer's second release comes after everyone else's first (far away in the run).
    for release in range(2):
        for n in range(12):
            artist = f"Customer {n}"
            encoder, settings = encoders[n % len(encoders)]
            for t in range(1 if n % 3 else 5):
                records.append(track(
                    f"/d/{n}/{release}/{t}.mp3", artist=artist, title=f"{WORDS[n]} {WORDS[12 + t]} {'AB'[release]}",
                    album=f"Rel {n} {release}", isrc=f"QZDST24{number:05d}", date=f"2024-0{1 + n % 5 + release * 4}-1{t}",
                    encoder=encoder, settings=settings, writers=[(f"Writer {n}", None)]))
                number += 1
    with build(tmp_path, records) as store:
        detect(store)
        assert findings(store, "isrc.consecutive_across_artists") == []
        assert all(band == "low" for _, band in artist_risk(store).values())


def test_same_isrc_on_different_audio_by_different_artists_is_high(tmp_path: Path) -> None:
    records = [track("/c/a.mp3", artist="Ava", title="Glow", isrc="USABC2500001", duration=180.0),
               track("/c/b.mp3", artist="Bo", title="Shine", isrc="US-ABC-25-00001", duration=200.0)]
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "isrc.reused_on_different_audio")
    assert len(rows) == 1 and rows[0]["severity"] == "high" and rows[0]["subject"] == "ISRC USABC2500001"


def test_same_recording_in_two_formats_is_only_info(tmp_path: Path) -> None:
    records = [track("/c/a.mp3", artist="Ava", title="Glow", isrc="USABC2500001", duration=180.0, date="2025-02-01"),
               track("/c/a.flac", artist="Ava", title="Glow", isrc="USABC2500001", duration=180.4, fmt="flac",
                     date="2025-02-01")]
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "isrc.reused_on_different_audio")
        assert [r["severity"] for r in rows] == ["info"]
        assert artist_risk(store)["Ava"] == (0.0, "low")


def test_identical_files_sharing_an_isrc_are_not_reported(tmp_path: Path) -> None:
    records = [track(p, artist="Ava", title="Glow", isrc="USABC2500001", audio_sha="same") for p in ("/a", "/b")]
    with build(tmp_path, records) as store:
        detect(store)
        assert findings(store, "isrc.reused_on_different_audio") == []


def test_isrc_years_far_from_release_years_conflict(tmp_path: Path) -> None:
    records = [track(f"/c/{i}.mp3", artist="Nova", title=f"S{i}", isrc=f"USABC18{i:05d}", date="2025-03-01")
               for i in range(4)]
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "isrc.year_conflict")
    assert len(rows) == 1 and rows[0]["evidence"]["conflicts"][0] == {
        "isrc": "USABC1800000", "isrc_year": 2018, "release_year": 2025}


def test_isrc_year_matching_release_year_is_no_conflict(tmp_path: Path) -> None:
    with build(tmp_path, human_act("Grey Harbour", seed=5)) as store:
        detect(store)
        assert findings(store, "isrc.year_conflict") == []


def test_a_farm_batch_inside_a_distributors_long_run_is_found_alone(tmp_path: Path) -> None:
    """Codes 1-10 one customer's album, 11-22 a farm alternating 3 personas, 23-30 another album."""
    records = [track(f"/d/a{i}.mp3", artist="Album Band", title=f"A{i}", isrc=f"QZDST25{i:05d}", date="2025-01-01")
               for i in range(1, 11)]
    records += [track(f"/d/f{i}.mp3", artist=("Lyra", "Milo", "Sienna")[i % 3], title=f"F{i}",
                      isrc=f"QZDST25{i:05d}", date="2025-01-02") for i in range(11, 23)]
    records += [track(f"/d/b{i}.mp3", artist="Other Band", title=f"B{i}", isrc=f"QZDST25{i:05d}", date="2025-01-03")
                for i in range(23, 31)]
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "isrc.consecutive_across_artists")
    assert len(rows) == 1
    evidence = rows[0]["evidence"]
    assert (evidence["first"], evidence["last"]) == ("QZDST2500011", "QZDST2500022")
    assert sorted(evidence["artists"]) == ["Lyra", "Milo", "Sienna"]
