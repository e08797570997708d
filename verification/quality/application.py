"""Data-quality findings for one application: its extracted fields against the suites.

One GE validation per table present (KTP, KK and its members, akta kelahiran); each failed
expectation becomes a ``quality.<document>.<field>_<kind>`` finding whose ``observed`` is
masked (see ``observed``). Completeness is one expectation per table and one finding per
empty field: ``quality.ktp.nama_missing``, medium for identity fields, low otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from verification.findings import Evidence, Finding, Severity
from verification.quality.engine import Outcome, validate_table
from verification.quality.frames import records_for, row, to_frame
from verification.quality.observed import describe
from verification.quality.suites import (
    MISSING_COLUMN,
    SUITE_VERSION,
    TABLES_BY_DOCUMENT,
    ExpectationSpec,
    Kind,
    Table,
)

__all__ = ["validate_application"]

Row = Mapping[str, Any]

_MESSAGES = {
    Kind.FORMAT: "{field} is not in the form {expected}",
    Kind.VOCABULARY: "{field} is not one of the official values",
    Kind.RANGE: "{field} is outside {expected}",
    Kind.ORDER: "{field} is {observed}",
    Kind.COUNT: "the {document} should have {expected}",
    Kind.MISSING: "{field} is empty",
}


def _evidence(
    document: str, table: Table, spec: ExpectationSpec, outcome: Outcome, unexpected: int
) -> Evidence:
    return Evidence(
        document=document,
        details={
            "expectation_type": spec.type,
            "suite": table.suite,
            "suite_version": SUITE_VERSION,
            "unexpected_count": unexpected,
            "element_count": outcome.element_count,
        },
    )


def _finding(
    document: str,
    table: Table,
    outcome: Outcome,
    *,
    field: str,
    positions: Sequence[int],
    observed: str,
    severity: Severity,
    rule_version: str,
) -> Finding:
    spec = outcome.spec
    expected = "present" if spec.kind is Kind.MISSING else spec.expected
    return Finding(
        code=f"quality.{document}.{field}_{spec.kind.value}",
        severity=severity,
        rule_version=rule_version,
        field=field,
        expected=expected,
        observed=observed,
        message=_MESSAGES[spec.kind].format(
            document=document, field=field, expected=expected, observed=observed
        ),
        document=document,
        evidence=_evidence(document, table, spec, outcome, len(positions)),
    )


def _missing_findings(
    document: str,
    table: Table,
    rows: Sequence[Row],
    outcome: Outcome,
    *,
    rule_version: str,
    today: date,
) -> list[Finding]:
    """One finding per required field that is empty in some row."""
    findings = []
    for spec in table.fields:
        positions = [
            i for i, r in enumerate(rows) if spec.name in (r[MISSING_COLUMN] or "").split(",")
        ]
        if not positions:
            continue
        findings.append(
            _finding(
                document,
                table,
                outcome,
                field=table.prefix + spec.name,
                positions=positions,
                observed=describe(table, outcome.spec, rows, positions, today),
                severity=Severity.MEDIUM if spec.identity else Severity.LOW,
                rule_version=rule_version,
            )
        )
    return findings


def _table_findings(
    document: str,
    table: Table,
    rows: Sequence[Row],
    outcomes: Sequence[Outcome],
    *,
    rule_version: str,
    today: date,
) -> list[Finding]:
    findings: list[Finding] = []
    for outcome in outcomes:
        if outcome.success:
            continue
        if outcome.spec.kind is Kind.MISSING:
            findings += _missing_findings(
                document, table, rows, outcome, rule_version=rule_version, today=today
            )
            continue
        positions = outcome.unexpected_rows or tuple(range(len(rows)))
        findings.append(
            _finding(
                document,
                table,
                outcome,
                field=outcome.spec.field,
                positions=positions,
                observed=describe(table, outcome.spec, rows, positions, today),
                severity=Severity.LOW,
                rule_version=rule_version,
            )
        )
    return findings


def validate_application(
    documents: Mapping[str, Mapping[str, Any]],
    *,
    rule_version: str,
    today: date | None = None,
) -> list[Finding]:
    """Run the suites on one application's extracted fields (document type -> fields).

    Document types without a suite (ijazah, buku_nikah, ...) and documents without fields
    (unreadable) are skipped. ``today`` (default: the current date) bounds the plausible
    dates. Findings carry ``rule_version`` and, in their evidence, the suite version.
    """
    run_date = today or date.today()
    findings: list[Finding] = []
    for document, fields in documents.items():
        if not isinstance(fields, Mapping):
            continue
        for table in TABLES_BY_DOCUMENT.get(document, ()):
            rows = [row(table, record) for record in records_for(table, fields)]
            if not rows:
                continue  # a KK without members: its member count already fails
            outcomes = validate_table(table, to_frame(table, rows), today=run_date)
            findings += _table_findings(
                document, table, rows, outcomes, rule_version=rule_version, today=run_date
            )
    return findings
