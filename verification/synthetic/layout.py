"""A page as a list of drawing operations, drawn either as a PDF or as a raster image.

The KK is laid out once in millimetres (text, lines, boxes, a QR-like grid) and then drawn by
two backends: reportlab with the standard Helvetica fonts, giving a PDF with a real text
layer, and PIL with Liberation Sans, which has Helvetica's metrics, giving the same page as
pixels for the scanned and photographed forms. Text widths are measured with Helvetica
metrics so that both drawings agree. PDFs are written with reportlab's ``invariant`` mode:
fixed dates and ids, the same bytes for the same page.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from verification.synthetic.fonts import SANS, SANS_BOLD, font

__all__ = [
    "Grid",
    "Line",
    "Op",
    "Page",
    "Text",
    "image_pdf",
    "page_image",
    "page_pdf",
    "text_width",
]

_MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class Text:
    """Text with its baseline at (x, y) mm from the top-left corner; align left|center|right."""

    x: float
    y: float
    text: str
    size: float  # points
    bold: bool = False
    align: str = "left"


@dataclass(frozen=True)
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float = 0.5  # points


@dataclass(frozen=True)
class Grid:
    """A square of dark/light modules (the QR-like mark), top-left at (x, y), side in mm."""

    x: float
    y: float
    side: float
    modules: tuple[tuple[bool, ...], ...]


Op = Text | Line | Grid


@dataclass(frozen=True)
class Page:
    width: float  # mm
    height: float
    ops: tuple[Op, ...]


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` in mm at ``size`` points (Helvetica metrics)."""
    return float(stringWidth(text, "Helvetica-Bold" if bold else "Helvetica", size)) / _MM


def _new_canvas(
    buffer: io.BytesIO, page: Page, title: str, producer: str | None = None
) -> canvas.Canvas:
    pdf = canvas.Canvas(buffer, pagesize=(page.width * _MM, page.height * _MM), invariant=1)
    pdf.setTitle(title)
    pdf.setCreator("paspor synthetic documents")
    pdf.setAuthor("paspor")
    if producer is not None:
        pdf.setProducer(producer)
    return pdf


def page_pdf(
    page: Page,
    *,
    title: str,
    font_for: Callable[[Text], str | None] | None = None,
    producer: str | None = None,
) -> bytes:
    """The page as a one-page PDF with a text layer. ``font_for`` may name another standard
    font for some texts and ``producer`` another Producer (both to build tampered samples)."""
    buffer = io.BytesIO()
    pdf = _new_canvas(buffer, page, title, producer)
    top = page.height * _MM
    for op in page.ops:
        if isinstance(op, Text):
            other = font_for(op) if font_for is not None else None
            pdf.setFont(other or ("Helvetica-Bold" if op.bold else "Helvetica"), op.size)
            x, y = op.x * _MM, top - op.y * _MM
            if op.align == "center":
                pdf.drawCentredString(x, y, op.text)
            elif op.align == "right":
                pdf.drawRightString(x, y, op.text)
            else:
                pdf.drawString(x, y, op.text)
        elif isinstance(op, Line):
            pdf.setLineWidth(op.width)
            pdf.line(op.x0 * _MM, top - op.y0 * _MM, op.x1 * _MM, top - op.y1 * _MM)
        else:
            cell = op.side / len(op.modules) * _MM
            for r, row in enumerate(op.modules):
                for c, dark in enumerate(row):
                    if dark:
                        x, y = op.x * _MM + c * cell, top - op.y * _MM - (r + 1) * cell
                        pdf.rect(x, y, cell, cell, stroke=0, fill=1)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def page_image(page: Page, dpi: int) -> Image.Image:
    """The page drawn in pixels at ``dpi`` on white paper."""
    scale = dpi / 25.4
    size = (round(page.width * scale), round(page.height * scale))
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for op in page.ops:
        if isinstance(op, Text):
            face = font(SANS_BOLD if op.bold else SANS, max(1, round(op.size * dpi / 72)))
            anchor = {"left": "ls", "center": "ms", "right": "rs"}[op.align]
            draw.text(
                (op.x * scale, op.y * scale), op.text, font=face, fill=(0, 0, 0), anchor=anchor
            )
        elif isinstance(op, Line):
            width = max(1, round(op.width * dpi / 72))
            draw.line(
                (op.x0 * scale, op.y0 * scale, op.x1 * scale, op.y1 * scale),
                fill=(0, 0, 0),
                width=width,
            )
        else:
            cell = op.side / len(op.modules) * scale
            for r, row in enumerate(op.modules):
                for c, dark in enumerate(row):
                    if dark:
                        x, y = op.x * scale + c * cell, op.y * scale + r * cell
                        draw.rectangle((x, y, x + cell - 1, y + cell - 1), fill=(0, 0, 0))
    return image


def image_pdf(jpeg: bytes, width_mm: float, height_mm: float, *, title: str) -> bytes:
    """A one-page PDF holding only a JPEG image across the page (a scan: no text layer)."""
    buffer = io.BytesIO()
    pdf = _new_canvas(buffer, Page(width_mm, height_mm, ()), title)
    pdf.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, width_mm * _MM, height_mm * _MM)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
