"""The verification report: the output contract of DESIGN.md section 3, as plain JSON data."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from verification.checks.case import Case, DocumentRead
from verification.findings import Finding

__all__ = ["document_entry", "finding_entry", "report"]


def document_entry(doc: DocumentRead) -> dict[str, Any]:
    return {
        "type": doc.type,
        "file": doc.file,
        "sha256": doc.sha256,
        "status": doc.status,
        "error": doc.error,
        "detected_type": doc.detected_type,
        "fields": dict(doc.fields),
        "confidence": dict(doc.confidence),
    }


def finding_entry(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "document": finding.document,
        "field": finding.field,
        "expected": finding.expected,
        "observed": finding.observed,
        "detail": finding.message,
        "rule_version": finding.rule_version,
        "evidence": dataclasses.asdict(finding.evidence),
    }


def report(
    case: Case,
    findings: Iterable[Finding],
    *,
    route: str,
    rule_version: str,
    routing: list[dict[str, Any]] | None = None,
    seconds: float | None = None,
) -> dict[str, Any]:
    """The report of one application (DESIGN.md section 3, plus routing reasons and timing)."""
    body: dict[str, Any] = {
        "application_id": case.application_id,
        "route": route,
        "rule_version": rule_version,
        "documents": [document_entry(d) for d in case.documents.values()],
        "findings": [finding_entry(f) for f in findings],
    }
    if routing is not None:
        body["routing"] = routing
    if seconds is not None:
        body["seconds"] = round(seconds, 3)
    return body
