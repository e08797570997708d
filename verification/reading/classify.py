"""Telling a KTP, a Kartu Keluarga and an akta kelahiran apart from what is printed on them.

Each type has marker phrases that only it prints; the type whose markers are found (fuzzily,
OCR makes mistakes) with the most weight wins. Nothing is decided from the file name or the
type the applicant declared, so a KK uploaded as the KTP is recognised as a KK.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

__all__ = ["MARKERS", "Classification", "classify_text"]

MARKERS: dict[str, tuple[tuple[str, float], ...]] = {
    "ktp": (
        ("TEMPAT/TGL LAHIR", 2.0),
        ("GOL. DARAH", 2.0),
        ("BERLAKU HINGGA", 2.0),
        ("KEWARGANEGARAAN", 0.5),
        ("KEL/DESA", 1.0),
        ("NIK", 0.5),
        ("PROVINSI", 0.5),
        ("STATUS PERKAWINAN", 0.5),
        ("SEUMUR HIDUP", 1.0),
    ),
    "kk": (
        ("KARTU KELUARGA", 3.0),
        ("NAMA KEPALA KELUARGA", 2.0),
        ("STATUS HUBUNGAN DALAM KELUARGA", 2.0),
        ("JENIS PEKERJAAN", 1.0),
        ("PENDIDIKAN", 1.0),
        ("DIKELUARKAN TANGGAL", 1.0),
        ("NAMA LENGKAP", 1.0),
        ("KODE POS", 0.5),
    ),
    "akta_kelahiran": (
        ("KUTIPAN AKTA KELAHIRAN", 3.0),
        ("AKTA KELAHIRAN", 1.0),
        ("PENCATATAN SIPIL", 1.5),
        ("TELAH LAHIR", 2.0),
        ("ANAK KE", 1.0),
        ("DARI SUAMI", 1.0),
        ("DARI SEORANG IBU", 1.0),
        ("KUTIPAN INI DIKELUARKAN", 1.0),
    ),
}


@dataclass(frozen=True)
class Classification:
    doc_type: str | None  # None when nothing known was recognised
    score: float
    scores: dict[str, float]


def _found(marker: str, text: str) -> bool:
    if marker in text:
        return True
    if len(marker) < 8:  # short markers must be exact: fuzzy matching finds them anywhere
        return False
    return fuzz.partial_ratio(marker, text) >= 88


def classify_text(text: str) -> Classification:
    """The document type whose marker phrases ``text`` contains with the most weight.

    >>> classify_text("KUTIPAN AKTA KELAHIRAN ... telah lahir").doc_type
    'akta_kelahiran'
    >>> classify_text("a shopping list").doc_type is None
    True
    """
    flat = re.sub(r"\s+", " ", text.upper())
    scores = {
        doc_type: sum(weight for marker, weight in markers if _found(marker, flat))
        for doc_type, markers in MARKERS.items()
    }
    best = max(scores, key=lambda t: scores[t])
    if scores[best] < 2.0:
        return Classification(None, scores[best], scores)
    return Classification(best, scores[best], scores)
