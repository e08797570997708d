"""The measured check shared by the photo and fingerprint checks, and image decoding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from verification.errors import DocumentUnreadable

__all__ = ["Check", "decode_image", "unmeasured", "within"]


@dataclass(frozen=True)
class Check:
    """One requirement: the measured ``value`` against [``minimum``, ``maximum``]."""

    name: str
    value: float | None
    minimum: float | None
    maximum: float | None
    passed: bool | None  # None: could not be measured (e.g. no single face to measure)


def within(name: str, value: float, low: float | None, high: float | None) -> Check:
    passed = (low is None or value >= low) and (high is None or value <= high)
    return Check(name, round(float(value), 4), low, high, passed)


def unmeasured(name: str, low: float | None, high: float | None) -> Check:
    return Check(name, None, low, high, None)


def decode_image(data: bytes, *, grey: bool = False) -> NDArray[Any]:
    """The pixels (BGR, or grey) of JPEG/PNG bytes, or ``DocumentUnreadable``."""
    if not data:
        raise DocumentUnreadable("the image is empty")
    flag = cv2.IMREAD_GRAYSCALE if grey else cv2.IMREAD_COLOR
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    if pixels is None:
        raise DocumentUnreadable("the bytes are not an image OpenCV can decode")
    return pixels
