"""Copy-move forgeries of synthetic documents, for the copy-move detector's tests and benchmark.

A forger who wants a different NIK digit, or wants a stamp, a word or a blemish gone, often
takes a piece of the same image and pastes it elsewhere: the pasted piece matches the page's
print, paper and lighting. ``copy_moved`` does that to the bytes of a genuine synthetic
document (an image KTP, akta or KK photo, clean or degraded, or a scanned PDF's page): it cuts
a rectangle that holds something (ink, guilloche, photo; not blank paper), optionally resizes
it a little or changes its brightness, pastes it at least its own size away and saves the
result as a JPEG at a quality from 75 to 95, as an image editor would. Every choice is drawn
from the ``random.Random`` given, so a seed reproduces the forgery.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np

from verification.reading.loader import load_pages

__all__ = ["STRENGTHS", "CopyMove", "Strength", "copy_moved", "forge_copy_move"]


@dataclass(frozen=True)
class Strength:
    """How much is copied: the rectangle's sides as fractions of sqrt(image area), and the
    range of resizing and brightness change applied to the copy."""

    width: float
    height: float
    scale: tuple[float, float] = (1.0, 1.0)
    gain: tuple[float, float] = (1.0, 1.0)


# From one NIK digit group (about 90 x 40 px on the 1011 x 638 KTP) up to a patch of the photo
# or background; "scaled" and "brightened" are retouched copies.
STRENGTHS: dict[str, Strength] = {
    "digits": Strength(0.11, 0.05),
    "word": Strength(0.18, 0.08),
    "patch": Strength(0.22, 0.2),
    "scaled": Strength(0.15, 0.09, scale=(0.93, 1.07)),
    "brightened": Strength(0.15, 0.09, gain=(0.88, 1.12)),
}
_INNER = 0.12  # keep both rectangles this far (a fraction of each side) from the image's edges
_MIN_CONTENT = 12.0  # grey standard deviation below which a rectangle is blank paper


def _decode(data: bytes) -> np.ndarray:
    image = load_pages(data)[0].image
    if image is None:
        raise ValueError("the document has no page image to forge")
    return image


def _rectangle(
    image: np.ndarray, rng: random.Random, size: tuple[int, int]
) -> tuple[int, int] | None:
    """The top-left corner of a rectangle of ``size`` with something in it (the most varied of
    a few random tries), inside the inner part of the image."""
    height, width = image.shape[:2]
    w, h = size
    x_lo, y_lo = int(_INNER * width), int(_INNER * height)
    x_hi, y_hi = int((1 - _INNER) * width) - w, int((1 - _INNER) * height) - h
    if x_hi <= x_lo or y_hi <= y_lo:
        return None
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    tries = []
    for _ in range(12):
        x, y = rng.randint(x_lo, x_hi), rng.randint(y_lo, y_hi)
        tries.append((float(gray[y : y + h, x : x + w].std()), x, y))
    content, x, y = max(tries)
    return (x, y) if content >= _MIN_CONTENT else None


def _destination(
    image: np.ndarray, rng: random.Random, size: tuple[int, int], source: tuple[int, int]
) -> tuple[int, int]:
    height, width = image.shape[:2]
    w, h = size
    x_lo, y_lo = int(_INNER * width), int(_INNER * height)
    x_hi, y_hi = int((1 - _INNER) * width) - w, int((1 - _INNER) * height) - h
    for _ in range(200):
        x, y = rng.randint(x_lo, x_hi), rng.randint(y_lo, y_hi)
        if abs(x - source[0]) >= w or abs(y - source[1]) >= h:  # the copy does not overlap
            return x, y
    raise ValueError("the image is too small for a copy of this size")


@dataclass(frozen=True)
class CopyMove:
    """What was done: the copied rectangle, where it went (x0, y0, x1, y1 in pixels), the
    resizing factor and brightness gain applied, and the JPEG quality it was saved at."""

    source: tuple[int, int, int, int]
    destination: tuple[int, int, int, int]
    scale: float
    gain: float
    quality: int


def forge_copy_move(
    image: np.ndarray, rng: random.Random, *, strength: str = "digits"
) -> tuple[np.ndarray, CopyMove]:
    """``image`` (BGR) with one rectangle copied to another place, and what was done (the
    JPEG quality is drawn here for ``copy_moved`` to save with)."""
    if strength not in STRENGTHS:
        raise ValueError(f"strength must be one of {', '.join(STRENGTHS)}, not {strength!r}")
    plan = STRENGTHS[strength]
    side = float(np.sqrt(image.shape[0] * image.shape[1]))
    size = (round(plan.width * side), round(plan.height * side))
    for _ in range(20):  # blank paper is no forger's source: try again elsewhere
        source = _rectangle(image, rng, size)
        if source is not None:
            break
    else:
        raise ValueError("no rectangle of this size with anything in it")
    x, y = source
    patch: np.ndarray = image[y : y + size[1], x : x + size[0]].astype(np.float32)
    factor = rng.uniform(*plan.scale)
    if factor != 1.0:
        scaled = (round(size[0] * factor), round(size[1] * factor))
        patch = np.asarray(cv2.resize(patch, scaled, interpolation=cv2.INTER_LINEAR))
    gain = rng.uniform(*plan.gain)
    patch = (patch * gain).clip(0, 255)
    pasted = (patch.shape[1], patch.shape[0])
    dx, dy = _destination(image, rng, pasted, source)
    forged = image.copy()
    forged[dy : dy + pasted[1], dx : dx + pasted[0]] = patch.round().astype(np.uint8)
    done = CopyMove(
        (x, y, x + size[0], y + size[1]),
        (dx, dy, dx + pasted[0], dy + pasted[1]),
        round(factor, 3),
        round(gain, 3),
        rng.randint(75, 95),
    )
    return forged, done


def copy_moved(data: bytes, rng: random.Random, *, strength: str = "digits") -> bytes:
    """``data`` (a JPEG, PNG or PDF document) with one rectangle of its first page copied to
    another place, saved as a JPEG (quality 75-95). ``strength`` names one of ``STRENGTHS``."""
    forged, done = forge_copy_move(_decode(data), rng, strength=strength)
    ok, encoded = cv2.imencode(".jpg", forged, [cv2.IMWRITE_JPEG_QUALITY, done.quality])
    if not ok:
        raise RuntimeError("OpenCV could not encode a JPEG")
    return bytes(encoded.tobytes())
