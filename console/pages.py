"""A stored document as the case page shows it: a picture of its first page and the words
read on it, as boxes in the picture's pixels.

Images are shown as stored; a PDF's first page is rendered at ``DISPLAY_DPI``. Words come
from the extraction when the reader stored them (``steps["words"]``), else from the PDF's
text layer, else from one Tesseract pass over the picture (about a second), so the case page
itself never waits for OCR: the browser asks for the words after the page has loaded. Both are
kept in a small in-process cache keyed by the file's SHA-256.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2

from verification.media import JPEG, PNG, image_size, sniff
from verification.reading.loader import load_pages
from verification.reading.ocr import OcrEngine, TesseractEngine

__all__ = ["DISPLAY_DPI", "PagePicture", "WordBox", "page_picture", "page_words"]

DISPLAY_DPI = 110
OCR_MAX_SIDE = 2000  # larger pictures are read at this size, boxes scaled back
CACHE_SIZE = 64


@dataclass(frozen=True)
class PagePicture:
    data: bytes
    media_type: str
    width: int
    height: int


@dataclass(frozen=True)
class WordBox:
    text: str
    conf: float
    x: float
    y: float
    w: float
    h: float


_lock = threading.Lock()
_pictures: OrderedDict[str, PagePicture] = OrderedDict()
_words: OrderedDict[str, list[WordBox]] = OrderedDict()


def _cached(cache: OrderedDict[str, Any], key: str, make: Callable[[], Any]) -> Any:
    with _lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    value = make()
    with _lock:
        cache[key] = value
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return value


def _render_pdf(data: bytes) -> PagePicture:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        image = pdf.pages[0].to_image(resolution=DISPLAY_DPI).original.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return PagePicture(out.getvalue(), PNG, image.width, image.height)


def page_picture(sha256: str, data: bytes) -> PagePicture:
    """The picture of the first page (the stored image itself, or the PDF rendered)."""

    def make() -> PagePicture:
        media = sniff(data)
        if media in (JPEG, PNG):
            size = image_size(data, media) or (0, 0)
            return PagePicture(data, media, size[0], size[1])
        return _render_pdf(data)

    return _cached(_pictures, sha256, make)  # type: ignore[no-any-return]


def _boxes(words: Any, scale: float) -> list[WordBox]:
    return [
        WordBox(
            w.text,
            round(w.conf, 2),
            round(w.box.left * scale, 1),
            round(w.box.top * scale, 1),
            round(w.box.width * scale, 1),
            round(w.box.height * scale, 1),
        )
        for w in words
    ]


def _read_words(data: bytes, engine: OcrEngine) -> list[WordBox]:
    page = load_pages(data)[0]
    if page.words:  # a PDF text layer, in points
        return _boxes(page.words, DISPLAY_DPI / 72)
    if page.image is None:
        return []
    image = page.image
    # Boxes in the displayed picture: a scanned PDF page was rastered at page.dpi.
    to_display = DISPLAY_DPI / page.dpi if page.dpi else 1.0
    shrink = min(1.0, OCR_MAX_SIDE / max(image.shape[:2]))
    if shrink < 1.0:
        image = cv2.resize(image, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
    return _boxes(engine.recognise(image, layout="auto"), to_display / shrink)


def page_words(
    sha256: str,
    data: bytes,
    stored: list[dict[str, Any]] | None = None,
    engine: OcrEngine | None = None,
) -> list[WordBox]:
    """The words on the first page with boxes in ``page_picture`` pixels."""
    if stored:
        return [WordBox(**w) for w in stored]
    return _cached(  # type: ignore[no-any-return]
        _words, sha256, lambda: _read_words(data, engine or TesseractEngine())
    )
