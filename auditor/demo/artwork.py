"""Deterministic cover art for the demo catalog.

Human releases each get their own composition (gradients, shapes, stripes,
type), so their perceptual hashes are far apart.  The farm uses ONE template
(a glowing orb over a horizon grid) and only swaps the title and nudges the
hue, which is exactly what makes farm covers cluster under a perceptual hash.
"""

from __future__ import annotations

import colorsys
import io
import math
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from auditor.errors import UsageError

__all__ = ["ArtSpec", "COVER_LAYOUTS", "render_cover", "difference_hash"]

COVER_LAYOUTS: tuple[str, ...] = ("circles", "stripes", "grid", "mountains", "type", "waves", "blocks", "farm")


@dataclass(frozen=True, slots=True)
class ArtSpec:
    """What a cover shows; the same spec always gives the same bytes."""

    layout: str  # one of COVER_LAYOUTS
    title: str
    artist: str
    seed: int
    hue: float  # 0..1
    size: int = 300
    image_format: str = "JPEG"  # "JPEG" or "PNG"

    @property
    def mime(self) -> str:
        return "image/png" if self.image_format == "PNG" else "image/jpeg"


def _rgb(h: float, s: float, v: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, max(0.0, min(1.0, s)), max(0.0, min(1.0, v)))
    return int(r * 255), int(g * 255), int(b * 255)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError, ImportError):  # Pillow without FreeType: the bitmap font
        return ImageFont.load_default()


def _gradient(size: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    column = Image.new("RGB", (1, size))
    for y in range(size):
        f = y / max(1, size - 1)
        column.putpixel((0, y), tuple(int(a + (b - a) * f) for a, b in zip(top, bottom)))
    return column.resize((size, size))


def render_cover(spec: ArtSpec) -> bytes:
    """Draw the cover described by ``spec`` and return encoded JPEG or PNG bytes."""
    size = spec.size
    rnd = random.Random(spec.seed)
    h = spec.hue
    if spec.layout == "farm":
        img = _farm(size, h)
    elif spec.layout == "circles":
        img = _gradient(size, _rgb(h, 0.5, 0.35), _rgb(h + 0.1, 0.6, 0.9))
        d = ImageDraw.Draw(img)
        for _ in range(7):
            r = rnd.randint(size // 10, size // 3)
            x, y = rnd.randint(0, size), rnd.randint(0, size)
            d.ellipse((x - r, y - r, x + r, y + r), fill=_rgb(h + rnd.uniform(-0.2, 0.2), 0.6, rnd.uniform(0.4, 1)))
    elif spec.layout == "stripes":
        img = Image.new("RGB", (size, size), _rgb(h, 0.15, 0.95))
        d = ImageDraw.Draw(img)
        x = 0
        while x < size * 2:
            w = rnd.randint(8, 40)
            d.polygon([(x, 0), (x + w, 0), (x + w - size, size), (x - size, size)],
                      fill=_rgb(h + rnd.uniform(-0.08, 0.08), rnd.uniform(0.4, 0.9), rnd.uniform(0.3, 0.9)))
            x += w + rnd.randint(6, 30)
    elif spec.layout == "grid":
        img = Image.new("RGB", (size, size), _rgb(h, 0.1, 0.1))
        d = ImageDraw.Draw(img)
        cells = rnd.choice((4, 5, 6))
        step = size / cells
        for i in range(cells):
            for j in range(cells):
                if rnd.random() < 0.6:
                    d.rectangle((i * step + 3, j * step + 3, (i + 1) * step - 3, (j + 1) * step - 3),
                                fill=_rgb(h + 0.05 * (i - j), 0.7, rnd.uniform(0.2, 1.0)))
    elif spec.layout == "mountains":
        img = _gradient(size, _rgb(h, 0.4, 0.95), _rgb(h + 0.05, 0.2, 0.75))
        d = ImageDraw.Draw(img)
        for layer in range(4):
            base = size * (0.45 + 0.13 * layer)
            pts: list[tuple[float, float]] = [(0, size)]
            for k in range(9):
                pts.append((k * size / 8, base - rnd.uniform(0, size * 0.22)))
            pts.append((size, size))
            d.polygon(pts, fill=_rgb(h + 0.5, 0.35, 0.6 - 0.13 * layer))
    elif spec.layout == "waves":
        img = Image.new("RGB", (size, size), _rgb(h, 0.7, 0.25))
        d = ImageDraw.Draw(img)
        for k in range(14):
            amp, freq, phase = rnd.uniform(5, 30), rnd.uniform(1, 4), rnd.uniform(0, 6.3)
            y0 = size * k / 14
            pts = [(float(x), y0 + amp * math.sin(freq * x / size * 6.28 + phase)) for x in range(0, size + 8, 8)]
            d.line(pts, fill=_rgb(h + 0.03 * k, 0.5, 0.5 + 0.035 * k), width=rnd.randint(2, 6))
    elif spec.layout == "blocks":
        img = Image.new("RGB", (size, size), _rgb(h, 0.05, 0.92))
        d = ImageDraw.Draw(img)
        for _ in range(5):
            x0, y0 = rnd.randint(0, size // 2), rnd.randint(0, size // 2)
            d.rectangle((x0, y0, x0 + rnd.randint(60, size), y0 + rnd.randint(40, size // 2)),
                        fill=_rgb(h + rnd.uniform(-0.3, 0.3), 0.8, rnd.uniform(0.3, 0.9)))
        img = img.filter(ImageFilter.GaussianBlur(1))
    elif spec.layout == "type":
        img = Image.new("RGB", (size, size), _rgb(h, 0.25, 0.12))
        d = ImageDraw.Draw(img)
        big = _font(size // 4)
        d.text((size * 0.08, size * 0.12), spec.title[:1].upper(), font=big, fill=_rgb(h + 0.5, 0.7, 0.95))
        d.text((size * 0.45, size * 0.42), spec.title[1:2].upper() or "•", font=big, fill=_rgb(h + 0.6, 0.4, 0.7))
        d.rectangle((0, size * 0.78, size, size), fill=_rgb(h + 0.5, 0.8, 0.8))
    else:
        raise UsageError(f"unknown cover layout {spec.layout!r}")
    d = ImageDraw.Draw(img)
    small = _font(max(10, size // 22))
    ink = (250, 250, 250) if spec.layout in ("grid", "waves", "type", "farm", "mountains") else (20, 20, 20)
    d.text((size * 0.06, size * 0.86), spec.title, font=small, fill=ink)
    d.text((size * 0.06, size * 0.92), spec.artist, font=small, fill=ink)
    out = io.BytesIO()
    if spec.image_format == "PNG":
        img.save(out, format="PNG", optimize=False, compress_level=9)
    else:
        img.save(out, format="JPEG", quality=78, optimize=False, progressive=False, subsampling=2)
    return out.getvalue()


def _farm(size: int, hue: float) -> Image.Image:
    """The farm's single template: synthwave orb over a horizon grid."""
    img = _gradient(size, _rgb(hue, 0.8, 0.18), _rgb(hue + 0.08, 0.9, 0.55))
    d = ImageDraw.Draw(img)
    cx, cy, r = size * 0.5, size * 0.42, size * 0.24
    for k in range(10, 0, -1):  # glow
        rr = r * (1 + k * 0.06)
        d.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), fill=_rgb(hue + 0.12, 0.6, 0.35 + 0.04 * (10 - k)))
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_rgb(hue + 0.14, 0.55, 1.0))
    horizon = size * 0.62
    d.rectangle((0, horizon, size, size), fill=_rgb(hue - 0.05, 0.7, 0.12))
    for k in range(1, 9):
        y = horizon + (size - horizon) * (k / 8) ** 1.8
        d.line((0, y, size, y), fill=_rgb(hue + 0.1, 0.7, 0.8), width=2)
    for k in range(-8, 9):
        d.line((cx + k * size * 0.03, horizon, cx + k * size * 0.16, size), fill=_rgb(hue + 0.1, 0.7, 0.8), width=2)
    return img


def difference_hash(data: bytes) -> int:
    """64-bit difference hash (9x8 grayscale, left-right gradients) of encoded image bytes."""
    with Image.open(io.BytesIO(data)) as img:
        small = img.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
        px = small.tobytes()
    bits = 0
    for row in range(8):
        for col in range(8):
            bits = (bits << 1) | (px[row * 9 + col] > px[row * 9 + col + 1])
    return bits
