"""The one entry point for reading an uploaded document: bytes in, a ``ReadResult`` out.

``read_document`` never raises for a bad document: an unreadable file gives status
``unreadable`` with the reason, an unexpected failure inside a parser gives ``error``, so the
rest of an application is still read. The declared type chooses the parser; what the content
says it is (``detected_type``) is reported beside it, so a KK uploaded as the KTP is caught.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import cv2

from verification.errors import DocumentUnreadable
from verification.reading.akta import read_akta
from verification.reading.classify import classify_text
from verification.reading.kk import read_kk
from verification.reading.ktp import read_ktp
from verification.reading.loader import LoadLimits, load_pages
from verification.reading.model import Page, PageReading, group_lines
from verification.reading.ocr import OcrEngine

__all__ = [
    "READER_VERSION",
    "PageReading",
    "ReadResult",
    "Reader",
    "read_document",
    "register_reader",
]

# Bumped whenever a reader changes what it extracts: stored extractions of another version are
# read again rather than reused.
READER_VERSION = "2026.11"

log = logging.getLogger(__name__)


Reader = Callable[[list[Page], OcrEngine], PageReading]
_READERS: dict[str, Reader] = {}


def register_reader(doc_type: str, reader: Reader) -> None:
    _READERS[doc_type] = reader


@dataclass
class ReadResult:
    declared_type: str | None
    detected_type: str | None
    status: str  # ok | unreadable | error
    error: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)
    pages: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.declared_type or self.detected_type,
            "detected_type": self.detected_type,
            "status": self.status,
            "error": self.error,
            "fields": self.fields,
            "confidence": self.confidence,
            "steps": self.steps,
            "pages": self.pages,
            "seconds": round(self.seconds, 3),
        }


def _ktp_reader(pages: list[Page], engine: OcrEngine) -> PageReading:
    page = pages[0]
    if page.image is None:
        raise DocumentUnreadable("a KTP must be an image or a scanned page")
    reading = read_ktp(page.image, engine)
    return PageReading(reading.fields, reading.confidence, reading.steps, reading.text)


for _type in ("ktp", "ktp_ayah", "ktp_ibu"):  # parents' KTPs of a minor read the same way
    register_reader(_type, _ktp_reader)
register_reader("akta_kelahiran", read_akta)
register_reader("kk", read_kk)


def _page_text(pages: list[Page], engine: OcrEngine) -> str:
    """Text for classification: the text layer, or one quick OCR pass of the first page."""
    words = [w for p in pages for w in p.words]
    if words:
        return "\n".join(ln.text for ln in group_lines(words))
    image = pages[0].image
    if image is None:
        return ""
    scale = min(1.0, 1600 / max(image.shape[:2]))
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return "\n".join(ln.text for ln in group_lines(engine.recognise(small, layout="auto")))


def read_document(
    data: bytes,
    *,
    declared_type: str | None,
    engine: OcrEngine,
    limits: LoadLimits | None = None,
) -> ReadResult:
    """Read one document; ``declared_type`` is what the applicant said it is (None: unknown)."""
    started = time.perf_counter()
    result = ReadResult(declared_type=declared_type, detected_type=None, status="ok")
    pages: list[Page] = []
    try:
        pages = load_pages(data, limits)
        result.pages = len(pages)
        if any(p.words for p in pages):  # a text layer classifies for free
            result.detected_type = classify_text(_page_text(pages, engine)).doc_type
        doc_type = declared_type
        if doc_type is None or doc_type not in _READERS:
            detected = classify_text(_page_text(pages, engine)).doc_type
            result.detected_type = detected
            doc_type = detected if detected in _READERS else None
        if doc_type is None:
            raise DocumentUnreadable("the content is not a document paspor can read")
        reading = _READERS[doc_type](pages, engine)
        result.fields, result.confidence = reading.fields, reading.confidence
        result.steps = reading.steps
        if result.detected_type is None:
            result.detected_type = classify_text(reading.text).doc_type
    except DocumentUnreadable as exc:
        result.status, result.error = "unreadable", str(exc)
        if pages and result.detected_type is None:
            result.detected_type = classify_text(_page_text(pages, engine)).doc_type
    except Exception as exc:  # a parser bug must not stop the rest of the application
        # The message may quote document text (personal data): log the type and place only.
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        log.error("reading failed: %s at %s:%s", type(exc).__name__, frame.filename, frame.lineno)
        result.status, result.error = "error", f"reading failed ({type(exc).__name__})"
    result.seconds = time.perf_counter() - started
    return result
