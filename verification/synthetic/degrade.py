"""Named image degradations that make clean renders look scanned or photographed.

Each step is an ``ndarray -> ndarray`` function (OpenCV BGR, uint8) drawing its parameters from
the ``random.Random`` it is given, so a seed reproduces the same damage. ``degrade`` applies a
realistic combination (a phone photo of a card on a table, or a flatbed scan) in a fixed
order and returns the names of the steps it applied, which benchmarks record with the result.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import cv2
import numpy as np

__all__ = ["STEPS", "degrade", "random_steps"]

Step = Callable[[np.ndarray, random.Random], np.ndarray]


def _np_rng(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.getrandbits(64))


def blur(image: np.ndarray, rng: random.Random) -> np.ndarray:
    """Gaussian blur (an out-of-focus camera or a soft scanner)."""
    return cv2.GaussianBlur(image, (0, 0), rng.uniform(0.6, 1.6))


def noise(image: np.ndarray, rng: random.Random) -> np.ndarray:
    """Additive Gaussian sensor noise."""
    sigma = rng.uniform(3.0, 10.0)
    grain = _np_rng(rng).standard_normal(image.shape, np.float32) * sigma
    noisy: np.ndarray = cv2.add(image.astype(np.float32), grain)
    return noisy.clip(0, 255).astype(np.uint8)


def jpeg(image: np.ndarray, rng: random.Random) -> np.ndarray:
    """A JPEG re-encode at quality 30-60 (messaging apps, cheap scanners)."""
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(30, 60)])
    if not ok:
        raise RuntimeError("OpenCV could not encode a JPEG")
    decoded = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if decoded is None:
        raise RuntimeError("OpenCV could not decode its own JPEG")
    return decoded


def _rotate(image: np.ndarray, angle: float, border: tuple[int, int, int]) -> np.ndarray:
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(height * sin + width * cos), int(height * cos + width * sin)
    matrix[0, 2] += new_w / 2 - width / 2
    matrix[1, 2] += new_h / 2 - height / 2
    return cv2.warpAffine(image, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR, borderValue=border)


def rotate(image: np.ndarray, rng: random.Random) -> np.ndarray:
    """A rotation of up to 10 degrees either way, on a light grey surround."""
    return _rotate(image, rng.uniform(-10.0, 10.0), (200, 200, 200))


def skew(image: np.ndarray, rng: random.Random) -> np.ndarray:
    """A page laid slightly askew on a flatbed: up to 2.5 degrees, white surround."""
    return _rotate(image, rng.uniform(-2.5, 2.5), (250, 250, 250))


def _table(height: int, width: int, rng: random.Random) -> np.ndarray:
    """A table-top texture: wood grain, a grey desk or a dark cloth (drawn at quarter size)."""
    base = np.array(rng.choice(((60, 100, 150), (120, 120, 125), (45, 40, 40), (90, 140, 180))))
    gen = _np_rng(rng)
    small_h, small_w = max(1, height // 4), max(1, width // 4)
    grain = gen.standard_normal((small_h, 1), np.float32) * 6
    grain = grain + gen.standard_normal((small_h, small_w), np.float32) * 4
    columns = np.arange(small_w, dtype=np.float32)[None, :]
    streaks = np.sin(columns / rng.uniform(2, 8) + grain / 3) * 10
    surface = (base[None, None, :] + (streaks + grain)[..., None]).clip(0, 255).astype(np.uint8)
    return cv2.resize(surface, (width, height), interpolation=cv2.INTER_LINEAR)


def perspective(image: np.ndarray, rng: random.Random) -> np.ndarray:
    """The document photographed lying on a table: a tilted quad on a textured background."""
    height, width = image.shape[:2]
    out_w, out_h = int(width * 1.3), int(height * 1.35)
    jitter = 0.07
    left, top = (out_w - width) / 2, (out_h - height) / 2
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    dest = corners + np.array([[left, top]] * 4, np.float32)
    dest += np.array(
        [[rng.uniform(-jitter, jitter) * width, rng.uniform(-jitter, jitter) * height]
         for _ in range(4)],
        np.float32,
    )  # fmt: skip
    matrix = cv2.getPerspectiveTransform(corners, dest)
    warped = cv2.warpPerspective(image, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((height, width), 255, np.uint8), matrix, (out_w, out_h))
    background = _table(out_h, out_w, rng).astype(np.float32)
    cast = cv2.GaussianBlur(np.roll(mask, (12, 9), axis=(0, 1)), (0, 0), 12)
    background *= (1 - 0.45 * cast.astype(np.float32) / 255.0)[..., None]
    alpha = (cv2.GaussianBlur(mask, (3, 3), 0).astype(np.float32) / 255.0)[..., None]
    photo: np.ndarray = warped * alpha + background * (1 - alpha)
    return photo.clip(0, 255).astype(np.uint8)


def shadow(image: np.ndarray, rng: random.Random) -> np.ndarray:
    """Uneven lighting: a brightness gradient across the image and a soft vignette."""
    height, width = image.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (xx / width - 0.5) * np.cos(angle) + (yy / height - 0.5) * np.sin(angle)
    low = rng.uniform(0.55, 0.8)
    light = 1.0 - (ramp + 0.5).clip(0, 1) * (1.0 - low)
    vignette = 1.0 - 0.15 * (((xx / width - 0.5) ** 2 + (yy / height - 0.5) ** 2) * 2)
    lit: np.ndarray = image * (light * vignette)[..., None]
    return lit.clip(0, 255).astype(np.uint8)


def downscale(image: np.ndarray, rng: random.Random) -> np.ndarray:
    """Resample to about 150 dpi (half of the 300 dpi render, give or take)."""
    factor = rng.uniform(0.45, 0.55)
    height, width = image.shape[:2]
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


STEPS: dict[str, Step] = {
    "perspective": perspective,
    "rotate": rotate,
    "skew": skew,
    "shadow": shadow,
    "downscale": downscale,
    "blur": blur,
    "noise": noise,
    "jpeg": jpeg,
}

# Probability of each step in a random combination, per kind of capture (order = STEPS order).
_PLANS: dict[str, dict[str, float]] = {
    "photo": {"perspective": 0.8, "shadow": 0.7, "downscale": 0.3, "blur": 0.5, "noise": 0.6,
              "jpeg": 0.8},
    "scan": {"skew": 0.8, "downscale": 0.4, "blur": 0.3, "noise": 0.6, "jpeg": 0.8},
}  # fmt: skip


def random_steps(rng: random.Random, kind: str) -> list[str]:
    """A realistic random combination of step names for ``kind`` ("photo" or "scan")."""
    if kind not in _PLANS:
        raise ValueError(f"kind must be one of {', '.join(_PLANS)}, not {kind!r}")
    chosen = [name for name, p in _PLANS[kind].items() if rng.random() < p]
    if kind == "photo" and "perspective" not in chosen and rng.random() < 0.5:
        chosen.insert(0, "rotate")
    return chosen or ["jpeg"]


def degrade(
    image: np.ndarray,
    rng: random.Random,
    *,
    steps: Sequence[str] | None = None,
    kind: str = "photo",
) -> tuple[np.ndarray, list[str]]:
    """Apply ``steps`` (names from ``STEPS``, in the order given) or, when None, a random
    realistic combination for ``kind`` ("photo" or "scan"); return the image and the names."""
    names = list(steps) if steps is not None else random_steps(rng, kind)
    unknown = [n for n in names if n not in STEPS]
    if unknown:
        raise ValueError(f"unknown degradation step(s) {unknown}; known: {', '.join(STEPS)}")
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    for name in names:
        image = STEPS[name](image, rng)
    return image, names
