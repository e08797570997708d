"""Synthetic fingerprint images: ridge patterns drawn from a formula, never a real finger.

A whorl-like pattern: grey = sin of the distance to a core, warped by smooth noise, inside an
elliptical fingertip on a white platen, at 500 ppi proportions (a flat print about 16 x 20
mm). Variants for the sanity checks of ``verification.biometrics.fingerprint``:
``good``, ``blank`` (an empty platen: fails contrast and ridge_coverage), ``faint`` (pressed
too lightly, shallow ridges: fails ridge_coverage), ``smudged`` (ridges blurred away: fails
ridge_coverage) and ``small`` (a crop of 120 pixels: fails size).
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

__all__ = ["FINGERPRINT_VARIANTS", "fingerprint", "fingerprint_bytes"]

FINGERPRINT_VARIANTS = ("good", "blank", "faint", "smudged", "small")
_SIZE = (320, 400)  # width, height


def fingerprint(variant: str = "good", *, seed: int = 0) -> NDArray[Any]:
    """A grey fingerprint image with the named defect."""
    if variant not in FINGERPRINT_VARIANTS:
        raise ValueError(
            f"unknown fingerprint variant {variant!r}; one of {', '.join(FINGERPRINT_VARIANTS)}"
        )
    rng = np.random.default_rng(seed)
    w, h = _SIZE
    if variant == "blank":
        return np.clip(rng.normal(235, 1.5, (h, w)), 0, 255).astype(np.uint8)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = w / 2 + rng.uniform(-15, 15), h * 0.45 + rng.uniform(-15, 15)
    noise: NDArray[Any] = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 25)
    warp = noise * (40 / max(1e-6, float(np.abs(noise).max())))
    distance = np.sqrt((xx - cx) ** 2 + ((yy - cy) * 0.8) ** 2) + warp
    period = rng.uniform(8.5, 10.5)  # about 0.45 mm ridge spacing at 500 ppi
    ridges = np.sin(2 * np.pi * distance / period)
    inside = ((xx - w / 2) / (w * 0.42)) ** 2 + ((yy - h / 2) / (h * 0.46)) ** 2 <= 1
    depth = 110.0 if variant != "faint" else 12.0
    grey = np.where(inside, 150 + depth * ridges * 0.9, 238.0)
    grey += rng.normal(0, 2.0, grey.shape)
    image: NDArray[Any] = np.clip(grey, 0, 255).astype(np.uint8)
    if variant == "smudged":
        image = cv2.GaussianBlur(image, (0, 0), 6.0)
    if variant == "small":
        image = image[int(h / 2) - 60 : int(h / 2) + 60, int(w / 2) - 60 : int(w / 2) + 60]
    return np.ascontiguousarray(image)


def fingerprint_bytes(variant: str = "good", *, seed: int = 0) -> bytes:
    """The fingerprint as PNG bytes (lossless, as scanners deliver them)."""
    ok, buffer = cv2.imencode(".png", fingerprint(variant, seed=seed))
    if not ok:
        raise ValueError("OpenCV could not encode the fingerprint as PNG")
    return bytes(buffer.tobytes())
