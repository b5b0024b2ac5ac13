"""Untraceable writers: each detector flags its pattern and spares the honest look-alike."""

from __future__ import annotations

from pathlib import Path

from auditor.detectors.context import DetectionContext, WriterCredit
from auditor.detectors.people import cluster_writers
from auditor.registry import add_writer
from tests.test_detectors_support import (DEFAULTS, artist_risk, build, day, detect, farm, findings, human_act,
                                          track)

NAMES = DEFAULTS.data["names"]


def _credits(*entries: tuple[int, str, str | None]) -> dict[int, list[WriterCredit]]:
    from auditor.names import normalize_name

    grouped: dict[int, list[WriterCredit]] = {}
    for track_id, name, ipi in entries:
        grouped.setdefault(track_id, []).append(WriterCredit(track_id, name, normalize_name(name), "composer", ipi, None))
    return grouped


# --- name clustering -----------------------------------------------------------------------------

def test_spellings_of_one_writer_merge_into_one_person() -> None:
    people = cluster_writers(_credits((1, "Adrian Kessel", None), (2, "Kessel, Adrian", None),
                                      (3, "Adrian Kessell", None), (4, "ADRIAN  KESSEL", None),
                                      (5, "Adrian Kessel", None)), NAMES)
    assert len(people.persons) == 1
    person = next(iter(people.persons.values()))
    assert person.name == "Adrian Kessel" and person.track_ids == (1, 2, 3, 4, 5)
    assert set(person.spellings) == {"adrian kessel", "adrian kessell"}


def test_writers_with_different_ipis_stay_apart_and_are_shown_as_look_alikes() -> None:
    people = cluster_writers(_credits((1, "Jon Smith", "00111111111"), (2, "John Smith", "00222222222")), NAMES)
    assert len(people.persons) == 2
    assert [(la.a, la.b) for la in people.lookalikes] == [("john smith", "jon smith")]


def test_a_shared_ipi_merges_different_spellings() -> None:
    people = cluster_writers(_credits((1, "Maren Ekdahl", "00412873561"), (2, "M. E. Lindqvist", "00412873561")), NAMES)
    assert len(people.persons) == 1


def test_initials_are_a_look_alike_not_a_merge() -> None:
    people = cluster_writers(_credits((1, "J. Smith", None), (2, "John Smith", None)), NAMES)
    assert len(people.persons) == 2
    assert people.lookalikes[0].reason == "initials"


def test_name_variants_finding_names_both_look_alikes(tmp_path: Path) -> None:
    records = [track(f"/c/a{i}.mp3", artist="Act A", title=f"A {i}", writers=[("Jon Smith", "00111111111")])
               for i in range(3)]
    records += [track(f"/c/b{i}.mp3", artist="Act B", title=f"B {i}", writers=[("John Smith", "00222222222")])
                for i in range(3)]
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "writers.name_variants")
    assert len(rows) == 1 and rows[0]["severity"] == "low"
    assert "'Jon Smith'" in rows[0]["explanation"] and "'John Smith'" in rows[0]["explanation"]
    assert "IPI/ISNI differ" in rows[0]["explanation"]


# --- no credit -----------------------------------------------------------------------------------

def test_artist_without_any_writer_credit_is_flagged(tmp_path: Path) -> None:
    with build(tmp_path, human_act("Orla Finch", seed=4, credit=False)) as store:
        detect(store)
        rows = findings(store, "writers.no_credit")
    assert len(rows) == 1
    assert rows[0]["subject"] == "Orla Finch" and rows[0]["explanation"].startswith("16 of 16 tracks by 'Orla Finch'")


def test_credited_artist_has_no_no_credit_finding(tmp_path: Path) -> None:
    with build(tmp_path, human_act("Grey Harbour", seed=5)) as store:
        detect(store)
        assert findings(store, "writers.no_credit") == []


def test_fairness_indie_act_without_credits_is_not_high(tmp_path: Path) -> None:
    records = human_act("Orla Finch", seed=4, credit=False) + human_act("Grey Harbour", seed=5)
    with build(tmp_path, records) as store:
        detect(store)
        assert artist_risk(store)["Orla Finch"][1] == "low"


# --- missing identifiers ---------------------------------------------------------------------------

def test_writer_without_ipi_is_flagged_when_others_have_one(tmp_path: Path) -> None:
    records = []
    for n, name in enumerate(("Ann", "Bea", "Cai")):
        records += human_act(f"Act {name}", seed=n + 1, writers=[(f"{name} Writer", f"0012345678{n}")])
    records += human_act("Act Dee", seed=9, writers=[("Dee Nobody", None)])
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "writers.missing_identifiers")
    assert [r["subject"] for r in rows] == ["Dee Nobody"]
    assert "while 3 of 4 writers in this catalog do" in rows[0]["explanation"]


def test_no_identifier_findings_when_nobody_in_the_catalog_has_identifiers(tmp_path: Path) -> None:
    records = []
    for n, name in enumerate(("Ann", "Bea", "Cai")):
        records += human_act(f"Act {name}", seed=n + 1, writers=[(f"{name} Writer", None)])
    with build(tmp_path, records) as store:
        detect(store)
        assert findings(store, "writers.missing_identifiers") == []


# --- registry --------------------------------------------------------------------------------------

def _two_writer_catalog() -> list:
    return (human_act("Act One", seed=1, writers=[("Maren Ekdahl", None)])
            + human_act("Act Two", seed=2, writers=[("Tobias Wren", None)]))


def test_without_a_registry_nobody_is_unregistered(tmp_path: Path) -> None:
    with build(tmp_path, _two_writer_catalog()) as store:
        detect(store)
        assert findings(store, "writers.unregistered") == []


def test_writer_missing_from_the_registry_is_flagged_and_registered_ones_are_not(tmp_path: Path) -> None:
    with build(tmp_path, _two_writer_catalog()) as store:
        add_writer(store, "Ekdahl, Maren", source="label list")
        detect(store)
        rows = findings(store, "writers.unregistered")
    assert [r["subject"] for r in rows] == ["Tobias Wren"]
    assert "writer registry of 1 entry (label list)" in rows[0]["explanation"]


def test_registry_matches_by_alias_ipi_and_near_spelling(tmp_path: Path) -> None:
    records = (human_act("Act One", seed=1, writers=[("Maren Ekdahll", None)])
               + human_act("Act Two", seed=2, writers=[("T. Wren-Ashby", None)])
               + human_act("Act Three", seed=3, writers=[("Kim Park", "00412873561")]))
    with build(tmp_path, records) as store:
        add_writer(store, "Maren Ekdahl")
        add_writer(store, "Tobias Wren", aliases=["T. Wren-Ashby"])
        add_writer(store, "Park Kim-Seo", ipi="412873561")
        detect(store)
        assert findings(store, "writers.unregistered") == []


# --- hub writer ------------------------------------------------------------------------------------

def test_sole_writer_of_three_personas_is_a_hub(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra", "Milo", "Sienna"))) as store:
        detect(store)
        rows = findings(store, "writers.hub")
    assert len(rows) == 1 and rows[0]["severity"] == "high"
    assert rows[0]["explanation"] == (
        "Writer 'Adrian Kessel' is the only credited writer on 24 tracks across 3 artists "
        "('Lyra', 'Milo' and 'Sienna'); the writer has no IPI or ISNI.")
    assert rows[0]["evidence"]["sole_tracks_per_artist"] == {"Lyra": 8, "Milo": 8, "Sienna": 8}


def test_hub_merges_spelling_variants_of_the_writer(tmp_path: Path) -> None:
    records = farm(("Lyra", "Milo"), writer="Adrian Kessel") + farm(("Sienna",), writer="Kessel, Adrian",
                                                                       registrant="QZH8X", root="/b")
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "writers.hub")
    assert len(rows) == 1 and rows[0]["evidence"]["sole_tracks"] == 24


def test_a_co_writer_for_several_acts_is_not_a_hub(tmp_path: Path) -> None:
    records = []
    for n, act in enumerate(("Juno", "Grey Harbour", "Static Bloom")):
        records += human_act(act, seed=n + 1, writers=[(f"{act} Lead", None), ("Dev Okonkwo", "00731945628")])
    with build(tmp_path, records) as store:
        detect(store)
        # human_act credits the lead alone or lead + Dev: Dev is never the *sole* writer.
        assert findings(store, "writers.hub") == []


def test_sole_writer_for_two_acts_is_not_a_hub(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra", "Milo"))) as store:
        detect(store)
        assert findings(store, "writers.hub") == []


# --- implausible output ------------------------------------------------------------------------------

def test_one_writer_on_many_releases_in_days_is_implausible(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra", "Milo", "Sienna"))) as store:
        detect(store)
        rows = findings(store, "writers.implausible_output")
    assert len(rows) == 1 and rows[0]["severity"] == "high"
    text = rows[0]["explanation"]
    assert text.startswith("Writer 'Adrian Kessel' is credited on 24 tracks across 3 artists and 24 releases "
                           "within 10 days (2025-10-20 to 2025-10-29)")
    assert "no IPI or ISNI" in text and "credited nowhere else in this catalog" in text


def test_a_double_album_on_one_day_is_not_implausible_output(tmp_path: Path) -> None:
    records = [track(f"/c/{i}.mp3", artist="Songwriter", title=f"Song {i}", album="Double Album",
                     date="2021-05-01", writers=[("Sam Hart", None)]) for i in range(24)]
    with build(tmp_path, records) as store:
        detect(store)
        assert findings(store, "writers.implausible_output") == []


def test_fairness_prolific_library_composer_with_ipi_is_not_high(tmp_path: Path) -> None:
    """Edith writes every cue of a big library over 15 years, with her IPI on each."""
    records = []
    for year in range(2010, 2025):
        for cue in range(8):
            records.append(track(
                f"/lib/{year}/{cue}.mp3", artist="Edith Marlowe", title=f"Cue {year} {cue}",
                album=f"Library Vol {year}", date=f"{year}-03-{cue + 1:02d}", duration=60.0 + cue * 7,
                writers=[("Edith Marlowe", "00118034527")], isrc=f"GBNLM{year % 100:02d}{cue + 1:05d}",
            ))
    records += human_act("Other Act", seed=7)
    with build(tmp_path, records) as store:
        detect(store)
        assert findings(store, "writers.implausible_output") == []
        assert findings(store, "writers.hub") == []
        assert artist_risk(store)["Edith Marlowe"][1] != "high"


def test_library_batch_registered_in_one_go_stays_below_high(tmp_path: Path) -> None:
    """The innocent 'batch registration' case does fire implausible output, but not high alone."""
    records = [track(f"/lib/{i}.mp3", artist="Edith Marlowe", title=f"Cue {i}", album=f"Vol {i}",
                     date=day("2024-01-01", i % 7), duration=60.0 + i * 3,
                     writers=[("Edith Marlowe", "00118034527")]) for i in range(20)]
    with build(tmp_path, records) as store:
        detect(store)
        assert findings(store, "writers.implausible_output")[0]["severity"] == "medium"
        assert artist_risk(store)["Edith Marlowe"][1] != "high"


def test_writer_context_uses_merged_people(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra",))) as store:
        ctx = DetectionContext.load(store, DEFAULTS)
        assert [p.name for p in ctx.people.persons.values()] == ["Adrian Kessel"]
