"""Thresholds: shipped defaults, a user copy that overrides key by key, loud errors on typos."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from auditor.thresholds import (DEFAULTS_FILE, ThresholdsError, dump_toml, load_thresholds, save_user_overrides,
                                thresholds_from_mapping, user_path)


def test_defaults_load_and_describe_scoring() -> None:
    thresholds = load_thresholds(include_user=False)
    assert thresholds.scoring["bands"]["review"] == 40 and thresholds.scoring["bands"]["high"] == 70
    assert thresholds.weight("provenance.markers", "conclusive") == 100
    assert thresholds.weight("writers.hub", "high") == 35
    assert thresholds.sources == (DEFAULTS_FILE,)


def test_a_missing_weight_falls_back_to_the_severity_default() -> None:
    thresholds = load_thresholds(include_user=False)
    assert thresholds.weight("writers.hub", "low") == thresholds.scoring["severity_weights"]["low"]


def test_user_copy_overrides_only_what_it_names(tmp_path: Path) -> None:
    user = tmp_path / "thresholds.toml"
    user.write_text('[detectors."writers.hub"]\nmin_artists = 4\nweights = { high = 40 }\n')
    thresholds = load_thresholds(user)
    assert thresholds.params("writers.hub")["min_artists"] == 4
    assert thresholds.params("writers.hub")["min_tracks"] == 6
    assert thresholds.weight("writers.hub", "high") == 40 and thresholds.weight("writers.hub", "medium") == 20
    assert thresholds.sources == (DEFAULTS_FILE, user)


def test_environment_variable_points_at_the_user_copy(tmp_path: Path, monkeypatch) -> None:
    user = tmp_path / "mine.toml"
    user.write_text("[scoring]\nfamily_cap = 50\n")
    monkeypatch.setenv("CATALOG_AUDITOR_THRESHOLDS", str(user))
    assert user_path() == user
    assert load_thresholds().scoring["family_cap"] == 50


def test_default_user_path_is_under_the_config_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CATALOG_AUDITOR_THRESHOLDS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert user_path() == tmp_path / "catalog-auditor" / "thresholds.toml"
    assert load_thresholds().sources == (DEFAULTS_FILE,)  # no user copy yet: defaults only


@pytest.mark.parametrize(("text", "message"), [
    ('[detectors."writers.hub"]\nmin_artist = 4\n', "unknown setting 'detectors.writers.hub.min_artist'"),
    ("[scoring]\nfamily_cap = \"sixty\"\n", "'scoring.family_cap' must be int"),
    ("[scoring]\nbands = 3\n", "'scoring.bands' must be a table"),
    ("[scoring\n", "not valid TOML"),
])
def test_typos_and_wrong_types_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    user = tmp_path / "thresholds.toml"
    user.write_text(text)
    with pytest.raises(ThresholdsError) as info:
        load_thresholds(user)
    assert message in str(info.value) and str(user) in str(info.value)


def test_saving_overrides_writes_only_the_changes_and_round_trips(tmp_path: Path) -> None:
    user = tmp_path / "cfg" / "thresholds.toml"
    save_user_overrides({"detectors": {"writers.hub": {"min_artists": 4}}}, user)
    save_user_overrides({"scoring": {"bands": {"high": 75}}}, user)
    data = tomllib.loads(user.read_text())
    assert data == {"detectors": {"writers.hub": {"min_artists": 4}}, "scoring": {"bands": {"high": 75}}}
    thresholds = load_thresholds(user)
    assert thresholds.params("writers.hub")["min_artists"] == 4 and thresholds.scoring["bands"]["high"] == 75
    assert thresholds.scoring["bands"]["review"] == 40


def test_saving_an_unknown_key_is_refused_and_leaves_the_file_alone(tmp_path: Path) -> None:
    user = tmp_path / "thresholds.toml"
    save_user_overrides({"scoring": {"family_cap": 55}}, user)
    before = user.read_text()
    with pytest.raises(ThresholdsError):
        save_user_overrides({"scoring": {"familly_cap": 55}}, user)
    assert user.read_text() == before


def test_toml_writer_output_is_valid_toml_for_every_default() -> None:
    defaults = tomllib.loads(DEFAULTS_FILE.read_text())
    assert tomllib.loads(dump_toml(defaults)) == defaults


def test_in_memory_overrides_for_previews() -> None:
    thresholds = thresholds_from_mapping({"detectors": {"catalog.duration_uniformity": {"max_cv": 0.05}}})
    assert thresholds.params("catalog.duration_uniformity")["max_cv"] == 0.05
    with pytest.raises(ThresholdsError):
        thresholds.params("no.such.detector")
