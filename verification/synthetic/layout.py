"""A page as a list of drawing operations, drawn either as a PDF or as a raster image.

The KK is laid out once in millimetres (text, lines, boxes, a QR-like grid) and then drawn by
two backends: reportlab with the standard Helvetica fonts, giving a PDF with a real text
layer, and PIL with Liberation Sans, which has Helvetica's metrics, giving the same page as
pixels for the scanned and photographed forms. Text widths are measured with Helvetica
metrics so that both drawings agree. PDFs are written with reportlab's ``invariant`` mode:
fixed dates and ids, the same bytes for the same page. Filled boxes, pictures and text styles
(a colour, invisible text, text stretched to a width) serve the tampered and OCR-layer samples.
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
    "Fill",
    "Grid",
    "Line",
    "Op",
    "Page",
    "Picture",
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
    colour: tuple[float, float, float] = (0.0, 0.0, 0.0)  # RGB 0..1
    invisible: bool = False  # text render mode 3, as in a scan's OCR layer
    width: float | None = None  # mm: stretched horizontally to this width (OCR layers do)


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


@dataclass(frozen=True)
class Fill:
    """A filled rectangle, top-left at (x, y) mm."""

    x: float
    y: float
    width: float
    height: float
    colour: tuple[float, float, float] = (1.0, 1.0, 1.0)


@dataclass(frozen=True)
class Picture:
    """A JPEG or PNG image placed with its top-left at (x, y) mm."""

    x: float
    y: float
    width: float
    height: float
    data: bytes


Op = Text | Line | Grid | Fill | Picture


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
            name = (font_for(op) if font_for is not None else None) or (
                "Helvetica-Bold" if op.bold else "Helvetica"
            )
            _pdf_text(pdf, op, name, top)
        elif isinstance(op, Line):
            pdf.setLineWidth(op.width)
            pdf.line(op.x0 * _MM, top - op.y0 * _MM, op.x1 * _MM, top - op.y1 * _MM)
        elif isinstance(op, Fill):
            pdf.setFillColorRGB(*op.colour)
            x, y = op.x * _MM, top - (op.y + op.height) * _MM
            pdf.rect(x, y, op.width * _MM, op.height * _MM, stroke=0, fill=1)
            pdf.setFillColorRGB(0, 0, 0)
        elif isinstance(op, Picture):
            x, y = op.x * _MM, top - (op.y + op.height) * _MM
            pdf.drawImage(ImageReader(io.BytesIO(op.data)), x, y, op.width * _MM, op.height * _MM)
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


def _pdf_text(pdf: canvas.Canvas, op: Text, font_name: str, top: float) -> None:
    """One text: plain black text with the canvas's string calls, styled text (a colour,
    invisible, stretched to a width) as a text object."""
    x, y = op.x * _MM, top - op.y * _MM
    styled = op.colour != (0.0, 0.0, 0.0) or op.invisible or op.width is not None
    if not styled:
        pdf.setFont(font_name, op.size)
        if op.align == "center":
            pdf.drawCentredString(x, y, op.text)
        elif op.align == "right":
            pdf.drawRightString(x, y, op.text)
        else:
            pdf.drawString(x, y, op.text)
        return
    natural = stringWidth(op.text, font_name, op.size)
    width = op.width * _MM if op.width is not None else natural
    x -= {"left": 0.0, "center": width / 2, "right": width}[op.align]
    text = pdf.beginText(x, y)
    text.setFont(font_name, op.size)
    text.setFillColorRGB(*op.colour)
    if op.invisible:
        text.setTextRenderMode(3)
    if op.width is not None and natural > 0:
        text.setHorizScale(100.0 * width / natural)
    text.textOut(op.text)
    pdf.drawText(text)
    pdf.setFillColorRGB(0, 0, 0)


def page_image(page: Page, dpi: int) -> Image.Image:
    """The page drawn in pixels at ``dpi`` on white paper."""
    scale = dpi / 25.4
    size = (round(page.width * scale), round(page.height * scale))
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for op in page.ops:
        if isinstance(op, Text):
            if op.invisible:
                continue
            face = font(SANS_BOLD if op.bold else SANS, max(1, round(op.size * dpi / 72)))
            anchor = {"left": "ls", "center": "ms", "right": "rs"}[op.align]
            colour = tuple(round(255 * c) for c in op.colour)
            draw.text((op.x * scale, op.y * scale), op.text, font=face, fill=colour, anchor=anchor)
        elif isinstance(op, Line):
            width = max(1, round(op.width * dpi / 72))
            draw.line(
                (op.x0 * scale, op.y0 * scale, op.x1 * scale, op.y1 * scale),
                fill=(0, 0, 0),
                width=width,
            )
        elif isinstance(op, Fill):
            colour = tuple(round(255 * c) for c in op.colour)
            box = (
                op.x * scale,
                op.y * scale,
                (op.x + op.width) * scale,
                (op.y + op.height) * scale,
            )
            draw.rectangle(box, fill=colour)
        elif isinstance(op, Picture):
            size = (max(1, round(op.width * scale)), max(1, round(op.height * scale)))
            picture = Image.open(io.BytesIO(op.data)).convert("RGB").resize(size)
            image.paste(picture, (round(op.x * scale), round(op.y * scale)))
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
