"""Mass-produced catalogs: release pace, arrival, durations and artwork reuse."""

from __future__ import annotations

from pathlib import Path

from tests.test_detectors_support import (artist_risk, build, day, detect, farm, findings, human_act, phash_for,
                                          sha, track)


# --- release bursts and new artists ------------------------------------------------------------

def test_many_singles_in_days_are_a_release_burst(tmp_path: Path) -> None:
    records = [track(f"/c/{i}.mp3", artist="Nova Ray", title=f"Single {i}", album=f"Single {i}",
                     date=day("2025-10-20", i)) for i in range(8)]
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "catalog.release_burst")
    assert len(rows) == 1
    assert rows[0]["explanation"] == ("'Nova Ray' put out 8 separate releases with 8 tracks within 8 days "
                                      "(2025-10-20 to 2025-10-27).")


def test_an_album_released_on_one_day_is_not_a_burst(tmp_path: Path) -> None:
    records = [track(f"/c/{i}.mp3", artist="Nova Ray", title=f"Song {i}", album="Debut",
                     date="2025-10-20") for i in range(14)]
    with build(tmp_path, records) as store:
        detect(store)
        assert findings(store, "catalog.release_burst") == []
        assert findings(store, "catalog.new_artist_catalog") == []


def test_new_artist_arriving_with_a_large_catalog_is_flagged(tmp_path: Path) -> None:
    records = [track(f"/c/{i}.mp3", artist="Nova Ray", title=f"Single {i}", album=f"EP {i // 2}",
                     date=day("2025-01-01", i * 3)) for i in range(10)]
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "catalog.new_artist_catalog")
    assert len(rows) == 1 and "has nothing dated before 2025-01-01" in rows[0]["explanation"]
    assert rows[0]["evidence"]["arrival_releases"] == 5


def test_established_artist_with_a_long_history_is_not_new(tmp_path: Path) -> None:
    with build(tmp_path, human_act("Grey Harbour", seed=5, releases=6)) as store:
        detect(store)
        assert findings(store, "catalog.new_artist_catalog") == []
        assert findings(store, "catalog.release_burst") == []


# --- durations -----------------------------------------------------------------------------------

def test_near_identical_lengths_are_uniform(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra",))) as store:
        detect(store)
        rows = findings(store, "catalog.duration_uniformity")
    assert len(rows) == 1 and rows[0]["severity"] == "medium"
    assert rows[0]["explanation"].startswith("All 8 tracks by 'Lyra' last between 149.")


def test_varied_lengths_are_not_uniform(tmp_path: Path) -> None:
    with build(tmp_path, human_act("Grey Harbour", seed=5)) as store:
        detect(store)
        assert findings(store, "catalog.duration_uniformity") == []


def test_tracks_clustered_at_a_generator_length_are_flagged(tmp_path: Path) -> None:
    lengths = [240.0, 239.6, 240.3, 240.8, 239.2, 180.0, 301.0, 240.1]
    records = [track(f"/c/{i}.mp3", artist="Nova Ray", title=f"S{i}", duration=d) for i, d in enumerate(lengths)]
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "catalog.duration_uniformity")
    assert len(rows) == 1 and rows[0]["evidence"]["generator_length"] == 240.0
    assert "6 of 8 tracks last 4:00 ± 1 s" in rows[0]["explanation"]


def test_fairness_naturally_consistent_song_length_is_not_high(tmp_path: Path) -> None:
    """A punk band whose songs all run about 2:00: flagged as uniform, but the act stays low."""
    lengths = [118.0, 121.5, 119.2, 123.0, 117.4, 120.8, 122.1, 118.9, 121.0, 119.7]
    records = human_act("The Two Minutes", seed=11, durations=lengths, releases=3, tracks_per_release=4)
    with build(tmp_path, records + human_act("Other", seed=12)) as store:
        detect(store)
        assert len(findings(store, "catalog.duration_uniformity")) == 1
        assert artist_risk(store)["The Two Minutes"][1] == "low"


# --- artwork -------------------------------------------------------------------------------------

def test_the_same_cover_on_three_artists_is_reuse(tmp_path: Path) -> None:
    cover = (sha("one cover"), phash_for("one cover"))
    records = [track(f"/c/{a}/{i}.mp3", artist=a, title=f"{a} {i}", artwork=cover)
               for a in ("Ava", "Bo", "Cy") for i in range(2)]
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "catalog.artwork_reuse")
    assert len(rows) == 1 and rows[0]["severity"] == "medium" and rows[0]["evidence"]["exact"] is True
    assert rows[0]["explanation"].startswith("The same cover image is used on 6 tracks by 3 different artists")


def test_near_identical_covers_match_by_perceptual_hash(tmp_path: Path) -> None:
    base = int(phash_for("template"), 16)
    records = [track(f"/c/{a}.mp3", artist=a, title=a, artwork=(sha(a), f"{base ^ (0b101 << n * 9):016x}"))
               for n, a in enumerate(("Ava", "Bo", "Cy"))]
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "catalog.artwork_reuse")
    assert len(rows) == 1 and rows[0]["evidence"]["images"] == 3 and rows[0]["evidence"]["max_distance"] == 4


def test_different_covers_and_flat_placeholder_images_are_not_reuse(tmp_path: Path) -> None:
    records = [track(f"/c/{a}.mp3", artist=a, title=a, artwork=(sha(a), phash_for(a))) for a in ("Ava", "Bo", "Cy")]
    # Solid-colour placeholders all hash to ~0: they must not link unrelated artists.
    records += [track(f"/c/p{a}.mp3", artist=a, title=a + "!", artwork=(sha("p" + a), f"{1 << n:016x}"))
                for n, a in enumerate(("Ava", "Bo", "Cy"))]
    with build(tmp_path, records) as store:
        detect(store)
        assert findings(store, "catalog.artwork_reuse") == []


def test_covers_reused_by_one_artist_only_are_not_reuse(tmp_path: Path) -> None:
    with build(tmp_path, human_act("Grey Harbour", seed=5)) as store:
        detect(store)
        assert findings(store, "catalog.artwork_reuse") == []


def test_fairness_compilation_reusing_a_label_template_is_not_high(tmp_path: Path) -> None:
    """A label compilation: one cover template on every artist's track, marked as a compilation."""
    base = int(phash_for("label template"), 16)
    artists = [f"Act {n}" for n in range(8)]
    records = [track(f"/comp/{n}.mp3", artist=a, title=f"Track {n}", album="Label Sampler 2024",
                     album_artist="Various Artists", compilation="1", label="Lantern Yard Records",
                     artwork=(sha(f"tpl{n}"), f"{base ^ (1 << n):016x}")) for n, a in enumerate(artists)]
    for n, a in enumerate(artists[:3]):
        records += human_act(a, seed=20 + n, root="/own")
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "catalog.artwork_reuse")
        assert [r["severity"] for r in rows] == ["low"]
        assert "all on compilations" in rows[0]["explanation"]
        assert all(band != "high" for _, band in artist_risk(store).values())
