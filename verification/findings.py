"""Findings: what a check found, with its provenance, and the vocabulary of finding codes.

A check is a small pure function returning findings; it never raises for an anomaly. Codes
are stable dotted ids whose first part names the family (DESIGN.md section 3); a new check
that needs a code adds it to ``FINDING_CODES`` with a one-line meaning (also in README.md).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["FINDING_CODES", "Evidence", "Finding", "Severity", "is_known_code"]


class Severity(StrEnum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


FINDING_CODES: dict[str, str] = {
    "document.missing": "a required document was not uploaded",
    "document.unreadable": "a document could not be read",
    "document.wrong_type": "the content is another document type than declared",
    "document.low_confidence": "fields were read with too little confidence",
    "identity.nik_invalid": "the NIK breaks the structure rules (digits, region, date, serial)",
    "identity.nik_birth_date": "the birth date encoded in the NIK differs from the printed one",
    "identity.nik_sex": "the sex encoded in the NIK (day + 40) differs from the printed one",
    "identity.nik_region": "the NIK region differs from the current address (normal after moving)",
    "identity.kk_membership": "the applicant is not on the KK exactly once",
    "identity.kk_number_invalid": "the KK number breaks the structure rules",
    "crosscheck.name": "names differ across the form and documents",
    "crosscheck.birth_date": "birth dates differ across the form and documents",
    "crosscheck.birth_place": "birth places differ across the form and documents",
    "crosscheck.sex": "sex differs across the form and documents",
    "crosscheck.kk_number": "the KK number on the form differs from the KK",
    "crosscheck.parents": "parents' names differ across the form, akta and KK",
    "crosscheck.nik": "NIKs differ across the form, KTP and KK",
    "crosscheck.marital_status": "marital status differs across the form, KTP and KK",
    "fraud.tamper.copy_move": "regions of an image are duplicated",
    "fraud.tamper.splice": "a pasted region with inconsistent boundaries",
    "fraud.tamper.font": "characters of one field differ in font from the rest",
    "fraud.tamper.jpeg": "regions compressed twice or at another quality",
    "fraud.tamper.metadata": "the image's metadata names an editing program",
    "fraud.pdf.edited": "a PDF was edited after creation",
    "fraud.document_reused": "the same document appears in another applicant's application",
    "fraud.duplicate_application": "the same NIK has an application in progress",
    "fraud.prior_passport_denied": "the form denies a previous passport the history holds",
    "fraud.watchlist": "the applicant matches the pencegahan/penangkalan list",
}

_FAMILIES = ("eligibility.", "quality.")


def is_known_code(code: str) -> bool:
    """True for a registered code or one of the open families ``eligibility.*``/``quality.*``.

    >>> is_known_code("crosscheck.name"), is_known_code("quality.ktp.nik_format")
    (True, True)
    >>> is_known_code("crosscheck.nama")
    False
    """
    return code in FINDING_CODES or (
        code.startswith(_FAMILIES) and code.count(".") >= 1 and not code.endswith(".")
    )


@dataclass(frozen=True)
class Evidence:
    """Where a finding comes from: the stored file (by hash), page and box, and details."""

    sha256: str | None = None
    document: str | None = None  # document type
    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    details: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One thing a check found; frozen, and never carrying more personal data than needed."""

    code: str
    severity: Severity
    rule_version: str
    field: str | None = None
    expected: str | None = None
    observed: str | None = None
    message: str = ""
    document: str | None = None
    evidence: Evidence = dataclasses.field(default_factory=Evidence)

    def __post_init__(self) -> None:
        if not is_known_code(self.code):
            raise ValueError(f"unknown finding code {self.code!r}")
