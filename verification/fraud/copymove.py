"""Copy-move forensics: a piece of an image pasted elsewhere in the same image.

A forger who changes a NIK digit group or hides a stamp with a piece of the same card leaves
two places whose pixels agree far better than any printed repeat would: the copy carries the
source's paper grain, sensor noise and guilloche along with its ink. Genuine documents repeat a
lot (the same glyph, label or table rule printed many times; in a clean render pixel for pixel)
but the print only: the background under two printings of one word differs.

The detector works in two steps. Candidates: anchor points (local maxima of the smoothed
gradient) are described by the 4 x 4 cell means of the 16 x 16 patch around them (zero mean,
unit spread, so a brightened copy still matches), nearest neighbours are looked up with FLANN
and near-identical pairs vote for their shift; a shift with enough votes, at least
``min_shift`` long, is a candidate. A copy resized by a few per cent splits its votes (its
shift grows across the region) and loses to the page's printed repeats, so the pairs left over
also vote for (scale, translation), one scale in ``scales`` at a time: the pairs that agree
there, in one spot, and fit one similarity within a pixel (RANSAC) whose scale is not about 1
are a resized candidate; resizing changes a copy's descriptors a little, so this vote also
takes pairs up to ``resized_distance`` apart. Verification: around the densest cluster of a
candidate's pairs, widened to the pairs within ``reach`` of it that fit its transform (a copy
larger than the cluster is then compared whole), the fine residual (image minus its blur) of
the source is correlated window by window with the residual at the shifted (or, when the pairs
show a resized copy, warped) place, with ink edges masked out so that printed repeats carry no
weight. What is left to match is the background's texture: sensor noise, guilloche, photo
grain. Only windows whose match is sharp count (one pixel off the shift their correlation drops
by ``sharpness``; a smooth or periodic pattern, such as a guilloche band or a table-top grain,
matches about as well beside it). A copy resized by ``min_resize`` or more is compared at the
warped place after being interpolated twice (by the forger and here), which blurs its match: it
needs ``resized_sharpness`` only, over ``resized_texture_factor`` times more pixels. Nearer 1
the usual sharpness holds, because that is the resizing a photographed page's perspective gives
two printings of one line (a KK photo's table rows differ by up to about 2 %, and their texture
then passes the lower sharpness test in a few hundred pixels). A copy is reported when more
than ``min_texture`` such pixels are found (``jpeg_grid_factor`` times that for shifts along
the 8-pixel JPEG grid, where genuine block artefacts repeat exactly) over a region wider and
taller than a glyph, whose shift takes it at least half its own size away (a region that
matches itself a few pixels off is a periodic pattern, not a paste). A copy whose two places
both lie in the outer ``border`` of one page edge is not reported: an akta's ornamental strip
repeats its motif there, pixel for pixel on a clean render, and nothing a reader relies on sits
there. Nor is a copy whose transform finds matching texture away from it nearly as densely
as in it (``elsewhere``): a security background printed with a period, as a KTP's
guilloche can be, matches itself at that shift wherever the background shows, a pasted copy
only where it was pasted (along the JPEG grid, where block artefacts match sparsely all over a
large photo, not as much texture away from it as in it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from verification.checks.case import CheckContext
from verification.findings import Finding
from verification.fraud.signals import Signal, signal_findings
from verification.reading.model import Image

__all__ = [
    "CopyMoveThresholds",
    "copy_move_evidence",
    "copy_move_findings",
    "copy_move_signals",
]

CODE = "fraud.tamper.copy_move"
_CELL, _CELLS = 4, 4  # descriptor: 4 x 4 cells of 4 x 4 pixels
_PATCH = _CELL * _CELLS
_FLANN_SEED = 5381
# leaves FLANN visits per query: a copy's near-identical pairs are found in the first few (8
# finds what 32 found on the dev sets, in 60 % of the copy-move detector's time)
_FLANN_CHECKS = 8


@dataclass(frozen=True)
class CopyMoveThresholds:
    max_pixels: int = 4_000_000  # larger pages are reduced by a whole factor first
    max_anchors: int = 9000  # the strongest anchors kept (time bound)
    anchor_spacing: int = 5  # an anchor is the strongest gradient in a square of this side
    descriptor_distance: float = 0.12  # RMS distance of unit-spread descriptors for a pair
    resized_distance: float = 0.2  # ... for a pair voting for a resized copy only
    min_votes: int = 6  # pairs agreeing on one shift for it to be a candidate
    candidates: int = 10  # most voted shifts verified (a KTP's guilloche and labels repeat
    # at many shifts: a NIK group's copy, a dozen pairs, can rank below the sixth)
    min_shift: int = 24  # pixels: shorter shifts are periodic print, not a paste
    window: int = 9  # correlation window (pixels)
    min_correlation: float = 0.6  # residual correlation for a window to match
    min_texture: int = 250  # sharply matched background-texture pixels for a copy
    sharpness: float = 0.2  # correlation lost one pixel off the shift
    resized_sharpness: float = 0.15  # the same for a copy resized by min_resize or more
    resized_texture_factor: int = 2  # ... which then needs this much more texture
    jpeg_grid_factor: int = 4  # shifts that are multiples of 8 both ways need this much more
    min_side: int = 24  # the matched region's smaller side (pixels): more than a glyph
    border: float = 0.06  # a copy with both places this close to one page edge is not reported
    scales: tuple[float, float] = (0.92, 1.08)  # resizings voted for (steps of 0.01)
    min_resize: float = 0.02  # nearer 1 a resized copy's shifts still vote together
    resized_cells: int = 4  # offset cells tried per scale
    resized_candidates: int = 5
    reach: int = 96  # pixels around a candidate's densest pairs its fitting pairs extend it
    elsewhere: float = 0.3  # a match whose transform finds texture away from it at this share
    # of its own density is the page's print repeating (a periodic security background)
    elsewhere_grid: float = 1.0  # ... and on the JPEG grid, texture away from it this many times
    # its own (the last save's block artefacts, sparse but all over a large photo)


@dataclass(frozen=True)
class _Match:
    source: tuple[int, int, int, int]  # x0, y0, x1, y1 in the analysed image
    destination: tuple[int, int, int, int]
    shift: tuple[int, int]
    scale: float
    texture: int
    pairs: int
    needed: int  # the texture this match had to reach (more on the JPEG grid or resized)
    matrix: tuple[tuple[float, float, float], tuple[float, float, float]]  # source -> copy


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """The area two boxes share, over the smaller one's."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height / max(smaller, 1)


def _gap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> int:
    """Pixels between two boxes (0 if they touch or overlap)."""
    return max(0, a[0] - b[2], b[0] - a[2], a[1] - b[3], b[1] - a[3])


def _same_copy(a: _Match, b: _Match, reach: int) -> bool:
    """Whether two matches are one copy: their places overlap by half, or they lie within
    ``reach`` of each other under nearly one transform (a copy's votes can split between
    neighbouring transforms, each verified over a part of it)."""
    if _overlap(a.destination, b.destination) > 0.5 or _overlap(a.destination, b.source) > 0.5:
        return True
    apart = max(abs(p - q) for p, q in zip(a.shift, b.shift, strict=True))
    near = apart <= 4 + 0.05 * max(abs(v) for v in a.shift) and abs(a.scale - b.scale) <= 0.03
    return near and _gap(a.destination, b.destination) <= reach


def _reduced(gray: Image, max_pixels: int) -> tuple[Image, int]:
    height, width = gray.shape[:2]
    factor = 1
    while height * width / factor**2 > max_pixels:
        factor += 1
    if factor == 1:
        return gray, 1
    size = (width // factor, height // factor)
    reduced: Image = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    return reduced, factor


def _gradient(smooth: np.ndarray) -> np.ndarray:
    """Sobel gradient magnitude. Not ``cv2.magnitude``: its vectorised square root can differ
    in the last bit from one call to the next, enough to change which anchors tie at the
    cut-off and so the verdict on the same image."""
    dx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)
    dy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)
    magnitude: np.ndarray = np.sqrt(dx * dx + dy * dy)
    return magnitude


def _anchors(gray: Image, t: CopyMoveThresholds) -> tuple[np.ndarray, np.ndarray]:
    """Anchor positions (N x 2, x and y) and their unit-spread descriptors (N x 16)."""
    image = gray.astype(np.float32)
    smooth = cv2.GaussianBlur(image, (0, 0), 1.5)
    magnitude = _gradient(smooth)
    square = np.ones((t.anchor_spacing, t.anchor_spacing), np.uint8)
    peak = (magnitude >= cv2.dilate(magnitude, square)) & (magnitude >= 8.0)
    margin = _PATCH // 2 + 1
    peak[:margin], peak[-margin:], peak[:, :margin], peak[:, -margin:] = False, False, False, False
    ys, xs = np.nonzero(peak)
    if len(ys) > t.max_anchors:
        strongest = np.argpartition(magnitude[ys, xs], -t.max_anchors)[-t.max_anchors :]
        ys, xs = ys[strongest], xs[strongest]
    cells = cv2.boxFilter(image, -1, (_CELL, _CELL), anchor=(0, 0))
    half = _PATCH // 2
    features = np.stack(
        [
            cells[ys - half + i * _CELL, xs - half + j * _CELL]
            for i in range(_CELLS)
            for j in range(_CELLS)
        ],
        axis=1,
    )
    spread = features.std(axis=1)
    keep = spread >= 3.0  # flat patches describe nothing
    features = (features[keep] - features[keep].mean(axis=1, keepdims=True)) / spread[keep, None]
    return np.stack([xs[keep], ys[keep]], axis=1), features.astype(np.float32)


def _pairs(
    points: np.ndarray, features: np.ndarray, t: CopyMoveThresholds
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Similar anchor pairs (source, destination), oriented so that shifts point down (or
    right), at least ``min_shift`` apart, and the mask of the near-identical ones (within
    ``descriptor_distance``; the others, within ``resized_distance``, vote for resized copies
    only)."""
    empty = np.zeros((0, 2), np.int64)
    if len(points) < 8:
        return empty, empty, np.zeros(0, bool)
    neighbours = 6
    # FLANN's randomised trees draw from OpenCV's per-thread generator: seeded, the same
    # image gives the same pairs whatever ran before it in the process (an auditor's re-run
    # must get the verdict the application got)
    cv2.setRNGSeed(_FLANN_SEED)
    index = cv2.flann_Index(features, {"algorithm": 1, "trees": 4})  # type: ignore[attr-defined]
    found, distance = index.knnSearch(features, neighbours, params={"checks": _FLANN_CHECKS})
    query = np.repeat(np.arange(len(points)), neighbours)
    other = found.ravel().astype(np.int64)
    rms = np.sqrt(np.maximum(distance.ravel(), 0) / features.shape[1])
    keep = (other > query) & (rms <= max(t.descriptor_distance, t.resized_distance))
    src, dst = points[query[keep]], points[other[keep]]
    strict = rms[keep] <= t.descriptor_distance
    shift = dst - src
    flip = (shift[:, 1] < 0) | ((shift[:, 1] == 0) & (shift[:, 0] < 0))
    src, dst = np.where(flip[:, None], dst, src), np.where(flip[:, None], src, dst)
    shift = dst - src
    far = np.hypot(shift[:, 0], shift[:, 1]) >= t.min_shift
    return src[far], dst[far], strict[far]


def _candidates(src: np.ndarray, dst: np.ndarray, t: CopyMoveThresholds) -> list[np.ndarray]:
    """Masks of the pairs behind each of the most voted shifts (pooled over 3 pixels, so that
    a slightly resized copy's spread of shifts counts together)."""
    if len(src) == 0:
        return []
    shift = dst - src
    keys, counts = np.unique(shift, axis=0, return_counts=True)
    chosen: list[np.ndarray] = []
    out: list[np.ndarray] = []
    for index in np.argsort(-counts):
        if counts[index] < 2 or len(out) >= t.candidates:
            break
        key = keys[index]
        if any(np.abs(key - c).max() <= 3 for c in chosen):
            continue
        chosen.append(key)
        near = np.abs(shift - key).max(axis=1) <= 3
        if near.sum() >= t.min_votes:
            out.append(near)
    return out


def _widened(mask: np.ndarray, within: np.ndarray) -> np.ndarray:
    """``mask`` over the pairs selected by ``within``, as a mask over all pairs."""
    full = np.zeros(len(within), bool)
    full[np.flatnonzero(within)[mask]] = True
    return full


def _resized_candidates(
    src: np.ndarray, dst: np.ndarray, taken: list[np.ndarray], t: CopyMoveThresholds
) -> list[np.ndarray]:
    """Masks of the pairs behind the best supported resized copies. A copy resized by ``s``
    maps each source point ``p`` to ``s * p + o``: its pairs' shifts change across the region
    and split their votes, but at the right ``s`` they agree on ``o``. For each ``s`` in
    ``scales`` (steps of 0.01) the two most voted ``o`` (4-pixel cells) are taken, and the
    pairs that fit one resized copy there (``_resized_fit``) are a candidate. Pairs already
    behind a shift candidate (``taken``) do not vote."""
    free = np.ones(len(src), bool)
    for mask in taken:
        free &= ~mask
    index = np.flatnonzero(free)
    if len(index) < t.min_votes:
        return []
    s_pts, d_pts = src[index].astype(np.float32), dst[index].astype(np.float32)
    # x and y apart: numpy is slow at reducing rows of two
    sx, sy, dx, dy = (np.ascontiguousarray(a[:, i]) for a in (s_pts, d_pts) for i in (0, 1))
    low, high = t.scales
    steps = np.round(np.arange(low, high + 1e-9, 0.01), 2)
    found: list[tuple[int, np.ndarray]] = []
    for scale in steps[np.abs(steps - 1) >= t.min_resize]:
        ox, oy = dx - np.float32(scale) * sx, dy - np.float32(scale) * sy
        for offset in (0, 2):  # two grids of 4-pixel cells, so that no cluster is cut in two
            cells_x = np.floor_divide(ox + offset, 4).astype(np.int64)
            cells_y = np.floor_divide(oy + offset, 4).astype(np.int64)
            codes = (cells_x * 7919 + cells_y) & 0x3FFF  # hashed: few cells are used
            votes = np.bincount(codes, minlength=0x4000)
            tried = 0
            while tried < t.resized_cells:
                best = int(np.argmax(votes))
                if votes[best] < t.min_votes:
                    break
                votes[best] = 0
                voters = codes == best
                cx, cy = np.median(ox[voters]), np.median(oy[voters])
                near = np.flatnonzero((np.abs(ox - cx) <= 3) & (np.abs(oy - cy) <= 3))
                if len(near) < t.min_votes:
                    continue  # (cells that share a hash)
                tried += 1
                fitted = near[_resized_fit(s_pts[near], d_pts[near], t)]
                if len(fitted) >= t.min_votes:
                    mask = np.zeros(len(src), bool)
                    mask[index[fitted]] = True
                    found.append((len(fitted), mask))
    out: list[np.ndarray] = []
    for _, near in sorted(found, key=lambda f: -f[0]):
        if any((near & c).sum() > near.sum() / 2 for c in out):
            continue  # the same pairs seen at a neighbouring scale or cell
        out.append(near)
        if len(out) >= t.resized_candidates:
            break
    return out


def _resized_fit(s: np.ndarray, d: np.ndarray, t: CopyMoveThresholds) -> np.ndarray:
    """Indices of the pairs, in their densest spot (a copy's pairs lie together), that fit one
    resized copy within a pixel (RANSAC); none if the fit is a plain shift (printed repeats at
    one shift pass for a resized copy within 3 pixels, not within 1) or out of ``scales``."""
    dense = np.flatnonzero(_densest(s))
    if len(dense) < t.min_votes:
        return dense[:0]
    matrix, inliers = cv2.estimateAffinePartial2D(
        s[dense], d[dense], method=cv2.RANSAC, ransacReprojThreshold=1.0
    )
    if matrix is None:
        return dense[:0]
    scale = float(np.hypot(matrix[0, 0], matrix[1, 0]))
    low, high = t.scales
    if abs(scale - 1) < t.min_resize / 2 or not low - 0.01 <= scale <= high + 0.01:
        return dense[:0]
    fitted: np.ndarray = dense[inliers.ravel() > 0]
    return fitted


def _densest(points: np.ndarray, cell: int = 48) -> np.ndarray:
    """Mask of the points in the 3 x 3 block of cells holding the most of them (the first
    such block in cell order)."""
    cells = np.floor_divide(points, cell).astype(np.int64)
    cells -= cells.min(axis=0)
    # one code per occupied cell, ordered by x then y (as np.unique(axis=0), but faster)
    occupied = np.unique(cells[:, 0] << 20 | cells[:, 1])
    keys = np.stack([occupied >> 20, occupied & ((1 << 20) - 1)], axis=1)
    grid = np.zeros((cells[:, 1].max() + 3, cells[:, 0].max() + 3), np.int64)
    np.add.at(grid, (cells[:, 1] + 1, cells[:, 0] + 1), 1)
    rows, columns = grid.shape
    block = np.zeros((rows - 2, columns - 2), np.int64)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            block += grid[dy : rows - 2 + dy, dx : columns - 2 + dx]
    best = keys[int(np.argmax(block[keys[:, 1], keys[:, 0]]))]
    mask: np.ndarray = (np.abs(cells - best) <= 1).all(axis=1)
    return mask


def _residual(image: np.ndarray) -> np.ndarray:
    """Fine texture (image minus its blur) with ink edges and their surroundings zeroed."""
    values = image.astype(np.float32)
    residual: np.ndarray = values - cv2.GaussianBlur(values, (0, 0), 1.5)
    smooth = cv2.GaussianBlur(values, (0, 0), 1.0)
    gradient = _gradient(smooth)
    ink = cv2.dilate((gradient >= 160).astype(np.uint8), np.ones((5, 5), np.uint8))
    residual[ink > 0] = 0
    return residual


def _box(values: np.ndarray, window: int) -> np.ndarray:
    boxed: np.ndarray = cv2.boxFilter(values, cv2.CV_32F, (window, window))
    return boxed


def _correlation(
    gray: Image, matrix: np.ndarray, roi: tuple[int, int, int, int], t: CopyMoveThresholds
) -> tuple[np.ndarray, np.ndarray]:
    """Windowed correlation (over ``roi``) between the ink-masked residual and the residual at
    the place ``matrix`` maps each pixel to, and the mask of windows with texture on both."""
    x0, y0, x1, y1 = roi
    linear = matrix[:, :2]
    local = np.hstack([linear, (linear @ np.array([x0, y0]) + matrix[:, 2])[:, None]])
    size = (x1 - x0, y1 - y0)
    exact = np.allclose(linear, np.eye(2))
    flags = (cv2.INTER_NEAREST if exact else cv2.INTER_LINEAR) | cv2.WARP_INVERSE_MAP
    moved = cv2.warpAffine(gray, local, size, flags=flags, borderMode=cv2.BORDER_REFLECT)
    inside = cv2.warpAffine(
        np.ones_like(gray), local, size, flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP
    )
    a, b = _residual(gray[y0:y1, x0:x1]), _residual(moved)
    w = t.window
    mean_a, mean_b = _box(a, w), _box(b, w)
    var_a = np.maximum(_box(a * a, w) - mean_a**2, 0)
    var_b = np.maximum(_box(b * b, w) - mean_b**2, 0)
    correlation: np.ndarray = (_box(a * b, w) - mean_a * mean_b) / np.sqrt(var_a * var_b + 1e-3)
    usable: np.ndarray = (np.minimum(var_a, var_b) >= 1.0) & (inside > 0) & (a != 0) & (b != 0)
    return correlation, usable


def _sharp_texture(
    gray: Image,
    matrix: np.ndarray,
    roi: tuple[int, int, int, int],
    t: CopyMoveThresholds,
    sharpness: float,
) -> np.ndarray:
    """Windows that match at ``matrix`` and clearly less one pixel off: a smooth or periodic
    pattern matches about as well beside the shift, a pasted copy only on it."""
    correlation, usable = _correlation(gray, matrix, roi, t)
    matched = usable & (correlation >= t.min_correlation)
    if matched.sum() < max(1, t.min_texture):
        return matched  # too little matches even before the sharpness test
    beside = np.full_like(correlation, -1.0)
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        nudged = matrix.copy()
        nudged[:, 2] += (dx, dy)
        beside = np.maximum(beside, _correlation(gray, nudged, roi, t)[0])
    sharp: np.ndarray = matched & (correlation - beside >= sharpness)
    return sharp


def _verify(
    gray: Image, src: np.ndarray, dst: np.ndarray, t: CopyMoveThresholds, *, resized: bool
) -> _Match | None:
    """The copy behind a candidate's pairs, if the background texture confirms it. A
    ``resized`` candidate (from scale voting) is a copy only if the pairs show the resizing:
    one that comes out a plain shift is a repeat the shift voting has already weighed."""
    dense = _densest(src)
    s, d = src[dense].astype(np.float32), dst[dense].astype(np.float32)
    if len(s) < t.min_votes:
        return None
    scale = 1.0
    matrix = None
    if len(s) >= (t.min_votes if resized else 8):
        matrix, _ = cv2.estimateAffinePartial2D(s, d, method=cv2.RANSAC, ransacReprojThreshold=1.5)
    if matrix is not None:
        scale = float(np.hypot(matrix[0, 0], matrix[1, 0]))
    if matrix is None or abs(scale - 1) < 0.01 or not 0.85 < scale < 1.15:
        if resized:
            return None
        shift = np.round(np.median(d - s, axis=0))
        matrix, scale = np.array([[1, 0, shift[0]], [0, 1, shift[1]]], np.float64), 1.0
    height, width = gray.shape[:2]
    pad = _PATCH + 8
    # a copy larger than the densest spot of its pairs (3 x 3 cells of 48 px) is compared
    # whole: the pairs within ``reach`` of the spot that fit its transform extend it
    low, high = s.min(axis=0) - t.reach, s.max(axis=0) + t.reach
    fits = np.abs(src @ matrix[:, :2].T + matrix[:, 2] - dst).max(axis=1) <= 2
    fits &= (src >= low).all(axis=1) & (src <= high).all(axis=1)
    spot = np.vstack([s, src[fits]])
    roi = (
        int(max(0, spot[:, 0].min() - pad)),
        int(max(0, spot[:, 1].min() - pad)),
        int(min(width, spot[:, 0].max() + pad)),
        int(min(height, spot[:, 1].max() + pad)),
    )
    if roi[2] - roi[0] < t.window or roi[3] - roi[1] < t.window:
        return None
    needed = t.min_texture
    if _on_jpeg_grid(matrix):
        # a shift along the JPEG grid: genuine block artefacts repeat exactly there
        needed *= t.jpeg_grid_factor
    # a copy resized by a few per cent, compared at the warped place, is interpolated twice
    # and its match blurred: it is held to a lower sharpness over more pixels; nearer 1 the
    # warp is what a photographed page's perspective does to printed repeats: the usual test
    sharpness = t.sharpness
    if abs(scale - 1) >= t.min_resize:
        sharpness, needed = t.resized_sharpness, needed * t.resized_texture_factor
    matched = _sharp_texture(gray, matrix, roi, t, sharpness)
    texture = int(matched.sum())
    if texture < max(1, needed):
        return None
    ys, xs = np.nonzero(cv2.dilate(matched.astype(np.uint8), np.ones((9, 9), np.uint8)))
    box = (roi[0] + int(xs.min()), roi[1] + int(ys.min()), roi[0] + int(xs.max()) + 1,
           roi[1] + int(ys.max()) + 1)  # fmt: skip
    corners = np.array([[box[0], box[1]], [box[2], box[3]]], np.float64)
    moved = corners @ matrix[:, :2].T + matrix[:, 2]
    destination = (int(moved[0, 0]), int(moved[0, 1]), int(moved[1, 0]), int(moved[1, 1]))
    # how far the region's centre moved (for a resized copy the matrix's own translation is
    # the origin's, not the region's)
    centre = (moved[0] + moved[1]) / 2 - (corners[0] + corners[1]) / 2
    return _Match(
        box,
        destination,
        (round(float(centre[0])), round(float(centre[1]))),
        round(scale, 3),
        texture,
        len(s),
        needed,
        (tuple(matrix[0]), tuple(matrix[1])),
    )


def _matches(image: Image, t: CopyMoveThresholds) -> tuple[list[_Match], int, Image]:
    """The copies whose texture and geometry pass, the analysis's reduction factor and the
    grey image analysed."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    gray, factor = _reduced(gray, t.max_pixels)
    points, features = _anchors(gray, t)
    src, dst, strict = _pairs(points, features, t)
    size = (gray.shape[1], gray.shape[0])
    found = []
    shifted = [_widened(mask, strict) for mask in _candidates(src[strict], dst[strict], t)]
    resized = _resized_candidates(src, dst, shifted, t)
    for index, near in enumerate(shifted + resized):
        match = _verify(gray, src[near], dst[near], t, resized=index >= len(shifted))
        if match is None:
            continue
        x0, y0, x1, y1 = match.source
        if min(x1 - x0, y1 - y0) < t.min_side:
            continue
        dx, dy = match.shift
        if abs(dx) < (x1 - x0) / 2 and abs(dy) < (y1 - y0) / 2:
            continue  # a region matching itself a little way off is a periodic pattern
        if _in_border(match.source, size, t.border) and _in_border(
            match.destination, size, t.border
        ):
            continue  # an ornamental border's motif repeated: nothing a reader relies on moved
        found.append(match)
    return found, factor, gray


def _repeats_elsewhere(gray: Image, match: _Match, t: CopyMoveThresholds) -> bool:
    """Whether the match's transform finds matching texture away from it about as densely as
    in it (windows correlating at ``min_correlation``: ``elsewhere`` of its density, over at
    least as much usable texture): a security background printed with a period (a KTP's
    guilloche can repeat across the card pixel for pixel) matches itself at that shift wherever
    the background shows, a pasted copy only where it was pasted. On the JPEG grid the last
    save's block artefacts match sparsely but all over a large photo: there the sharply matching
    texture away from it must stay below its own (``elsewhere_grid`` times). Away means outside
    the source box grown by its larger side (``reach`` at least: a copy can run past the box its
    sharp windows gave), over the part of the page the transform maps onto the page."""
    height, width = gray.shape[:2]
    matrix = np.array(match.matrix, np.float64)
    corners = np.array([[0, 0], [width, 0], [0, height], [width, height]], np.float64)
    back = (corners - matrix[:, 2]) @ np.linalg.inv(matrix[:, :2]).T  # the page, mapped back
    x0, y0 = np.maximum(back.min(axis=0), 0).astype(int)
    x1, y1 = np.minimum(np.ceil(back.max(axis=0)), (width, height)).astype(int)
    if x1 - x0 < t.window or y1 - y0 < t.window:
        return False
    roi = (int(x0), int(y0), int(x1), int(y1))
    bx0, by0, bx1, by1 = (v - o for v, o in zip(match.source, (x0, y0, x0, y0), strict=True))
    grow = max(t.reach, bx1 - bx0, by1 - by0)
    near = (slice(max(0, by0 - grow), max(0, by1 + grow)),
            slice(max(0, bx0 - grow), max(0, bx1 + grow)))  # fmt: skip
    inside = (slice(max(0, by0), max(0, by1)), slice(max(0, bx0), max(0, bx1)))

    def own_and_far(mask: np.ndarray) -> tuple[int, int]:
        return int(mask[inside].sum()), int(mask.sum()) - int(mask[near].sum())

    if _on_jpeg_grid(matrix):
        # a plain shift: held to the usual sharpness, as in ``_verify``
        own, far = own_and_far(_sharp_texture(gray, matrix, roi, t, t.sharpness))
        if own and far >= t.elsewhere_grid * own:
            return True  # the last save's block artefacts, matching themselves all over the page
    correlation, usable = _correlation(gray, matrix, roi, t)
    own, far = own_and_far(usable & (correlation >= t.min_correlation))
    own_usable, far_usable = own_and_far(usable)
    if own == 0 or far_usable < own_usable:
        return False  # too little page away from the match to tell
    return far / far_usable >= t.elsewhere * own / own_usable


def _on_jpeg_grid(matrix: np.ndarray) -> bool:
    """Whether a transform is a shift by multiples of 8 both ways: where a JPEG page's block
    artefacts repeat exactly."""
    shift = matrix[:, 2]
    return bool(np.allclose(matrix[:, :2], np.eye(2)) and np.all(shift % 8 == 0))


def _in_border(box: tuple[int, int, int, int], size: tuple[int, int], border: float) -> bool:
    """Whether ``box`` lies wholly within ``border`` (a fraction of the side) of one edge of a
    page of ``size``: where an akta's ornamental strip repeats its motif, pixel for pixel on a
    clean render."""
    width, height = size
    x0, y0, x1, y1 = box
    return (
        x0 >= (1 - border) * width
        or x1 <= border * width
        or y0 >= (1 - border) * height
        or y1 <= border * height
    )


def _fractions(box: tuple[int, int, int, int], size: tuple[int, int]) -> list[float]:
    width, height = size
    x0, y0, x1, y1 = box
    return [
        round(max(0.0, min(1.0, v)), 4) for v in (x0 / width, y0 / height, x1 / width, y1 / height)
    ]


def copy_move_signals(
    image: Image, thresholds: CopyMoveThresholds = CopyMoveThresholds()
) -> list[Signal]:
    """``fraud.tamper.copy_move`` signals: one per pair of regions whose background texture
    is duplicated, strongest first (at most three)."""
    t = thresholds
    found, factor, gray = _matches(image, t)
    size = (gray.shape[1], gray.shape[0])
    found.sort(key=lambda m: -m.texture)
    kept: list[_Match] = []
    for match in found:
        if len(kept) == 3:
            break
        if any(_same_copy(match, k, t.reach) for k in kept):
            continue  # one copy seen twice (at a shift and resized, or two scales): once
        if _repeats_elsewhere(gray, match, t):
            continue  # the background's pattern is periodic at this shift: the print, not a copy
        kept.append(match)
    signals: list[Signal] = []
    for match in kept:
        details: dict[str, Any] = {
            "method": "anchor-patch matching (FLANN on 4x4 cell-mean descriptors) with "
            "shift voting and (scale, translation) voting for resized copies (RANSAC "
            "similarity), verified by windowed correlation of the ink-masked fine residual "
            "at the shifted or warped place",
            "parameters": {
                "descriptor_distance": t.descriptor_distance,
                "flann_checks": _FLANN_CHECKS,
                "resized_distance": t.resized_distance,
                "min_votes": t.min_votes,
                "min_shift_px": t.min_shift,
                "scales": list(t.scales),
                "min_resize": t.min_resize,
                "reach_px": t.reach,
                "window_px": t.window,
                "min_correlation": t.min_correlation,
                "sharpness": t.sharpness,
                "resized_sharpness": t.resized_sharpness,
                "resized_texture_factor": t.resized_texture_factor,
                "jpeg_grid_factor": t.jpeg_grid_factor,
                "border": t.border,
                "candidates": t.candidates,
                "elsewhere": t.elsewhere,
                "elsewhere_grid": t.elsewhere_grid,
                "analysis_reduction": factor,
            },
            "score": match.texture,
            "threshold": match.needed,
            "pairs": match.pairs,
            "shift_px": [match.shift[0] * factor, match.shift[1] * factor],
            "scale": match.scale,
            "box": _fractions(match.destination, size),
            "regions": {
                "source": _fractions(match.source, size),
                "destination": _fractions(match.destination, size),
            },
        }
        signals.append((CODE, details))
    return signals


def copy_move_findings(
    image: Image, *, document: str, sha256: str | None, ctx: CheckContext
) -> list[Finding]:
    """The findings of ``copy_move_signals`` for one document image."""
    return signal_findings(
        copy_move_signals(image),
        document=document,
        sha256=sha256,
        ctx=ctx,
        message=lambda _, d: (
            "a region of the image repeats another one's background texture "
            f"({d['score']} matching pixels, shifted by {d['shift_px'][0]}, {d['shift_px'][1]})"
        ),
    )


def copy_move_evidence(image: Image, signals: list[Signal]) -> Image:
    """The document with each copied region (green) and where it went (red) outlined and
    joined by a line."""
    canvas = image.copy() if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    height, width = canvas.shape[:2]
    thick = max(2, round(max(height, width) / 500))

    def pixels(box: list[float]) -> tuple[tuple[int, int], tuple[int, int]]:
        return (round(box[0] * width), round(box[1] * height)), (
            round(box[2] * width),
            round(box[3] * height),
        )

    for _, details in signals:
        regions = details.get("regions")
        if not regions:
            continue
        (a0, a1), (b0, b1) = pixels(regions["source"]), pixels(regions["destination"])
        cv2.rectangle(canvas, a0, a1, (0, 170, 0), thick)
        cv2.rectangle(canvas, b0, b1, (0, 0, 230), thick)
        centre_a = ((a0[0] + a1[0]) // 2, (a0[1] + a1[1]) // 2)
        centre_b = ((b0[0] + b1[0]) // 2, (b0[1] + b1[1]) // 2)
        cv2.arrowedLine(canvas, centre_a, centre_b, (0, 140, 255), thick, tipLength=0.03)
    result: Image = canvas
    return result
