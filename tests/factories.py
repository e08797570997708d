"""Data factories for tests: synthetic packets and small valid files, never real people."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from reportlab.pdfgen import canvas

from verification.synthetic.hostile import SAMPLE_APPLICANT

__all__ = [
    "applicant",
    "jpeg_bytes",
    "packet_json",
    "pdf_bytes",
    "png_bytes",
    "png_header",
    "write_packet",
]


def applicant(**overrides: Any) -> dict[str, Any]:
    """A synthetic applicant form (fictitious NIK: Pekanbaru, woman born 05-08-1990)."""
    form: dict[str, Any] = {**SAMPLE_APPLICANT, **overrides}
    return form


def packet_json(number: str = "APP-2026-000123", **overrides: Any) -> dict[str, Any]:
    packet: dict[str, Any] = {
        "application_id": number,
        "category": "adult",
        "applicant": applicant(),
        "documents": [
            {"type": "ktp", "file": "ktp.jpg"},
            {"type": "kk", "file": "kk.pdf"},
            {"type": "akta_kelahiran", "file": "akta.png"},
        ],
    }
    packet.update(overrides)
    return packet


def _noise_image(seed: int, size: tuple[int, int] = (64, 48)) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8))


def jpeg_bytes(seed: int = 1, size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    _noise_image(seed, size).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def png_bytes(seed: int = 2, size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    _noise_image(seed, size).save(buffer, format="PNG")
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` pixels but carries almost no data (a bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    crc = struct.pack(">I", zlib.crc32(chunk) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + crc


def pdf_bytes(text: str = "KARTU KELUARGA") -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    pdf.drawString(72, 720, text)
    pdf.save()
    return buffer.getvalue()


def write_packet(
    folder: Path,
    packet: dict[str, Any] | None = None,
    files: dict[str, bytes] | None = None,
) -> Path:
    """Write a packet folder; by default a valid one with a JPEG KTP, PDF KK and PNG akta."""
    folder.mkdir(parents=True, exist_ok=True)
    packet = packet if packet is not None else packet_json()
    (folder / "application.json").write_text(json.dumps(packet), encoding="utf-8")
    if files is None:
        files = {"ktp.jpg": jpeg_bytes(), "kk.pdf": pdf_bytes(), "akta.png": png_bytes()}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder
