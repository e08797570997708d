"""Fraud checks that need the application database: duplicate applications and reused files.

Both look across applications, so they live beside the data rather than in the pure
``verification.checks``. Each returns ``verification.findings.Finding`` values (stored with
``storage.findings.add_findings``) whose evidence names the method, its parameters and the
other applications by number; never a NIK or a name.

- ``duplicate_applications``: another application with the same NIK on its form is still in
  progress (its stage is not terminal): ``fraud.duplicate_application``.
- ``prior_passports``: the form says "no previous passport" while the issuance history holds
  one for the NIK: ``fraud.prior_passport_denied``.
- ``reused_documents``: a stored file byte-identical (same SHA-256) to one in another
  application: ``fraud.document_reused``. Family documents (the KK, the parents' KTPs, the
  marriage book) are legitimately shared by applicants of one family, so for them only an
  application under another KK number counts.
- nearly identical images (``storage.near_duplicates``) when ``record_fraud_checks`` is given
  the document store.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.process import Process
from storage.findings import add_findings
from storage.models import (
    Application,
    Document,
    PassportRecord,
)
from storage.near_duplicates import FAMILY_DOCUMENTS, family_copy, near_duplicate_documents
from storage.store import DocumentStore
from storage.watchlist import watchlist_hits
from verification.checks.case import CheckContext
from verification.findings import Evidence, Finding

__all__ = [
    "duplicate_applications",
    "prior_passports",
    "record_fraud_checks",
    "reused_documents",
]


def _application(session: Session, application_id: int) -> Application:
    app = session.get(Application, application_id)
    if app is None:
        raise LookupError(f"no application with id {application_id}")
    return app


def duplicate_applications(
    session: Session, *, application_id: int, process: Process, ctx: CheckContext
) -> list[Finding]:
    """``fraud.duplicate_application`` when the same NIK has an earlier application still in
    progress. Only earlier ones count: the application submitted first goes on, and the later
    duplicates are the ones stopped ("ditolak sistem"), whatever order they are checked in."""
    app = _application(session, application_id)
    if not app.nik:
        return []
    in_progress = [name for name in process.stages if not process.is_terminal(name)]
    others = session.execute(
        select(Application.number, Application.stage)
        .where(
            Application.nik == app.nik,
            Application.id < app.id,
            Application.stage.in_(in_progress),
        )
        .order_by(Application.created_at, Application.id)
    ).all()
    if not others:
        return []
    numbers = [number for number, _ in others]
    return [
        ctx.finding(
            "fraud.duplicate_application",
            field="nik",
            observed=", ".join(numbers),
            message=f"the same NIK has {len(numbers)} earlier application(s) in progress: "
            + ", ".join(f"{number} ({stage})" for number, stage in others),
            evidence=Evidence(
                details={
                    "method": "same NIK on the form in an earlier application, indexed lookup "
                    "(applications.nik)",
                    "parameters": {"in_progress_stages": in_progress},
                    "other_applications": [
                        {"number": number, "stage": stage} for number, stage in others
                    ],
                }
            ),
        )
    ]


def reused_documents(session: Session, *, application_id: int, ctx: CheckContext) -> list[Finding]:
    """``fraud.document_reused`` for each stored file that another application also holds."""
    app = _application(session, application_id)
    mine = session.scalars(
        select(Document)
        .where(Document.application_id == app.id, Document.sha256.is_not(None))
        .order_by(Document.id)
    ).all()
    findings: list[Finding] = []
    my_kk = app.form.get("no_kk")
    for doc in mine:
        rows = session.execute(
            select(Document.id, Document.doc_type, Application.number, Application.form)
            .join(Application, Document.application_id == Application.id)
            .where(Document.sha256 == doc.sha256, Document.application_id != app.id)
            .order_by(Document.id)
        ).all()
        others = [
            {"number": number, "document_id": other_id, "document_type": other_type}
            for other_id, other_type, number, form in rows
            if not family_copy(doc.doc_type, other_type, my_kk, form.get("no_kk"))
        ]
        if not others:
            continue
        findings.append(
            ctx.finding(
                "fraud.document_reused",
                document=doc.doc_type,
                observed=", ".join(o["number"] for o in others),
                message=f"the {doc.doc_type} file is byte-identical to a file of "
                + ", ".join(f"{o['number']} ({o['document_type']})" for o in others),
                evidence=Evidence(
                    sha256=doc.sha256,
                    document=doc.doc_type,
                    details={
                        "method": "byte-identical file (SHA-256 of the stored bytes)",
                        "parameters": {"family_documents": sorted(FAMILY_DOCUMENTS)},
                        "document_id": doc.id,
                        "other": others,
                    },
                ),
            )
        )
    return findings


def prior_passports(session: Session, *, application_id: int, ctx: CheckContext) -> list[Finding]:
    """``fraud.prior_passport_denied`` when the form says "no previous passport" while the
    issuance history holds one for the same NIK."""
    app = _application(session, application_id)
    if app.form.get("had_passport") is not False or not app.nik:
        return []
    held = session.execute(
        select(PassportRecord.number, PassportRecord.issued_on, PassportRecord.status)
        .where(PassportRecord.nik == app.nik)
        .order_by(PassportRecord.issued_on)
    ).all()
    if not held:
        return []
    return [
        ctx.finding(
            "fraud.prior_passport_denied",
            field="had_passport",
            expected="true",
            observed="false",
            message=f"the form denies a previous passport; the history holds {len(held)}",
            evidence=Evidence(
                details={
                    "method": "issuance history by the form's NIK (passport_records.nik)",
                    "parameters": {"form_field": "had_passport"},
                    "passports": [
                        {"number": n, "issued_on": i.isoformat(), "status": st} for n, i, st in held
                    ],
                }
            ),
        )
    ]


def record_fraud_checks(
    session: Session,
    *,
    application_id: int,
    process: Process,
    ctx: CheckContext,
    today: date,
    actor: str,
    store: DocumentStore | None = None,
) -> list[Finding]:
    """Run the cross-application checks (duplicates, reused files, a denied prior passport,
    the watchlist) on one stored application and store what they find, in the caller's
    transaction. With the document ``store``, nearly identical images count as reused too."""
    app = _application(session, application_id)
    near = (
        near_duplicate_documents(session, application_id=app.id, store=store, ctx=ctx)
        if store is not None
        else []
    )
    findings = [
        *duplicate_applications(session, application_id=app.id, process=process, ctx=ctx),
        *reused_documents(session, application_id=app.id, ctx=ctx),
        *near,
        *prior_passports(session, application_id=app.id, ctx=ctx),
        *watchlist_hits(session, form=app.form, today=today, ctx=ctx),
    ]
    ids = {
        doc.doc_type: doc.id
        for doc in session.scalars(select(Document).where(Document.application_id == app.id))
    }
    add_findings(session, application_id=app.id, findings=findings, actor=actor, document_ids=ids)
    return findings
