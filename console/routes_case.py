"""The case page, the officer's decision, and the pictures the page shows (documents with
their word boxes, evidence images), each served only to roles that read cases.

Opening a case is an audit event (``application.viewed``): the page shows personal data.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from console.casefile import latest_extractions, load_case
from console.pages import page_picture, page_words
from console.security import User, check_csrf, require
from console.web import RowId, flash, redirect, render, resume_run
from flows.stages.review import ReviewDecision, Verdict, decide
from flows.wiring import Services
from rules.policy import Policy
from storage.audit import append_event
from storage.documents import get_document
from storage.models import Application, Finding
from storage.tasks import get_task
from verification.errors import IntegrityError, NotFound, PasporError
from verification.packet import ApplicantForm
from verification.vocabulary import DocumentType

__all__ = ["router"]

router = APIRouter()
Reader = Annotated[User, Depends(require(lambda r: r.case))]
Reviewer = Annotated[User, Depends(require(lambda r: r.review))]
PRIVATE = {"Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff"}


@router.get("/cases/{number}", response_class=HTMLResponse)
def case_page(request: Request, number: str, user: Reader) -> HTMLResponse:
    services: Services = request.app.state.services
    policy: Policy = request.app.state.policy
    with services.sessions.begin() as session:
        try:
            case = load_case(session, number=number)
        except NotFound:
            raise HTTPException(404, "not_found") from None
        append_event(
            session,
            actor=user.name,
            action="application.viewed",
            entity_type="application",
            entity_id=case.application.id,
            application_id=case.application.id,
            payload={"roles": sorted(user.roles)},
        )
        task = case.open_task
        roles = request.app.state.roles
        highlight: dict[str, set[str]] = {}
        for row in case.fields:
            for reading in row.readings if row.flagged else ():
                words = (reading.value or "").upper().split()
                highlight.setdefault(reading.doc_type, set()).update(words)
        mine = task is not None and task.status == "claimed" and task.assignee == user.name
        return render(
            request,
            "case.html",
            {
                "case": case,
                "app": case.application,
                "task": task,
                "can_decide": mine and task is not None and task.kind == "review",
                "can_claim": task is not None
                and task.status == "open"
                and task.kind == "review"
                and user.has(roles.review),
                "form_fields": list(ApplicantForm.model_fields),
                "document_types": [t.value for t in DocumentType],
                "reasons": sorted(policy.rejection_reasons),
                "verdicts": [v.value for v in Verdict],
                "read_types": {r.doc_type for row in case.fields for r in row.readings},
                "highlight": {k: sorted(v) for k, v in highlight.items()},
                "can_approve": task is not None
                and task.kind == "approval"
                and user.has(roles.approval),
            },
        )


@router.post("/tasks/{task_id}/decide", dependencies=[Depends(check_csrf)])
def decide_task(
    request: Request,
    task_id: RowId,
    user: Reviewer,
    background: BackgroundTasks,
    verdict: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
    field: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
    documents: Annotated[list[str] | None, Form()] = None,
    reason_code: Annotated[str, Form()] = "",
) -> Response:
    services: Services = request.app.state.services
    policy: Policy = request.app.state.policy
    with services.sessions() as session:
        try:
            task = get_task(session, task_id=task_id)
        except NotFound:
            raise HTTPException(404, "not_found") from None
        number = session.get_one(Application, task.application_id).number
        review = policy.stages["review"]
        role = (
            task.role
            if task.role in user.roles
            else user.role_for((*review.roles, review.escalate_to, "head_of_office"))
        )
    try:
        chosen = Verdict(verdict)
        result = decide(
            services,
            task_id=task_id,
            user=user.name,
            role=role or "",
            decision=ReviewDecision(
                chosen,
                reason=reason.strip() or None,
                field=field or None,
                value=value.strip() if chosen is Verdict.CORRECT else None,
                documents=tuple(documents or ()),
                reason_code=reason_code or None,
            ),
            policy=policy,
        )
    except (PasporError, ValueError) as exc:
        flash(request, str(exc), "error")
        return redirect(f"/cases/{number}")
    background.add_task(
        resume_run,
        result.flow_run_id,
        task_id=task_id,
        outcome=chosen.value,
        decision=result.decision_id,
    )
    flash(request, f"{result.number}: {chosen.value} → {result.stage}")
    return redirect(f"/cases/{number}")


def _stored_file(session: Session, document_id: int) -> tuple[str, str]:
    """(object key, SHA-256) of a stored document; 404 for an unknown or unstored one."""
    try:
        doc = get_document(session, document_id=document_id)
    except NotFound:
        raise HTTPException(404, "not_found") from None
    if doc.object_key is None:
        raise HTTPException(404, "not_found")
    return doc.object_key, doc.sha256 or ""


def _read(services: Services, key: str) -> bytes:
    """The stored bytes; a file gone from the store is 404, one that fails its hash 409 (both
    are what `paspor check` reports), never a 500."""
    try:
        return services.store.get(key)
    except NotFound:
        raise HTTPException(404, "not_found") from None
    except IntegrityError:
        raise HTTPException(409, "file_damaged") from None


@router.get("/documents/{document_id}/picture")
def document_picture(request: Request, document_id: RowId, user: Reader) -> Response:
    services: Services = request.app.state.services
    with services.sessions() as session:
        key, sha = _stored_file(session, document_id)
    picture = page_picture(sha, _read(services, key))
    return Response(picture.data, media_type=picture.media_type, headers=PRIVATE)


@router.get("/documents/{document_id}/words")
def document_words(request: Request, document_id: RowId, user: Reader) -> JSONResponse:
    services: Services = request.app.state.services
    with services.sessions() as session:
        key, sha = _stored_file(session, document_id)
        extraction = latest_extractions(session, [document_id]).get(document_id)
        stored = (extraction.steps or {}).get("words") if extraction else None
    data = _read(services, key)
    picture = page_picture(sha, data)
    try:
        words = page_words(sha, data, stored)
    except PasporError:
        words = []
    body = {
        "width": picture.width,
        "height": picture.height,
        "words": [asdict(w) for w in words],
    }
    return JSONResponse(body, headers=PRIVATE)


@router.get("/findings/{finding_id}/picture")
def evidence_picture(request: Request, finding_id: RowId, user: Reader) -> Response:
    services: Services = request.app.state.services
    with services.sessions() as session:
        finding = session.get(Finding, finding_id)
        details = ((finding.evidence or {}).get("details") or {}) if finding else {}
        key = details.get("picture")
    if not isinstance(key, str) or not key.startswith("evidence/"):
        raise HTTPException(404, "not_found")
    return Response(_read(services, key), media_type="image/png", headers=PRIVATE)
