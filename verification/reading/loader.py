"""One reader that turns uploaded bytes into pages.

JPEG and PNG are decoded with OpenCV. PDFs go through pdfplumber: a page with a text layer
(digital KK printouts have one) yields its words with positions; a page without one (a scan
saved as PDF) is rasterised at 300 dpi. Anything that cannot be read raises a typed,
non-retryable ``DocumentUnreadable`` naming the problem: empty, truncated, encrypted,
zero-page, too large, or not a document at all. Work is bounded: pixel counts are checked from
headers before decoding, and only the first ``max_pages`` pages are read.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from itertools import islice

import cv2
import numpy as np
import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFSyntaxError

from verification.errors import DocumentUnreadable
from verification.media import JPEG, PDF, PNG, image_size, sniff
from verification.reading.model import Box, Image, Page, Word

__all__ = ["LoadLimits", "load_pages"]

log = logging.getLogger(__name__)

RASTER_DPI = 300
MIN_TEXT_CHARS = 20  # fewer characters than this on a page: treat it as a scan


@dataclass(frozen=True)
class LoadLimits:
    max_pixels: int = 50_000_000
    max_pages: int = 10


def load_pages(data: bytes, limits: LoadLimits | None = None) -> list[Page]:
    """Decode ``data`` (JPEG, PNG or PDF, judged from the bytes) into pages."""
    limits = limits or LoadLimits()
    if not data:
        raise DocumentUnreadable("file is empty")
    media_type = sniff(data)
    if media_type in (JPEG, PNG):
        return [_image_page(data, media_type, limits)]
    if media_type == PDF:
        return _pdf_pages(data, limits)
    raise DocumentUnreadable("file is not a JPEG, PNG or PDF")


def _complete(data: bytes, media_type: str) -> bool:
    tail = data.rstrip(b"\x00")[-16:]
    if media_type == JPEG:
        return tail.endswith(b"\xff\xd9")
    return b"IEND" in tail


def _image_page(data: bytes, media_type: str, limits: LoadLimits) -> Page:
    dims = image_size(data, media_type)
    if dims is None:
        raise DocumentUnreadable("image header is damaged")
    width, height = dims
    if width * height > limits.max_pixels:
        raise DocumentUnreadable(f"image is {width}x{height} pixels, over the reading limit")
    if not _complete(data, media_type):
        raise DocumentUnreadable("image file is truncated (it ends before the image does)")
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise DocumentUnreadable("image data is damaged and cannot be decoded")
    return Page(index=0, source="image", width=image.shape[1], height=image.shape[0], image=image)


def _pdf_words(page: pdfplumber.page.Page) -> tuple[Word, ...]:
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
    return tuple(
        Word(
            str(w["text"]),
            1.0,
            Box(
                float(w["x0"]),
                float(w["top"]),
                float(w["x1"] - w["x0"]),
                float(w["bottom"] - w["top"]),
            ),
        )
        for w in words
        if str(w["text"]).strip()
    )


def _raster(page: pdfplumber.page.Page, limits: LoadLimits) -> tuple[Image, float]:
    width_in, height_in = float(page.width) / 72, float(page.height) / 72
    dpi = float(RASTER_DPI)
    if width_in * height_in * dpi * dpi > limits.max_pixels:
        dpi = (limits.max_pixels / max(width_in * height_in, 1e-6)) ** 0.5
    if dpi < 50:
        raise DocumentUnreadable("PDF page is too large to rasterise")
    rendered = page.to_image(resolution=dpi).original.convert("RGB")
    rgb = np.asarray(rendered, dtype=np.uint8)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), dpi


def _pdf_pages(data: bytes, limits: LoadLimits) -> list[Page]:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PDFPasswordIncorrect:
        raise DocumentUnreadable("PDF is password-protected") from None
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise DocumentUnreadable(f"PDF is damaged ({type(exc).__name__})") from None
    except Exception as exc:  # pdfplumber wraps pdfminer's many error types
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(inner, PDFPasswordIncorrect) or "encrypt" in type(inner).__name__.lower():
            raise DocumentUnreadable("PDF is password-protected") from None
        raise DocumentUnreadable(f"PDF cannot be parsed ({type(exc).__name__})") from None
    # Not ``with pdf``: its close() builds every page of the document, which is unbounded
    # work and raises again whatever a damaged page tree raised. The bytes are in memory.
    try:
        plumbed_pages = _first_pages(pdf, limits.max_pages)
    except Exception as exc:
        raise DocumentUnreadable(f"PDF page tree is damaged ({type(exc).__name__})") from None
    if not plumbed_pages:
        raise DocumentUnreadable("PDF has no pages")
    pages = []
    for index, plumbed in enumerate(plumbed_pages):
        try:
            words = _pdf_words(plumbed)
            if sum(len(w.text) for w in words) >= MIN_TEXT_CHARS:
                pages.append(
                    Page(
                        index=index,
                        source="pdf_text",
                        width=float(plumbed.width),
                        height=float(plumbed.height),
                        words=words,
                        dpi=72.0,
                    )
                )
                continue
            image, dpi = _raster(plumbed, limits)
        except DocumentUnreadable:
            raise
        except Exception as exc:
            raise DocumentUnreadable(
                f"PDF page {index + 1} cannot be read ({type(exc).__name__})"
            ) from None
        pages.append(
            Page(
                index=index,
                source="pdf_scan",
                width=image.shape[1],
                height=image.shape[0],
                image=image,
                dpi=dpi,
            )
        )
    return pages


def _first_pages(pdf: pdfplumber.pdf.PDF, limit: int) -> list[pdfplumber.page.Page]:
    """The first ``limit`` pages, without walking the rest of the page tree: a small file can
    declare a hundred thousand pages, and ``pdf.pages`` would build them all."""
    pages: list[pdfplumber.page.Page] = []
    doctop = 0.0
    for number, obj in enumerate(islice(PDFPage.create_pages(pdf.doc), limit), start=1):
        page = pdfplumber.page.Page(pdf, obj, page_number=number, initial_doctop=doctop)
        pages.append(page)
        doctop += float(page.height)
    return pages
