"""Checks on the documents themselves: unreadable, of another type, read with low confidence."""

from __future__ import annotations

from verification.checks.case import Case, CheckContext
from verification.findings import Finding

__all__ = ["IDENTITY_FIELDS", "check_documents"]

# Fields whose misreading would change an identity decision.
IDENTITY_FIELDS = (
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "no_kk",
    "nama_ayah",
    "nama_ibu",
    "no_akta",
)


def check_documents(case: Case, ctx: CheckContext) -> list[Finding]:
    """C23/C24 in part: each uploaded document is readable, of its type, and read clearly."""
    findings: list[Finding] = []
    for doc in case.documents.values():
        if doc.status in ("unreadable", "error"):
            findings.append(
                ctx.finding(
                    "document.unreadable",
                    document=doc.type,
                    message=doc.error or doc.status,
                    evidence=doc.evidence(reason=doc.error),
                )
            )
            continue
        if doc.status != "ok":
            continue  # missing or refused: the requirement check reports what is needed
        if doc.detected_type and doc.detected_type != doc.content_type:
            findings.append(
                ctx.finding(
                    "document.wrong_type",
                    document=doc.type,
                    expected=doc.content_type,
                    observed=doc.detected_type,
                    message=f"uploaded as {doc.type} but the content is a {doc.detected_type}",
                    evidence=doc.evidence(detected_type=doc.detected_type),
                )
            )
        unclear = sorted(
            name
            for name in IDENTITY_FIELDS
            if name in doc.fields and doc.confidence.get(name, 1.0) < ctx.min_confidence
        )
        if unclear:
            findings.append(
                ctx.finding(
                    "document.low_confidence",
                    document=doc.type,
                    field=",".join(unclear),
                    message=f"read with confidence under {ctx.min_confidence:.2f}",
                    evidence=doc.evidence(fields={n: doc.confidence[n] for n in unclear}),
                )
            )
    return findings
