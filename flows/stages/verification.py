"""The verification stage of a stored application: read, check, look for fraud, route.

``verify_application`` is what the Prefect task of the stage calls (and what a test or the
command line may call directly). It is idempotent:

- each stored document is read once per reader version: the extraction is stored and reused
  by a retry or a re-verification of the same file (same document row, same hash);
- the outcome (findings, routing event, stage change and the review task) is written in one
  transaction whose first statement is the conditional stage change, so of two runs racing
  for one application exactly one records anything, and a run retried after a crash either
  finds the work committed or does all of it again.

Nothing personal goes into the audit payloads or the return value: codes, ids, hashes.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from flows.stages.handoff import open_stage_task
from flows.wiring import Services
from rules.checking import check_context, evaluate
from rules.policy import Policy
from rules.routing import Route, RouteDecision
from storage.applications import change_stage, get_application_by_id
from storage.audit import append_event
from storage.documents import add_extraction, latest_extraction, list_documents
from storage.findings import add_findings
from storage.fraud import duplicate_applications, prior_passports, reused_documents
from storage.models import Application, Document, Extraction
from storage.near_duplicates import near_duplicate_documents
from storage.store.base import check_hash, document_key, sha256_hex
from storage.watchlist import watchlist_hits
from verification.checks.case import Case, CheckContext, DocumentRead
from verification.errors import StageConflict
from verification.findings import Finding
from verification.fraud.evidence import evidence_picture
from verification.packet import ApplicantForm
from verification.pipeline import document_forensics, document_read
from verification.quality import validate_application
from verification.reading.ocr import OcrEngine, tesseract_version
from verification.reading.reader import READER_VERSION, ReadResult, read_document

__all__ = [
    "ROUTE_STAGE",
    "VerificationOutcome",
    "reader_label",
    "start_verification",
    "verify_application",
]

ACTOR = "paspor-verification"

# Where each route takes an application from the verification stage.
ROUTE_STAGE = {
    Route.AUTO_APPROVE: "approval",
    Route.HUMAN_REVIEW: "review",
    Route.REJECT: "rejected",
}


@dataclass(frozen=True)
class VerificationOutcome:
    """What the stage did; ids and codes only (it is a Prefect task result)."""

    application_id: int
    stage: str  # the stage the application is in afterwards
    route: str | None  # None when another run had already verified it
    finding_codes: tuple[str, ...]
    task_id: int | None
    seconds: float


def reader_label(engine: OcrEngine) -> str:
    """The reader and OCR engine versions an extraction is valid for."""
    return f"paspor-reader {READER_VERSION}; {engine.name} {tesseract_version()}"


def _stored_read(doc: Document, extraction: Extraction) -> DocumentRead:
    result = ReadResult(
        declared_type=doc.doc_type,
        detected_type=extraction.doc_type_detected,
        status=extraction.status,
        error=extraction.error,
        fields=dict(extraction.fields),
        confidence={k: float(v) for k, v in extraction.confidence.items()},
    )
    return document_read(doc.doc_type, doc.original_name, doc.sha256 or "", result)


def _not_stored(doc: Document) -> DocumentRead:
    status = "missing" if doc.status == "missing" else "refused"
    return DocumentRead(
        doc.doc_type, doc.original_name, doc.sha256, status, error=doc.status_reason
    )


def _read_all(
    services: Services, application_id: int, engine: OcrEngine, label: str
) -> tuple[Application, list[Document], dict[str, DocumentRead], dict[str, bytes]]:
    """Every document of the application as the checks see it. A stored extraction made by
    this reader is reused; otherwise the file is read (outside any transaction: OCR takes
    seconds) and its extraction stored in a short one."""
    with services.sessions() as session:
        app = get_application_by_id(session, application_id=application_id)
        docs = list(list_documents(session, application_id=application_id))
        cached = {
            doc.id: extraction
            for doc in docs
            if (extraction := latest_extraction(session, document_id=doc.id)) is not None
            and extraction.engine == label
        }
        session.expunge_all()
    reads: dict[str, DocumentRead] = {}
    files: dict[str, bytes] = {}
    if app.stage != "verification":  # nothing to read: the caller reports the stage
        return app, docs, reads, files
    for doc in docs:
        if doc.status != "stored" or doc.object_key is None:
            reads[doc.doc_type] = _not_stored(doc)
            continue
        files[doc.doc_type] = check_hash(doc.object_key, services.store.get(doc.object_key))
        extraction = cached.get(doc.id)
        if extraction is None:
            result = read_document(files[doc.doc_type], declared_type=doc.doc_type, engine=engine)
            with services.sessions.begin() as session:
                extraction = _store_extraction(session, doc.id, result, label)
                session.expunge(extraction)
        reads[doc.doc_type] = _stored_read(doc, extraction)
    return app, docs, reads, files


def _store_extraction(
    session: Session, document_id: int, result: ReadResult, label: str
) -> Extraction:
    return add_extraction(
        session,
        document_id=document_id,
        status=result.status,
        fields=result.fields,
        confidence=result.confidence,
        engine=label,
        steps={"steps": result.steps, "pages": result.pages},
        doc_type_detected=result.detected_type,
        error=result.error,
        seconds=result.seconds,
    )


def _cross_application(
    session: Session, app: Application, services: Services, ctx: CheckContext, today: date
) -> list[Finding]:
    return [
        *duplicate_applications(session, application_id=app.id, process=services.process, ctx=ctx),
        *reused_documents(session, application_id=app.id, ctx=ctx),
        *near_duplicate_documents(session, application_id=app.id, store=services.store, ctx=ctx),
        *prior_passports(session, application_id=app.id, ctx=ctx),
        *watchlist_hits(session, form=app.form, today=today, ctx=ctx),
    ]


def start_verification(services: Services, application_id: int) -> str:
    """Close intake: the application moves from intake to verification (once; a second call
    or a racing run changes nothing). Returns the stage it is in afterwards."""
    try:
        with services.sessions.begin() as session:
            change_stage(
                session,
                application_id=application_id,
                expected="intake",
                new="verification",
                actor=ACTOR,
                process=services.process,
                reason="intake complete",
            )
    except StageConflict as conflict:
        return conflict.actual or "?"
    return "verification"


def _with_picture(
    services: Services, number: str, doc_type: str, data: bytes, findings: list[Finding]
) -> list[Finding]:
    """The findings, those that point at places on the page linked to an evidence picture
    stored under ``evidence/<number>/<type>/<sha256>`` (content-addressed: a retried run
    stores the same object again)."""
    picture = evidence_picture(data, findings)
    if picture is None:
        return findings
    key = document_key(number, doc_type, sha256_hex(picture), area="evidence")
    services.store.put(key, picture, media_type="image/png")
    linked = []
    for finding in findings:
        details = finding.evidence.details
        if details.get("box") or details.get("regions"):
            evidence = replace(finding.evidence, details={**details, "picture": key})
            finding = replace(finding, evidence=evidence)
        linked.append(finding)
    return linked


def verify_application(
    services: Services,
    application_id: int,
    *,
    engine: OcrEngine,
    policy: Policy,
    today: date | None = None,
) -> VerificationOutcome:
    """Verify one application in the verification stage and move it where its route says."""
    started = time.perf_counter()
    today = today or date.today()
    ctx = check_context(policy)
    label = reader_label(engine)
    app, docs, reads, files = _read_all(services, application_id, engine, label)
    if app.stage != "verification":
        return VerificationOutcome(
            application_id, app.stage, None, (), None, time.perf_counter() - started
        )
    case = Case(
        application_id=app.number,
        category=app.category,
        form=ApplicantForm.model_validate(app.form),
        documents=reads,
        ref_date=today,
    )
    extra = validate_application(
        {t: d.fields for t, d in reads.items() if d.status == "ok" and d.fields},
        rule_version=policy.version,
        today=today,
    )
    for doc_type, data in files.items():
        found = document_forensics(reads[doc_type], data, ctx)
        extra += _with_picture(services, app.number, doc_type, data, found)
    with services.sessions.begin() as session:  # fingerprints of new images are stored
        extra += _cross_application(session, app, services, ctx, today)
    document_ids = {doc.doc_type: doc.id for doc in docs}
    hashes = {doc.doc_type: doc.sha256 for doc in docs}
    findings, decision = evaluate(case, policy, extra=extra)
    return _record(
        services, app.id, findings, decision, document_ids, hashes, policy, today, started
    )


def _record(
    services: Services,
    application_id: int,
    findings: list[Finding],
    decision: RouteDecision,
    document_ids: Mapping[str, int],
    hashes: Mapping[str, str | None],
    policy: Policy,
    today: date,
    started: float,
) -> VerificationOutcome:
    target = ROUTE_STAGE[decision.route]
    try:
        with services.sessions.begin() as session:
            change_stage(
                session,
                application_id=application_id,
                expected="verification",
                new=target,
                actor=ACTOR,
                process=services.process,
                reason=f"route {decision.route.value}",
            )
            add_findings(
                session,
                application_id=application_id,
                findings=findings,
                actor=ACTOR,
                document_ids=document_ids,
            )
            append_event(
                session,
                actor=ACTOR,
                action="verification.routed",
                entity_type="application",
                entity_id=application_id,
                application_id=application_id,
                payload=_routing_payload(decision, hashes),
            )
            task_id = None
            if target in ("review", "approval"):
                task = open_stage_task(
                    session,
                    application_id=application_id,
                    stage=target,
                    kind=target,
                    policy=policy,
                    actor=ACTOR,
                    today=today,
                    role=decision.role if target == "review" else None,
                    priority=decision.priority or 0,
                )
                task_id = task.id
    except StageConflict as conflict:  # another run verified it first: its record stands
        return VerificationOutcome(
            application_id, conflict.actual or "?", None, (), None, time.perf_counter() - started
        )
    return VerificationOutcome(
        application_id,
        target,
        decision.route.value,
        tuple(f.code for f in findings),
        task_id,
        time.perf_counter() - started,
    )


def _routing_payload(decision: RouteDecision, hashes: Mapping[str, str | None]) -> dict[str, Any]:
    return {
        "route": decision.route.value,
        "rule_version": decision.policy_version,
        "reasons": [
            {"rule": r.rule, "code": r.code, "route": r.route.value} for r in decision.reasons
        ],
        "actions": [a.value for a in decision.actions],
        "documents": dict(hashes),
    }
