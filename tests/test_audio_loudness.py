"""Loudness per ITU-R BS.1770-4 against known signals (EBU Tech 3341 cases), true peak, crest factor."""

from __future__ import annotations

import math

import numpy as np
import pytest

from auditor.audio.loudness import crest_factor_db, integrated_loudness, k_weighting_sos, measure, true_peak_db

# BS.1770-4 Table 1 and 2: the K-weighting stages at 48 kHz
BS1770_SHELF = (1.53512485958697, -2.69169618940638, 1.19839281085285, 1.0, -1.69065929318241, 0.73248077421585)
BS1770_HIGHPASS = (1.0, -2.0, 1.0, 1.0, -1.99004745483398, 0.99007225036621)


def sine(dbfs: float, seconds: float, rate: int = 48_000, freq: float = 1000.0, phase: float = 0.0) -> np.ndarray:
    """A sine whose *peak* is ``dbfs`` (the EBU 3341 convention for test tones)."""
    t = np.arange(int(round(seconds * rate))) / rate
    return (10.0 ** (dbfs / 20.0) * np.sin(2 * np.pi * freq * t + phase)).astype(np.float32)


def stereo(x: np.ndarray) -> np.ndarray:
    return np.stack([x, x], axis=1)


def test_k_weighting_reproduces_the_bs1770_coefficients_at_48k():
    sos = k_weighting_sos(48_000)
    assert np.allclose(sos[0], BS1770_SHELF, atol=1e-8)
    assert np.allclose(sos[1], BS1770_HIGHPASS, atol=1e-8)


@pytest.mark.parametrize("rate", [48_000, 44_100])
@pytest.mark.parametrize("level", [-23.0, -33.0])
def test_stereo_1k_sine_reads_its_level_in_lufs(rate, level):
    # EBU Tech 3341 cases 1 and 2: a stereo 1 kHz tone at -23 / -33 dBFS reads -23 / -33 LUFS
    assert integrated_loudness(stereo(sine(level, 10.0, rate)), rate) == pytest.approx(level, abs=0.1)


def test_mono_sine_at_minus_20_dbfs_reads_minus_23_lufs():
    # one channel: mean square 0.1**2/2 = -23.01 dB; the K-filter's +0.69 dB at 1 kHz cancels the -0.691 offset
    assert integrated_loudness(sine(-20.0, 10.0), 48_000) == pytest.approx(-23.0, abs=0.1)


def test_identical_stereo_channels_read_3_lu_above_mono():
    mono = sine(-20.0, 5.0)
    assert integrated_loudness(stereo(mono), 48_000) - integrated_loudness(mono, 48_000) == pytest.approx(
        10 * math.log10(2), abs=0.01)


def test_relative_gate_ignores_quiet_passages():
    # EBU Tech 3341 case 3: 10 s at -36, 60 s at -23, 10 s at -36 dBFS -> -23.0 LUFS
    x = np.concatenate([sine(-36, 10), sine(-23, 60), sine(-36, 10)])
    assert integrated_loudness(stereo(x), 48_000) == pytest.approx(-23.0, abs=0.1)


def test_gating_averages_passages_within_10_lu():
    # EBU Tech 3341 case 5: 20 s at -26, 20.1 s at -20, 20 s at -26 dBFS -> -23.0 LUFS
    x = np.concatenate([sine(-26, 20), sine(-20, 20.1), sine(-26, 20)])
    assert integrated_loudness(stereo(x), 48_000) == pytest.approx(-23.0, abs=0.1)


def test_absolute_gate_ignores_silence_and_silence_has_no_loudness():
    # the blocks straddling the tone's edges are partly silent and still pass both gates (a few
    # hundredths of a LU on 20 s); the 40 s of silence around it are gated away entirely
    tone = sine(-23, 20)
    padded = np.concatenate([np.zeros(48_000 * 20, np.float32), tone, np.zeros(48_000 * 20, np.float32)])
    assert integrated_loudness(padded, 48_000) == pytest.approx(integrated_loudness(tone, 48_000), abs=0.1)
    assert integrated_loudness(np.zeros(48_000 * 3, np.float32), 48_000) is None
    assert integrated_loudness(np.zeros(100, np.float32), 48_000) is None  # shorter than one block


def test_true_peak_finds_the_peak_between_samples():
    # a quarter-rate sine at 45 degrees: every sample sits 3 dB under the waveform's peak
    x = sine(-6.0, 1.0, 44_100, freq=44_100 / 4, phase=math.pi / 4)
    sample_peak = 20 * math.log10(float(np.abs(x).max()))
    assert sample_peak == pytest.approx(-9.01, abs=0.05)
    peak, _ = true_peak_db(x, 44_100)
    assert peak == pytest.approx(-6.0, abs=0.2)
    low, _ = true_peak_db(stereo(sine(-1.0, 1.0, 48_000, freq=997.0)), 48_000)
    assert low == pytest.approx(-1.0, abs=0.05)
    assert true_peak_db(np.zeros(1000, np.float32))[0] is None


def test_true_peak_takes_the_loudest_channel():
    left = sine(-12.0, 1.0)
    right = sine(-3.0, 1.0, freq=440.0)
    assert true_peak_db(np.stack([left, right], axis=1))[0] == pytest.approx(-3.0, abs=0.05)


def test_crest_factor_of_sine_and_square():
    assert crest_factor_db(sine(-6.0, 1.0)) == pytest.approx(3.01, abs=0.02)
    square = np.sign(sine(-6.0, 1.0, freq=100.0)) * 0.5
    assert crest_factor_db(square) == pytest.approx(0.0, abs=0.05)
    assert crest_factor_db(np.zeros(10)) is None


def test_measure_combines_everything():
    result = measure(stereo(sine(-23.0, 5.0)), 48_000)
    assert result.loudness_lufs == pytest.approx(-23.0, abs=0.1)
    assert result.true_peak_db == pytest.approx(-23.0, abs=0.05)
    assert result.sample_peak_db == pytest.approx(-23.0, abs=0.05)
    assert result.crest_db == pytest.approx(3.01, abs=0.02)
