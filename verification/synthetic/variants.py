"""Re-used copies of a genuine document: what a fraudster uploads in place of their own.

Someone who takes another applicant's stored KTP, akta or KK rarely submits the very same
bytes; the copy has been through an app, an editor or a camera. Each builder takes the genuine
document's bytes (JPEG, PNG or a PDF page) and a ``random.Random``, and returns the JPEG bytes
of a copy, so a seed reproduces the same copy. The kinds:

- ``reencoded``: saved again as JPEG at another quality (40-85), as messaging apps do;
- ``resized``: scaled to 50-90 % of its size, then saved;
- ``cropped``: 2-8 % of the width and of the height cut off, shared between opposite edges;
- ``rotated``: turned by 1-4 degrees either way on a white or grey surround;
- ``rephotographed``: printed and photographed or scanned again (``degrade.degrade``).

    copy = reused_variant(render_ktp(family, person, rng).data, rng, kind="cropped")
"""

from __future__ import annotations

import random
from collections.abc import Callable

import cv2
import numpy as np

from verification.reading.loader import load_pages
from verification.synthetic.degrade import _rotate, degrade

__all__ = ["VARIANT_KINDS", "reused_variant"]

Builder = Callable[[np.ndarray, random.Random], tuple[np.ndarray, int]]


def _reencoded(image: np.ndarray, rng: random.Random) -> tuple[np.ndarray, int]:
    return image, rng.randint(40, 85)


def _resized(image: np.ndarray, rng: random.Random) -> tuple[np.ndarray, int]:
    factor = rng.uniform(0.5, 0.9)
    height, width = image.shape[:2]
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), rng.randint(70, 92)


def _cropped(image: np.ndarray, rng: random.Random) -> tuple[np.ndarray, int]:
    height, width = image.shape[:2]
    cuts = []
    for extent in (width, height):
        total = rng.uniform(0.02, 0.08) * extent
        first = total * rng.random()
        cuts.append((round(first), round(total - first)))
    (left, right), (top, bottom) = cuts
    return image[top : height - bottom, left : width - right].copy(), rng.randint(70, 92)


def _rotated(image: np.ndarray, rng: random.Random) -> tuple[np.ndarray, int]:
    angle = rng.uniform(1.0, 4.0) * rng.choice((-1, 1))
    border = rng.choice(((255, 255, 255), (200, 200, 200)))
    return _rotate(image, angle, border), rng.randint(70, 92)


def _rephotographed(image: np.ndarray, rng: random.Random) -> tuple[np.ndarray, int]:
    copy, _ = degrade(image, rng, kind=rng.choice(("photo", "scan")))
    return copy, rng.randint(60, 90)


_BUILDERS: dict[str, Builder] = {
    "reencoded": _reencoded,
    "resized": _resized,
    "cropped": _cropped,
    "rotated": _rotated,
    "rephotographed": _rephotographed,
}
VARIANT_KINDS = tuple(_BUILDERS)


def reused_variant(data: bytes, rng: random.Random, *, kind: str) -> bytes:
    """JPEG bytes of a re-used copy of the document ``data`` (its first page for a PDF)."""
    page = load_pages(data)[0]
    if page.image is None:
        raise ValueError("the document's first page has no image (a PDF text layer only)")
    if kind not in _BUILDERS:
        raise ValueError(f"kind must be one of {', '.join(VARIANT_KINDS)}, not {kind!r}")
    copy, quality = _BUILDERS[kind](page.image, rng)
    ok, encoded = cv2.imencode(".jpg", copy, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("OpenCV could not encode a JPEG")
    return encoded.tobytes()
