"""Template titles: shared word pools, numbered patterns and near-duplicates across artists."""

from __future__ import annotations

from pathlib import Path

from auditor.detectors.titles import title_skeleton, title_words
from tests.test_detectors_support import artist_risk, build, detect, farm, findings, human_act, track


def test_title_words_drop_brackets_features_numbers_and_stop_words() -> None:
    assert title_words("The Neon Echoes II (Radio Edit) feat. Someone") == ["neon", "echoes"]
    assert title_words("Midnight Drive - 2019 Remaster") == ["midnight", "drive"]
    assert title_skeleton("Rain Sounds 17 [Loop]") == "rain sounds #"


def test_personas_recombining_one_word_pool_are_flagged(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra", "Milo", "Sienna"))) as store:
        detect(store)
        rows = findings(store, "catalog.template_titles")
    assert len(rows) == 1 and rows[0]["severity"] == "high"
    assert rows[0]["explanation"].startswith("'Lyra', 'Milo' and 'Sienna' build their titles from the same 16 words")
    assert {"echoes", "midnight"} <= set(rows[0]["evidence"]["shared_words"])


def test_unrelated_acts_titles_are_not_a_template(tmp_path: Path) -> None:
    records = human_act("Ava", seed=1) + human_act("Bo", seed=2) + human_act("Cy", seed=3)
    with build(tmp_path, records) as store:
        detect(store)
        assert findings(store, "catalog.template_titles") == []
        assert findings(store, "catalog.near_duplicate_titles") == []


def test_numbered_title_pattern_across_artists_is_flagged(tmp_path: Path) -> None:
    records = [track(f"/c/{a}/{i}.mp3", artist=a, title=f"Rain Sounds for Sleep {i}")
               for a in ("Calm Lab", "Sleep Well") for i in range(4)]
    with build(tmp_path, records) as store:
        detect(store)
        rows = [r for r in findings(store, "catalog.template_titles") if r["subject"].startswith("Title pattern")]
    assert len(rows) == 1 and rows[0]["evidence"]["pattern"] == "rain sounds for sleep #"


def test_near_identical_titles_across_three_artists_are_flagged(tmp_path: Path) -> None:
    titles = {"Ava": "Neon Echoes", "Bo": "Neon Echoes (Remix)", "Cy": "Neon Echos"}
    records = [track(f"/c/{a}.mp3", artist=a, title=t) for a, t in titles.items()]
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "catalog.near_duplicate_titles")
        assert len(rows) == 1 and rows[0]["evidence"]["artists"] == ["Ava", "Bo", "Cy"]
        assert all(band == "low" for _, band in artist_risk(store).values())


def test_a_title_used_by_many_artists_is_a_common_phrase_not_a_template(tmp_path: Path) -> None:
    records = [track(f"/c/{n}.mp3", artist=f"Act {n}", title="Silent Night") for n in range(15)]
    with build(tmp_path, records) as store:
        detect(store)
        assert findings(store, "catalog.near_duplicate_titles") == []
