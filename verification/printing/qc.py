"""Quality control of a printed data page: read the MRZ back from the page image, compare.

The check reads what a QC officer's MRZ reader would, never the PDF's text layer:

1. ``rasterise``: the page is drawn at 300 dpi (pdfium through pdfplumber);
2. ``crop_mrz_zone``: the bottom 23.2 mm, the zone ICAO keeps for the MRZ;
3. ``find_lines``: the two ink bands of the MRZ lines (horizontal projection);
4. ``cut_cells``: each line cut into its 44 character cells on the ICAO pitch of 10 characters
   per inch (30 px at 300 dpi), from the line's first ink column;
5. ``ocr_spaced_cells``: the 88 cells pasted apart onto one sheet and read by *one* OCR call
   (Tesseract, sparse layout, alphabet ``A-Z0-9<``, no dictionaries: ``mrz_engine``); each
   recognised glyph goes back to the cell under its box. Read as whole lines, Tesseract
   miscounts runs of ``<`` and slips every later character out of place; cells keep each
   character at its position, and an unread cell stays ``?``;
6. ``field_alphabet``: in a position where ICAO allows only digits (dates, check digits, this
   office's serial) or only letters (state codes, names) the glyph pairs OCR confuses in a
   sans-serif mono face (``0/O/Q/D``, ``1/I/L``, ``2/Z``, ``5/S``, ``6/G``, ``8/B``) are read
   as the allowed class; the other class could not be a valid MRZ there anyway;
7. ``compare``: every field is compared with the MRZ the *record* gives (rebuilt from the
   database, not taken from the printer) and all five check digits are verified on what was
   read.

The result names the fields that differ; it never carries their values (personal data).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pdfplumber
from numpy.typing import NDArray

from verification.errors import DocumentUnreadable, MrzInvalid
from verification.mrz import parse_td3
from verification.printing.render import MRZ_ZONE_HEIGHT, PAGE_SIZE
from verification.reading.ocr import OcrEngine, TesseractEngine

__all__ = [
    "MRZ_FIELDS",
    "QcResult",
    "check_page",
    "compare_mrz",
    "mrz_engine",
    "rasterise",
    "read_mrz",
]

RASTER_DPI = 300
PITCH_PX = RASTER_DPI // 10  # ICAO: 10 characters per inch
ROW_GAP_PX = PITCH_PX  # white space between stacked cells
MAX_SECOND_LOOKS = 6  # more unread cells than this: the page is unreadable, not one glyph
MARGIN_PX = 40
INK = 128
MRZ_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
UNREAD = "?"
STEPS = (
    "rasterise",
    "crop_mrz_zone",
    "find_lines",
    "cut_cells",
    "ocr_spaced_cells",
    "field_alphabet",
    "compare",
)

# (line, start, end) of each field of a TD3 MRZ (domain-spec 10.2, 10.3).
MRZ_FIELDS: dict[str, tuple[int, int, int]] = {
    "document_type": (0, 0, 2),
    "issuing_state": (0, 2, 5),
    "name": (0, 5, 44),
    "document_number": (1, 0, 9),
    "document_number_check": (1, 9, 10),
    "nationality": (1, 10, 13),
    "birth_date": (1, 13, 19),
    "birth_date_check": (1, 19, 20),
    "sex": (1, 20, 21),
    "expiry_date": (1, 21, 27),
    "expiry_date_check": (1, 27, 28),
    "personal_number": (1, 28, 42),
    "personal_number_check": (1, 42, 43),
    "composite_check": (1, 43, 44),
}

_TO_DIGIT = str.maketrans("OQDILZSGB", "000112568")
_TO_LETTER = str.maketrans("0125689", "OIZSGBB")
# Per position: "9" digits only, "A" letters only (and the filler), "" anything.
_CLASSES = (
    "A" * 44,
    "A9999999" + " " + "9" + "AAA" + "999999" + "9" + "A" + "999999" + "9" + " " * 14 + "99",
)


def mrz_engine() -> TesseractEngine:
    """Tesseract for MRZ glyphs: English model, MRZ characters only, no dictionaries."""
    return TesseractEngine(
        lang="eng",
        extra_config=(
            f"-c tessedit_char_whitelist={MRZ_ALPHABET} -c load_system_dawg=0 -c load_freq_dawg=0"
        ),
        name="tesseract-mrz",
    )


@dataclass(frozen=True)
class QcResult:
    """The QC verdict on one page. ``mismatches`` and ``failed_checks`` are names only."""

    passed: bool
    mismatches: tuple[str, ...]
    failed_checks: tuple[str, ...] = ()
    unread_cells: int = 0
    steps: tuple[str, ...] = field(default=STEPS)

    def details(self) -> dict[str, Any]:
        """A JSON-able summary without personal data (for the book record and the audit)."""
        return {
            "passed": self.passed,
            "mismatches": list(self.mismatches),
            "failed_checks": list(self.failed_checks),
            "unread_cells": self.unread_cells,
            "steps": list(self.steps),
        }


def rasterise(pdf: bytes, dpi: int = RASTER_DPI) -> NDArray[np.uint8]:
    """The single page of a data-page PDF as a grey image."""
    try:
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            if len(document.pages) != 1:
                raise DocumentUnreadable("a data page PDF has exactly one page")
            image = document.pages[0].to_image(resolution=dpi).original.convert("L")
    except DocumentUnreadable:
        raise
    except Exception as exc:  # pdfminer and pdfium raise many types on a broken PDF
        raise DocumentUnreadable("the data page PDF cannot be rasterised") from exc
    return np.asarray(image, dtype=np.uint8)


def _bands(ink: NDArray[np.bool_]) -> list[tuple[int, int]]:
    rows: list[bool] = np.any(ink, axis=1).tolist()
    bands: list[tuple[int, int]] = []
    start: int | None = None
    for y, on in enumerate([*rows, False]):
        if on and start is None:
            start = y
        elif not on and start is not None:
            if y - start >= PITCH_PX // 3:  # specks are not lines
                bands.append((start, y))
            start = None
    return bands


def _cells(zone: NDArray[np.uint8]) -> list[list[NDArray[np.uint8]]]:
    ink = zone < INK
    bands = _bands(ink)
    if len(bands) != 2:
        raise DocumentUnreadable(f"the MRZ zone shows {len(bands)} text lines, not 2")
    lines = []
    for top, bottom in bands:
        columns = np.flatnonzero(ink[top:bottom].any(axis=0))
        left = max(int(columns[0]) - PITCH_PX // 6, 0)  # back off the glyph's side bearing
        band = zone[max(top - 4, 0) : bottom + 4]
        lines.append([band[:, left + i * PITCH_PX : left + (i + 1) * PITCH_PX] for i in range(44)])
    return lines


def _sheet(cells: list[NDArray[np.uint8]]) -> tuple[NDArray[np.uint8], int]:
    """The cells stacked in one column, apart: each glyph is a text line of its own."""
    height = max(c.shape[0] for c in cells)
    row = height + ROW_GAP_PX
    sheet = np.full((2 * MARGIN_PX + len(cells) * row, 2 * MARGIN_PX + PITCH_PX), 255, np.uint8)
    for k, cell in enumerate(cells):
        y = MARGIN_PX + k * row
        sheet[y : y + cell.shape[0], MARGIN_PX : MARGIN_PX + cell.shape[1]] = cell
    return sheet, row


def _read_cells(cells: list[NDArray[np.uint8]], engine: OcrEngine) -> list[str]:
    sheet, row = _sheet(cells)
    read = [UNREAD] * len(cells)
    for word in engine.recognise(sheet, layout="block"):
        k = int((word.box.centre_y - MARGIN_PX + ROW_GAP_PX / 2) // row)
        if 0 <= k < len(cells) and len(word.text) == 1 and word.text in MRZ_ALPHABET:
            read[k] = word.text
    missed = [k for k, char in enumerate(read) if char == UNREAD]
    if len(missed) <= MAX_SECOND_LOOKS:  # a glyph the block pass dropped, read on its own
        for k in missed:
            words = engine.recognise(
                np.pad(cells[k], MARGIN_PX, constant_values=255), layout="line"
            )
            text = "".join(w.text for w in words)
            if len(text) == 1 and text in MRZ_ALPHABET:
                read[k] = text
    return read


def _constrain(line: str, classes: str) -> str:
    out = []
    for char, kind in zip(line, classes.ljust(44), strict=True):
        if kind == "9" and char != "<":
            char = char.translate(_TO_DIGIT)
        elif kind == "A":
            char = char.translate(_TO_LETTER)
        out.append(char)
    return "".join(out)


def read_mrz(pdf: bytes, engine: OcrEngine) -> tuple[str, str]:
    """The two MRZ lines read from the page image; ``?`` marks a cell nothing was read in."""
    grey = rasterise(pdf)
    zone_height = round(grey.shape[0] * MRZ_ZONE_HEIGHT / PAGE_SIZE[1])
    first, second = _cells(grey[grey.shape[0] - zone_height :, :])
    read = "".join(_read_cells(first + second, engine))
    return _constrain(read[:44], _CLASSES[0]), _constrain(read[44:], _CLASSES[1])


def compare_mrz(read: tuple[str, str], expected: tuple[str, str]) -> QcResult:
    """Compare MRZ lines read from a page with the lines the record gives: the fields that
    differ, and the check digits that fail on what was read."""
    mismatches = tuple(
        name
        for name, (line, start, end) in MRZ_FIELDS.items()
        if read[line][start:end] != expected[line][start:end]
    )
    unread = sum(line.count(UNREAD) for line in read)
    try:
        failed = tuple(c.name for c in parse_td3(*read).checks if not c.ok)
    except MrzInvalid:  # unread cells: the checks cannot be computed, so none passes
        failed = (
            "document_number",
            "birth_date",
            "expiry_date",
            "personal_number",
            "composite",
        )
    return QcResult(not mismatches and not failed, mismatches, failed, unread)


def check_page(pdf: bytes, expected: tuple[str, str], engine: OcrEngine) -> QcResult:
    """QC of one rendered page against the record's MRZ: read, parse, compare. A page whose
    MRZ zone cannot be found fails with the mismatch ``mrz_zone``."""
    try:
        read = read_mrz(pdf, engine)
    except DocumentUnreadable:
        return QcResult(False, ("mrz_zone",), (), 88)
    return compare_mrz(read, expected)
