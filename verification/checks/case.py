"""What the checks look at: the form, what was read from each document, and the context.

A ``Case`` is one application as the checks see it. ``CheckContext`` carries what comes from
policy (rule version, default severities, name tolerances, the confidence floor) so that checks
stay pure and never import ``rules``; ``rules.checking`` builds it from the policy in force.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from verification.findings import Evidence, Finding, Severity
from verification.identity.names import NameTolerances
from verification.packet import ApplicantForm

__all__ = ["Case", "CheckContext", "DocumentRead"]

# Parents' KTPs are KTPs: their content says "ktp".
_CONTENT_TYPE = {"ktp_ayah": "ktp", "ktp_ibu": "ktp"}


@dataclass(frozen=True)
class DocumentRead:
    """One uploaded document and what was read from it (status as in the report)."""

    type: str
    file: str
    sha256: str | None
    status: str  # ok | unreadable | error | missing | refused
    error: str | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)
    confidence: Mapping[str, float] = field(default_factory=dict)
    detected_type: str | None = None

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPE.get(self.type, self.type)

    def evidence(self, field_name: str | None = None, **details: Any) -> Evidence:
        if field_name is not None and field_name in self.confidence:
            details = {"confidence": self.confidence[field_name], **details}
        return Evidence(sha256=self.sha256, document=self.type, details=details)


@dataclass(frozen=True)
class Case:
    application_id: str
    category: str
    form: ApplicantForm
    documents: Mapping[str, DocumentRead]
    ref_date: date

    def read(self, doc_type: str) -> DocumentRead | None:
        """The document of that type when it was read; None when absent or unreadable."""
        doc = self.documents.get(doc_type)
        return doc if doc is not None and doc.status == "ok" else None

    def kk_members(self) -> list[Mapping[str, Any]]:
        kk = self.read("kk")
        members = kk.fields.get("members") if kk else None
        return list(members) if isinstance(members, list) else []

    def kk_row(self) -> Mapping[str, Any] | None:
        """The applicant's row on the KK: the one with the form's NIK."""
        rows = [m for m in self.kk_members() if m.get("nik") == self.form.nik]
        return rows[0] if len(rows) == 1 else None


@dataclass(frozen=True)
class CheckContext:
    """Policy values the checks need, passed in (``rules.checking.check_context``)."""

    rule_version: str
    severity_of: Callable[[str], Severity]
    tolerances: NameTolerances = field(default_factory=NameTolerances)
    min_confidence: float = 0.6
    corroborating_fields: tuple[str, ...] = (
        "tanggal_lahir",
        "tempat_lahir",
        "nama_ayah",
        "nama_ibu",
    )

    def finding(self, code: str, *, severity: Severity | None = None, **kwargs: Any) -> Finding:
        return Finding(code, severity or self.severity_of(code), self.rule_version, **kwargs)
