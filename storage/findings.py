"""Findings: what a check found, with the rule version that produced it and its evidence."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.audit import append_event
from storage.models import Finding

__all__ = ["SEVERITIES", "NewFinding", "add_findings", "list_findings"]

SEVERITIES = ("info", "low", "medium", "high", "critical")


@dataclass(frozen=True)
class NewFinding:
    code: str
    severity: str
    rule_version: str
    field: str | None = None
    expected: str | None = None
    observed: str | None = None
    detail: str | None = None
    document_id: int | None = None
    evidence: dict[str, Any] | None = None


def add_findings(
    session: Session, *, application_id: int, findings: Iterable[NewFinding], actor: str
) -> list[Finding]:
    """Store findings of one check run; the audit event lists codes, never values."""
    rows: list[Finding] = []
    for new in findings:
        if new.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {new.severity!r}")
        rows.append(
            Finding(
                application_id=application_id,
                document_id=new.document_id,
                code=new.code,
                severity=new.severity,
                field=new.field,
                expected=new.expected,
                observed=new.observed,
                detail=new.detail,
                rule_version=new.rule_version,
                evidence=dict(new.evidence or {}),
            )
        )
    session.add_all(rows)
    session.flush()
    if rows:
        append_event(
            session,
            actor=actor,
            action="findings.recorded",
            entity_type="application",
            entity_id=application_id,
            application_id=application_id,
            payload={
                "findings": [
                    {
                        "id": f.id,
                        "code": f.code,
                        "severity": f.severity,
                        "field": f.field,
                        "rule_version": f.rule_version,
                        "document_id": f.document_id,
                    }
                    for f in rows
                ]
            },
        )
    return rows


def list_findings(
    session: Session, *, application_id: int, code_prefix: str | None = None
) -> Sequence[Finding]:
    query = select(Finding).where(Finding.application_id == application_id)
    if code_prefix:
        query = query.where(Finding.code.startswith(code_prefix))
    return session.scalars(query.order_by(Finding.id)).all()
