"""AI provenance markers: raw-byte hits and tag text, with confidence deciding the weight."""

from __future__ import annotations

from pathlib import Path

from tests.test_detectors_support import artist_risk, build, detect, findings, human_act, track


def _act_with(marker_kwargs: dict, artist: str = "Nova Ray") -> list:
    writers = [("Nova Writer", None)]
    records = [track(f"/c/{i}.mp3", artist=artist, title=f"Song {i}", album="Album", duration=150.0 + 17 * i,
                     writers=writers) for i in range(4)]
    records.append(track("/c/marked.mp3", artist=artist, title="Marked", album="Album", writers=writers,
                         **marker_kwargs))
    return records


def test_raw_byte_generator_marker_is_a_conclusive_finding(tmp_path: Path) -> None:
    with build(tmp_path, _act_with({"markers": ("suno-comment@429",)})) as store:
        detect(store)
        rows = findings(store, "provenance.markers")
    assert len(rows) == 1 and rows[0]["severity"] == "conclusive" and rows[0]["subject"] == "/c/marked.mp3"
    assert rows[0]["evidence"]["markers"][0]["where"] == ["file bytes at offset 429"]
    assert "Suno writes 'made with suno'" in rows[0]["explanation"]


def test_generator_comment_in_the_tags_is_found_and_quoted(tmp_path: Path) -> None:
    comment = "made with suno; created=2025-10-27T18:54:35Z; id=a0d6540c"
    with build(tmp_path, _act_with({"comment": comment})) as store:
        detect(store)
        rows = findings(store, "provenance.markers")
    assert len(rows) == 1 and rows[0]["severity"] == "conclusive"
    marker = rows[0]["evidence"]["markers"][0]
    assert marker["id"] == "suno-comment" and marker["where"] == ["tag ID3v2.4:COMMENT"]
    assert marker["excerpt"].startswith("made with suno; created=")


def test_suno_song_url_is_conclusive(tmp_path: Path) -> None:
    url = "https://suno.com/song/f24c42fd-d633-48ff-b32e-f9179afbcf18"
    with build(tmp_path, _act_with({"url": url})) as store:
        detect(store)
        assert [r["evidence"]["markers"][0]["id"] for r in findings(store, "provenance.markers")] == ["suno-url"]


def test_a_conclusive_marker_alone_makes_the_artist_high(tmp_path: Path) -> None:
    with build(tmp_path, _act_with({"markers": ("suno-comment@429",)})) as store:
        detect(store)
        assert artist_risk(store)["Nova Ray"] == (100.0, "high")


def test_a_bare_c2pa_manifest_is_weak_and_keeps_the_artist_low(tmp_path: Path) -> None:
    with build(tmp_path, _act_with({"markers": ("c2pa-manifest@657",)})) as store:
        detect(store)
        rows = findings(store, "provenance.markers")
        assert [r["severity"] for r in rows] == ["low"]
        assert artist_risk(store)["Nova Ray"][1] == "low"


def test_a_strong_marker_needs_corroboration_for_high(tmp_path: Path) -> None:
    comment = "Created with Mubert"  # 'generator-attribution': strong, not conclusive
    with build(tmp_path, _act_with({"comment": comment.replace("Created", "created")})) as store:
        detect(store)
        assert [r["severity"] for r in findings(store, "provenance.markers")] == ["high"]
        assert artist_risk(store)["Nova Ray"] == (35.0, "low")


def test_tracks_without_markers_have_no_provenance_findings(tmp_path: Path) -> None:
    with build(tmp_path, human_act("Grey Harbour", seed=5)) as store:
        detect(store)
        assert findings(store, "provenance.markers") == []


def test_ignored_markers_are_not_reported(tmp_path: Path) -> None:
    with build(tmp_path, _act_with({"markers": ("c2pa-manifest@657",)})) as store:
        detect(store, detectors={"provenance.markers": {"ignore_markers": ["c2pa-manifest"]}})
        assert findings(store, "provenance.markers") == []


def test_the_fast_prefilter_never_misses_a_marker() -> None:
    """Every marker's own example text passes the anchor pre-filter (no false negatives)."""
    from auditor.detectors.provenance import might_carry_marker, required_anchors
    from auditor.markers import load_markers, markers_in_text

    samples = [
        "made with suno; created=2025-10-27T18:54:35Z; id=a0d6540c", "https://suno.com/song/f24c42fd-d633-48ff",
        "Created with Udio", "https://www.udio.com/songs/abc123", "MADE BY UDIO",
        '"digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"',
        "compositeWithTrainedAlgorithmicMedia", '"claim_generator": "Suno"', "c2pa.actions",
        "Generated using MusicGen", "composed by AIVA",
    ]
    found = set()
    for text in samples:
        hits = markers_in_text(text)
        assert hits, text
        assert might_carry_marker(text), text
        found |= {m.id for m in hits}
    assert found == {m.id for m in load_markers()}
    assert required_anchors("made with suno") == ("made with suno",)
    assert required_anchors("(?:made|created) by") == ("made", "created")
    assert required_anchors("[0-9a-f]{8}") is None
    assert not might_carry_marker("Recorded at home; mixed by Jane")
