"""Fingerprint image sanity: is this a usable capture from the scanner, or a retake?

Not a matcher and not NFIQ: a guard against the captures an operator can see are wrong.

``size``
    The shorter side in pixels, at least 200 (10 mm at the 500 ppi of passport scanners).
``contrast``
    Grey-level spread between the 5th and 95th percentiles, at least 60: a finger pressed
    too lightly or a dirty platen gives a faint grey image.
``ridge_coverage``
    The share of 16 x 16 blocks whose grey standard deviation is at least 12 (ridges and
    valleys alternate there), at least 0.30: an empty platen or a smudge has no ridges.

Bytes that are not an image raise ``DocumentUnreadable``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from verification.biometrics.measure import Check, decode_image, within

__all__ = ["FINGERPRINT_CHECKS", "FingerprintReport", "check_fingerprint"]

FINGERPRINT_CHECKS = ("size", "contrast", "ridge_coverage")
MIN_SIDE = 200
MIN_CONTRAST = 60.0
MIN_COVERAGE = 0.30
_BLOCK = 16
_BLOCK_STD = 12.0


@dataclass(frozen=True)
class FingerprintReport:
    width: int
    height: int
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.passed is True for check in self.checks)

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(check.name for check in self.checks if check.passed is False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "failed": list(self.failed),
            "width": self.width,
            "height": self.height,
            "checks": [asdict(check) for check in self.checks],
        }


def ridge_coverage(grey: NDArray[Any]) -> float:
    """The share of blocks with ridge-like variation."""
    h, w = (grey.shape[0] // _BLOCK) * _BLOCK, (grey.shape[1] // _BLOCK) * _BLOCK
    if h == 0 or w == 0:
        return 0.0
    blocks = grey[:h, :w].astype(np.float32).reshape(h // _BLOCK, _BLOCK, w // _BLOCK, _BLOCK)
    return float(np.mean(blocks.std(axis=(1, 3)) >= _BLOCK_STD))


def check_fingerprint(image: bytes | NDArray[Any]) -> FingerprintReport:
    """Run the sanity checks on one fingerprint image (PNG/JPEG bytes or grey pixels)."""
    grey = decode_image(image, grey=True) if isinstance(image, bytes | bytearray) else image
    if grey.ndim == 3:
        grey = grey.mean(axis=2).astype(np.uint8)
    low, high = np.percentile(grey, (5, 95))
    checks = (
        within("size", float(min(grey.shape[:2])), MIN_SIDE, None),
        within("contrast", float(high - low), MIN_CONTRAST, None),
        within("ridge_coverage", ridge_coverage(grey), MIN_COVERAGE, None),
    )
    return FingerprintReport(int(grey.shape[1]), int(grey.shape[0]), checks)
