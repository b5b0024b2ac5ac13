"""Artwork inspection: magic sniffing, header dimensions, bounded dHash, hostile pictures."""

from __future__ import annotations

import io
import struct
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from auditor.formats import images
from auditor.formats.images import ImageInfo, ParseError, hamming, inspect_image

# --------------------------------------------------------------------------
# builders


def scene(width: int = 320, height: int = 240, seed: int = 1) -> Image.Image:
    """A deterministic picture with structure in both directions."""
    rng = np.random.default_rng(seed)
    blocks = rng.integers(0, 256, size=(6, 8, 3), dtype=np.uint8)
    return Image.fromarray(blocks).resize((width, height), Image.Resampling.BILINEAR)


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    return buf.getvalue()


def gradient(width: int, height: int, rising: bool) -> Image.Image:
    row = np.linspace(0, 255, width) if rising else np.linspace(255, 0, width)
    return Image.fromarray(np.tile(row, (height, 1)).astype(np.uint8), "L")


# --------------------------------------------------------------------------
# sniffing and dimensions


@pytest.mark.parametrize(
    ("fmt", "mime", "options"),
    [
        ("JPEG", "image/jpeg", {}),
        ("JPEG", "image/jpeg", {"progressive": True}),
        ("PNG", "image/png", {}),
        ("GIF", "image/gif", {}),
        ("WEBP", "image/webp", {}),
        ("WEBP", "image/webp", {"lossless": True}),
        ("BMP", "image/bmp", {}),
        ("TIFF", "image/tiff", {}),
    ],
)
def test_each_format_is_sniffed_measured_and_hashed(fmt, mime, options):
    info = inspect_image(encode(scene(321, 203), fmt, **options))
    assert (info.mime, info.width, info.height, info.problem) == (mime, 321, 203, None)
    assert info.phash is not None and len(info.phash) == 16
    int(info.phash, 16)


def test_webp_extended_header_gives_dimensions():
    translucent = scene(150, 90).convert("RGBA")
    translucent.putalpha(gradient(150, 90, rising=True))
    data = encode(translucent, "WEBP")
    assert data[12:16] == b"VP8X"
    info = inspect_image(data)
    assert (info.width, info.height) == (150, 90) and info.phash is not None


def test_webp_simple_formats_are_distinct_code_paths():
    assert encode(scene(), "WEBP")[12:16] == b"VP8 "
    assert encode(scene(), "WEBP", lossless=True)[12:16] == b"VP8L"


def test_top_down_bmp_reports_positive_height():
    data = bytearray(encode(scene(40, 30), "BMP"))
    struct.pack_into("<i", data, 22, -30)
    info = inspect_image(bytes(data))
    assert (info.width, info.height) == (40, 30)


def test_big_endian_tiff_header_is_measured():
    entries = [(256, 3, 1, 640), (257, 4, 1, 480)]
    ifd = struct.pack(">H", len(entries))
    for tag, kind, count, value in entries:
        packed = struct.pack(">H2x", value) if kind == 3 else struct.pack(">I", value)
        ifd += struct.pack(">HHI", tag, kind, count) + packed
    info = inspect_image(b"MM\x00*" + struct.pack(">I", 8) + ifd + b"\x00\x00\x00\x00")
    assert (info.mime, info.width, info.height) == ("image/tiff", 640, 480)
    assert info.phash is None and "cannot decode" in info.problem


def test_unknown_bytes_are_not_given_to_pillow():
    info = inspect_image(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n")
    assert info == ImageInfo(None, None, None, None, "unrecognized image format")


def test_empty_data_is_unrecognized():
    assert inspect_image(b"").mime is None


# --------------------------------------------------------------------------
# the hash


def test_rising_gradient_hashes_to_all_ones_and_falling_to_all_zeros():
    assert inspect_image(encode(gradient(90, 80, rising=True), "PNG")).phash == "f" * 16
    assert inspect_image(encode(gradient(90, 80, rising=False), "PNG")).phash == "0" * 16


def test_same_picture_in_different_formats_and_sizes_hashes_close():
    base = inspect_image(encode(scene(seed=7), "PNG")).phash
    jpeg = inspect_image(encode(scene(seed=7), "JPEG", quality=60)).phash
    small = inspect_image(encode(scene(160, 120, seed=7), "PNG")).phash
    assert hamming(base, jpeg) <= 4
    assert hamming(base, small) <= 4


def test_different_pictures_hash_far_apart():
    one = inspect_image(encode(scene(seed=1), "PNG")).phash
    two = inspect_image(encode(scene(seed=2), "PNG")).phash
    assert hamming(one, two) >= 12


def test_jpeg_is_decoded_at_reduced_size(monkeypatch):
    from PIL import JpegImagePlugin

    requests = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        requests.append((mode, size))
        return original(self, mode, size)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    info = inspect_image(encode(scene(2000, 1500), "JPEG"))
    assert info.phash is not None
    assert requests and requests[0][1][0] < 2000


def test_oversized_declared_jpeg_is_not_decoded(monkeypatch):
    data = bytearray(encode(scene(64, 48), "JPEG"))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, 60000, 60000)
    opened = []
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(a))
    info = inspect_image(bytes(data))
    assert (info.width, info.height) == (60000, 60000)
    assert info.phash is None and "too large" in info.problem
    assert opened == []


def test_oversized_png_header_is_not_decoded():
    data = bytearray(encode(scene(64, 48), "PNG"))
    struct.pack_into(">II", data, 16, 100_000, 100_000)
    info = inspect_image(bytes(data))
    assert (info.width, info.height) == (100_000, 100_000)
    assert info.phash is None and "too large" in info.problem


def test_truncated_image_keeps_header_facts_and_reports_the_decode_failure():
    data = encode(scene(), "PNG")
    info = inspect_image(data[: len(data) // 2])
    assert (info.mime, info.width, info.height) == ("image/png", 320, 240)
    assert info.phash is None and "cannot decode" in info.problem


def test_zero_dimension_is_reported():
    data = bytearray(encode(scene(10, 10), "GIF"))
    struct.pack_into("<H", data, 6, 0)
    info = inspect_image(bytes(data))
    assert info.phash is None and "zero dimension" in info.problem


def test_importing_the_module_does_not_import_pillow():
    code = "import sys, auditor.formats.images; assert 'PIL' not in sys.modules, sorted(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(__import__("pathlib").Path(__file__).parents[1]))


# --------------------------------------------------------------------------
# hamming


def test_hamming_counts_differing_bits():
    assert hamming("0000000000000000", "0000000000000000") == 0
    assert hamming("ffffffffffffffff", "0000000000000000") == 64
    assert hamming("000000000000000f", "0000000000000001") == 3
    assert hamming("", "") == 0


@pytest.mark.parametrize(("a", "b"), [("00", "000"), ("0x12", "0012"), ("zz", "00"), (" 1", "01")])
def test_hamming_rejects_malformed_hashes(a, b):
    with pytest.raises(ParseError):
        hamming(a, b)


def test_parse_error_is_a_value_error():
    assert issubclass(images.ParseError, ValueError)


# --------------------------------------------------------------------------
# fuzz: nothing raises

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MAGICS = [b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"RIFF\x00\x00\x00\x00WEBPVP8 ", b"RIFF\x00\x00\x00\x00WEBPVP8L",
          b"RIFF\x00\x00\x00\x00WEBPVP8X", b"BM", b"II*\x00", b"MM\x00*", b"II+\x00", b""]
SAMPLES = [encode(scene(48, 32), fmt) for fmt in ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")]


@FUZZ
@given(st.sampled_from(MAGICS), st.binary(max_size=300))
def test_random_bytes_after_a_magic_never_raise(magic, tail):
    info = inspect_image(magic + tail)
    assert isinstance(info, ImageInfo)


@FUZZ
@given(st.sampled_from(SAMPLES), st.data())
def test_corrupted_real_images_never_raise(sample, data):
    corrupted = bytearray(sample)
    for _ in range(data.draw(st.integers(1, 8))):
        corrupted[data.draw(st.integers(0, len(corrupted) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(corrupted)))
    info = inspect_image(bytes(corrupted[:cut]))
    assert info.phash is None or len(info.phash) == 16
