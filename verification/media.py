"""What an upload is, judged from its bytes: media type, size and pixel count.

Intake refuses what cannot be a document before anything is stored: files over the size limit,
anything that is not JPEG, PNG or PDF whatever its name says, and images that declare more
pixels than the limit (a decompression bomb is refused from its header, never decoded).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from verification.errors import DecompressionBomb, FileTooLarge, UnsupportedMediaType

__all__ = ["JPEG", "PDF", "PNG", "MediaInfo", "UploadLimits", "image_size", "inspect_upload"]

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers that carry the image size (not DHT 0xC4, JPG 0xC8, DAC 0xCC).
_SOF_MARKERS = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
)


@dataclass(frozen=True)
class UploadLimits:
    """Limits applied at intake; the defaults are the documented settings defaults."""

    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 50_000_000


@dataclass(frozen=True)
class MediaInfo:
    """The sniffed media type and size of an accepted upload."""

    media_type: str
    size: int
    width: int | None = None
    height: int | None = None


def sniff(data: bytes) -> str | None:
    """The media type the leading bytes announce, or None.

    >>> sniff(b"%PDF-1.7 ..."), sniff(b"\\xff\\xd8\\xff\\xe0"), sniff(b"<html>")
    ('application/pdf', 'image/jpeg', None)
    """
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    # The PDF header may follow a little junk; readers accept it within the first 1 KiB.
    if b"%PDF-" in data[:1024]:
        return PDF
    return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker in _SOF_MARKERS and pos + 9 <= len(data):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return width, height
        if marker == 0xDA:  # start of scan before any frame header
            return None
        pos += 2 + length
    return None


def image_size(data: bytes, media_type: str) -> tuple[int, int] | None:
    """Width and height declared in an image header, or None when the header is unreadable."""
    if media_type == PNG:
        return _png_size(data)
    if media_type == JPEG:
        return _jpeg_size(data)
    return None


def inspect_upload(data: bytes, limits: UploadLimits) -> MediaInfo:
    """Accept or refuse an upload from its bytes alone.

    Raises ``FileTooLarge``, ``UnsupportedMediaType`` or ``DecompressionBomb`` with a reason
    a person can act on. An image whose header cannot be parsed is accepted here and reported
    unreadable later by the reader: intake keeps what the applicant sent.
    """
    size = len(data)
    if size > limits.max_bytes:
        raise FileTooLarge(
            f"file is {size / 1_048_576:.1f} MB; the limit is {limits.max_bytes / 1_048_576:.0f} MB"
        )
    media_type = sniff(data)
    if media_type is None:
        raise UnsupportedMediaType(
            "file is not a JPEG, PNG or PDF (judged from its content, not its name)"
            if size
            else "file is empty"
        )
    dims = image_size(data, media_type)
    if dims is not None:
        width, height = dims
        if width * height > limits.max_pixels:
            raise DecompressionBomb(
                f"image declares {width}x{height} pixels, over the limit of "
                f"{limits.max_pixels:,} pixels"
            )
        return MediaInfo(media_type, size, width, height)
    return MediaInfo(media_type, size)
