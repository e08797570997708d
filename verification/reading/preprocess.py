"""Preprocessing: named ``ndarray -> ndarray`` steps that make a photo or scan OCR-able.

Each step is a plain function. ``prepare`` measures the image and runs only the steps it
needs, returning the image and the names of the steps that ran, for the reading record.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from verification.reading.model import Image

__all__ = [
    "PrepareOptions",
    "binarise",
    "denoise",
    "deskew",
    "document_quad",
    "estimate_skew",
    "find_document",
    "normalise_lighting",
    "prepare",
    "to_gray",
    "upscale",
]

Step = Callable[[Image], Image]


def to_gray(image: Image) -> Image:
    """Grey from the brightest channel: coloured (blue KTP) backgrounds turn near-white."""
    if image.ndim == 2:
        return image
    gray: Image = np.max(image, axis=2).astype(np.uint8)
    return gray


def _order_corners(points: np.ndarray) -> np.ndarray:
    pts = points.reshape(4, 2).astype(np.float32)
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array(
        [pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]],
        dtype=np.float32,
    )


def _plausible(mask: np.ndarray, quad: np.ndarray) -> bool:
    """A document is a solid region: mostly foreground inside the quad, background outside."""
    inside = np.zeros_like(mask)
    cv2.fillConvexPoly(inside, quad.astype(np.int32), 255)
    inner = mask[inside > 0]
    outer = mask[inside == 0]
    return bool(
        inner.size and inner.mean() > 0.85 * 255 and (outer.size == 0 or outer.mean() < 0.2 * 255)
    )


def _edge_contrast(distance: np.ndarray, quad: np.ndarray, offset: float = 5.0) -> float:
    """The weakest of the quad's four sides, as the median step in ``distance`` (colour
    distance from the background) across the side: a real document edge steps on every side;
    a quad that follows a shadow or the image border does not."""
    height, width = distance.shape[:2]
    centre = quad.mean(axis=0)
    weakest = float("inf")
    for a, b in zip(quad, np.roll(quad, -1, axis=0), strict=True):
        along = np.linspace(0.1, 0.9, 40)[:, None]
        points = a + along * (b - a)
        normal = np.array([-(b - a)[1], (b - a)[0]], np.float32)
        normal /= max(float(np.linalg.norm(normal)), 1e-6)
        if np.dot(centre - (a + b) / 2, normal) < 0:
            normal = -normal
        inner, outer = points + offset * normal, points - offset * normal
        valid = (
            (outer[:, 0] >= 0) & (outer[:, 0] < width) & (outer[:, 1] >= 0) & (outer[:, 1] < height)
        )
        if valid.mean() < 0.8:
            return 0.0  # the side lies on the image border: no edge was seen
        inner_i = np.clip(inner[valid].astype(int), 0, [width - 1, height - 1])
        outer_i = outer[valid].astype(int)
        step = distance[inner_i[:, 1], inner_i[:, 0]] - distance[outer_i[:, 1], outer_i[:, 0]]
        weakest = min(weakest, float(np.median(step)))
    return weakest


def _quad_from_mask(mask: np.ndarray) -> np.ndarray | None:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    area = mask.shape[0] * mask.shape[1]
    contour = max(contours, key=cv2.contourArea)
    if not 0.2 * area < cv2.contourArea(contour) < 0.97 * area:
        return None
    hull = cv2.convexHull(contour)
    quad = None
    for epsilon in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, epsilon * cv2.arcLength(hull, True), True)
        if len(approx) == 4:
            quad = _order_corners(approx)
            break
    if quad is None:
        quad = _order_corners(cv2.boxPoints(cv2.minAreaRect(hull)))
    return quad if _plausible(mask, quad) else None


def document_quad(image: Image) -> np.ndarray | None:
    """The corners of a document lying on a background of another colour, or None.

    The background is what the image corners show (a card lying on a table, or scanned
    slightly rotated, leaves the corners uncovered): pixels far (in Lab colour) from the
    corners' median colour are the document. Canny edges are the fallback.
    """
    scale = 800 / max(image.shape[:2])
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    if small.ndim == 2:
        small = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (0, 0), 4), cv2.COLOR_BGR2LAB).astype(np.float32)
    c = max(4, min(lab.shape[:2]) // 30)
    corners = np.concatenate(
        [
            lab[:c, :c].reshape(-1, 3),
            lab[:c, -c:].reshape(-1, 3),
            lab[-c:, :c].reshape(-1, 3),
            lab[-c:, -c:].reshape(-1, 3),
        ]
    )
    distance = np.linalg.norm(lab - np.median(corners, axis=0), axis=2)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    # The colour step between document and table varies (a light card on a light scanner bed,
    # a table lit unevenly): try several and keep the quad whose sides step most clearly.
    otsu = cv2.threshold(np.clip(distance, 0, 255).astype(np.uint8), 0, 255, cv2.THRESH_OTSU)[0]
    quad, best = None, 4.0  # a side must step by more than this to count as an edge
    for threshold in sorted({10.0, 28.0, 45.0, float(otsu)}):
        mask = (distance > threshold).astype(np.uint8) * 255
        mask = cv2.morphologyEx(
            cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel), cv2.MORPH_OPEN, kernel
        )
        candidate = _quad_from_mask(mask)
        contrast = _edge_contrast(distance, candidate) if candidate is not None else 0.0
        if candidate is not None and contrast > best:
            quad, best = candidate, contrast
    if quad is None:
        gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
        edges = cv2.dilate(
            cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 30, 90), np.ones((3, 3), np.uint8)
        )
        filled = np.zeros_like(edges)
        contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.drawContours(filled, contours, -1, 255, thickness=cv2.FILLED)
        quad = _quad_from_mask(filled)
    if quad is None:
        return None
    found: np.ndarray = quad / scale
    return found


def find_document(image: Image) -> Image:
    """Crop a document photographed on a table and undo the perspective."""
    quad = document_quad(image)
    if quad is None:
        return image
    tl, tr, br, bl = quad
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32
    )
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    return cv2.warpPerspective(
        image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )


def estimate_skew(image: Image) -> float:
    """Angle in degrees (counter-clockwise positive) of the text lines, within ±15°."""
    gray = to_gray(image)
    scale = min(1.0, 1000 / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    # Join letters into line-shaped blobs, then take the dominant blob orientation.
    ink = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 3)))
    contours, _ = cv2.findContours(ink, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    angles, weights = [], []
    for contour in contours:
        (_, _), (w, h), angle = cv2.minAreaRect(contour)
        if w < h:
            w, h, angle = h, w, angle - 90
        if w < 40 or w < 3 * h:
            continue
        angle = ((angle + 45) % 90) - 45
        if abs(angle) <= 15:
            angles.append(angle)
            weights.append(w)
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cumulative = np.cumsum(np.asarray(weights)[order])
    median = float(np.asarray(angles)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])
    return -median


def deskew(image: Image) -> Image:
    """Rotate so text lines are horizontal (handles at least ±10°)."""
    angle = estimate_skew(image)
    if abs(angle) < 0.3:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(h * sin + w * cos), int(h * cos + w * sin)
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    return cv2.warpAffine(
        image, matrix, (new_w, new_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )


def normalise_lighting(image: Image) -> Image:
    """Divide by the smoothed background so shadows and gradients flatten out."""
    gray = to_gray(image)
    kernel = max(15, (min(gray.shape) // 20) | 1)
    background = cv2.morphologyEx(
        gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (kernel, kernel))
    )
    background = cv2.GaussianBlur(background, (0, 0), kernel / 3)
    flat = cv2.divide(gray, np.maximum(background, 1), scale=255)
    return flat.astype(np.uint8)


def denoise(image: Image) -> Image:
    """Remove sensor and JPEG noise while keeping stroke edges."""
    return cv2.fastNlMeansDenoising(
        to_gray(image), None, h=12, templateWindowSize=7, searchWindowSize=15
    )


def binarise(image: Image) -> Image:
    """Black text on white (Otsu on the flattened grey image)."""
    return cv2.threshold(to_gray(image), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]


def upscale(image: Image) -> Image:
    """Double the resolution of a low-resolution scan (about 150 dpi) for Tesseract."""
    return cv2.resize(image, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)


def _noise_level(gray: Image) -> float:
    """Robust noise sigma estimate (median absolute Laplacian response)."""
    lap = cv2.Laplacian(gray.astype(np.float32), cv2.CV_32F)
    return float(np.median(np.abs(lap)) * 1.4826 / math.sqrt(20))


@dataclass(frozen=True)
class PrepareOptions:
    """What ``prepare`` may do; ``target_width`` is the expected document width in pixels at
    300 dpi (1011 for a KTP, 2480 or 3508 for A4), for the low-resolution decision."""

    target_width: int | None = None
    find_document: bool = True
    binarise: bool = False


def prepare(image: Image, options: PrepareOptions | None = None) -> tuple[Image, list[str]]:
    """Run the steps this image needs; return the result and the names of the steps run."""
    options = options or PrepareOptions()
    steps: list[tuple[str, Step]] = []
    if options.find_document and document_quad(image) is not None:
        steps.append(("find_document", find_document))
    ran: list[str] = []
    for name, step in steps:
        image = step(image)
        ran.append(name)
    if options.target_width and image.shape[1] < 0.65 * options.target_width:
        image, ran = upscale(image), [*ran, "upscale"]
    if abs(estimate_skew(image)) >= 0.3:
        image, ran = deskew(image), [*ran, "deskew"]
    gray = to_gray(image)
    spread = cv2.GaussianBlur(gray, (0, 0), 25)
    if float(np.percentile(spread, 95) - np.percentile(spread, 5)) > 40:
        gray, ran = normalise_lighting(gray), [*ran, "normalise_lighting"]
    if _noise_level(gray) > 6:
        gray, ran = denoise(gray), [*ran, "denoise"]
    if options.binarise:
        gray, ran = binarise(gray), [*ran, "binarise"]
    return gray, ran
