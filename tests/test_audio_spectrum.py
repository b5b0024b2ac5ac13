"""Spectral cutoff, LTAS bands and the periodic spectral-peak score, on material with a known answer.

Decoded material is a synthesized song through the simulated neural decoder
(a period-256 upsampling pattern at -20 dB: lines every 172.27 Hz at 44.1 kHz);
clean material is the same song untouched, plus confounders that make combs
or band limits for innocent reasons.
"""

from __future__ import annotations

import numpy as np
import pytest

from auditor.audio.spectrum import (LTAS_BANDS, coarse_bands, compute_spectrogram, periodic_peaks,
                                    spectral_cutoff)
from tests.audio_material import (RATE, decoded, drone, lowpass, read_back, song, synth_pads, with_hum,
                                  write)

DECODED_SPACING = RATE / 256
HIGH = 0.5  # what the detector treats as a strong artifact
CLEAN_CEILING = 0.3


def _analyse(samples: np.ndarray, rate: int = RATE):
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    spec = compute_spectrogram(mono, rate)
    cutoff = spectral_cutoff(spec)
    return spec, cutoff, periodic_peaks(spec, cutoff.cutoff_hz)


def _mp3(tmp_path, samples: np.ndarray, name: str) -> tuple[np.ndarray, int]:
    return read_back(write(tmp_path / f"{name}.mp3", samples, "mp3", bitrate=128_000))


# --- cutoff ------------------------------------------------------------------------------------


def test_full_band_music_has_no_lossy_cutoff():
    _, cutoff, _ = _analyse(song(21, "pop"))
    assert cutoff.cutoff_hz > 21_000 and not cutoff.lossy_suspected


def test_mp3_inside_flac_shows_an_encoder_cliff(tmp_path):
    samples, rate = _mp3(tmp_path, song(21, "pop"), "pop")
    flac = write(tmp_path / "from_mp3.flac", samples, "flac", rate)  # a "lossless" delivery of a lossy file
    _, cutoff, _ = _analyse(*read_back(flac))
    assert 16_000 <= cutoff.cutoff_hz <= 17_500  # LAME low-passes 128 kbit/s near 16.9 kHz
    assert cutoff.cliff_db >= 25 and cutoff.lossy_suspected


def test_steep_band_limit_is_found_where_it_is():
    noise = np.random.default_rng(3).standard_normal(RATE * 4).astype(np.float32) * 0.1
    spectrum = np.fft.rfft(noise)
    spectrum[int(16_000 / (RATE / noise.shape[0])):] = 0  # brick wall at 16 kHz
    _, cutoff, _ = _analyse(np.fft.irfft(spectrum, n=noise.shape[0]).astype(np.float32))
    assert cutoff.cutoff_hz == pytest.approx(16_000, abs=150)
    assert cutoff.lossy_suspected


def test_gradual_roll_off_is_not_a_lossy_cutoff():
    from scipy.signal import lfilter

    noise = np.random.default_rng(4).standard_normal(RATE * 4)
    dark = lfilter([0.2], [1.0, -0.8], noise).astype(np.float32)  # one pole: -6 dB per octave
    _, cutoff, _ = _analyse(dark)
    assert not cutoff.lossy_suspected and cutoff.cliff_db is None


def test_ltas_bands_are_relative_and_stop_at_nyquist():
    spec, _, _ = _analyse(song(21, "pop"))
    bands = coarse_bands(spec)
    assert len(bands) == LTAS_BANDS and all(b is not None for b in bands)
    quiet = coarse_bands(compute_spectrogram(song(21, "pop").mean(axis=1) * 0.1, RATE))
    assert np.allclose(bands, quiet, atol=0.11)  # gain does not move the envelope
    low_rate = coarse_bands(compute_spectrogram(np.random.default_rng(1).standard_normal(22_050).astype(np.float32),
                                                22_050))
    assert low_rate[-1] is None and low_rate[0] is not None


# --- periodic peaks ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed,style", [(21, "pop"), (900021, "farm")])
def test_decoder_artifact_separates_decoded_from_clean(seed, style):
    _, _, clean = _analyse(song(seed, style))
    _, _, artifact = _analyse(decoded(seed, style))
    assert clean.score < CLEAN_CEILING
    assert artifact.score >= HIGH
    assert artifact.spacing_hz == pytest.approx(DECODED_SPACING, abs=0.05)
    assert artifact.period_samples == pytest.approx(256.0, abs=0.02)
    assert artifact.persistence >= 0.8 and artifact.n_peaks >= 30
    assert artifact.strength_db >= 5.0


def test_decoder_artifact_survives_mp3_at_128k(tmp_path):
    _, _, after = _analyse(*_mp3(tmp_path, decoded(21, "pop"), "decoded"))
    _, _, clean = _analyse(*_mp3(tmp_path, song(21, "pop"), "clean"))
    assert after.score >= HIGH and after.spacing_hz == pytest.approx(DECODED_SPACING, abs=0.05)
    assert clean.score < CLEAN_CEILING


@pytest.mark.parametrize("period", [128, 512])
def test_other_upsampling_factors_are_found(period):
    _, _, found = _analyse(decoded(21, "pop", period=period))
    assert found.score >= HIGH
    assert found.spacing_hz == pytest.approx(RATE / period, abs=0.05)


def test_weak_artifacts_score_lower():
    scores = [_analyse(decoded(21, "pop", level_db=level))[2].score for level in (-20.0, -26.0, -34.0)]
    assert scores[0] > scores[1] > scores[2]
    assert scores[2] < CLEAN_CEILING


@pytest.mark.parametrize("name", ["band-limited", "synth pads", "hum 50 Hz", "hum 60 Hz", "drone 110 Hz",
                                  "drone 220 Hz"])
def test_clean_confounders_stay_low(name):
    material = {
        "band-limited": lambda: lowpass(song(21, "pop"), 11_000),
        "synth pads": synth_pads,
        "hum 50 Hz": lambda: with_hum(song(21, "pop"), 50.0),
        "hum 60 Hz": lambda: with_hum(song(21, "pop"), 60.0),
        "drone 110 Hz": lambda: drone(110.0),
        "drone 220 Hz": lambda: drone(220.0),
    }[name]()
    _, _, found = _analyse(material)
    assert found.score < CLEAN_CEILING


def test_a_drone_is_recognised_as_a_held_note_not_an_artifact():
    _, _, found = _analyse(drone(220.0))
    assert found.spacing_hz == pytest.approx(220.0, rel=0.01)  # the comb is real ...
    assert found.strength_db > 20 and found.persistence == 1.0
    assert found.fundamental_db > 20  # ... and strongest at its fundamental: a note, so the score is 0
    assert found.score == 0.0


def test_band_too_narrow_gives_no_score():
    # at 16 kHz sampling the band above 5 kHz ends at 7.5 kHz: too little to judge a comb
    spec = compute_spectrogram(np.random.default_rng(2).standard_normal(16_000 * 3).astype(np.float32), 16_000)
    found = periodic_peaks(spec)
    assert found.score == 0.0 and found.spacing_hz is None and found.band_hz is None
