"""The auditor's pages, read-only: search any application, its full trail (who, what, when,
policy version, document hashes, evidence) with each event's hash recomputed, the whole
audit chain's status, the fraud-check register with filters, and CSV exports.

CSV cells that a spreadsheet would run as a formula (``= + - @``) are quoted with a leading
apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from console.casefile import load_case
from console.security import User, require
from console.web import parse_day, render
from flows.wiring import Services
from storage.applications import audit_trail
from storage.audit import is_intact, verify_chain
from storage.console_queries import SEVERITY_RANK, fraud_register, search_applications
from storage.models import AuditEvent
from verification.errors import NotFound

__all__ = ["router"]

router = APIRouter()
Auditor = Depends(require(lambda r: r.audit))


def _csv(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        cells = ["" if v is None else str(v) for v in row]
        writer.writerow(["'" + c if c[:1] in ("=", "+", "-", "@") else c for c in cells])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/audit", response_class=HTMLResponse)
def search(request: Request, q: str = "", user: User = Auditor) -> HTMLResponse:
    services: Services = request.app.state.services
    with services.sessions() as session:
        found = search_applications(session, text=q) if q else []
        return render(request, "audit_search.html", {"q": q, "found": found})


def _trail(session: Session, number: str) -> tuple[Any, Sequence[AuditEvent]]:
    try:
        case = load_case(session, number=number)
    except NotFound:
        raise HTTPException(404, "not_found") from None
    return case, audit_trail(session, application_id=case.application.id)


@router.get("/audit/applications/{number}", response_class=HTMLResponse)
def trail(request: Request, number: str, user: User = Auditor) -> HTMLResponse:
    services: Services = request.app.state.services
    with services.sessions() as session:
        case, events = _trail(session, number)
        intact = {e.seq: is_intact(e) for e in events}
        return render(
            request,
            "audit_trail.html",
            {
                "case": case,
                "app": case.application,
                "events": events,
                "intact": intact,
                "all_intact": all(intact.values()),
            },
        )


@router.get("/audit/applications/{number}/trail.csv")
def trail_csv(request: Request, number: str, user: User = Auditor) -> Response:
    services: Services = request.app.state.services
    with services.sessions() as session:
        _, events = _trail(session, number)
        rows = [
            (e.seq, e.at.isoformat(), e.actor, e.action, e.entity_type, e.entity_id, e.hash)
            for e in events
        ]
    header = ("seq", "at", "actor", "action", "entity_type", "entity_id", "hash")
    return _csv(f"{number}-trail.csv", header, rows)


@router.get("/audit/chain", response_class=HTMLResponse)
def chain(request: Request, user: User = Auditor) -> HTMLResponse:
    services: Services = request.app.state.services
    with services.sessions() as session:
        report = verify_chain(session)
    return render(request, "audit_chain.html", {"report": report})


def _register(request: Request, code: str, severity: str, since: str) -> list[Any]:
    services: Services = request.app.state.services
    with services.sessions() as session:
        rows = fraud_register(
            session,
            code=code if code.startswith("fraud.") else None,
            severity=severity if severity in SEVERITY_RANK else None,
            since=parse_day(since),
        )
        session.expunge_all()
        return rows


@router.get("/audit/fraud", response_class=HTMLResponse)
def fraud(
    request: Request, code: str = "", severity: str = "", since: str = "", user: User = Auditor
) -> HTMLResponse:
    rows = _register(request, code, severity, since)
    codes = sorted(c for c in request.app.state.policy.severities if c.startswith("fraud."))
    shown = {"code": code, "severity": severity, "since": since}
    context = {"rows": rows, "shown": shown, "codes": codes, "severities": list(SEVERITY_RANK)}
    return render(request, "audit_fraud.html", context)


@router.get("/audit/fraud.csv")
def fraud_csv(
    request: Request, code: str = "", severity: str = "", since: str = "", user: User = Auditor
) -> Response:
    rows = _register(request, code, severity, since)
    header = (
        "finding_id",
        "application",
        "stage",
        "code",
        "severity",
        "rule_version",
        "detail",
        "found_at",
        "cleared_by",
        "cleared_how",
        "cleared_note",
    )
    return _csv(
        "fraud-register.csv",
        header,
        (
            (
                r.finding.id,
                r.number,
                r.stage,
                r.finding.code,
                r.finding.severity,
                r.finding.rule_version,
                r.finding.detail,
                r.finding.created_at.isoformat(),
                r.cleared_by,
                r.cleared_how,
                r.cleared_note,
            )
            for r in rows
        ),
    )
