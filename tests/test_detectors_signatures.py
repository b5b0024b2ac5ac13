"""Identical production signatures: one pipeline behind 'different' acts, and the innocent house encoder."""

from __future__ import annotations

from pathlib import Path

from tests.test_detectors_support import artist_risk, build, detect, farm, findings, human_act, track

LANTERN = [("Lantern Yard Mastering (LAME 3.99.5 -V2)", "-V 2")]


def test_three_personas_that_only_use_one_pipeline_are_high(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra", "Milo", "Sienna"))) as store:
        detect(store)
        rows = findings(store, "signatures.shared_encoding")
    assert len(rows) == 1 and rows[0]["severity"] == "high"
    evidence = rows[0]["evidence"]
    assert evidence["encoder"] == "Lavf61.7.100" and evidence["sample_rate"] == 48000
    assert evidence["tracks_per_artist"] == {"Lyra": 8, "Milo": 8, "Sienna": 8}
    assert "For these artists it is the only signature they use." in rows[0]["explanation"]


def test_one_artist_with_one_encoder_is_not_a_shared_signature(tmp_path: Path) -> None:
    with build(tmp_path, farm(("Lyra",))) as store:
        detect(store)
        assert findings(store, "signatures.shared_encoding") == []


def test_a_stock_encoder_used_for_part_of_several_catalogs_is_not_reported(tmp_path: Path) -> None:
    records = human_act("Ava", seed=1) + human_act("Bo", seed=2) + human_act("Cy", seed=3)
    with build(tmp_path, records) as store:
        detect(store)
        assert findings(store, "signatures.shared_encoding") == []


def test_a_signature_shared_by_very_many_artists_is_a_common_tool(tmp_path: Path) -> None:
    records = [track(f"/c/{n}/{i}.mp3", artist=f"Act {n}", title=f"T{n}{i}", encoder="Lavf61.7.100")
               for n in range(30) for i in range(3)]
    with build(tmp_path, records) as store:
        detect(store)
        assert findings(store, "signatures.shared_encoding") == []


def test_fairness_label_house_encoder_used_by_two_human_acts_is_not_high(tmp_path: Path) -> None:
    """Lantern Yard masters both its acts through its house chain: low, and the acts stay low."""
    records = (human_act("The Hollow Pines", seed=1, label="Lantern Yard Records", encoders=LANTERN, padding="1k-2k")
               + human_act("Juno Calloway", seed=2, label="Lantern Yard Records", encoders=LANTERN, padding="1k-2k"))
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "signatures.shared_encoding")
        assert [r["severity"] for r in rows] == ["medium"]
        assert "All claim the label 'Lantern Yard Records'." in rows[0]["explanation"]
        assert {band for _, band in artist_risk(store).values()} == {"low"}


def test_the_same_tag_layout_across_different_labels_is_flagged(tmp_path: Path) -> None:
    layout = "ID3v2.3[TIT2,TPE1,TALB,TRCK,TYER,TCON,TSSE,TXXX*2,APIC]pad=4k-8k"
    records = [track(f"/c/{a}/{i}.mp3", artist=a, title=f"{a} {i}", label=label, layout=layout,
                     encoder=f"Tool {a}")
               for a, label in (("Ava", "North Records"), ("Bo", "South Records"), ("Cy", "East Music"))
               for i in range(2)]
    with build(tmp_path, records) as store:
        detect(store)
        rows = findings(store, "signatures.shared_layout_across_labels")
    assert len(rows) == 1 and rows[0]["severity"] == "medium"
    assert rows[0]["evidence"]["labels"] == ["East Music", "North Records", "South Records"]


def test_the_same_tag_layout_within_one_label_is_not_flagged(tmp_path: Path) -> None:
    layout = "ID3v2.3[TIT2,TPE1,TALB,TRCK,TYER,TCON,TSSE,TXXX*2,APIC]pad=4k-8k"
    records = [track(f"/c/{a}/{i}.mp3", artist=a, title=f"{a} {i}", label="North Records", layout=layout)
               for a in ("Ava", "Bo", "Cy") for i in range(2)]
    with build(tmp_path, records) as store:
        detect(store)
        assert findings(store, "signatures.shared_layout_across_labels") == []
