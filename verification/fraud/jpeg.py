"""Image forensics for a region compressed at another JPEG quality than the rest of the page.

A JPEG coefficient once quantised with step Q keeps sitting near a multiple of Q after the
page is decoded and saved again at a finer quality. The decoded page is cut into its 8 x 8
blocks (the grid at the origin, where every save of the whole page puts it) and the low-
frequency DCT coefficients (u + v <= 4) are divided by the steps of the standard luminance
table at candidate qualities 25-76 (every 3), skipping steps finer than 1.5 x the file's own
table (the last save puts every coefficient on that lattice). A coefficient's lattice fit is
cos(2 pi c / Q): near 1 on the lattice, 0 on average off it. Per 32 x 32 tile, pooled over
3 x 3 tiles, the fits of the active coefficients (0.6 <= |c / Q| <= 5.5) are summed; against
the page's median fit at that quality, a tile gets a z score and an effect (mean excess fit).
A tile departs when, at its best quality, both pass their thresholds and its own mean fit is
positive (a page once saved as a JPEG and then as a PNG anti-fits the lattices between its
quality's: its median there is strongly negative, and text that merely fits less badly is
not on the lattice); compact regions of departing tiles are reported as for splices. The
page as a whole compressed twice moves the median, not a region; but a page saved as a whole
at a low quality (a degraded scan) fits that lattice most strongly where it has most
texture, a guilloche or a table, and that patch can stand out nearly as a region does. Below
the page-wide thresholds, a region is still reported when its lattice is the page's alone
(``_local_regions``; on a shifted grid, the window tested's): a pasted region fits its
quality where it was pasted and nowhere else, a page compressed earlier fits it wherever it
has texture. Tiles mostly covered by ink are left out: a QR code's modules cut block after
block at the same places, and their coefficients, the same in every block, fit some lattice
(most of the false alarms on the benchmark's genuine akta and KK pages sat on it).
On a photographed page, a region whose centre lies off the page (``document_quad``) is not
reported: the table around it, a texture the phone compressed unevenly, fits some lattice
now and then and carries nothing a reader relies on.

A region compressed on a grid shifted against the page's (a patch pasted at an offset that
is not a multiple of 8) sits on the lattice only at its own shift. Testing the full lattice at
all 63 shifts does not fit the time budget, so the shift is found from the blocks' DC
coefficients alone: on the region's own grid its blocks' means sit on a multiple of its
table's DC step, and every block mean at every shift costs one box filter. Each shift's fit
to the DC steps of qualities 25-76 is scored per tile, the shifts ranked on a sample of the
blocks and the best few again on all; the best shift, if its best tiles stand out from its
median tile (``shift_score``), has its full lattice tested too, on that grid, over its patch
of best-fitting tiles and as much again on every side (8 tiles at least: enough page around
it to set the median fit). On a shifted grid a tile needs a smaller effect: the last save, on
the page's grid, moves every coefficient of a shifted block off its lattice a little. A region
found there was compressed on a grid of its own and placed at an offset: a pasted block, so it
is reported as a splice (``fraud.tamper.splice``, by its JPEG grid) as well.
Limit: where a region's block means fit no better than a page's texture does (text-only
regions on a KTP, a KK photo's table), its shift is not found and the region is missed.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

import cv2
import numpy as np

from verification.checks.case import CheckContext
from verification.findings import Finding
from verification.fraud.signals import Signal, signal_findings
from verification.fraud.splice import (
    TILE,
    Region,
    SpliceThresholds,
    region_evidence,
    regions,
    tile_mean,
    tiled_gray,
)
from verification.reading.model import Image
from verification.reading.preprocess import document_quad

__all__ = ["JpegThresholds", "file_quality", "jpeg_evidence", "jpeg_findings", "jpeg_signals"]

_LUMINANCE = np.array(
    [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
     14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
     18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
     49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99],
    np.float32,
).reshape(8, 8)  # fmt: skip
_N = np.arange(8)
_DCT = (np.sqrt(2 / 8) * np.cos((2 * _N[None, :] + 1) * _N[:, None] * np.pi / 16)).astype(
    np.float32
)
_DCT[0] /= np.sqrt(2)
_LOW = (_N[:, None] + _N[None, :] > 0) & (_N[:, None] + _N[None, :] <= 4)
_QUALITIES = tuple(range(25, 79, 3))


@dataclass(frozen=True)
class JpegThresholds:
    z_score: float = 14.0  # lattice fit over the page's median, in standard errors (at 10,
    # 2.5% of genuine degraded akta and KK photos were flagged; at 14, none of 480)
    effect: float = 0.55  # ... and in mean cos per coefficient
    min_fit: float = 0.1  # ... and its own mean cos at least this (not merely above a median
    # that is negative: a PNG page once saved as a JPEG anti-fits the lattices in between)
    min_coefficients: int = 40  # active coefficients a pooled tile needs
    min_tiles: int = 6
    min_fill: float = 0.4
    max_fraction: float = 0.2
    max_ink: float = 0.4  # tiles more inked than this are left out (QR codes)
    shifts: int = 1  # shifted grids whose lattice is tested too (the likeliest, see below)
    shifted_effect: float = 0.3  # the effect a tile needs on a shifted grid: the last save,
    # on the page's grid, moves every coefficient of a shifted block off its lattice a little
    rough_stride: int = 2  # shifts are ranked on every 2nd block on both axes first (on every
    # 4th, a region's own shift ranked 10th-60th of 63 on a third of the dev set's: noise) ...
    shortlist: int = 6  # ... and the best this many again on every block
    shift_score: float = 6.0  # a shift's DC fit (best tiles over its median tile) needs this
    # to have its lattice tested (genuine pages' best shift: median 4.4, 99th percentile 8.2)
    # A region on the page's grid whose quality's lattice fits nowhere else on the page (a
    # page compressed earlier, as a whole, fits it wherever it has texture) needs less:
    local_z: float = 12.0
    local_effect: float = 0.2
    local_tiles: int = 5
    local_elsewhere: float = 0.01  # the share of the page's tested tiles away from it (two
    # tiles around it left out) that fit its quality at all (z above fits_at)
    fits_at: float = 3.0


def _table(quality: int) -> np.ndarray:
    scale = 5000 / quality if quality < 50 else 200 - 2 * quality
    return np.clip(np.floor((_LUMINANCE * scale + 50) / 100), 1, 255)


def _file_table(data: bytes) -> np.ndarray | None:
    """The file's luminance quantisation table (8 x 8), or None (not a JPEG)."""
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as picture:
            tables = getattr(picture, "quantization", None)
    except OSError:
        return None
    if not tables or 0 not in tables:
        return None
    return np.array(tables[0], np.float32).reshape(8, 8)


def file_quality(data: bytes) -> int | None:
    """The IJG quality whose luminance table is closest to the file's, or None (not a JPEG)."""
    table = _file_table(data)
    if table is None:
        return None
    errors = {q: float(np.abs(_table(q) - table).mean()) for q in range(1, 101)}
    return min(errors, key=lambda q: errors[q])


def _block_dct(gray: np.ndarray) -> np.ndarray:
    rows, cols = gray.shape
    blocks = (gray - 128).reshape(rows // 8, 8, cols // 8, 8).transpose(0, 2, 1, 3)
    dct: np.ndarray = _DCT @ blocks @ _DCT.T
    return dct


def _solid_ink(gray: np.ndarray, share: float) -> np.ndarray:
    """Tiles more than ``share`` covered by ink (darker than half the paper's grey): a QR code,
    a barcode, a solid stamp, a dark background around the document. Text covers less."""
    paper = float(np.percentile(gray[::4, ::4], 75))  # every 16th pixel: the same level
    dark = (gray < 0.5 * paper).astype(np.float32)
    inked: np.ndarray = (tile_mean(dark) > share).astype(np.uint8)
    return inked


def _pool(per_tile: np.ndarray) -> np.ndarray:
    """Per-tile sums, summed again over 3 x 3 tiles."""
    pooled: np.ndarray = cv2.boxFilter(
        per_tile.astype(np.float32), -1, (3, 3), normalize=False, borderType=cv2.BORDER_CONSTANT
    )
    return pooled


def _quality_fits(
    gray: np.ndarray,
    own: np.ndarray | None,
    thresholds: JpegThresholds,
    qualities: tuple[int, ...] = _QUALITIES,
) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Per candidate quality (those whose steps are coarse enough to test): the quality, and per
    tile its z score, its effect (the mean fit over the page's median) and whether it holds
    enough active coefficients to be tested."""
    low = _block_dct(gray)[..., _LOW]
    by, bx, per = low.shape[0], low.shape[1], TILE // 8
    tiles = (by // per, bx // per)
    tile_of = ((np.arange(by) // per)[:, None] * tiles[1] + np.arange(bx)[None, :] // per).ravel()
    low = low.reshape(by * bx, -1)
    # Blank paper has no coefficient as large as the smallest step: skip its blocks early.
    textured = (np.abs(low) >= 2.4).any(axis=1)
    # Solid ink (QR codes): the same module edges in block after block fit some lattice.
    inked = _solid_ink(gray, thresholds.max_ink)
    textured &= inked.ravel()[tile_of] == 0
    low, tile_of = low[textured], tile_of[textured]
    finest = own[_LOW] if own is not None else np.ones(int(_LOW.sum()), np.float32)
    for q in qualities:
        steps = _table(q)[_LOW]
        usable = (steps >= 4) & (steps >= 1.5 * finest)
        if usable.sum() < 3:
            continue
        ratio = low[:, usable] / steps[usable]
        size = np.abs(ratio)
        active = (size >= 0.6) & (size <= 5.5)
        fits = np.where(active, np.cos(2 * np.pi * ratio), 0.0).sum(-1)
        size_of = tiles[0] * tiles[1]
        fit = _pool(np.bincount(tile_of, fits, size_of).reshape(tiles))
        count = _pool(np.bincount(tile_of, active.sum(-1), size_of).reshape(tiles))
        valid = count >= thresholds.min_coefficients
        if valid.sum() < 20:
            continue
        mean = np.where(valid, fit / np.maximum(count, 1), 0.0)
        median = float(np.median(mean[valid]))
        # a tile on the lattice fits it: one that fits less badly than a page whose earlier
        # save puts its coefficients at half steps of this lattice (a strongly negative
        # median) is not on it
        on = valid & (mean >= thresholds.min_fit)
        z = np.where(on, (fit - median * count) / np.sqrt(0.5 * count + 1e-6), 0.0)
        yield q, z, mean - median, valid


def _lattice_map(
    gray: np.ndarray, own: np.ndarray | None, thresholds: JpegThresholds
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Per tile: the best z score over the candidate qualities, its effect and its quality."""
    best = effect = quality = None
    for q, z, excess, _ in _quality_fits(gray, own, thresholds):
        if best is None or effect is None or quality is None:
            best, effect, quality = z, excess, np.full(z.shape, q)
        else:
            better = z > best
            best = np.where(better, z, best)
            effect = np.where(better, excess, effect)
            quality = np.where(better, q, quality)
    if best is None or effect is None or quality is None:
        return None
    return best, effect, quality


# The DC steps of the standard luminance table at the candidate qualities (25-76): a region's
# block means, on its own grid, sit on one of these lattices.
_DC_STEPS = np.array(sorted({float(_table(q)[0, 0]) for q in range(25, 77)}), np.float32)


def _dc_fit(
    sums: np.ndarray,
    spread: np.ndarray,
    shift: tuple[int, int],
    fits: np.ndarray,
    stride: int,
) -> np.ndarray:
    """Per tile (3 x 3 pooled), at the grid ``shift``: the best z score over the DC steps of
    the fit of its textured blocks' DC coefficients to that step's lattice (every
    ``stride``-th block on both axes); ``fits`` holds each step's fit for every block sum."""
    dx, dy = shift
    rows, cols = sums.shape
    ty, tx = rows // TILE, cols // TILE
    by, bx = (rows - dy) // 8 - 1, (cols - dx) // 8 - 1
    pick = (slice(dy, dy + by * 8, 8 * stride), slice(dx, dx + bx * 8, 8 * stride))
    block_sum, block_var = sums[pick], spread[pick]
    # blank paper has the same mean in every block at every shift: only textured blocks count
    ys, xs = np.nonzero(block_var > 4.0)
    tile = np.minimum(ys * stride // 4, ty - 1) * tx + np.minimum(xs * stride // 4, tx - 1)
    steps = fits.shape[1]
    index = (tile[:, None] * steps + np.arange(steps)[None, :]).ravel()
    fit = np.bincount(index, fits[block_sum[ys, xs]].ravel(), ty * tx * steps)
    count = np.bincount(tile, None, ty * tx).reshape(ty, tx)
    pooled = cv2.boxFilter(
        fit.reshape(ty, tx, steps).astype(np.float32),
        -1,
        (3, 3),
        normalize=False,
        borderType=cv2.BORDER_CONSTANT,
    )
    z: np.ndarray = pooled.max(-1) / np.sqrt(0.5 * _pool(count) + 1e-6)
    return z


def _shift_candidates(
    gray: np.ndarray, own: np.ndarray | None, thresholds: JpegThresholds
) -> list[tuple[tuple[int, int], tuple[int, int, int, int]]]:
    """Grid shifts (dx, dy) at which a patch of tiles' block means sit on a quantisation
    lattice, likeliest first, each with the tile box (x0, y0, x1, y1) of its patch.

    A region compressed on its own grid has its blocks' DC coefficients on a multiple of the
    DC step of its table; at any other shift a block straddles four of its blocks and its
    mean does not. Every block mean at every one of the 63 shifts costs one box filter; each
    shift's fit to the DC steps of qualities 25-76 (coarser than 1.5 x the file's own step)
    is measured per tile as a z score, and a shift is scored by its best tiles (the 99.5th
    percentile) over its median tile: the shifts next to the page's own grid inherit some of
    its fit, everywhere. The shifts are ranked on a sample of the blocks (every
    ``rough_stride``-th on both axes), the best few (``shortlist``) again on every block; a
    shift is a candidate when its score reaches ``shift_score``, its patch the largest group of
    tiles fitting at least half as well as its best."""
    if thresholds.shifts <= 0:
        return []
    finest = float(own[0, 0]) if own is not None else 1.0
    steps = _DC_STEPS[1.5 * finest <= _DC_STEPS]
    if steps.size == 0:
        return []
    sums = cv2.boxFilter(gray, -1, (8, 8), normalize=False, anchor=(0, 0))
    squares = cv2.boxFilter(gray * gray, -1, (8, 8), normalize=False, anchor=(0, 0))
    spread = squares / 64 - (sums / 64) ** 2
    # a block's DC coefficient is its pixel sum over 8, less 1024: every fit, looked up by sum
    dc = (np.arange(64 * 255 + 1, dtype=np.float32) - 128 * 64) / 8
    fits = np.cos((2 * np.pi / steps)[None, :] * dc[:, None]).astype(np.float32)
    sums = sums.astype(np.int32)  # exact: sums of whole grey levels

    def score(z: np.ndarray) -> float:
        return float(np.percentile(z, 99.5) - np.median(z))

    shifts = [(dx, dy) for dy in range(8) for dx in range(8) if (dx, dy) != (0, 0)]
    stride = thresholds.rough_stride
    rough = {shift: score(_dc_fit(sums, spread, shift, fits, stride)) for shift in shifts}
    shortlist = sorted(shifts, key=lambda shift: -rough[shift])[: thresholds.shortlist]
    fine = {shift: _dc_fit(sums, spread, shift, fits, 1) for shift in shortlist}
    found = []
    for shift in sorted(shortlist, key=lambda shift: -score(fine[shift]))[: thresholds.shifts]:
        z = fine[shift]
        if score(z) < thresholds.shift_score:
            break
        strong = (z >= 0.5 * float(z.max())).astype(np.uint8)
        count, _, stats, _ = cv2.connectedComponentsWithStats(strong, connectivity=8)
        largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA])) if count > 1 else 0
        x, y, w, h = (int(v) for v in stats[largest][:4])
        found.append((shift, (x, y, x + w, y + h)))
    return found


def _window(
    gray: np.ndarray, shift: tuple[int, int], patch: tuple[int, int, int, int]
) -> tuple[np.ndarray, tuple[int, int]]:
    """The part of the page, on the grid at ``shift``, that a patch's lattice is tested on: its
    tile box and as much again on every side (8 tiles at least, so that the page around it
    sets the median fit), and that part's top-left pixel."""
    (dx, dy), (x0, y0, x1, y1) = shift, patch
    rows, cols = (gray.shape[0] - dy) // TILE, (gray.shape[1] - dx) // TILE
    mx, my = max(8, x1 - x0), max(8, y1 - y0)
    x0, y0, x1, y1 = max(0, x0 - mx), max(0, y0 - my), min(cols, x1 + mx), min(rows, y1 + my)
    top, left = y0 * TILE + dy, x0 * TILE + dx
    return gray[top : y1 * TILE + dy, left : x1 * TILE + dx], (left, top)


def _local_regions(
    gray: np.ndarray,
    own: np.ndarray | None,
    lattice: tuple[np.ndarray, np.ndarray, np.ndarray],
    thresholds: JpegThresholds,
    where: Callable[[Region], bool],
) -> list[tuple[Region, float]]:
    """Regions below the page-wide thresholds whose lattice is the page's alone and that lie
    ``where`` a reader looks (on the page: asked last, of the regions kept, as finding the
    page's outline costs more than the rest), each with the share of the page's tested tiles
    away from it that fit its quality (on a shifted grid, of the window tested: the patch and
    as much again on every side, 8 tiles at least).

    A page compressed earlier as a whole (a degraded scan, a photo sent through a messaging
    app) fits that quality's lattice wherever it has texture, most strongly where it has most:
    a guilloche, a table; its strongest patch is a region only by degree. A region pasted from
    a copy compressed at another quality is on that lattice alone: away from it, the page does
    not fit it at all. Such a region is reported at ``local_z`` and ``local_effect``, when at
    most ``local_elsewhere`` of the tested tiles away from it fit its quality (z above
    ``fits_at``) and it covers ``local_tiles`` tiles at least."""
    z, effect, quality = lattice
    shape = SpliceThresholds(
        min_tiles=thresholds.local_tiles,
        min_fill=thresholds.min_fill,
        max_fraction=thresholds.max_fraction,
    )
    flagged = (z >= thresholds.local_z) & (effect >= thresholds.local_effect)
    candidates = []  # (region, its modal quality, the tiles away from it)
    for region in regions(flagged, z, shape):
        inside = np.zeros(z.shape, bool)
        inside[region.y : region.y + region.height, region.x : region.x + region.width] = True
        values, counts = np.unique(quality[inside & flagged], return_counts=True)
        away = ~cv2.dilate(inside.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        candidates.append((region, int(values[np.argmax(counts)]), away))
    if not candidates:
        return []
    # one pass over the page's blocks for the candidates' qualities
    modes = tuple(sorted({mode for _, mode, _ in candidates}))
    fitting = {
        q: (fit, tested) for q, fit, _, tested in _quality_fits(gray, own, thresholds, modes)
    }
    kept = []
    for region, mode, away in candidates:
        fit, tested = fitting[mode]
        share = float((fit[away] > thresholds.fits_at).sum()) / max(1, int(tested[away].sum()))
        if share <= thresholds.local_elsewhere:
            kept.append((region, share))
    return [(region, share) for region, share in kept if where(region)]


def _on_page(region: Region, origin: tuple[int, int], quad: np.ndarray | None) -> bool:
    """Whether a region's centre lies on the document: a photographed page's table around it
    (a wood or cloth texture the phone compressed unevenly) carries nothing a reader relies
    on. Without a page outline (a scan filling the picture) everything is on the page."""
    if quad is None:
        return True
    centre = (
        origin[0] + (region.x + region.width / 2) * region.tile,
        origin[1] + (region.y + region.height / 2) * region.tile,
    )
    return cv2.pointPolygonTest(quad.astype(np.float32), centre, False) >= 0


def jpeg_signals(
    data: bytes, image: Image, thresholds: JpegThresholds = JpegThresholds()
) -> list[Signal]:
    """``fraud.tamper.jpeg`` signals: a compact region whose JPEG quantisation history is not
    the rest of the page's, on the page's grid or on the likeliest shifted grid; a region found
    on a shifted grid was compressed on its own and pasted at an offset, and is a
    ``fraud.tamper.splice`` signal too (the same region and measurement)."""
    gray = tiled_gray(image)
    if gray.shape[0] < 8 * TILE or gray.shape[1] < 8 * TILE:
        return []
    own = _file_table(data)
    shape = SpliceThresholds(
        min_tiles=thresholds.min_tiles,
        min_fill=thresholds.min_fill,
        max_fraction=thresholds.max_fraction,
    )
    parts = [((0, 0), gray, (0, 0))]
    for shift, patch in _shift_candidates(gray, own, thresholds):
        parts.append((shift, *_window(gray, shift, patch)))
    best, weight = None, 0.0  # the heaviest region's part, and its tiles x score
    outline: list[np.ndarray | None] = []  # the photographed page's corners, found once

    def on_page(region: Region, origin: tuple[int, int]) -> bool:
        if not outline:
            outline.append(document_quad(image))
        return _on_page(region, origin, outline[0])

    for shift, analysed, origin in parts:
        lattice = _lattice_map(analysed, own, thresholds)
        if lattice is None:
            continue
        z, effect, quality = lattice
        least = thresholds.effect if shift == (0, 0) else thresholds.shifted_effect
        flagged = (z >= thresholds.z_score) & (effect >= least)
        found: list[tuple[Region, float | None]]
        found = [(r, None) for r in regions(flagged, z, shape) if on_page(r, origin)]
        if not found:
            where = partial(on_page, origin=origin)
            found = [*_local_regions(analysed, own, lattice, thresholds, where)]
        if found and found[0][0].tiles * found[0][0].score > weight:
            best, weight = (shift, found, quality, origin), found[0][0].tiles * found[0][0].score
    if best is None:
        return []
    shift, found, quality, origin = best
    top, elsewhere = found[0]
    inside = quality[top.y : top.y + top.height, top.x : top.x + top.width]
    details = {
        "method": "double quantisation: per 32 px tile (3 x 3 pooled), the fit of "
        "low-frequency DCT coefficients to the lattice of standard tables at "
        "qualities 25-76, against the median fit around it (z score and effect), on "
        "the page's 8 x 8 grid (the whole page) and on the shifted grid where a "
        "patch's block means fit a DC step best (the patch and as much again on every "
        "side)",
        "parameters": {
            "qualities": [_QUALITIES[0], _QUALITIES[-1], 3],
            "effect": thresholds.effect,
            "min_fit": thresholds.min_fit,
            "min_coefficients": thresholds.min_coefficients,
            "tile": TILE,
            "min_tiles": thresholds.min_tiles,
            "min_fill": thresholds.min_fill,
            "max_fraction": thresholds.max_fraction,
            "max_ink": thresholds.max_ink,
            "shifts": thresholds.shifts,
            "shifted_effect": thresholds.shifted_effect,
            "shift_score": thresholds.shift_score,
            "rough_stride": thresholds.rough_stride,
            "shortlist": thresholds.shortlist,
            "local_z": thresholds.local_z,
            "local_effect": thresholds.local_effect,
            "local_tiles": thresholds.local_tiles,
            "local_elsewhere": thresholds.local_elsewhere,
            "fits_at": thresholds.fits_at,
        },
        "score": round(top.score, 3),
        "threshold": thresholds.z_score,
        "earlier_quality": int(np.median(inside)),
        "file_quality": file_quality(data),
        "grid_shift": list(shift),
        "box": top.box(gray.shape, origin),
        "regions": [r.box(gray.shape, origin) for r, _ in found[:5]],
        "tiles": top.tiles,
    }
    if elsewhere is not None:
        # found by the local rule: its lattice fits nowhere else on the page
        details["threshold"] = thresholds.local_z
        details["elsewhere"] = round(elsewhere, 4)
    signals: list[Signal] = [("fraud.tamper.jpeg", details)]
    if shift != (0, 0):
        # compressed on a grid of its own, then placed where that grid is not the page's:
        # a pasted block (a splice by its JPEG grid), seen by the same measurement
        signals.append(
            (
                "fraud.tamper.splice",
                {
                    **details,
                    "method": "foreign JPEG grid: the region's low-frequency DCT coefficients "
                    "sit on a quantisation lattice on an 8 x 8 grid shifted from the page's "
                    "(the regional JPEG analysis on the shifted grid where a patch's block "
                    "means fit a DC step best): a block compressed on its own and pasted at "
                    "an offset",
                },
            )
        )
    return signals


def jpeg_findings(
    data: bytes, image: Image, *, document: str, sha256: str | None, ctx: CheckContext
) -> list[Finding]:
    """The findings of ``jpeg_signals`` for one document image."""
    return signal_findings(
        jpeg_signals(data, image),
        document=document,
        sha256=sha256,
        ctx=ctx,
        message=lambda code, d: (
            f"a region of {d['tiles']} tiles carries another JPEG compression history"
            if code == "fraud.tamper.jpeg"
            else f"a region of {d['tiles']} tiles was pasted: its JPEG grid is shifted by "
            f"{d['grid_shift'][0]}, {d['grid_shift'][1]} pixels from the page's"
        ),
    )


def jpeg_evidence(image: Image, signals: list[Signal]) -> np.ndarray:
    """What a reviewer should look at: the regions compressed differently, shaded."""
    return region_evidence(image, signals)
