"""Synthetic passport portraits for the photo checks: drawn faces, never real people.

A portrait is a head and shoulders drawn with OpenCV primitives (an oval face, hair, brows,
eyes, nose, mouth, neck and shoulders) on a plain light background, proportioned the way a
passport photo is (35 x 45 mm at 300 dpi; crown to chin about three quarters of the height).
OpenCV's frontal-face Haar cascade finds these drawn faces, which is what lets the tests run
the real detector on images that are invented. Each bad variant breaks one requirement of
``verification.biometrics.photo``:

=================  ==========================================  ====================
variant            what is wrong                               check it fails
=================  ==========================================  ====================
good               nothing                                     (none)
no_face            background and shoulders only               face_count
two_faces          two people side by side                     face_count
blurred            out of focus (Gaussian blur)                sharpness
dark               under-exposed                               brightness
overexposed        washed out, face clipped to white           exposure
cluttered          shelves and posters behind the person       background_plain
dark_background    a plain but dark backdrop                   background_light
small_face         taken from too far away                     face_size
off_centre         the person stands to one side               face_centred
=================  ==========================================  ====================

The same seed and variant give the same pixels (and, through ``portrait_bytes``, bytes).
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

__all__ = ["PORTRAIT_SIZE", "VARIANTS", "portrait", "portrait_bytes"]

PORTRAIT_SIZE = (413, 531)  # width, height: 35 x 45 mm at 300 dpi
VARIANTS = (
    "good",
    "no_face",
    "two_faces",
    "blurred",
    "dark",
    "overexposed",
    "cluttered",
    "dark_background",
    "small_face",
    "off_centre",
)

Image = NDArray[Any]
Colour = tuple[int, int, int]

# BGR colours.
_SKIN: tuple[Colour, ...] = ((135, 170, 210), (110, 145, 190), (90, 120, 165), (150, 185, 225))
_HAIR: tuple[Colour, ...] = ((40, 35, 30), (25, 22, 20), (60, 70, 90), (90, 90, 95))
_CLOTH: tuple[Colour, ...] = ((90, 60, 40), (40, 40, 45), (60, 90, 60), (120, 80, 110))


def _head(img: Image, rng: random.Random, cx: int, crown: int, head_h: float) -> None:
    """Draw one head of crown-to-chin height ``head_h`` with its crown at ``crown``."""
    fh = head_h / 1.113  # skin oval height; hair adds the rest above it
    fw = 0.74 * fh
    cy = int(crown + 0.613 * fh)
    skin, hair = rng.choice(_SKIN), rng.choice(_HAIR)

    def p(value: float) -> int:
        return max(1, round(value))

    axes_hair = (p(fw / 2 + 0.04 * fh), p(fh / 2 + 0.023 * fh))
    cv2.ellipse(img, (cx, p(cy - 0.09 * fh)), axes_hair, 0, 180, 360, hair, -1, cv2.LINE_AA)
    neck = (cx - p(0.125 * fh), p(cy + 0.34 * fh)), (cx + p(0.125 * fh), p(cy + 0.6 * fh))
    cv2.rectangle(img, neck[0], neck[1], tuple(int(c * 0.9) for c in skin), -1)
    cv2.ellipse(img, (cx, cy), (p(fw / 2), p(fh / 2)), 0, 0, 360, skin, -1, cv2.LINE_AA)
    brow = (40, 40, 50)
    socket = tuple(int(c * 0.82) for c in skin)  # the shadowed eye band a face detector keys on
    for side in (-1, 1):
        ex, ey = cx + side * p(0.16 * fh), p(cy - 0.114 * fh)
        cv2.ellipse(
            img,
            (ex, p(ey - 0.02 * fh)),
            (p(0.12 * fh), p(0.07 * fh)),
            0,
            0,
            360,
            socket,
            -1,
            cv2.LINE_AA,
        )
        cv2.ellipse(
            img,
            (ex, p(ey - 0.08 * fh)),
            (p(0.095 * fh), p(0.023 * fh)),
            0,
            180,
            360,
            brow,
            p(0.023 * fh),
            cv2.LINE_AA,
        )
        cv2.ellipse(
            img,
            (ex, ey),
            (p(0.082 * fh), p(0.036 * fh)),
            0,
            0,
            360,
            (240, 240, 240),
            -1,
            cv2.LINE_AA,
        )
        cv2.circle(img, (ex, ey), p(0.032 * fh), (40, 30, 20), -1, cv2.LINE_AA)
    shade = tuple(int(c * 0.75) for c in skin)
    cv2.line(
        img,
        (cx, p(cy - 0.07 * fh)),
        (cx - p(0.023 * fh), p(cy + 0.114 * fh)),
        shade,
        p(0.014 * fh),
        cv2.LINE_AA,
    )
    cv2.ellipse(
        img,
        (cx, p(cy + 0.136 * fh)),
        (p(0.064 * fh), p(0.027 * fh)),
        0,
        0,
        180,
        shade,
        p(0.014 * fh),
        cv2.LINE_AA,
    )
    cv2.ellipse(
        img,
        (cx, p(cy + 0.27 * fh)),
        (p(0.114 * fh), p(0.036 * fh)),
        0,
        0,
        180,
        (70, 70, 150),
        p(0.023 * fh),
        cv2.LINE_AA,
    )


def _shoulders(img: Image, rng: random.Random, cx: int, width: float) -> None:
    height = img.shape[0]
    cloth = rng.choice(_CLOTH)
    axes = (int(width / 2), int(width * 0.42))
    cv2.ellipse(img, (cx, int(height + width * 0.12)), axes, 0, 180, 360, cloth, -1, cv2.LINE_AA)


def _clutter(img: Image, rng: random.Random) -> None:
    """Shelves, posters and a door frame: the office behind a careless capture."""
    h, w = img.shape[:2]
    for _ in range(40):
        x, y = rng.randrange(w), rng.randrange(h)
        size = (rng.randint(10, 70), rng.randint(10, 90))
        colour = tuple(rng.randrange(256) for _ in range(3))
        cv2.rectangle(img, (x, y), (x + size[0], y + size[1]), colour, -1)
    for y in range(30, h, 70):
        cv2.line(img, (0, y), (w, y + rng.randint(-5, 5)), (40, 60, 80), 4)


def portrait(
    variant: str = "good", *, seed: int = 0, size: tuple[int, int] = PORTRAIT_SIZE
) -> Image:
    """A drawn portrait (BGR, ``size`` = width, height) with the named defect."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown portrait variant {variant!r}; one of {', '.join(VARIANTS)}")
    rng = random.Random(f"portrait/{seed}")
    w, h = size
    light = rng.randint(225, 245)
    background: Colour = (light, light, light)
    if variant == "dark_background":
        background = (70, 60, 55)
    img: Image = np.full((h, w, 3), background, np.uint8)
    if variant == "cluttered":
        _clutter(img, rng)
    ratio = rng.uniform(0.72, 0.78)
    cx = w // 2 + rng.randint(-6, 6)
    if variant == "small_face":
        ratio = 0.42
    if variant == "off_centre":
        cx = int(w * 0.36)
    head_h = ratio * h
    if variant == "two_faces":
        head_h = 0.42 * h
        for x in (int(w * 0.27), int(w * 0.73)):
            _shoulders(img, rng, x, 0.48 * w)
            _head(img, rng, x, int(0.3 * h), head_h)
    else:
        _shoulders(img, rng, cx, 1.1 * head_h)
        if variant != "no_face":
            crown = int(h - head_h - (0.15 if variant != "small_face" else 0.2) * h)
            _head(img, rng, cx, crown, head_h)
    img = _finish(img, variant, np.random.default_rng(seed))
    return img


def _finish(img: Image, variant: str, noise_rng: np.random.Generator) -> Image:
    """Lens and sensor: a slight softening and a little noise, then the exposure defects."""
    img = cv2.GaussianBlur(img, (0, 0), 0.8)
    if variant == "blurred":
        img = cv2.GaussianBlur(img, (0, 0), 5.0)
    noisy = img.astype(np.float32) + noise_rng.normal(0.0, 2.0, img.shape).astype(np.float32)
    if variant == "dark":
        noisy *= 0.22
    if variant == "overexposed":
        noisy = noisy * 1.9 + 40
    return np.clip(noisy, 0, 255).astype(np.uint8)


def portrait_bytes(
    variant: str = "good", *, seed: int = 0, media_type: str = "image/jpeg"
) -> bytes:
    """The portrait encoded as JPEG (quality 92) or PNG."""
    img = portrait(variant, seed=seed)
    if media_type == "image/jpeg":
        ok, buffer = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 92])
    elif media_type == "image/png":
        ok, buffer = cv2.imencode(".png", img)
    else:
        raise ValueError(f"cannot encode a portrait as {media_type}")
    if not ok:
        raise ValueError(f"OpenCV could not encode the portrait as {media_type}")
    return bytes(buffer.tobytes())
