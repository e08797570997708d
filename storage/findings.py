"""Stored findings: what a check found, with the rule version that produced it and its evidence.

Checks produce ``verification.findings.Finding`` values; this module stores them against an
application (and the stored document they concern, by id) and reads them back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.audit import append_event
from storage.models import Finding as FindingRow
from verification.findings import Finding

__all__ = ["add_findings", "list_findings"]


def add_findings(
    session: Session,
    *,
    application_id: int,
    findings: Iterable[Finding],
    actor: str,
    document_ids: Mapping[str, int] | None = None,
) -> list[FindingRow]:
    """Store findings of one check run. ``document_ids`` maps a finding's document type to the
    stored document it concerns. The audit event lists codes and ids, never values."""
    document_ids = document_ids or {}
    rows = [
        FindingRow(
            application_id=application_id,
            document_id=document_ids.get(finding.document) if finding.document else None,
            code=finding.code,
            severity=finding.severity.value,
            field=finding.field,
            expected=finding.expected,
            observed=finding.observed,
            detail=finding.message or None,
            rule_version=finding.rule_version,
            evidence=dataclasses.asdict(finding.evidence),
        )
        for finding in findings
    ]
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
) -> Sequence[FindingRow]:
    query = select(FindingRow).where(FindingRow.application_id == application_id)
    if code_prefix:
        query = query.where(FindingRow.code.startswith(code_prefix))
    return session.scalars(query.order_by(FindingRow.id)).all()
