"""Image font forensics on the KTP's NIK line: digits that were typed over in another font.

The NIK is printed in one bold face at one size. A forger who changes digits with an image
editor rarely matches it exactly: the new digits stand taller or shorter, their strokes are
thinner or thicker. On the card brought to its canonical geometry (``normalise_card``), the
NIK band is cut out, its digits found as connected ink components, and each measured: height
and stroke width (twice the ink area over the outline length). A run of digits whose height
or stroke departs from the line's median by more than the thresholds is reported, with its
position, the measurements and the thresholds. When the digits cannot be separated (blur
merged them, or fewer than 12 were found) nothing is concluded.
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

# Where the NIK digits print on the canonical 1011 x 638 card (after the "NIK :" label).
_BAND = (0.255, 0.15, 0.76, 0.25)  # left, top, right, bottom as fractions


@dataclass(frozen=True)
class GlyphThresholds:
    height: float = 0.06  # relative departure of a digit's height from the line's median
    stroke: float = 0.22  # relative departure of a digit's stroke width
    min_digits: int = 12  # fewer separable digits: no conclusion


@dataclass(frozen=True)
class _Glyph:
    x: int
    y: int
    width: int
    height: int
    stroke: float


def _glyphs(card: Image) -> tuple[list[_Glyph], tuple[int, int]]:
    gray = normalise_lighting(to_gray(card))
    h, w = gray.shape[:2]
    x0, y0, x1, y1 = (int(_BAND[0] * w), int(_BAND[1] * h), int(_BAND[2] * w), int(_BAND[3] * h))
    band = gray[y0:y1, x0:x1]
    ink = cv2.threshold(band, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    tallest = max((int(s[cv2.CC_STAT_HEIGHT]) for s in stats[1:]), default=0)
    glyphs = []
    for index in range(1, count):
        left, top, width, height, area = (int(v) for v in stats[index][:5])
        if height < 0.6 * tallest or width < 3 or width > 1.2 * height:
            continue  # specks, background strokes, digits blur merged together
        mask = (labels[top : top + height, left : left + width] == index).astype(np.uint8)
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
        outline = sum(cv2.arcLength(c, True) for c in contours)
        glyphs.append(_Glyph(left + x0, top + y0, width, height, 2 * area / max(outline, 1.0)))
    glyphs.sort(key=lambda g: g.x)
    return glyphs, (w, h)


def nik_glyph_signals(
    image: Image, thresholds: GlyphThresholds = GlyphThresholds()
) -> list[Signal]:
    """``fraud.tamper.font`` signals for NIK digits out of line with the others."""
    card, _ = normalise_card(image)
    glyphs, size = _glyphs(card)
    if len(glyphs) < thresholds.min_digits:
        return []
    heights = np.array([g.height for g in glyphs], float)
    strokes = np.array([g.stroke for g in glyphs], float)
    xs = np.array([g.x for g in glyphs], float)
    # A photo taken at an angle leaves the line's height changing along it: compare with a
    # straight-line fit through the digits rather than with one median.
    trend = np.polyval(np.polyfit(xs, heights, 1), xs)
    height_dev = heights / trend - 1
    stroke_dev = strokes / float(np.median(strokes)) - 1
    odd = (np.abs(height_dev) > thresholds.height) | (np.abs(stroke_dev) > thresholds.stroke)
    if not odd.any() or odd.mean() > 0.5:  # half the line "odd" is the line itself, not an edit
        return []
    picked = [g for g, flag in zip(glyphs, odd, strict=True) if flag]
    return [
        (
            "fraud.tamper.font",
            {
                "method": "NIK digits measured on the canonical card: height (against a "
                "straight-line fit along the line) and stroke width (2 x area / outline)",
                "parameters": {
                    "height_threshold": thresholds.height,
                    "stroke_threshold": thresholds.stroke,
                    "min_digits": thresholds.min_digits,
                },
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
                "stroke_deviation": [round(float(v), 3) for v in stroke_dev[odd]],
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
