"""Near-duplicate document images: the same card or certificate uploaded again, re-encoded,
resized, cropped, rotated or photographed anew.

A global perceptual hash cannot tell two people's KTPs apart: the printed template (labels,
background, layout) dominates the image, so different cards hash a few bits apart while copies
of one card drift further. Both stages here therefore look at the *variable content* only:

1. ``fingerprint``: the document is brought to its canonical geometry (a KTP to the 1011 x 638
   card, other documents cropped from the table and straightened), ORB keypoints are taken
   inside the layout's variable-content regions (the KTP's personal rows and photo column; the
   akta's value block, QR code and signature; the KK's header values, member tables and QR
   code) where ink is dark, and each descriptor gives ``BANDS`` band keys (24 of its bits).
   Copies of one document share hundreds of keys; different documents share few. The keys
   are indexed in the database, so candidates are found by a join, not by comparing images.
2. ``confirm``: a candidate pair is matched with ORB (ratio test), a RANSAC homography aligns
   the two pages (the template helps here), and the score is the correlation of the aligned
   ink inside the variable-content regions: high when the names, numbers and photo are the
   same, low when only the template is.

``match_evidence`` draws the inlier matches side by side for the reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from verification.reading.ktp import normalise_card
from verification.reading.model import Image
from verification.reading.preprocess import deskew, estimate_skew, find_document

__all__ = [
    "BANDS",
    "CONFIRM_THRESHOLDS",
    "FINGERPRINT_VERSION",
    "Fingerprint",
    "Match",
    "Prepared",
    "confirm",
    "fingerprint",
    "layout_of",
    "match_evidence",
    "prepare",
    "ratio_matches",
]

FINGERPRINT_VERSION = 1
BANDS = 4  # band keys per descriptor: bytes 0-2, 3-5, 6-8, 9-11 of the 256-bit ORB descriptor
_BAND_BYTES = 3
_FEATURES = 1500  # ORB keypoints detected on the whole page (alignment uses them all)
_INDEXED = 800  # of which at most this many, in variable content, give index keys
_WORK_SIDE = 1400  # large scans are reduced to this longest side before anything else
_KEY_INK = 0.5  # keypoints on print this dark (of the page's darkest) give keys; light
# security patterns do not
_PAGE_WIDTH = {"portrait": 1000, "landscape": 1400}
_RATIO = 0.8  # Lowe's ratio test
_RANSAC_PX = 5.0
_MIN_INLIERS = 12
# Share of inked variable-content tiles that must agree once aligned, per layout. Measured on
# 300 synthetic pairs of different people per kind: up to 0.56 on KTPs, 0.68 on akta and 0.83
# on KK pages (whose tables hold much shared vocabulary); most copies score 0.8-1.0.
CONFIRM_THRESHOLDS = {"ktp": 0.6, "akta": 0.68, "kk": 0.88, "page": 0.8}
_TILE = 24  # px of the canonical page
_TILE_INK = 40  # a tile with a stroke this dark counts
_TILE_AGREE = 0.6  # correlation of a tile that agrees
_MIN_TILES = 20

# Variable-content regions (x0, y0, x1, y1 as fractions of the canonical page) per layout.
# KTP: NIK, name, birth and address values; the photo, issue place and date, signature.
# Rows whose values repeat across people (sex, religion, status, job, RT/RW, village) are
# left out: two strangers' "LAKI-LAKI / ISLAM / KAWIN" are the same pixels.
_REGIONS: dict[str, tuple[tuple[float, float, float, float], ...]] = {
    "ktp": ((0.25, 0.15, 0.74, 0.36), (0.25, 0.41, 0.74, 0.47), (0.75, 0.18, 1.0, 0.90)),
    "akta": ((0.08, 0.33, 0.92, 0.62), (0.08, 0.76, 0.30, 0.93), (0.55, 0.80, 0.80, 0.93)),
    # KK: the number, head of family and address; per member the name, NIK, birth place and
    # date, marriage date and parents' names; the QR code and signature.
    "kk": (
        (0.43, 0.10, 0.60, 0.14),
        (0.17, 0.13, 0.45, 0.22),
        (0.075, 0.28, 0.365, 0.50),
        (0.425, 0.28, 0.595, 0.50),
        (0.17, 0.58, 0.26, 0.79),
        (0.63, 0.58, 0.97, 0.79),
        (0.63, 0.80, 0.97, 0.97),
    ),
    "page": ((0.04, 0.04, 0.96, 0.96),),
}
_LAYOUTS = {
    "ktp": "ktp",
    "ktp_ayah": "ktp",
    "ktp_ibu": "ktp",
    "akta_kelahiran": "akta",
    "kk": "kk",
}


def layout_of(doc_type: str) -> str:
    """The canonical layout a document type is compared in (``page`` when none is known)."""
    return _LAYOUTS.get(doc_type, "page")


@dataclass(frozen=True)
class Fingerprint:
    """The index keys of one document image (``keys``: band index * 2**24 + 24 bits)."""

    layout: str
    keys: frozenset[int]
    keypoints: int
    version: int = FINGERPRINT_VERSION

    def shared(self, other: Fingerprint) -> int:
        return len(self.keys & other.keys)


@dataclass(frozen=True)
class Prepared:
    """A page in canonical geometry with its ORB keypoints, ready to fingerprint or match."""

    layout: str
    gray: Image
    points: np.ndarray  # (n, 2) float32 keypoint positions
    descriptors: np.ndarray  # (n, 32) uint8
    indexed: np.ndarray  # indices of the keypoints that give index keys
    steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """A confirmation of one pair: RANSAC inliers and the aligned content correlation."""

    score: float
    threshold: float
    inliers: int
    matches: int
    pairs: tuple[tuple[tuple[float, float], tuple[float, float]], ...] = field(
        default=(), repr=False
    )

    @property
    def same(self) -> bool:
        return self.score >= self.threshold

    def details(self) -> dict[str, object]:
        """What a finding's evidence records about the confirmation."""
        return {
            "score": round(self.score, 3),
            "threshold": self.threshold,
            "inliers": self.inliers,
            "matches": self.matches,
        }


def _canonical(image: Image, layout: str) -> tuple[Image, tuple[str, ...]]:
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    scale = _WORK_SIDE / max(image.shape[:2])
    if scale < 1:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    if layout == "ktp":
        card, card_steps = normalise_card(image)
        return cv2.cvtColor(card, cv2.COLOR_BGR2GRAY), tuple(card_steps)
    steps: list[str] = []
    page = find_document(image)
    if page is not image:
        steps.append("find_document")
    if abs(estimate_skew(page)) >= 0.3:
        page, steps = deskew(page), [*steps, "deskew"]
    height, width = page.shape[:2]
    target = _PAGE_WIDTH["portrait" if width < height else "landscape"]
    size = (target, max(1, round(height * target / width)))
    page = cv2.resize(page, size, interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), tuple(steps)


def _content_mask(shape: tuple[int, ...], layout: str) -> np.ndarray:
    height, width = shape[:2]
    mask = np.zeros((height, width), np.uint8)
    for x0, y0, x1, y1 in _REGIONS[layout]:
        mask[int(y0 * height) : int(y1 * height), int(x0 * width) : int(x1 * width)] = 255
    return mask


def _ink(gray: Image) -> np.ndarray:
    """How much darker than its surroundings each pixel is (print, photo; not the paper)."""
    background = cv2.GaussianBlur(gray, (0, 0), 12).astype(np.float32)
    ink: np.ndarray = np.clip(background - gray.astype(np.float32), 0, 255)
    return ink


def prepare(image: Image, doc_type: str) -> Prepared:
    """Bring a page (BGR or grey) to its canonical geometry and find its ORB keypoints."""
    layout = layout_of(doc_type)
    gray, steps = _canonical(image, layout)
    orb = cv2.ORB_create(nfeatures=_FEATURES)  # type: ignore[attr-defined]
    keypoints, descriptors = orb.detectAndCompute(gray, None)
    if descriptors is None or not keypoints:
        empty = np.zeros((0, 2), np.float32)
        return Prepared(layout, gray, empty, np.zeros((0, 32), np.uint8), np.zeros(0, int), steps)
    points = np.array([kp.pt for kp in keypoints], np.float32)
    inside = _content_mask(gray.shape, layout)[points[:, 1].astype(int), points[:, 0].astype(int)]
    ink = _ink(gray)
    dark = cv2.dilate(ink, np.ones((7, 7), np.uint8))
    level = max(20.0, _KEY_INK * float(np.percentile(ink, 99.5)))
    inked = dark[points[:, 1].astype(int), points[:, 0].astype(int)] > level
    candidates = np.flatnonzero((inside > 0) & inked)
    strength = np.array([keypoints[i].response for i in candidates])
    indexed = candidates[np.argsort(-strength, kind="stable")[:_INDEXED]]
    return Prepared(layout, gray, points, descriptors, indexed, steps)


def fingerprint(prepared: Prepared) -> Fingerprint:
    """The band keys of a prepared page's variable-content keypoints."""
    chosen = prepared.descriptors[prepared.indexed]
    keys: set[int] = set()
    for band in range(BANDS):
        chunk = chosen[:, band * _BAND_BYTES : (band + 1) * _BAND_BYTES].astype(np.int64)
        values = (chunk[:, 0] << 16) | (chunk[:, 1] << 8) | chunk[:, 2]
        keys.update(int(v) + (band << 24) for v in values)
    return Fingerprint(prepared.layout, frozenset(keys), len(prepared.indexed))


def ratio_matches(
    points_a: np.ndarray, descriptors_a: np.ndarray, points_b: np.ndarray, descriptors_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Positions in a and in b of the ORB descriptor pairs that pass Lowe's ratio test."""
    if len(descriptors_a) < 2 or len(descriptors_b) < 2:
        return np.zeros((0, 2), np.float32), np.zeros((0, 2), np.float32)
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    good = [
        pair[0]
        for pair in matcher.knnMatch(descriptors_a, descriptors_b, k=2)
        if len(pair) == 2 and pair[0].distance < _RATIO * pair[1].distance
    ]
    from_a = np.array([points_a[m.queryIdx] for m in good], np.float32).reshape(-1, 2)
    from_b = np.array([points_b[m.trainIdx] for m in good], np.float32).reshape(-1, 2)
    return from_a, from_b


def _strokes(gray: Image) -> np.ndarray:
    """The ink of a page without its long ruled lines (table grids are template, not content)."""
    ink = _ink(gray)
    lines = np.maximum(
        cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, 41), np.uint8)),
        cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((41, 1), np.uint8)),
    )
    strokes: np.ndarray = cv2.GaussianBlur(ink - lines, (0, 0), 1.2)
    return strokes


def _aligned_agreement(reference: Prepared, other: Prepared, homography: np.ndarray) -> float:
    """The share of inked tiles in the reference's variable-content regions whose strokes
    correlate with ``other`` warped onto it: the names, numbers and photo, tile by tile."""
    height, width = reference.gray.shape[:2]
    mine = _strokes(reference.gray)
    theirs = cv2.warpPerspective(
        _strokes(other.gray), homography, (width, height), flags=cv2.INTER_LINEAR
    )
    covered = cv2.warpPerspective(
        np.full(other.gray.shape[:2], 255, np.uint8), homography, (width, height)
    )
    mask = (_content_mask(reference.gray.shape, reference.layout) > 0) & (covered > 0)
    agreeing = inked = 0
    for y in range(0, height - _TILE + 1, _TILE):
        for x in range(0, width - _TILE + 1, _TILE):
            if not mask[y : y + _TILE, x : x + _TILE].all():
                continue
            a = mine[y : y + _TILE, x : x + _TILE].ravel()
            if a.max() < _TILE_INK:
                continue
            b = theirs[y : y + _TILE, x : x + _TILE].ravel()
            inked += 1
            a, b = a - a.mean(), b - b.mean()
            denominator = float(np.sqrt((a * a).sum() * (b * b).sum()))
            agreeing += denominator > 0 and float((a * b).sum()) / denominator >= _TILE_AGREE
    return agreeing / inked if inked >= _MIN_TILES else 0.0


def confirm(a: Prepared, b: Prepared, *, threshold: float | None = None) -> Match:
    """Whether two prepared pages show the same document (``Match.same``), with the score
    (``threshold`` defaults to the layout's, ``CONFIRM_THRESHOLDS``)."""
    if threshold is None:
        threshold = CONFIRM_THRESHOLDS[a.layout]
    from_a, from_b = ratio_matches(a.points, a.descriptors, b.points, b.descriptors)
    if len(from_a) < _MIN_INLIERS:
        return Match(0.0, threshold, 0, len(from_a))
    homography, status = cv2.findHomography(from_b, from_a, cv2.RANSAC, _RANSAC_PX)
    if homography is None or status is None or int(status.sum()) < _MIN_INLIERS:
        return Match(0.0, threshold, 0 if status is None else int(status.sum()), len(from_a))
    keep = status.ravel().astype(bool)
    # RANSAC's homography fits a minimal sample within _RANSAC_PX; refitted to all inliers
    # by least squares it is accurate to a pixel or two across the page, which the tile
    # correlation below needs (a cropped or re-photographed copy otherwise scored 0.3).
    refined, _ = cv2.findHomography(from_b[keep], from_a[keep], 0)
    if refined is not None:
        homography = refined
    pairs = tuple(
        ((float(p[0]), float(p[1])), (float(q[0]), float(q[1])))
        for p, q in zip(from_a[keep], from_b[keep], strict=True)
    )
    forward = _aligned_agreement(a, b, homography)
    backward = _aligned_agreement(b, a, np.linalg.inv(homography))
    # Both directions must agree: each page's own regions are only trusted where its
    # normalisation found the layout, and a lower bound is the cautious reading.
    score = min(forward, backward)
    return Match(score, threshold, int(keep.sum()), len(from_a), pairs)


def match_evidence(image_a: Image, image_b: Image, *, doc_type: str) -> Image:
    """Both pages side by side in canonical geometry with the inlier matches drawn: a BGR
    image for the reviewer, green lines when the pair is confirmed, red when not."""
    a, b = prepare(image_a, doc_type), prepare(image_b, doc_type)
    match = confirm(a, b)
    height = max(a.gray.shape[0], b.gray.shape[0])
    offset = a.gray.shape[1] + 20
    canvas = np.full((height + 40, offset + b.gray.shape[1], 3), 255, np.uint8)
    canvas[: a.gray.shape[0], : a.gray.shape[1]] = cv2.cvtColor(a.gray, cv2.COLOR_GRAY2BGR)
    canvas[: b.gray.shape[0], offset:] = cv2.cvtColor(b.gray, cv2.COLOR_GRAY2BGR)
    colour = (40, 160, 40) if match.same else (40, 40, 210)
    step = max(1, len(match.pairs) // 150)  # a readable number of lines
    for (xa, ya), (xb, yb) in match.pairs[::step]:
        start, end = (round(xa), round(ya)), (round(xb) + offset, round(yb))
        cv2.line(canvas, start, end, colour, 1, cv2.LINE_AA)
        cv2.circle(canvas, start, 3, colour, 1, cv2.LINE_AA)
        cv2.circle(canvas, end, 3, colour, 1, cv2.LINE_AA)
    label = f"score {match.score:.2f} (threshold {match.threshold:.2f}), {match.inliers} inliers"
    cv2.putText(canvas, label, (10, height + 28), cv2.FONT_HERSHEY_SIMPLEX, 0.7, colour, 2)
    return canvas
