"""Spliced and regionally recompressed copies of synthetic documents, for the image forensics
detectors' tests and benchmark.

``spliced`` pastes a block cut from ANOTHER card (its pass photo, or its NIK and name lines)
onto a genuine document, the block carrying a different history from its new surroundings:
more or less sensor noise, another blur, its own JPEG grid. ``recompressed_region`` replaces
one region of a genuine document by the same pixels taken from a copy compressed at another
JPEG quality (or on a shifted 8 x 8 grid), then saves the whole once more at quality 75-95, as
an editor does when a forger pastes a patch back. Both are deterministic given the rng, keep
to synthetic people and name their strengths in ``STRENGTHS``:

- strong: a large block (the pass photo, or a third of the page), a large difference;
- medium: the two text lines (or a fifth of the page), a moderate difference;
- subtle: the two text lines with feathered edges (or a tenth of the page), a small difference.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["DONOR_BLOCKS", "STRENGTHS", "noise_sigma", "recompressed_region", "spliced"]

STRENGTHS = ("strong", "medium", "subtle")

# Blocks on a clean 1011 x 638 KTP render (x0, y0, x1, y1 in pixels) a forger would lift.
DONOR_BLOCKS = {
    "photo": (770, 128, 976, 390),
    "nik_name": (250, 104, 770, 196),
}


@dataclass(frozen=True)
class _Splice:
    block: str  # which DONOR_BLOCKS entry
    noise: float  # how far the block's noise sigma departs from the host's (grey levels)
    blur: float  # Gaussian blur sigma given to the block when it is the cleaner one
    feather: int  # width of the soft edge, pixels (0: a hard cut)


_SPLICES = {
    "strong": _Splice("photo", 8.0, 1.4, 0),
    "medium": _Splice("nik_name", 5.0, 1.0, 0),
    "subtle": _Splice("nik_name", 3.5, 0.8, 8),
}


@dataclass(frozen=True)
class _Region:
    size: tuple[float, float]  # width, height as fractions of the page
    quality: tuple[int, int]  # JPEG quality range of the region's other copy


_REGIONS = {
    "strong": _Region((0.34, 0.26), (25, 40)),
    "medium": _Region((0.22, 0.17), (40, 55)),
    "subtle": _Region((0.15, 0.11), (55, 70)),
}


def _decode(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError("not an image OpenCV can decode")
    return image


def _jpeg(image: np.ndarray, quality: int) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("OpenCV could not encode a JPEG")
    return data.tobytes()


def _save(image: np.ndarray, like: bytes, rng: random.Random) -> bytes:
    """Saved as the host was: a PNG stays a PNG, a JPEG is written at quality 85-95."""
    if like.startswith(b"\x89PNG"):
        ok, data = cv2.imencode(".png", image)
        if not ok:
            raise RuntimeError("OpenCV could not encode a PNG")
        return data.tobytes()
    return _jpeg(image, rng.randint(85, 95))


def noise_sigma(image: np.ndarray) -> float:
    """Sensor noise sigma of an image, in grey levels (Immerkaer's Laplacian-difference
    estimate over the pixels away from edges)."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    residual = np.abs(cv2.filter2D(gray, -1, kernel))
    smooth = cv2.GaussianBlur(gray, (0, 0), 2.0)
    edges = cv2.magnitude(cv2.Sobel(smooth, -1, 1, 0), cv2.Sobel(smooth, -1, 0, 1))
    flat = residual[edges < 12.0]
    if flat.size < 1000:
        flat = residual.ravel()
    return float(np.sqrt(np.pi / 2) / 6 * flat.mean())


def _place(rng: random.Random, page: tuple[int, int], size: tuple[int, int]) -> tuple[int, int]:
    """Top-left corner of a block of ``size`` somewhere in the middle of the page."""
    (height, width), (w, h) = page, size
    x = rng.randint(int(0.15 * width), max(int(0.15 * width), int(0.85 * width) - w))
    y = rng.randint(int(0.15 * height), max(int(0.15 * height), int(0.85 * height) - h))
    return x, y


def _with_noise(block: np.ndarray, sigma: float, rng: random.Random) -> np.ndarray:
    grain = np.random.default_rng(rng.getrandbits(64)).standard_normal(block.shape) * sigma
    noisy: np.ndarray = (block.astype(np.float32) + grain).clip(0, 255).astype(np.uint8)
    return noisy


def spliced(host: bytes, donor: bytes, rng: random.Random, *, strength: str = "medium") -> bytes:
    """``host`` (a genuine document image) with a block of ``donor`` (a clean KTP render of
    another person) pasted in, its noise and blur unlike the host's; saved as the host was."""
    if strength not in _SPLICES:
        raise ValueError(f"strength must be one of {', '.join(STRENGTHS)}, not {strength!r}")
    plan = _SPLICES[strength]
    page, card = _decode(host), _decode(donor)
    x0, y0, x1, y1 = DONOR_BLOCKS[plan.block]
    sx, sy = card.shape[1] / 1011, card.shape[0] / 638
    block = card[int(y0 * sy) : int(y1 * sy), int(x0 * sx) : int(x1 * sx)]
    # The block keeps the size it would have on a card covering most of the host's width.
    scale = page.shape[1] / card.shape[1] * rng.uniform(0.7, 0.95)
    block = cv2.resize(block, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    host_sigma = noise_sigma(page)
    if host_sigma > plan.noise + 1.0 and rng.random() < 0.5:  # a clean sharp paste
        block = _with_noise(block, max(0.0, host_sigma - plan.noise), rng)
    else:  # a noisier (and, half the time, softer) paste
        if rng.random() < 0.5:
            block = cv2.GaussianBlur(block, (0, 0), plan.blur)
        block = _with_noise(block, host_sigma + plan.noise, rng)
    # The donor was itself a JPEG: its grid lands wherever the block is pasted.
    block = _decode(_jpeg(block, rng.randint(70, 92)))
    h, w = block.shape[:2]
    x, y = _place(rng, page.shape[:2], (w, h))
    alpha: np.ndarray = np.ones((h, w), np.float32)
    if plan.feather:
        alpha = np.zeros((h, w), np.float32)
        f = plan.feather
        alpha[f:-f, f:-f] = 1.0
        alpha = cv2.GaussianBlur(alpha, (0, 0), f / 2)
    target = page[y : y + h, x : x + w].astype(np.float32)
    mixed = block.astype(np.float32) * alpha[..., None] + target * (1 - alpha[..., None])
    page[y : y + h, x : x + w] = mixed.round().clip(0, 255).astype(np.uint8)
    return _save(page, host, rng)


def recompressed_region(host: bytes, rng: random.Random, *, strength: str = "medium") -> bytes:
    """``host`` with one region replaced by the same pixels from a copy JPEG-compressed at
    another quality (half the time on an 8 x 8 grid shifted by 1-7 pixels), the whole then
    saved as a JPEG at quality 75-95."""
    if strength not in _REGIONS:
        raise ValueError(f"strength must be one of {', '.join(STRENGTHS)}, not {strength!r}")
    plan = _REGIONS[strength]
    page = _decode(host)
    height, width = page.shape[:2]
    dx, dy = (rng.randint(1, 7), rng.randint(0, 7)) if rng.random() < 0.5 else (0, 0)
    shifted = page[dy:, dx:]
    other = _decode(_jpeg(shifted, rng.randint(*plan.quality)))
    copy = page.copy()
    copy[dy:, dx:] = other
    w, h = int(plan.size[0] * width), int(plan.size[1] * height)
    x, y = _place(rng, (height, width), (w, h))
    page[y : y + h, x : x + w] = copy[y : y + h, x : x + w]
    return _jpeg(page, rng.randint(75, 95))
