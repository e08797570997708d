"""Image font forensics on the KTP's NIK line: digits that were typed over in another font.

The NIK is printed in one bold face at one size. A forger who changes digits with an image
editor rarely matches it exactly: the new digits stand taller or shorter, their strokes are
thinner or thicker. On the card brought to its canonical geometry (``normalise_card``), the
NIK band is cut out, its digits found as connected ink components, and each measured: height
and stroke width (twice the ink area over the outline length). The height is measured to a
fraction of a pixel (the digits are about 27 pixels tall, so a whole pixel is 4 %): between
the rows where the darkest pixel per row crosses 30 % of the contrast of the digit's top and
of its bottom stroke. Digits whose height (against a straight line fitted along the line:
robustly, Theil-Sen, where the digits agree to half a pixel, by least squares on a soft scan)
departs by more than the line's own scatter allows (``spreads`` times its robust spread, from
``sharp_height`` on a sharp card up to ``height`` on a soft one), or whose stroke departs by
more than ``stroke``, are reported, with their box, the measurements and the thresholds.

When fewer than 16 digits separate and those that do show nothing (blur merged them, or a
larger retyped digit touches its neighbours and drops out of the count), the line is cut
into 16 equal cells (the NIK's 16 digits share one advance width) and each cell's ink height
is measured the same way. Only height is judged there (a cell's stroke is not a glyph's), by
its own rule: one cell taller than ``cell_taller`` or shorter than ``cell_shorter``, or two
neighbouring cells both beyond ``run_taller`` or both beyond ``run_shorter``, and in each
case beyond what the line's own scatter allows (a blurred line's cells vary more). Shorter
needs more: blur takes height off a pointed apex (a 4's) and never adds any.
When not even the line is found, nothing is concluded.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from verification.checks.case import CheckContext
from verification.findings import Finding
from verification.fraud.signals import Signal, signal_findings
from verification.reading.ktp import normalise_card
from verification.reading.model import Image
from verification.reading.preprocess import normalise_lighting, to_gray

__all__ = ["GlyphThresholds", "nik_glyph_findings", "nik_glyph_signals"]

_METHODS = {
    "digits": "NIK digits measured on the canonical card: height (against a straight-line fit "
    "along the line) and stroke width (2 x area / outline)",
    "cells": "the NIK line (digits merged by blur) cut into 16 equal cells on the canonical "
    "card: ink height per cell against a straight-line fit along the line",
}

# Where the NIK digits print on the canonical 1011 x 638 card (after the "NIK :" label).
_BAND = (0.255, 0.15, 0.76, 0.25)  # left, top, right, bottom as fractions


@dataclass(frozen=True)
class GlyphThresholds:
    height: float = 0.04  # relative departure of a digit's height from the line's fit ...
    sharp_height: float = 0.03  # ... or less on a line whose digits agree closely:
    spreads: float = 6.0  # this many times the line's robust spread, within the two
    stroke: float = 0.22  # relative departure of a digit's stroke width
    min_digits: int = 12  # fewer separable digits are not judged as digits, only as cells
    cell_taller: float = 0.06  # cells: one cell's height departing this much upwards
    cell_shorter: float = 0.13  # ... or this much downwards
    run_taller: float = 0.04  # cells: or two neighbours both departing this much upwards
    run_shorter: float = 0.08  # ... or both this much downwards
    cell_spreads: float = 3.0  # cells: and one beyond this many times the line's spread
    run_spreads: float = 2.0  # ... two beyond this many


@dataclass(frozen=True)
class _Glyph:
    x: int
    y: int
    width: int
    height: float  # sub-pixel (``_extent``)
    stroke: float


@dataclass(frozen=True)
class _Band:
    """The NIK band's ink components, where the band starts on the card, the card's size."""

    labels: np.ndarray
    stats: np.ndarray
    dark: np.ndarray  # darkness (255 - grey) of the lighting-normalised band
    tall: list[int]  # the components at least 0.6 x as tall as the tallest (digit-tall)
    origin: tuple[int, int]
    size: tuple[int, int]


def _band(card: Image) -> _Band:
    gray = normalise_lighting(to_gray(card))
    h, w = gray.shape[:2]
    x0, y0, x1, y1 = (int(_BAND[0] * w), int(_BAND[1] * h), int(_BAND[2] * w), int(_BAND[3] * h))
    ink = cv2.threshold(gray[y0:y1, x0:x1], 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    tallest = max((int(s[cv2.CC_STAT_HEIGHT]) for s in stats[1:]), default=0)
    tall = [i for i in range(1, count) if stats[i][cv2.CC_STAT_HEIGHT] >= 0.6 * tallest]
    dark = 255.0 - gray[y0:y1, x0:x1].astype(np.float32)
    return _Band(labels, stats, dark, tall, (x0, y0), (w, h))


_EDGE_LEVEL = 0.3  # the fraction of an edge's contrast where it is placed
_EDGE_ROWS = 6  # the rows of a digit's top (and bottom) stroke whose darkness sets its edge


def _extent(dark: np.ndarray, columns: tuple[int, int], rows: tuple[int, int]) -> float:
    """The sub-pixel height of the ink in ``columns`` whose whole pixel rows are ``rows``
    (first, last + 1): between the rows where the darkest pixel per row crosses
    ``_EDGE_LEVEL`` of the contrast of the top stroke (against the paper above) and of the
    bottom stroke (against the paper below), interpolated between the rows either side. Each
    edge has its own contrast, so a dark crossbar elsewhere does not move it; the low level
    keeps a pointed apex that blur has lightened (a 4's) near its tip."""
    first, last = max(0, rows[0] - 3), min(dark.shape[0], rows[1] + 3)
    profile = dark[first:last, columns[0] : columns[1]].max(axis=1).astype(np.float64)
    top, bottom = rows[0] - first, rows[1] - first
    if bottom - top < 2 * _EDGE_ROWS:
        return float(rows[1] - rows[0])  # too short to have a top and a bottom stroke
    paper_top, paper_bottom = profile[: max(top, 1)].min(), profile[bottom - 1 :].min()
    half_top = paper_top + _EDGE_LEVEL * (profile[top : top + _EDGE_ROWS].max() - paper_top)
    half_bottom = paper_bottom + _EDGE_LEVEL * (
        profile[bottom - _EDGE_ROWS : bottom].max() - paper_bottom
    )
    upper = int(np.argmax(profile >= half_top))
    lower = int(np.flatnonzero(profile >= half_bottom)[-1])
    start, end = float(upper), float(lower)
    if upper > 0:
        start -= (profile[upper] - half_top) / max(profile[upper] - profile[upper - 1], 1e-3)
    if lower + 1 < len(profile):
        end += (profile[lower] - half_bottom) / max(profile[lower] - profile[lower + 1], 1e-3)
    return float(end - start)


def _glyphs(band: _Band) -> list[_Glyph]:
    """The separate digits, left to right."""
    x0, y0 = band.origin
    glyphs = []
    for index in band.tall:
        left, top, width, height, area = (int(v) for v in band.stats[index][:5])
        if width < 3 or width > 1.2 * height:
            continue  # background strokes, digits blur merged together
        mask = (band.labels[top : top + height, left : left + width] == index).astype(np.uint8)
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
        outline = sum(cv2.arcLength(c, True) for c in contours)
        exact = _extent(band.dark, (left, left + width), (top, top + height))
        glyphs.append(_Glyph(left + x0, top + y0, width, exact, 2 * area / max(outline, 1.0)))
    glyphs.sort(key=lambda g: g.x)
    return glyphs


NIK_DIGITS = 16


def _cells(band: _Band) -> list[_Glyph]:
    """The NIK line cut into 16 equal cells (the middle 70% of each, away from neighbours'
    ink), each as a glyph box with its ink height; no stroke (NaN)."""
    x0, y0 = band.origin
    digit_tall = [i for i in band.tall if band.stats[i][cv2.CC_STAT_AREA] >= 20]  # no specks
    line = np.isin(band.labels, digit_tall)
    columns = np.nonzero(line.any(axis=0))[0]
    if len(columns) == 0:
        return []
    left, right = int(columns.min()), int(columns.max()) + 1
    pitch = (right - left) / NIK_DIGITS
    cells = []
    for k in range(NIK_DIGITS):
        a = round(left + (k + 0.15) * pitch)
        b = max(a + 1, round(left + (k + 0.85) * pitch))
        rows = np.nonzero(line[:, a:b].any(axis=1))[0]
        if len(rows) == 0:
            return []  # a gap in the line: not 16 digits
        top, bottom = int(rows.min()), int(rows.max()) + 1
        exact = _extent(band.dark, (a, b), (top, bottom))
        cells.append(_Glyph(a + x0, top + y0, b - a, exact, float("nan")))
    return cells


def _odd_cells(height_dev: np.ndarray, t: GlyphThresholds) -> np.ndarray:
    """Cells beyond the cell rules, each threshold raised to what the line's own scatter
    allows (``cell_spreads`` times its robust spread for one cell, ``run_spreads`` for two)."""
    spread = _spread(height_dev)
    one, two = t.cell_spreads * spread, t.run_spreads * spread
    odd: np.ndarray = (height_dev > max(t.cell_taller, one)) | (
        height_dev < -max(t.cell_shorter, one)
    )
    for i in range(len(height_dev) - 1):
        pair = height_dev[i : i + 2]
        if (pair > max(t.run_taller, two)).all() or (pair < -max(t.run_shorter, two)).all():
            odd[i : i + 2] = True
    return odd


def _spread(values: np.ndarray) -> float:
    """Robust standard deviation: 1.4826 x the median absolute deviation."""
    return 1.4826 * float(np.median(np.abs(values - np.median(values))))


def _height_limit(height_dev: np.ndarray, t: GlyphThresholds) -> float:
    """The height departure beyond which a digit is odd: ``spreads`` times the line's robust
    spread, from ``sharp_height`` up to ``height``."""
    return min(t.height, max(t.sharp_height, t.spreads * _spread(height_dev)))


def _height_deviations(glyphs: list[_Glyph]) -> np.ndarray:
    """Each glyph's height against a straight line along the line (a photo taken at an angle
    leaves the height changing along it). On a sharp scan, where at least three quarters of
    the digits sit on a Theil-Sen line (the median of the pairwise slopes and intercepts) to
    half a pixel, that line: it ignores up to a quarter of the digits, where a least-squares line
    leans towards two or three retyped ones and hides them. On a soft scan, where rounding
    and blur move heights by a pixel each way, the least-squares line: a one-pixel lean of
    the robust line's median is as likely as a retyped digit there."""
    heights = np.array([g.height for g in glyphs], float)
    xs = np.array([g.x + g.width / 2 for g in glyphs], float)
    i, j = np.triu_indices(len(xs), 1)
    apart = xs[j] != xs[i]
    slopes = (heights[j] - heights[i])[apart] / (xs[j] - xs[i])[apart]
    slope = float(np.median(slopes)) if len(slopes) else 0.0
    robust = float(np.median(heights - slope * xs)) + slope * xs
    if np.percentile(np.abs(heights - robust), 75) < 0.5:
        fitted = robust
    else:
        fitted = np.polyval(np.polyfit(xs, heights, 1), xs)
    deviation: np.ndarray = heights / np.maximum(fitted, 1.0) - 1
    return deviation


def nik_glyph_signals(
    image: Image, thresholds: GlyphThresholds = GlyphThresholds()
) -> list[Signal]:
    """``fraud.tamper.font`` signals for NIK digits out of line with the others: the separate
    digits first, then (when fewer than 16 separate: some merged) the line's 16 cells."""
    card, _ = normalise_card(image)
    band = _band(card)
    digits = _glyphs(band)
    if len(digits) >= thresholds.min_digits:
        height_dev = _height_deviations(digits)
        strokes = np.array([g.stroke for g in digits], float)
        stroke_dev = strokes / float(np.median(strokes)) - 1
        limit = _height_limit(height_dev, thresholds)
        odd = (np.abs(height_dev) > limit) | (np.abs(stroke_dev) > thresholds.stroke)
        found = _signal(digits, "digits", height_dev, stroke_dev, odd, band.size, thresholds, limit)
        if found or len(digits) >= NIK_DIGITS:
            return found
    cells = _cells(band)
    if not cells:
        return []
    height_dev = _height_deviations(cells)
    odd = _odd_cells(height_dev, thresholds)
    no_stroke = np.zeros_like(height_dev)  # a cell's stroke is not a glyph's: not judged
    return _signal(cells, "cells", height_dev, no_stroke, odd, band.size, thresholds)


def _signal(
    glyphs: list[_Glyph],
    measured: str,
    height_dev: np.ndarray,
    stroke_dev: np.ndarray,
    odd: np.ndarray,
    size: tuple[int, int],
    thresholds: GlyphThresholds,
    limit: float | None = None,
) -> list[Signal]:
    if not odd.any() or odd.mean() > 0.5:  # half the line "odd" is the line itself, not an edit
        return []
    picked = [g for g, flag in zip(glyphs, odd, strict=True) if flag]
    return [
        (
            "fraud.tamper.font",
            {
                "method": _METHODS[measured],
                "measured": measured,
                "parameters": {
                    "height_threshold": thresholds.height,
                    "sharp_height_threshold": thresholds.sharp_height,
                    "spreads": thresholds.spreads,
                    "stroke_threshold": thresholds.stroke,
                    "min_digits": thresholds.min_digits,
                    "cell_taller_threshold": thresholds.cell_taller,
                    "cell_shorter_threshold": thresholds.cell_shorter,
                    "run_taller_threshold": thresholds.run_taller,
                    "run_shorter_threshold": thresholds.run_shorter,
                    "cell_spreads": thresholds.cell_spreads,
                    "run_spreads": thresholds.run_spreads,
                    "edge_level": _EDGE_LEVEL,
                },
                # the height departure this line's digits were held to (digits only)
                "height_limit": None if limit is None else round(limit, 4),
                "score": round(
                    float(max(np.abs(height_dev[odd]).max(), np.abs(stroke_dev[odd]).max())), 3
                ),
                "digits_measured": len(glyphs),
                "odd_digits": len(picked),
                # on the canonical card (the picture straightened and scaled to card_size),
                # as fractions of it like every detector's box
                "box": [
                    round(min(g.x for g in picked) / size[0], 4),
                    round(min(g.y for g in picked) / size[1], 4),
                    round(max(g.x + g.width for g in picked) / size[0], 4),
                    round(max(g.y + g.height for g in picked) / size[1], 4),
                ],
                "card_size": list(size),
                "height_deviation": [round(float(v), 3) for v in height_dev[odd]],
                "stroke_deviation": (
                    [round(float(v), 3) for v in stroke_dev[odd]] if measured == "digits" else []
                ),
            },
        )
    ]


def nik_glyph_findings(
    image: Image, *, document: str, sha256: str | None, ctx: CheckContext
) -> list[Finding]:
    """The findings of ``nik_glyph_signals`` for one KTP image."""
    return signal_findings(
        nik_glyph_signals(image),
        document=document,
        sha256=sha256,
        ctx=ctx,
        field="nik",
        message=lambda _, d: (
            f"{d['odd_digits']} NIK digit(s) differ in size or stroke from the rest"
        ),
    )
