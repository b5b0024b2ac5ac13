"""Near-duplicate fingerprints: robust to re-encoding, gain, +-2 % speed and tags; blind to different music."""

from __future__ import annotations

import time

import numpy as np
import pytest

from auditor.audio.fingerprint import (NEAR_DUPLICATE, FingerprintIndex, compare, decode_fingerprint,
                                       encode_fingerprint, fingerprint_words, similarity_level)
from auditor.audio.spectrum import compute_spectrogram
from tests.audio_material import RATE, read_back, song, speed, write


def fp(samples: np.ndarray, rate: int = RATE) -> bytes:
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    spec = compute_spectrogram(mono, rate)
    return encode_fingerprint(fingerprint_words(spec), spec.frame_seconds)


@pytest.fixture(scope="module")
def original() -> bytes:
    return fp(song(31, "pop"))


def _tagged_mp3(tmp_path, samples, name, title, artist, rate=RATE) -> bytes:
    from mutagen.easyid3 import EasyID3

    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    path = write(tmp_path / f"{name}.mp3", mono, "mp3", rate, bitrate=128_000)
    tags = EasyID3()
    tags["title"], tags["artist"] = title, artist
    tags.save(path)
    return fp(*read_back(path))


def test_reencoded_copy_under_other_tags_matches(tmp_path, original):
    copy = _tagged_mp3(tmp_path, song(31, "pop"), "copy", "Midnight Glow", "Some Other Act")
    match = compare(original, copy)
    assert match is not None and match.similarity >= 0.9 and match.near_duplicate
    assert match.tempo_ratio == 1.0 and abs(match.offset_s) < 0.2


@pytest.mark.parametrize("codec,rate", [("aac", RATE), ("opus", 48_000)])
def test_other_codecs_and_sample_rates_match(tmp_path, original, codec, rate):
    source = song(31, "pop").mean(axis=1)
    if rate != RATE:
        from scipy.signal import resample_poly

        source = resample_poly(source, 160, 147).astype(np.float32)
    samples, got_rate = read_back(write(tmp_path / f"x.{codec}", source, codec, rate, bitrate=96_000))
    assert compare(original, fp(samples, got_rate)).similarity >= 0.85


def test_gain_change_matches_exactly(original):
    louder = np.clip(song(31, "pop") * 10 ** (3 / 20), -1, 1)
    assert compare(original, fp(louder)).similarity >= 0.97


@pytest.mark.parametrize("ratio", [1.02, 0.98])
def test_two_percent_speed_change_matches_and_is_measured(original, ratio):
    match = compare(original, fp(speed(song(31, "pop"), ratio)))
    assert match.similarity >= NEAR_DUPLICATE and match.near_duplicate
    assert match.tempo_ratio == pytest.approx(ratio, abs=0.006)


def test_speed_change_after_reencode_still_matches(tmp_path, original):
    altered = _tagged_mp3(tmp_path, speed(song(31, "pop"), 1.02) * 0.7, "fast", "Glow (Sped Up)", "X")
    assert compare(original, altered).near_duplicate


@pytest.mark.parametrize("seed,style", [(32, "pop"), (33, "rock"), (7, "ambient"), (900031, "farm")])
def test_different_music_does_not_match(original, seed, style):
    match = compare(original, fp(song(seed, style)))
    assert match is None or (match.similarity < 0.5 and match.longest_shared_s == 0.0)


def test_same_template_songs_share_a_passage_but_are_not_copies():
    # the farm style fixes tempo, form, chords and drums; seeds differ in melody. Same-key siblings
    # share the whole instrumental intro, which lifts the average, but not the rest.
    match = compare(fp(song(900_001, "farm")), fp(song(900_101, "farm")))
    assert match.similarity >= 0.7  # the average alone comes close to a copy's ...
    assert not match.near_duplicate and match.coverage < 0.9  # ... the windows do not
    assert match.longest_shared_s >= 4.0 and match.level.startswith("shares a passage")
    copy = compare(fp(song(900_001, "farm")), fp(speed(song(900_001, "farm"), 1.02)))
    assert copy.near_duplicate and copy.coverage == 1.0


def test_silence_and_short_clips_do_not_match_anything(original):
    silent = fp(np.zeros(RATE * 5, np.float32))
    assert set(decode_fingerprint(silent)[0].tolist()) == {0}
    assert compare(original, silent) is None
    assert compare(original, fp(np.zeros(1000, np.float32))) is None


def test_fingerprint_bytes_roundtrip_and_reject_junk(original):
    words, frame_s = decode_fingerprint(original)
    assert frame_s == pytest.approx(2048 / 44100, rel=1e-6)
    assert encode_fingerprint(words, frame_s) == original
    assert len(original) == 12 + 4 * words.shape[0] < 1_000  # ~21.5 words per second of excerpt
    for junk in (b"", b"XXXX" + original[4:], original[:-1]):
        with pytest.raises(ValueError):
            decode_fingerprint(junk)


def test_similarity_levels_are_worded():
    assert similarity_level(0.97) == "same recording"
    assert similarity_level(0.8).startswith("same recording, altered")
    assert similarity_level(0.8, coverage=0.4, longest_shared_s=5.0).startswith("shares a passage")
    assert similarity_level(0.1, coverage=0.0) == "different"


def test_index_finds_exactly_the_duplicate_pairs(tmp_path):
    index = FingerprintIndex()
    index.add("a", fp(song(31, "pop")))
    index.add("a-fast", fp(speed(song(31, "pop"), 1.02)))
    index.add("a-mp3", _tagged_mp3(tmp_path, song(31, "pop"), "a", "A", "B"))
    index.add("b", fp(song(33, "rock")))
    index.add("b-quiet", fp(song(33, "rock") * 0.5))
    for seed in (40, 41, 42):
        index.add(f"other-{seed}", fp(song(seed, "folk")))
    found = {frozenset((m.a, m.b)) for m in index.pairs()}
    assert found == {frozenset(p) for p in (("a", "a-fast"), ("a", "a-mp3"), ("a-fast", "a-mp3"), ("b", "b-quiet"))}
    hits = index.query(fp(song(33, "rock") * 0.8))
    assert [m.a for m in hits][:2] in (["b", "b-quiet"], ["b-quiet", "b"])


def test_index_candidate_generation_is_not_all_pairs():
    # 3,000 unrelated fingerprints of a minute each: no candidate pair, found well under a second
    rng = np.random.default_rng(5)
    index = FingerprintIndex()
    for i in range(3000):
        words = rng.integers(1, 2**32, size=1290, dtype=np.uint64).astype(np.uint32)
        index.add(i, encode_fingerprint(np.repeat(words[::4], 4)[:1290], 2048 / 44100))
    started = time.perf_counter()
    assert index.candidate_pairs() == {}
    assert time.perf_counter() - started < 2.0
