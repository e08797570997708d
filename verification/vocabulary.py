"""Official vocabularies of Indonesian population documents (domain-spec sections 6.1, 6.2).

Values are printed in capitals on KTP and KK; these are their canonical spellings.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AGAMA",
    "CATEGORIES",
    "DOCUMENT_TYPES",
    "JENIS_KELAMIN",
    "STATUS_PERKAWINAN",
    "Category",
    "DocumentType",
]


class DocumentType(StrEnum):
    """Document types of the packet contract (DESIGN.md section 2)."""

    KTP = "ktp"
    KK = "kk"
    AKTA_KELAHIRAN = "akta_kelahiran"
    IJAZAH = "ijazah"
    BUKU_NIKAH = "buku_nikah"
    SURAT_REKOMENDASI = "surat_rekomendasi"
    PASPOR_LAMA = "paspor_lama"
    KTP_AYAH = "ktp_ayah"
    KTP_IBU = "ktp_ibu"


class Category(StrEnum):
    """Applicant categories (domain-spec section 5.1)."""

    ADULT = "adult"
    MINOR = "minor"
    CIVIL_SERVANT = "civil_servant"
    RENEWAL = "renewal"
    LOST = "lost"
    DAMAGED = "damaged"


DOCUMENT_TYPES = frozenset(t.value for t in DocumentType)
CATEGORIES = frozenset(c.value for c in Category)

JENIS_KELAMIN = frozenset({"LAKI-LAKI", "PEREMPUAN"})

STATUS_PERKAWINAN = frozenset(
    {
        "BELUM KAWIN",
        "KAWIN",
        "CERAI HIDUP",
        "CERAI MATI",
        "KAWIN TERCATAT",
        "KAWIN BELUM TERCATAT",
        "CERAI HIDUP TERCATAT",
        "CERAI HIDUP BELUM TERCATAT",
    }
)

AGAMA = frozenset(
    {
        "ISLAM",
        "KRISTEN",
        "KATOLIK",
        "HINDU",
        "BUDDHA",
        "KHONGHUCU",
        "KEPERCAYAAN TERHADAP TUHAN YME",
    }
)
