"""Checks on the documents themselves: unreadable, of another type, read with low confidence."""

from __future__ import annotations

from verification.checks.case import Case, CheckContext
from verification.findings import Finding

__all__ = ["IDENTITY_FIELDS", "check_documents", "corroborated"]

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


# Which form entry states the same fact as a field of a document (the applicant's own documents,
# and the name on a parent's KTP).
_FORM_FIELD: dict[str, dict[str, str]] = {
    "ktp": {n: n for n in ("nik", "nama", "tanggal_lahir", "jenis_kelamin")},
    "kk": {"no_kk": "no_kk"},
    "akta_kelahiran": {
        n: n for n in ("nama", "tanggal_lahir", "jenis_kelamin", "nama_ayah", "nama_ibu")
    },
    "ktp_ayah": {"nama": "nama_ayah"},
    "ktp_ibu": {"nama": "nama_ibu"},
}


def _same(read: object, typed: object) -> bool:
    if read is None or typed is None:
        return False
    left, right = (" ".join(str(v).upper().split()) for v in (read, typed))
    if hasattr(typed, "isoformat"):
        right = typed.isoformat()
    return left == right


def corroborated(case: Case, doc_type: str, name: str, value: object) -> bool:
    """A field read unclearly that says exactly what the applicant typed: an OCR error that
    lands on the typed value is not a credible reading, so the value stands.

    Only exact agreement counts; a near miss stays unclear and goes to a person.
    """
    form_field = _FORM_FIELD.get(doc_type, {}).get(name)
    return form_field is not None and _same(value, getattr(case.form, form_field, None))


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
        low = sorted(
            name
            for name in IDENTITY_FIELDS
            if name in doc.fields and doc.confidence.get(name, 1.0) < ctx.min_confidence
        )
        unclear = [n for n in low if not corroborated(case, doc.type, n, doc.fields[n])]
        if unclear:
            findings.append(
                ctx.finding(
                    "document.low_confidence",
                    document=doc.type,
                    field=",".join(unclear),
                    message=f"read with confidence under {ctx.min_confidence:.2f}",
                    evidence=doc.evidence(
                        fields={n: doc.confidence[n] for n in unclear},
                        corroborated_by_form=[n for n in low if n not in unclear],
                    ),
                )
            )
    return findings
