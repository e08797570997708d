"""Tampered copies of synthetic documents, for the fraud detectors' tests and benchmark.

Each function takes a genuine synthetic document and returns what a forger's tool would leave:
a PDF saved again with an incremental update, a PDF rewritten by an editing program, a KK
whose one value was retyped in another font. Synthetic people only.
"""

from __future__ import annotations

import io
import re

from verification.synthetic.layout import Page, Text, page_pdf

__all__ = ["append_revision", "retyped_value", "rewritten_by", "saved_by", "text_ops"]


def append_revision(pdf: bytes, *, producer: str | None = None) -> bytes:
    """The PDF with one incremental update appended, as an editor saving changes does: a new
    document information object (modification date, optionally a Producer), a cross-reference
    section for it and a trailer pointing back at the original one."""
    trailers = list(re.finditer(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)", pdf, re.S))
    if not trailers:
        raise ValueError("no trailer found: not a classic PDF")
    trailer, previous = trailers[-1].group(1), int(trailers[-1].group(2))
    root = re.search(rb"/Root\s+(\d+\s+\d+\s+R)", trailer)
    size = re.search(rb"/Size\s+(\d+)", trailer)
    if root is None or size is None:
        raise ValueError("the trailer has no /Root or /Size")
    number = int(size.group(1))
    body = pdf if pdf.endswith(b"\n") else pdf + b"\n"
    info = b"<< /ModDate (D:20260301120000+07'00')"
    if producer is not None:
        info += b" /Producer (" + producer.encode("latin-1") + b")"
    info += b" >>"
    offset = len(body)
    obj = b"%d 0 obj\n" % number + info + b"\nendobj\n"
    xref_at = offset + len(obj)
    xref = b"xref\n%d 1\n%010d 00000 n \n" % (number, offset)
    tail = (
        b"trailer\n<< /Size %d /Root " % (number + 1)
        + root.group(1)
        + b" /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (number, previous, xref_at)
    )
    return body + obj + xref + tail


def rewritten_by(page: Page, *, title: str, producer: str) -> bytes:
    """The page written again in one piece by a program that names itself in Producer."""
    return page_pdf(page, title=title, producer=producer)


def retyped_value(page: Page, *, title: str, value: str, font: str) -> bytes:
    """The page with the first text equal to ``value`` (say one member's NIK) set in
    ``font``, as a forger retyping one field would leave it."""
    first = next((op for op in text_ops(page) if op.text == value), None)
    if first is None:
        raise ValueError("the page has no such text")
    return page_pdf(page, title=title, font_for=lambda op: font if op is first else None)


def text_ops(page: Page) -> list[Text]:
    return [op for op in page.ops if isinstance(op, Text)]


def saved_by(image_bytes: bytes, *, software: str) -> bytes:
    """A JPEG or PNG opened and saved again by an editing program that names itself (EXIF
    Software for a JPEG, a ``Software`` text chunk for a PNG), as Photoshop or GIMP do."""
    from PIL import Image, PngImagePlugin

    image = Image.open(io.BytesIO(image_bytes))
    buffer = io.BytesIO()
    if image.format == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Software", software)
        image.save(buffer, format="PNG", pnginfo=text)
    else:
        exif = Image.Exif()
        exif[0x0131] = software
        image.convert("RGB").save(buffer, format="JPEG", quality=92, exif=exif)
    return buffer.getvalue()
