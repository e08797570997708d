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
- ``near_duplicate_documents``: the same document re-encoded, resized, cropped or photographed
  again (``verification.fraud.similarity``): candidates share many fingerprint keys in the
  ``fingerprint_keys`` index, and each is confirmed on the two stored images before it is
  reported as ``fraud.document_reused``. Fingerprints are computed once per document, when
  the check first needs them (``fingerprint_documents``; idempotent).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from rules.process import Process
from storage.findings import add_findings
from storage.models import (
    Application,
    Document,
    DocumentFingerprint,
    FingerprintKey,
    PassportRecord,
)
from storage.store import DocumentStore
from storage.watchlist import watchlist_hits
from verification.checks.case import CheckContext
from verification.errors import DocumentUnreadable
from verification.findings import Evidence, Finding
from verification.fraud import similarity
from verification.reading.loader import load_pages
from verification.reading.model import Image

__all__ = [
    "FAMILY_DOCUMENTS",
    "MAX_CANDIDATES",
    "MIN_SHARED_KEYS",
    "duplicate_applications",
    "fingerprint_documents",
    "near_duplicate_documents",
    "prior_passports",
    "record_fraud_checks",
    "reused_documents",
]

# Documents every applicant of one family may upload: the same file in a sibling's or a
# parent's application is expected when both applications give the same KK number.
FAMILY_DOCUMENTS = frozenset({"kk", "ktp_ayah", "ktp_ibu", "buku_nikah"})

# A stored document is a near-duplicate candidate when it shares this many fingerprint keys
# (copies share hundreds, strangers a few dozen); at most this many are confirmed per file.
MIN_SHARED_KEYS = 12
MAX_CANDIDATES = 20


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
            if not _same_family_copy(doc.doc_type, other_type, my_kk, form.get("no_kk"))
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


def _page_image(store: DocumentStore, key: str) -> Image | None:
    """The first page of a stored document as an image, or None (unreadable, text-only PDF)."""
    try:
        return load_pages(store.get(key))[0].image
    except DocumentUnreadable:
        return None


def fingerprint_documents(
    session: Session, *, store: DocumentStore, document_ids: list[int]
) -> int:
    """Fingerprint the stored documents among ``document_ids`` that have none yet, in the
    caller's transaction; returns how many were fingerprinted now."""
    done = set(
        session.scalars(
            select(DocumentFingerprint.document_id).where(
                DocumentFingerprint.document_id.in_(document_ids)
            )
        )
    )
    todo = session.scalars(
        select(Document)
        .where(
            Document.id.in_(document_ids),
            Document.status == "stored",
            Document.object_key.is_not(None),
        )
        .order_by(Document.id)
    ).all()
    fresh = [doc for doc in todo if doc.id not in done]
    for doc in fresh:
        _fingerprint(session, store, doc)
    session.flush()
    return len(fresh)


def _fingerprint(session: Session, store: DocumentStore, doc: Document) -> None:
    image = _page_image(store, doc.object_key) if doc.object_key else None
    found = (
        similarity.fingerprint(similarity.prepare(image, doc.doc_type))
        if image is not None
        else None
    )
    session.add(
        DocumentFingerprint(
            document_id=doc.id,
            version=similarity.FINGERPRINT_VERSION,
            layout=similarity.layout_of(doc.doc_type),
            status="ok" if found is not None else "unreadable",
            keypoints=found.keypoints if found is not None else 0,
        )
    )
    if found is not None:
        session.flush()  # the fingerprint row before the keys that refer to it
        session.add_all(FingerprintKey(document_id=doc.id, key=k) for k in sorted(found.keys))


def _candidates(session: Session, doc: Document, layout: str) -> list[tuple[int, int]]:
    """(document id, shared keys) of other applications' documents of the same layout that
    share at least ``MIN_SHARED_KEYS`` fingerprint keys with ``doc``, most shared first."""
    mine, theirs = aliased(FingerprintKey), aliased(FingerprintKey)
    shared = func.count().label("shared")
    rows = session.execute(
        select(theirs.document_id, shared)
        .select_from(mine)
        .join(theirs, theirs.key == mine.key)
        .join(Document, Document.id == theirs.document_id)
        .join(DocumentFingerprint, DocumentFingerprint.document_id == theirs.document_id)
        .where(
            mine.document_id == doc.id,
            Document.application_id != doc.application_id,
            DocumentFingerprint.layout == layout,
        )
        .group_by(theirs.document_id)
        .having(func.count() >= MIN_SHARED_KEYS)
        .order_by(shared.desc(), theirs.document_id)
        .limit(MAX_CANDIDATES)
    ).all()
    return [(int(document_id), int(count)) for document_id, count in rows]


def near_duplicate_documents(
    session: Session, *, application_id: int, store: DocumentStore, ctx: CheckContext
) -> list[Finding]:
    """``fraud.document_reused`` for each stored image that is nearly the same as an image in
    another application (byte-identical copies are ``reused_documents``' findings)."""
    app = _application(session, application_id)
    mine = session.scalars(
        select(Document)
        .where(Document.application_id == app.id, Document.status == "stored")
        .order_by(Document.id)
    ).all()
    fingerprint_documents(session, store=store, document_ids=[d.id for d in mine])
    findings: list[Finding] = []
    for doc in mine:
        fingerprinted = session.get(DocumentFingerprint, doc.id)
        if fingerprinted is None or fingerprinted.status != "ok" or doc.object_key is None:
            continue
        others = _confirmed_copies(session, store, app, doc, fingerprinted.layout)
        if others:
            findings.append(_near_duplicate_finding(ctx, doc, others))
    return findings


def _confirmed_copies(
    session: Session, store: DocumentStore, app: Application, doc: Document, layout: str
) -> list[dict[str, object]]:
    candidates = _candidates(session, doc, layout)
    if not candidates or doc.object_key is None:
        return []
    image = _page_image(store, doc.object_key)
    if image is None:
        return []
    prepared = similarity.prepare(image, doc.doc_type)
    rows = session.execute(
        select(Document, Application.number, Application.form)
        .join(Application, Document.application_id == Application.id)
        .where(Document.id.in_([d for d, _ in candidates]))
    ).all()
    by_id = {other.id: (other, number, form) for other, number, form in rows}
    confirmed: list[dict[str, object]] = []
    for other_id, shared in candidates:
        other, number, form = by_id[other_id]
        if other.sha256 == doc.sha256 or other.object_key is None:
            continue  # byte-identical: reused_documents reports it
        if _same_family_copy(
            doc.doc_type, other.doc_type, app.form.get("no_kk"), form.get("no_kk")
        ):
            continue
        their_image = _page_image(store, other.object_key)
        if their_image is None:
            continue
        match = similarity.confirm(prepared, similarity.prepare(their_image, other.doc_type))
        if match.same:
            confirmed.append({"number": number, "document_id": other.id,
                              "document_type": other.doc_type, "shared_keys": shared,
                              **match.details()})  # fmt: skip
    return confirmed


def _near_duplicate_finding(
    ctx: CheckContext, doc: Document, others: list[dict[str, object]]
) -> Finding:
    layout = similarity.layout_of(doc.doc_type)
    return ctx.finding(
        "fraud.document_reused",
        document=doc.doc_type,
        observed=", ".join(str(o["number"]) for o in others),
        message=f"the {doc.doc_type} image is nearly the same as a file of "
        + ", ".join(f"{o['number']} ({o['document_type']}, score {o['score']})" for o in others),
        evidence=Evidence(
            sha256=doc.sha256,
            document=doc.doc_type,
            details={
                "method": "near-duplicate image: ORB keypoint band keys in variable content "
                "(indexed), confirmed by RANSAC homography and aligned ink agreement",
                "parameters": {
                    "fingerprint_version": similarity.FINGERPRINT_VERSION,
                    "layout": layout,
                    "bands": similarity.BANDS,
                    "min_shared_keys": MIN_SHARED_KEYS,
                    "max_candidates": MAX_CANDIDATES,
                    "threshold": similarity.CONFIRM_THRESHOLDS[layout],
                    "family_documents": sorted(FAMILY_DOCUMENTS),
                },
                "document_id": doc.id,
                "other": others,
            },
        ),
    )


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


def _same_family_copy(mine: str, theirs: str, my_kk: object, their_kk: object) -> bool:
    """A family document shared by two applications that give the same KK number."""
    shared = mine in FAMILY_DOCUMENTS or theirs in FAMILY_DOCUMENTS
    return shared and my_kk is not None and my_kk == their_kk
