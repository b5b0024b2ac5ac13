"""The maintained AI-marker list and the raw-byte search."""

from __future__ import annotations

from auditor.markers import CONFIDENCES, find_markers, load_markers, markers_in_text


def test_every_marker_has_a_valid_pattern_confidence_and_source() -> None:
    markers = load_markers()
    assert len({m.id for m in markers}) == len(markers) >= 5
    for marker in markers:
        assert marker.confidence in CONFIDENCES and marker.source
        marker.regex.search(b"")  # compiles


def test_markers_are_found_in_head_and_tail_with_offsets() -> None:
    head = b"\x00" * 10 + b"MADE WITH SUNO; created=2025"
    tail = b"x" * 5 + b'{"digitalSourceType":"http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"}'
    hits = find_markers(head, tail, tail_offset=1000)
    assert "suno-comment@10" in hits
    assert any(h.startswith("c2pa-trained-algorithmic-media@10") for h in hits)


def test_ordinary_text_matches_nothing() -> None:
    assert markers_in_text("Recorded live at Abbey Road with Suno Lee on bass") == []
    assert [m.id for m in markers_in_text("https://suno.com/song/0a1b2c3d-1111-2222")] == ["suno-url"]


def test_every_marker_has_an_anchor_that_its_pattern_needs() -> None:
    for marker in load_markers():
        assert marker.anchors, marker.id
