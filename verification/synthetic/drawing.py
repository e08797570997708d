"""Drawing helpers shared by the document renderers, and the ``Rendered`` result type.

A drawn face silhouette (never a real face), a signature scribble, a QR-like square (the
pattern of a QR code, not a decodable one), text fitted to a width, and deterministic image
encoding: PIL writes no timestamps into PNG or JPEG, so equal pixels give equal bytes.
"""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from verification.synthetic.fonts import font

__all__ = [
    "JPEG",
    "PDF",
    "PNG",
    "Rendered",
    "draw_face",
    "draw_signature",
    "encode",
    "fitted_font",
    "qr_modules",
    "to_array",
    "to_image",
]

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"


@dataclass(frozen=True)
class Rendered:
    """A rendered document: its bytes, media type, ground truth and the degradations applied."""

    data: bytes
    media_type: str
    truth: dict[str, Any]
    steps: tuple[str, ...] = field(default=())

    @property
    def extension(self) -> str:
        return {JPEG: "jpg", PNG: "png", PDF: "pdf"}[self.media_type]


def to_array(image: Image.Image) -> np.ndarray:
    """A PIL RGB image as an OpenCV BGR array."""
    return np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])


def to_image(array: np.ndarray) -> Image.Image:
    """An OpenCV BGR (or grey) array as a PIL RGB image."""
    if array.ndim == 2:
        return Image.fromarray(array).convert("RGB")
    return Image.fromarray(np.ascontiguousarray(array[:, :, ::-1]))


def encode(image: Image.Image, media_type: str, *, quality: int = 90, dpi: int = 300) -> bytes:
    """PNG or JPEG bytes; deterministic (no timestamps, fixed encoder settings)."""
    buffer = io.BytesIO()
    rgb = image.convert("RGB")
    if media_type == JPEG:
        rgb.save(buffer, format="JPEG", quality=quality, dpi=(dpi, dpi), subsampling=2)
    elif media_type == PNG:
        rgb.save(buffer, format="PNG", dpi=(dpi, dpi), compress_level=6)
    else:
        raise ValueError(f"cannot encode an image as {media_type}")
    return buffer.getvalue()


def fitted_font(
    text: str, file_name: str, size: int, max_width: float, *, min_size: int = 8
) -> ImageFont.FreeTypeFont:
    """The font at ``size`` or smaller, so that ``text`` fits in ``max_width`` pixels."""
    while size > min_size and font(file_name, size).getlength(text) > max_width:
        size -= 1
    return font(file_name, size)


def draw_face(
    size: tuple[int, int],
    rng: random.Random,
    background: tuple[int, int, int],
    *,
    female: bool = False,
) -> Image.Image:
    """A pass-photo placeholder: a plain head-and-shoulders silhouette, never a real face."""
    width, height = size
    photo = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(photo)
    tone = rng.choice(((196, 160, 130), (170, 130, 100), (140, 104, 80), (205, 172, 145)))
    cloth = rng.choice(((40, 40, 45), (235, 235, 235), (60, 70, 110), (90, 60, 50)))
    cx = width // 2 + rng.randint(-4, 4)
    draw.ellipse((cx - width * 0.45, height * 0.72, cx + width * 0.45, height * 1.35), fill=cloth)
    draw.rectangle((cx - width * 0.09, height * 0.55, cx + width * 0.09, height * 0.78), fill=tone)
    head_w, head_h = width * rng.uniform(0.27, 0.31), height * rng.uniform(0.25, 0.28)
    top = height * 0.16
    if female and rng.random() < 0.6:  # a headscarf (hijab) frames the face
        scarf = rng.choice(((30, 30, 35), (40, 50, 90), (235, 232, 225), (120, 90, 70)))
        draw.ellipse(
            (cx - head_w * 1.3, top - 10, cx + head_w * 1.3, top + 2.6 * head_h), fill=scarf
        )
        draw.ellipse(
            (cx - head_w * 0.78, top + 14, cx + head_w * 0.78, top + 1.95 * head_h), fill=tone
        )
    else:
        hair = rng.choice(((25, 20, 20), (45, 35, 30), (90, 90, 90)))
        draw.ellipse((cx - head_w, top, cx + head_w, top + 2 * head_h), fill=tone)
        draw.chord((cx - head_w, top - 6, cx + head_w, top + head_h), 180, 360, fill=hair)
    return photo.filter(ImageFilter.GaussianBlur(1.2))


def draw_signature(
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    rng: random.Random,
    color: tuple[int, int, int] = (20, 20, 60),
    width: int = 2,
) -> None:
    """A scribbled signature inside ``box`` (x0, y0, x1, y1): a few joined loops."""
    x0, y0, x1, y1 = box
    mid = (y0 + y1) / 2
    amp = (y1 - y0) * 0.35
    points: list[tuple[float, float]] = []
    loops = rng.randint(3, 6)
    steps = 18 * loops
    phase = rng.uniform(0, 6.28)
    for i in range(steps + 1):
        t = i / steps
        x = x0 + (x1 - x0) * (0.05 + 0.9 * t) + np.sin(t * loops * 6.28 + phase) * amp * 0.6
        y = mid + np.cos(t * loops * 6.28) * amp * rng.uniform(0.6, 1.0) - t * amp * 0.4
        points.append((float(x), float(y)))
    draw.line(points, fill=color, width=width, joint="curve")
    draw.line(
        [(x0 + (x1 - x0) * 0.1, y1 - 4), (x1 - (x1 - x0) * 0.15, y1 - 8)], fill=color, width=width
    )


def qr_modules(payload: str, size: int = 29) -> list[list[bool]]:
    """A QR-like module grid for ``payload``: three finder patterns and hash-derived data.

    It looks like a QR code at a glance and in a detector's eye, but it decodes to nothing.
    """
    bits: list[int] = []
    counter = 0
    while len(bits) < size * size:
        digest = hashlib.sha256(f"{payload}:{counter}".encode()).digest()
        bits += [(byte >> k) & 1 for byte in digest for k in range(8)]
        counter += 1
    grid = [[bool(bits[r * size + c]) for c in range(size)] for r in range(size)]
    for r0, c0 in ((0, 0), (0, size - 7), (size - 7, 0)):
        for r in range(-1, 8):
            for c in range(-1, 8):
                rr, cc = r0 + r, c0 + c
                if 0 <= rr < size and 0 <= cc < size:
                    ring = max(abs(r - 3), abs(c - 3))
                    grid[rr][cc] = ring in (0, 1, 3) and 0 <= r < 7 and 0 <= c < 7
    for i in range(8, size - 8):  # timing patterns
        grid[6][i] = grid[i][6] = i % 2 == 0
    return grid
