"""Judging uploads from their bytes: type, size and declared pixel count."""

from __future__ import annotations

import pytest

from tests.factories import jpeg_bytes, pdf_bytes, png_bytes, png_header
from verification.errors import DecompressionBomb, FileTooLarge, UnsupportedMediaType
from verification.media import UploadLimits, image_size, inspect_upload, sniff

LIMITS = UploadLimits(max_bytes=1024 * 1024, max_pixels=10_000_000)


@pytest.mark.parametrize(
    ("data", "media_type", "dims"),
    [
        (jpeg_bytes(size=(320, 200)), "image/jpeg", (320, 200)),
        (png_bytes(size=(17, 9)), "image/png", (17, 9)),
        (pdf_bytes(), "application/pdf", None),
    ],
)
def test_accepted_uploads(data: bytes, media_type: str, dims: tuple[int, int] | None) -> None:
    info = inspect_upload(data, LIMITS)
    assert info.media_type == media_type and info.size == len(data)
    assert (info.width, info.height) == (dims or (None, None))


def test_progressive_jpeg_size_is_read() -> None:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 401), "white").save(buffer, format="JPEG", progressive=True)
    assert image_size(buffer.getvalue(), "image/jpeg") == (640, 401)


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b"", UnsupportedMediaType, "file is empty"),
        (b"<!DOCTYPE html><html>", UnsupportedMediaType, "not a JPEG, PNG or PDF"),
        (b"PK\x03\x04 zip", UnsupportedMediaType, "not a JPEG, PNG or PDF"),
        (b"%PDF" + b"x" * (1024 * 1024), FileTooLarge, "the limit is 1 MB"),
        (png_header(30000, 30000), DecompressionBomb, "30000x30000"),
    ],
)
def test_refused_uploads(data: bytes, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        inspect_upload(data, LIMITS)


def test_jpeg_bomb_is_refused_from_its_header() -> None:
    data = bytearray(jpeg_bytes(size=(64, 48)))
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = (30000).to_bytes(2, "big") + (30000).to_bytes(2, "big")
    with pytest.raises(DecompressionBomb):
        inspect_upload(bytes(data), LIMITS)


def test_truncated_image_header_is_left_to_the_reader() -> None:
    info = inspect_upload(b"\xff\xd8\xff\xe0\x00", LIMITS)
    assert info.media_type == "image/jpeg" and info.width is None


def test_pdf_header_after_leading_junk() -> None:
    assert sniff(b"\r\n\r\n%PDF-1.7") == "application/pdf"
