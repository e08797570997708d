"""Image forensics for a pasted block: a region whose noise or JPEG grid is not the page's.

A block pasted from another image brings its own history. Its sensor noise differs from the
page's (a clean render pasted into a phone photo, a noisy crop pasted onto a clean scan), and
if it came from a JPEG its 8 x 8 block grid lands wherever the forger dropped it, out of phase
with the page's grid. The page is cut into tiles and two maps are measured:

- noise: the Laplacian-difference noise sigma (Immerkaer) over the paper pixels of 16 x 16
  tiles (away from edges and from ink: small print on a phone photo is too soft for the edge
  test), as a log ratio to the page's median sigma (both plus an offset, so that a clean page's
  near-zero sigma does not make every speck a departure), averaged over the 3 x 3 usable tiles
  around each; a tile departs when the ratio passes a floor and a multiple of the page's median
  absolute deviation, and the sigmas differ by a few tenths of a grey level at least. The
  pasted block's own JPEG save and the page's last one leave little of its extra noise, but
  the pages' flat paper has almost none: the ratio, not the difference, carries it. The same
  test on the mean of the lower half of each tile's residuals must agree (at 0.7 of the
  limits): sparse faint lines, an akta's guilloche, raise the mean but not those. The mean's
  own departing tiles around a region must pass the shape test below too (pruning a sprawl
  around the text can leave a compact core). On a photographed or tilted page only the tiles
  inside its outline (``document_quad``) are measured: the table's texture, counted with the
  page, widens the page's spread until a paste no longer stands out;
- foreign grid: per tile (smoothed over 3 x 3 tiles), the mean clipped neighbour difference at
  each of the 8 column and row phases; a tile whose strongest phase is not the page's grid
  (phase 7, the last pixel of a JPEG block) stands out.

Departing tiles are grouped into connected regions; a region counts only when it is compact
(fills half its box), large enough, away from the page edge (a photo's table top is not a
splice) and small against the page (a property of the whole page is not an edit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from statistics import NormalDist
from typing import Any

import cv2
import numpy as np

from verification.checks.case import CheckContext
from verification.findings import Finding
from verification.fraud.signals import Signal, signal_findings
from verification.reading.model import Image
from verification.reading.preprocess import document_quad

__all__ = [
    "MAPS",
    "TILE",
    "Region",
    "SpliceThresholds",
    "phase_profiles",
    "region_evidence",
    "regions",
    "splice_evidence",
    "splice_findings",
    "splice_signals",
    "tile_mean",
    "tiled_gray",
]

TILE = 32  # pixels per tile side (four JPEG blocks)
NOISE_TILE = 16  # the noise map's finer tiles: a pasted line of text is two or three high
_LAPLACE = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)


@dataclass(frozen=True)
class SpliceThresholds:
    noise_offset: float = 0.5  # grey levels added to both sigmas before their ratio
    noise_log: float = 0.6  # |log ratio| of a tile's sigma to the page's median, at least
    noise_mads: float = 5.0  # ... and this many page MADs of the log ratio
    noise_floor: float = 0.2  # ... and the sigmas differ by this many grey levels
    noise_trimmed: float = 0.7  # the trimmed sigma must depart too, by this share of the
    # log-ratio and grey-level limits (the MAD limit as it is)
    trimmed_share: float = 0.5  # the trimmed sigma keeps this lower share of the residuals
    ink_contrast: float = 30.0  # pixels this much darker than the paper within 5 px (black-hat
    # over 11 x 11, after a 1 px blur) are ink: they and a 2 px ring are not paper to measure
    noise_min_tiles: int = 20  # smallest noise region, in 16 px tiles
    noise_min_share: float = 0.0025  # ... and as a fraction of the page's tiles (a large
    # phone photo's stamps and folds are a few dozen tiles; pasted lines are hundreds)
    noise_min_fill: float = 0.4
    noise_max_fraction: float = 0.25  # a photo block covers a sixth of a small KTP scan
    grid_margin: float = 0.4  # a foreign phase must beat the page's phase by this much
    grid_peak: float = 1.0  # mean foreign-phase peak a region needs (over the median phase)
    min_tiles: int = 6  # smallest region, in tiles
    min_fill: float = 0.5  # region area over its bounding box
    max_fraction: float = 0.1  # largest region, as a fraction of the page's tiles


@dataclass(frozen=True)
class Region:
    """Connected departing tiles: tile box (x, y, w, h), area in tiles, mean score and the
    tile side in pixels."""

    x: int
    y: int
    width: int
    height: int
    tiles: int
    score: float
    tile: int = TILE

    def box(self, shape: tuple[int, ...], origin: tuple[int, int] = (0, 0)) -> list[float]:
        """x0, y0, x1, y1 as fractions of a page of ``shape`` (rows, columns), the tiles
        counted from the page pixel ``origin`` (x, y): where the part they cut starts."""
        rows, cols, side = shape[0], shape[1], self.tile
        left, top = origin
        return [
            round((self.x * side + left) / cols, 4),
            round((self.y * side + top) / rows, 4),
            round(min(1.0, ((self.x + self.width) * side + left) / cols), 4),
            round(min(1.0, ((self.y + self.height) * side + top) / rows), 4),
        ]


def tiled_gray(image: Image) -> np.ndarray:
    """The grey page as float32, cropped to whole tiles (the JPEG grid stays at the origin)."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    rows, cols = gray.shape[0] // TILE * TILE, gray.shape[1] // TILE * TILE
    return np.asarray(gray[:rows, :cols], np.float32)


def tile_mean(values: np.ndarray, tile: int = TILE) -> np.ndarray:
    """The mean of ``values`` over each ``tile`` x ``tile`` square."""
    rows, cols = values.shape
    return cv2.resize(values, (cols // tile, rows // tile), interpolation=cv2.INTER_AREA)


def regions(
    flag: np.ndarray,
    score: np.ndarray,
    thresholds: SpliceThresholds = SpliceThresholds(),
    tile: int = TILE,
) -> list[Region]:
    """Compact regions of flagged tiles, away from the page edge and small against the page."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        flag.astype(np.uint8), connectivity=8
    )
    rows, cols = flag.shape
    found = []
    for index in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[index][:5])
        if x == 0 or y == 0 or x + w == cols or y + h == rows:
            continue
        if area < thresholds.min_tiles or area > thresholds.max_fraction * flag.size:
            continue
        if area < thresholds.min_fill * w * h:
            continue
        found.append(Region(x, y, w, h, area, float(score[labels == index].mean()), tile))
    return sorted(found, key=lambda r: -r.tiles * r.score)


_INK_KERNEL = cv2.getStructuringElement(cv2.MORPH_RECT, (11, 11))


def _trimmed_unit(share: float) -> float:
    """The mean of the lower ``share`` of |x| for x normal with unit sigma, times the
    Laplacian kernel's norm (6): turns a trimmed mean of residuals into a sigma."""
    cut = NormalDist().inv_cdf((1 + share) / 2)
    return 6 * math.sqrt(2 / math.pi) * -math.expm1(-cut * cut / 2) / share


def _page_tiles(image: Image, shape: tuple[int, ...]) -> np.ndarray | None:
    """Per 16 px tile of a page of ``shape``: whether it lies inside a photographed or tilted
    document's outline, a tile's width from its edge (None when the document fills the
    picture). The table around a photographed page has a texture of its own; measured with
    the page it widens the page's spread of noise until a paste no longer stands out."""
    quad = document_quad(image)
    if quad is None:
        return None
    mask = np.zeros(shape[:2], np.float32)
    cv2.fillConvexPoly(mask, np.round(quad).astype(np.int32), 1.0)
    inside = (tile_mean(mask, NOISE_TILE) >= 0.999).astype(np.uint8)
    return cv2.erode(inside, np.ones((3, 3), np.uint8), borderValue=0) > 0


def _noise_map(
    gray: np.ndarray, thresholds: SpliceThresholds
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per 16 px tile over its paper pixels (away from edges and from ink): the noise sigma
    from the mean residual, the same from the lower share of the residuals only (sparse faint
    lines such as an akta's guilloche raise the mean, not these), and which tiles have enough
    paper pixels."""
    residual = np.abs(cv2.filter2D(gray, -1, _LAPLACE))
    smooth = cv2.GaussianBlur(gray, (0, 0), 3.0)
    edges = cv2.magnitude(cv2.Sobel(smooth, -1, 1, 0), cv2.Sobel(smooth, -1, 0, 1))
    # small print on a phone photo is too soft for the edge test: its strokes' Laplacian
    # would read as noise wherever the text is dense (found on a lightly blurred copy, so that a
    # noisy paste's own grain is not taken for ink)
    softened = cv2.GaussianBlur(gray.astype(np.uint8), (0, 0), 1.0)  # whole grey levels
    ink = cv2.morphologyEx(softened, cv2.MORPH_BLACKHAT, _INK_KERNEL) >= thresholds.ink_contrast
    near_edge = cv2.dilate((edges >= 24).astype(np.uint8), np.ones((3, 3), np.uint8))
    near_ink = cv2.dilate(ink.astype(np.uint8), np.ones((5, 5), np.uint8))
    flat = ((near_edge == 0) & (near_ink == 0)).astype(np.float32)
    share = tile_mean(flat, NOISE_TILE)
    sigma = (
        np.sqrt(np.pi / 2) / 6 * tile_mean(residual * flat, NOISE_TILE) / np.maximum(share, 1e-3)
    )
    side = NOISE_TILE
    ty, tx = gray.shape[0] // side, gray.shape[1] // side
    per_tile = np.where(flat > 0, residual, np.inf)[: ty * side, : tx * side]
    values = per_tile.reshape(ty, side, tx, side).transpose(0, 2, 1, 3).reshape(ty, tx, -1)
    values.sort(axis=-1)  # flat pixels' residuals first, ascending
    kept = np.maximum((share * side * side * thresholds.trimmed_share).astype(int), 1)
    lowest = np.arange(side * side) < kept[..., None]  # flat pixels' residuals, if any
    summed = np.where(lowest & (share[..., None] > 0), values, 0.0).sum(-1)
    trimmed = summed / kept / _trimmed_unit(thresholds.trimmed_share)
    return sigma, trimmed.astype(np.float32), share > 0.25


def _departures(
    sigma: np.ndarray, usable: np.ndarray, thresholds: SpliceThresholds
) -> tuple[np.ndarray, np.ndarray, float]:
    """Tiles whose pooled log ratio to the page's median sigma departs, that pooled ratio
    over its limit, and the page's median sigma."""
    median = float(np.median(sigma[usable]))
    offset = thresholds.noise_offset
    weight = usable.astype(np.float32)
    ratio = np.log((sigma + offset) / (median + offset)).astype(np.float32) * weight
    counts = np.maximum(cv2.boxFilter(weight, -1, (3, 3), normalize=False), 1.0)
    pooled: np.ndarray = cv2.boxFilter(ratio, -1, (3, 3), normalize=False) / counts
    mad = 1.4826 * float(np.median(np.abs(pooled[usable] - np.median(pooled[usable]))))
    limit = max(thresholds.noise_log, thresholds.noise_mads * mad, 1e-6)
    apart = np.abs(np.expm1(pooled)) * (median + offset)  # the pooled departure, grey levels
    flag = usable & (np.abs(pooled) >= limit) & (apart >= thresholds.noise_floor)
    return flag, pooled / limit, median


def _within_compact(
    found: list[Region], flag: np.ndarray, thresholds: SpliceThresholds
) -> list[Region]:
    """The regions of ``found`` whose connected tiles in ``flag`` (a looser map holding them)
    are compact and small against the page too: pruning a sprawl can leave a compact core."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(flag.astype(np.uint8), connectivity=8)
    kept = []
    for region in found:
        inside = labels[region.y : region.y + region.height, region.x : region.x + region.width]
        label = int(np.bincount(inside[inside > 0]).argmax())  # the region's tiles are in it
        _, _, w, h, area = (int(v) for v in stats[label][:5])
        if thresholds.min_fill * w * h <= area <= thresholds.max_fraction * flag.size:
            kept.append(region)
    return kept


def phase_profiles(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per tile, the clipped neighbour difference at each of 8 column / row phases, as peaks
    over the tile's median phase (3 x 3 tiles pooled)."""
    rows, cols = gray.shape
    ty, tx = rows // TILE, cols // TILE
    across = np.zeros_like(gray)
    across[:, :-1] = np.minimum(cv2.absdiff(gray[:, 1:], gray[:, :-1]), 8.0)
    down = np.zeros_like(gray)
    down[:-1, :] = np.minimum(cv2.absdiff(gray[1:, :], gray[:-1, :]), 8.0)
    # summed over each tile's rows first (a contiguous reduction), then over its 4 blocks
    columns = across.reshape(ty, TILE, cols).sum(axis=1).reshape(ty, tx, TILE // 8, 8).sum(2)
    lines = down.reshape(ty, TILE // 8, 8, cols).sum(axis=1).reshape(ty, 8, tx, TILE).sum(-1)
    summed = TILE * (TILE // 8)  # differences per tile and phase: a tile's lines x its blocks
    columns, lines = columns / summed, lines.transpose(0, 2, 1) / summed
    peaks = []
    for profile in (columns, lines):
        pooled = cv2.blur(profile, (3, 3))
        median = np.median(pooled, axis=-1, keepdims=True)
        peaks.append((pooled - median) / (median + 0.3))
    return peaks[0], peaks[1]


def _noise_signal(image: Image, gray: np.ndarray, thresholds: SpliceThresholds) -> Signal | None:
    sigma, trimmed, usable = _noise_map(gray, thresholds)
    page = _page_tiles(image, gray.shape)
    if page is not None:
        usable &= page
    if usable.sum() < 20:
        return None
    flag, score, median = _departures(sigma, usable, thresholds)
    part = thresholds.noise_trimmed
    lower = replace(
        thresholds, noise_log=part * thresholds.noise_log, noise_floor=part * thresholds.noise_floor
    )
    also, trimmed_score, _ = _departures(trimmed, usable, lower)
    both = flag & also & (np.sign(score) == np.sign(trimmed_score))  # both, the same way
    shape = replace(
        thresholds,
        min_tiles=max(thresholds.noise_min_tiles, int(thresholds.noise_min_share * sigma.size)),
        min_fill=thresholds.noise_min_fill,
        max_fraction=thresholds.noise_max_fraction,
    )
    # the shape test holds for the mean's departing tiles too: the second estimate can prune a
    # sprawl around the text down to a compact core
    found = _within_compact(regions(both, np.abs(score), shape, NOISE_TILE), flag, shape)
    if not found:
        return None
    return _signal(
        "local noise level (Laplacian-difference sigma over paper pixels away from edges and "
        "ink, 16 px tiles, log ratio to the median of the page's tiles (inside a photographed "
        "page's outline), 3 x 3 tiles pooled; the mean residual and a lower share's both "
        "depart, the mean's over a compact region too)",
        {"noise_offset": thresholds.noise_offset, "noise_log": thresholds.noise_log,
         "noise_mads": thresholds.noise_mads, "noise_floor": thresholds.noise_floor,
         "noise_trimmed": thresholds.noise_trimmed,
         "trimmed_share": thresholds.trimmed_share, "ink_contrast": thresholds.ink_contrast,
         "page_outline": page is not None, "page_sigma": round(median, 2)},
        found, gray.shape, shape, 1.0, NOISE_TILE,
    )  # fmt: skip


def _grid_signal(gray: np.ndarray, thresholds: SpliceThresholds) -> Signal | None:
    across, down = phase_profiles(gray)
    foreign = np.maximum(across[..., :7].max(-1), down[..., :7].max(-1))
    flag = (across[..., :7].max(-1) > np.maximum(across[..., 7], 0) + thresholds.grid_margin) | (
        down[..., :7].max(-1) > np.maximum(down[..., 7], 0) + thresholds.grid_margin
    )
    found = [r for r in regions(flag, foreign, thresholds) if r.score >= thresholds.grid_peak]
    if not found:
        return None
    return _signal(
        "JPEG 8 x 8 grid phase per tile (clipped neighbour differences per column/row phase): "
        "a region whose grid is not the page's",
        {"grid_margin": thresholds.grid_margin},
        found, gray.shape, thresholds, thresholds.grid_peak,
    )  # fmt: skip


def _signal(
    method: str,
    parameters: dict[str, Any],
    found: list[Region],
    shape: tuple[int, ...],
    thresholds: SpliceThresholds,
    threshold: float,
    tile: int = TILE,
) -> Signal:
    top = found[0]
    return (
        "fraud.tamper.splice",
        {
            "method": method,
            "parameters": {
                **parameters,
                "tile": tile,
                "min_tiles": thresholds.min_tiles,
                "min_fill": thresholds.min_fill,
                "max_fraction": thresholds.max_fraction,
            },
            "score": round(top.score, 3),
            "threshold": threshold,
            "box": top.box(shape),
            "regions": [r.box(shape) for r in found[:5]],
            "tiles": top.tiles,
        },
    )


MAPS = ("noise", "grid")


def splice_signals(
    image: Image, thresholds: SpliceThresholds = SpliceThresholds(), *, maps: tuple[str, ...] = MAPS
) -> list[Signal]:
    """``fraud.tamper.splice`` signals: a compact region whose noise or JPEG grid departs from
    the rest of the page (at most one per map in ``maps``: "noise", "grid" or both)."""
    unknown = set(maps) - set(MAPS)
    if unknown:
        raise ValueError(f"maps must be among {', '.join(MAPS)}, not {', '.join(sorted(unknown))}")
    gray = tiled_gray(image)
    if gray.shape[0] < 8 * TILE or gray.shape[1] < 8 * TILE:
        return []  # too small to compare regions with a page
    found = [
        _noise_signal(image, gray, thresholds) if "noise" in maps else None,
        _grid_signal(gray, thresholds) if "grid" in maps else None,
    ]
    return [s for s in found if s is not None]


def splice_findings(
    image: Image,
    *,
    document: str,
    sha256: str | None,
    ctx: CheckContext,
    maps: tuple[str, ...] = MAPS,
) -> list[Finding]:
    """The findings of ``splice_signals`` (on ``maps``) for one document image."""
    return signal_findings(
        splice_signals(image, maps=maps),
        document=document,
        sha256=sha256,
        ctx=ctx,
        message=lambda _, d: (
            f"a region of {d['tiles']} tiles differs from the rest of the page ({d['method']})"
        ),
    )


def region_evidence(image: Image, signals: list[Signal]) -> np.ndarray:
    """The document with every signal's regions shaded red and outlined (BGR uint8)."""
    page = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    page = np.ascontiguousarray(page, np.uint8)
    rows, cols = page.shape[:2]
    heat: np.ndarray = np.zeros((rows, cols), np.float32)
    boxes = []
    for _, details in signals:
        for x0, y0, x1, y1 in details.get("regions") or [details["box"]]:
            box = (int(x0 * cols), int(y0 * rows), int(x1 * cols), int(y1 * rows))
            heat[box[1] : box[3], box[0] : box[2]] = 1.0
            boxes.append(box)
    heat = cv2.GaussianBlur(heat, (0, 0), max(2.0, TILE / 4))[..., None]
    red = np.zeros_like(page)
    red[..., 2] = 255
    shown = (page * (1 - 0.45 * heat) + red * 0.45 * heat).clip(0, 255).astype(np.uint8)
    for x0, y0, x1, y1 in boxes:
        cv2.rectangle(shown, (x0, y0), (x1, y1), (0, 0, 255), max(2, cols // 400))
    return shown


def splice_evidence(image: Image, signals: list[Signal]) -> np.ndarray:
    """What a reviewer should look at: the suspect regions shaded over the document."""
    return region_evidence(image, signals)
