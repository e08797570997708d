"""Tampered copies of synthetic documents, for the fraud detectors' tests and benchmark.

Each function takes a genuine synthetic document and returns what a forger's tool would leave:
a PDF saved again with an incremental update, a PDF rewritten by an editing program, a KK
whose one value was retyped in another font, a value covered or hidden under a new one, and a
scan whose OCR text layer was edited. Synthetic people only.

``scanned_page`` makes the page scanner software produces for a "searchable PDF": the scan as
a picture across the page and, over it, each word as invisible text (render mode 3) stretched
across the word's box in the scan; ``searchable_scan`` is the genuine PDF of it and
``edited_text_layer`` the same with one value changed in the layer only.
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import replace

import cv2
import numpy as np

from verification.synthetic.degrade import degrade, random_steps
from verification.synthetic.drawing import JPEG, encode, to_array, to_image
from verification.synthetic.fonts import SANS, SANS_BOLD, font
from verification.synthetic.layout import (
    Fill,
    Op,
    Page,
    Picture,
    Text,
    page_image,
    page_pdf,
    text_width,
)

__all__ = [
    "HIDINGS",
    "altered_value",
    "append_revision",
    "covered_value",
    "edited_text_layer",
    "hidden_value",
    "retyped_value",
    "rewritten_by",
    "saved_by",
    "scanned_page",
    "searchable_scan",
    "text_ops",
]

_PT_MM = 25.4 / 72  # millimetres per point
_ASCENT, _DESCENT = 0.74, 0.22  # of the font size, Helvetica capitals and descenders
_LAYER_DESCENT = 0.207  # Helvetica's descender, where PDF readers put a character's bottom
_KEY_WORD = re.compile(r"\d{16}|\d{2}-\d{2}-\d{4}|[A-Z][A-Z'.]{2,}")
_LOOKALIKES = {"a": "o", "e": "c", "i": "l", "l": "1", "n": "m", "o": "0", "u": "v", "/": "l"}


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


def _first(page: Page, value: str) -> Text:
    found = next((op for op in text_ops(page) if op.text == value and not op.invisible), None)
    if found is None:
        raise ValueError("the page has no such text")
    return found


def _box(op: Text) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a text in mm."""
    width = op.width if op.width is not None else text_width(op.text, op.size, op.bold)
    left = op.x - {"left": 0.0, "center": width / 2, "right": width}[op.align]
    return left, op.y - _ASCENT * op.size * _PT_MM, left + width, op.y + _DESCENT * op.size * _PT_MM


def _white_patch(width_mm: float, height_mm: float) -> bytes:
    size = (max(8, round(width_mm * 8)), max(8, round(height_mm * 8)))
    return encode(to_image(np.full((size[1], size[0], 3), 255, np.uint8)), JPEG, quality=90)


def covered_value(
    page: Page,
    *,
    title: str,
    old: str,
    new: str,
    colour: tuple[float, float, float] = (1.0, 1.0, 1.0),
) -> bytes:
    """The page with the first text equal to ``old`` covered by a filled box (white, or the
    background's colour) and ``new`` typed over it: the old value stays in the text layer."""
    op = _first(page, old)
    left, top, right, bottom = _box(op)
    cover = Fill(left - 0.4, top - 0.3, right - left + 0.8, bottom - top + 0.6, colour)
    return page_pdf(
        Page(page.width, page.height, (*page.ops, cover, replace(op, text=new))), title=title
    )


HIDINGS = ("white", "invisible", "off_page", "under_image", "overlay")


def hidden_value(page: Page, *, title: str, old: str, new: str, how: str) -> bytes:
    """The page showing ``new`` where the first text equal to ``old`` was, the old value left
    in the text layer but hidden ``how``: white text, invisible text (render mode 3), moved
    off the page, under a white picture, or simply overprinted (``overlay``)."""
    if how not in HIDINGS:
        raise ValueError(f"how must be one of {', '.join(HIDINGS)}, not {how!r}")
    op = _first(page, old)
    hidden: tuple[Op, ...] = (op,)
    if how == "white":
        hidden = (replace(op, colour=(1.0, 1.0, 1.0)),)
    elif how == "invisible":
        hidden = (replace(op, invisible=True),)
    elif how == "off_page":
        hidden = (replace(op, x=op.x + page.width + 15.0),)
    elif how == "under_image":
        left, top, right, bottom = _box(op)
        width, height = right - left + 0.8, bottom - top + 0.6
        hidden = (op, Picture(left - 0.4, top - 0.3, width, height, _white_patch(width, height)))
    ops = tuple(o for o in page.ops if o is not op)
    return page_pdf(
        Page(page.width, page.height, (*ops, *hidden, replace(op, text=new))), title=title
    )


def altered_value(value: str, rng: random.Random) -> str:
    """Another value of the same shape, as a forger would type: one to three digits of a
    number or date changed, or another name word in place of a word in capitals."""
    chars = list(value)
    digits = [i for i, c in enumerate(chars) if c.isdigit()]
    if digits:
        for i in rng.sample(digits, min(len(digits), rng.choice((1, 1, 2, 3)))):
            chars[i] = rng.choice([d for d in "0123456789" if d != chars[i]])
        return "".join(chars)
    words = ("BUDI", "SANTOSO", "DEWI", "LESTARI", "AGUS", "HIDAYAT", "SITI", "RAHAYU", "YUSUF")
    return " ".join(rng.choice([w for w in words if w != word]) for word in value.split())


def _misread(word: str, rng: random.Random) -> str:
    """One lookalike letter changed, as OCR gets a word of running text wrong."""
    places = [i for i, c in enumerate(word) if c in _LOOKALIKES]
    if not places:
        return word
    i = rng.choice(places)
    return word[:i] + _LOOKALIKES[word[i]] + word[i + 1 :]


def _ink_boxes(op: Text, dpi: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each word of a text with the box of its ink in the drawn page (pixels), measured with
    the font the page image is drawn with, as OCR finds words in a scan."""
    face = font(SANS_BOLD if op.bold else SANS, max(1, round(op.size * dpi / 72)))
    scale = dpi / 25.4
    start = op.x * scale - {"left": 0.0, "center": 0.5, "right": 1.0}[op.align] * face.getlength(
        op.text
    )
    out = []
    for match in re.finditer(r"\S+", op.text):
        x = start + face.getlength(op.text[: match.start()])
        left, top, right, bottom = face.getbbox(match.group(), anchor="ls")
        box = (x + left, op.y * scale + top, x + right, op.y * scale + bottom)
        out.append((match.group(), box))
    return out


def scanned_page(
    page: Page, rng: random.Random, *, degraded: bool = True, misread: float = 0.05
) -> Page:
    """The page as scanner software saves a searchable scan: a 200-300 dpi scan (when
    ``degraded``: askew, blurred, noisy, JPEG-compressed) as a picture across the page, and
    each printed word as invisible text over the word's box in the scan. A ``misread`` share of
    words other than numbers, dates and words in capitals get one lookalike letter wrong, as
    OCR gets running text."""
    dpi = rng.choice((200, 240, 300))
    scan = to_array(page_image(page, dpi))
    height, width = scan.shape[:2]
    angle = rng.uniform(-2.5, 2.5) if degraded else 0.0
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    if angle:
        scan = cv2.warpAffine(scan, matrix, (width, height), borderValue=(250, 250, 250))
        steps = [s for s in random_steps(rng, "scan") if s not in ("skew", "downscale")]
        scan, _ = degrade(scan, rng, steps=steps)
    jpeg = encode(to_image(scan), JPEG, quality=rng.randint(60, 85) if degraded else 90, dpi=dpi)
    layer: list[Op] = [Picture(0.0, 0.0, page.width, page.height, jpeg)]
    mm = 25.4 / dpi
    for op in text_ops(page):
        for word, (left, top, right, bottom) in _ink_boxes(op, dpi):
            corners = np.array(
                [[left, top, 1], [right, top, 1], [right, bottom, 1], [left, bottom, 1]]
            )
            moved = corners @ matrix.T * mm
            x0, y0 = moved.min(axis=0)
            x1, y1 = moved.max(axis=0)
            if not _KEY_WORD.fullmatch(word) and rng.random() < misread:
                word = _misread(word, rng)
            size = (y1 - y0) / _PT_MM  # a PDF reader boxes a character by its font size
            baseline = y1 - _LAYER_DESCENT * size * _PT_MM
            # a word and the space after it, the word stretched across its box
            stretch = (x1 - x0) / max(text_width(word, size), 1e-6)
            spaced = text_width(word + " ", size) * stretch
            layer.append(Text(x0, baseline, word + " ", size, invisible=True, width=spaced))
    return Page(page.width, page.height, tuple(layer))


def searchable_scan(
    page: Page, rng: random.Random, *, title: str, degraded: bool = True, misread: float = 0.05
) -> bytes:
    """A genuine searchable scan of the page (see ``scanned_page``)."""
    return page_pdf(scanned_page(page, rng, degraded=degraded, misread=misread), title=title)


def edited_text_layer(scan: Page, *, title: str, old: str, new: str) -> bytes:
    """The searchable scan with every run of the words of ``old`` in its OCR layer replaced by
    the words of ``new``, in the layer only: the picture still shows ``old``."""
    layer = [op for op in scan.ops if isinstance(op, Text) and op.invisible]
    olds, news = old.split(), new.split()
    starts = [
        i for i in range(len(layer)) if [w.text.strip() for w in layer[i : i + len(olds)]] == olds
    ]
    if not starts:
        raise ValueError("the OCR layer has no such text")
    swapped: dict[int, Text] = {}
    dropped: set[int] = set()
    for start in starts:
        run = layer[start : start + len(olds)]
        texts = [*news[: len(run) - 1], " ".join(news[len(run) - 1 :])]
        swapped.update(
            {id(op): replace(op, text=t + " ") for op, t in zip(run, texts, strict=False)}
        )
        dropped.update(id(op) for op in run[len(texts) :])
    ops = tuple(swapped.get(id(op), op) for op in scan.ops if id(op) not in dropped)
    return page_pdf(Page(scan.width, scan.height, ops), title=title)
