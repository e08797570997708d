"""Bytes to pages: images, text-layer PDFs, scanned PDFs, and every kind of bad file."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from reportlab.pdfgen import canvas

from tests.factories import jpeg_bytes, pdf_bytes, png_bytes, png_header
from verification.errors import DocumentUnreadable
from verification.reading.loader import LoadLimits, load_pages


def _scanned_pdf() -> bytes:
    """A PDF page holding only an image (a scan), no text layer."""
    from reportlab.lib.utils import ImageReader

    image = np.full((300, 400, 3), 255, np.uint8)
    cv2.putText(image, "SCAN", (50, 150), cv2.FONT_HERSHEY_SIMPLEX, 3, (0, 0, 0), 5)
    ok, encoded = cv2.imencode(".png", image)
    assert ok
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(400, 300), invariant=1)
    pdf.drawImage(ImageReader(io.BytesIO(encoded.tobytes())), 0, 0, 400, 300)
    pdf.save()
    return buffer.getvalue()


def _encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt="rahasia", invariant=1)
    pdf.drawString(72, 720, "KARTU KELUARGA No. 1471020101150007 dokumen rahasia")
    pdf.save()
    return buffer.getvalue()


ZERO_PAGE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def test_image_pages() -> None:
    [page] = load_pages(jpeg_bytes(size=(120, 80)))
    assert page.source == "image" and page.image is not None
    assert page.image.shape == (80, 120, 3) and (page.width, page.height) == (120, 80)
    [png] = load_pages(png_bytes(size=(30, 20)))
    assert png.image is not None and png.image.shape[:2] == (20, 30)


def test_text_layer_pdf_gives_words_with_positions() -> None:
    [page] = load_pages(pdf_bytes("KARTU KELUARGA No. 1471020101150007"))
    assert page.source == "pdf_text" and page.image is None
    assert [w.text for w in page.words] == ["KARTU", "KELUARGA", "No.", "1471020101150007"]
    assert page.words[0].box.left == pytest.approx(72) and page.words[0].conf == 1.0


def test_scanned_pdf_is_rasterised_at_300_dpi() -> None:
    [page] = load_pages(_scanned_pdf())
    assert page.source == "pdf_scan" and page.image is not None and page.dpi == 300
    assert page.image.shape[:2] == (1250, 1667) or abs(page.image.shape[1] - 1667) <= 2


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "file is empty"),
        (b"<html><body>saved page</body></html>", "not a JPEG, PNG or PDF"),
        (jpeg_bytes(size=(200, 100))[:-400], "truncated"),
        (png_bytes()[:-20], "truncated"),
        (png_header(30000, 30000), "30000x30000 pixels, over the reading limit"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image header is damaged"),
        (b"%PDF-1.4\n%%EOF", "PDF cannot be parsed"),
        (ZERO_PAGE_PDF, "PDF has no pages"),
    ],
    ids=[
        "empty",
        "html",
        "truncated-jpeg",
        "truncated-png",
        "bomb",
        "bad-header",
        "fake-pdf",
        "zero-pages",
    ],
)
def test_bad_files_are_unreadable_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(DocumentUnreadable, match=reason):
        load_pages(data)


def test_password_protected_pdf() -> None:
    with pytest.raises(DocumentUnreadable, match="password-protected"):
        load_pages(_encrypted_pdf())


def test_page_limit_and_large_pages_are_bounded() -> None:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(1440, 1440), invariant=1)  # 20 x 20 inches
    for _ in range(3):
        pdf.drawString(72, 72, "x")
        pdf.showPage()
    pdf.save()
    pages = load_pages(buffer.getvalue(), LoadLimits(max_pixels=4_000_000, max_pages=2))
    assert len(pages) == 2
    assert all(p.image is not None and p.image.size <= 3 * 4_000_000 for p in pages)


def test_absurd_page_size_is_refused() -> None:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(14400, 14400), invariant=1)  # 200 x 200 inches
    pdf.drawString(72, 72, "x")
    pdf.save()
    with pytest.raises(DocumentUnreadable, match="too large to rasterise"):
        load_pages(buffer.getvalue(), LoadLimits(max_pixels=4_000_000))


def _pdf_pages(count: int, media_box: bytes = b"[0 0 612 792]") -> bytes:
    from verification.synthetic.hostile import _pdf_pages as pages

    return pages(count, media_box)


@pytest.mark.parametrize("media_box", [b"(box)", b"[0 0 1e9 1e9]", b"[1 2]"])
def test_damaged_page_tree_is_unreadable(media_box: bytes) -> None:
    # Before: pdfplumber's close() rebuilt the pages and raised IndexError or
    # MalformedPDFException past the DocumentUnreadable.
    with pytest.raises(DocumentUnreadable, match="PDF page tree is damaged"):
        load_pages(_pdf_pages(1, media_box))


def test_only_the_first_pages_are_built() -> None:
    # Before: every declared page was built (30,000 in a 3 MB file: seconds and memory).
    pages = load_pages(_pdf_pages(30_000), LoadLimits(max_pages=2))
    assert [p.index for p in pages] == [0, 1]
