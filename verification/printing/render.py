"""The data page as a PDF (reportlab): the size of an ICAO TD3 page, 125 x 88 mm.

The MRZ sits in the bottom 23.2 mm, the zone ICAO keeps clear for it, set at 10 characters per
inch (44 characters over 111.8 mm). OCR-B is not installed on this system; DejaVu Sans Mono, a
monospace face with distinct ``0``/``O`` and ``<``, stands in for it. Output is byte-for-byte
reproducible (reportlab's invariant mode): the same page renders to the same object key.

``photo`` is the applicant's portrait (JPEG or PNG bytes) from the biometrics stage; ``None``
draws an empty, labelled frame instead, until that stage stores photos.
"""

from __future__ import annotations

import io
from functools import cache

from PIL import Image as PILImage
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from verification.errors import InputError
from verification.media import JPEG, PNG, sniff
from verification.printing.datapage import DataPage, viz_date
from verification.synthetic.fonts import MONO, SANS, SANS_BOLD, font_path

__all__ = ["MRZ_ZONE_HEIGHT", "PAGE_SIZE", "render_data_page"]

PAGE_SIZE = (125 * mm, 88 * mm)
MRZ_ZONE_HEIGHT = 23.2 * mm
MRZ_PITCH = 25.4 * mm / 10  # 10 characters per inch
MRZ_GLYPH_SHARE = 0.8
MRZ_BASELINES = (13.0 * mm, 5.5 * mm)
PHOTO_BOX = (6 * mm, 27 * mm, 30 * mm, 40 * mm)  # x, y, width, height
FIELDS_X = 40 * mm
FIELDS_RIGHT = 120 * mm


@cache
def _fonts() -> tuple[str, str, str]:
    for name, file in (("PasporSans", SANS), ("PasporSansBold", SANS_BOLD), ("PasporMrz", MONO)):
        pdfmetrics.registerFont(TTFont(name, str(font_path(file))))
    return "PasporSans", "PasporSansBold", "PasporMrz"


def _field(canvas: Canvas, x: float, y: float, label: str, value: str, width: float) -> None:
    sans, bold, _ = _fonts()
    canvas.setFont(sans, 4.6)
    canvas.setFillColorRGB(0.25, 0.3, 0.45)
    canvas.drawString(x, y, label)
    size = 8.0
    while size > 5.0 and pdfmetrics.stringWidth(value, bold, size) > width:
        size -= 0.25  # a long name shrinks to fit its line rather than run off the page
    canvas.setFont(bold, size)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawString(x, y - 3.4 * mm, value)


def _photo(canvas: Canvas, photo: bytes | None) -> None:
    x, y, width, height = PHOTO_BOX
    if photo is None:
        canvas.setStrokeColorRGB(0.5, 0.5, 0.5)
        canvas.setDash(2, 2)
        canvas.rect(x, y, width, height)
        canvas.setDash()
        canvas.setFont(_fonts()[0], 6)
        canvas.drawCentredString(x + width / 2, y + height / 2, "FOTO")
        return
    if sniff(photo) not in (JPEG, PNG):
        raise InputError("the photo is not a JPEG or PNG image")
    try:
        with PILImage.open(io.BytesIO(photo)) as decoded:
            decoded.load()
            image = ImageReader(decoded.convert("RGB"))
    except (OSError, ValueError) as exc:
        raise InputError("the photo cannot be decoded") from exc
    canvas.drawImage(image, x, y, width, height, preserveAspectRatio=True, anchor="c")


def _visual_zone(canvas: Canvas, page: DataPage) -> None:
    sans, bold, _ = _fonts()
    canvas.setFont(bold, 9)
    canvas.drawString(FIELDS_X, 80 * mm, "REPUBLIK INDONESIA")
    canvas.setFont(sans, 7)
    canvas.drawString(FIELDS_X, 75.5 * mm, "PASPOR / PASSPORT")
    full = FIELDS_RIGHT - FIELDS_X
    third, half = full / 3, full / 2
    sex = {"M": "L/M", "F": "P/F"}[page.sex]
    rows = [
        [
            ("Jenis / Type", page.document_type, third),
            ("Kode Negara / Code of Issuing State", page.issuer.state, third),
            ("No. Paspor / Passport No.", page.number, third),
        ],
        [("Nama Lengkap / Full Name", page.name, full)],
        [
            ("Kewarganegaraan / Nationality", page.issuer.nationality, half),
            ("Jenis Kelamin / Sex", sex, half),
        ],
        [
            ("Tanggal Lahir / Date of Birth", viz_date(page.birth_date), half),
            ("Tempat Lahir / Place of Birth", page.birth_place, half),
        ],
        [
            ("Tanggal Pengeluaran / Date of Issue", viz_date(page.issue_date), half),
            ("Tanggal Habis Berlaku / Date of Expiry", viz_date(page.expiry_date), half),
        ],
        [
            ("No. Registrasi / Reg. No.", page.registration, half),
            ("Kantor yang Mengeluarkan / Issuing Office", page.issuer.office, half),
        ],
    ]
    y = 70 * mm
    for row in rows:
        x = FIELDS_X
        for label, value, width in row:
            _field(canvas, x, y, label, value, width - 2 * mm)
            x += width
        y -= 7.2 * mm


def _mrz(canvas: Canvas, lines: tuple[str, str]) -> None:
    _, _, mono = _fonts()
    # Glyphs take 80% of the pitch and character spacing the rest, so neighbours never touch
    # (OCR-B leaves such a gap too; a mono face set solid runs W and M into each other).
    advance = MRZ_GLYPH_SHARE * MRZ_PITCH
    size = advance / pdfmetrics.stringWidth("<", mono, 1.0)
    left = (PAGE_SIZE[0] - 44 * MRZ_PITCH) / 2
    canvas.setFillColorRGB(0, 0, 0)
    for line, baseline in zip(lines, MRZ_BASELINES, strict=True):
        text = canvas.beginText(left, baseline)
        text.setFont(mono, size)
        text.setCharSpace(MRZ_PITCH - advance)
        text.textOut(line)
        canvas.drawText(text)


def render_data_page(page: DataPage, photo: bytes | None = None) -> bytes:
    """The data page as PDF bytes (one page, text drawn as text, photo embedded)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE_SIZE, invariant=True, pageCompression=1)
    canvas.setTitle("Passport data page")  # document metadata: never the holder's name
    canvas.setAuthor("paspor")
    canvas.setStrokeColorRGB(0.6, 0.65, 0.8)
    canvas.rect(1 * mm, 1 * mm, PAGE_SIZE[0] - 2 * mm, PAGE_SIZE[1] - 2 * mm)
    _photo(canvas, photo)
    _visual_zone(canvas, page)
    _mrz(canvas, page.mrz)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
