"""The auditors' data-quality report: many applications' extractions in one GE run, as HTML.

Every document becomes one row of its table (KK members one row each of the member table);
the records are masked first (``masking``) so that the Data Docs, which print failing values,
show their masked forms only: no NIK, name or date of birth reaches ``out_dir``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from verification.quality.engine import Outcome, render_data_docs
from verification.quality.frames import records_for, row, to_frame
from verification.quality.masking import mask_record
from verification.quality.suites import (
    MISSING_COLUMN,
    SUITE_VERSION,
    TABLES,
    TABLES_BY_DOCUMENT,
    Table,
)

__all__ = ["QualityReport", "quality_report"]

Row = dict[str, Any]


@dataclass(frozen=True)
class QualityReport:
    """What the batch validation counted, and where its Data Docs are."""

    index_html: Path
    documents: int  # documents validated
    skipped: int  # documents of a type without a suite, or without fields
    documents_by_type: Mapping[str, int]
    rows: Mapping[str, int]  # rows per suite (a KK gives one row plus one per member)
    expectations_evaluated: int
    failures: Mapping[str, int]  # "quality.<document>.<field>_<kind>" -> failing rows
    missing: Mapping[str, int] = field(default_factory=dict)  # same, per empty field
    suite_version: str = SUITE_VERSION
    rule_version: str = ""


def _masked_rows(
    extractions: Iterable[tuple[str, Mapping[str, Any]]], today: date
) -> tuple[dict[str, list[Row]], Counter[str], int]:
    """Masked rows per suite, documents counted per type, and the number skipped."""
    rows: dict[str, list[Row]] = {t.suite: [] for t in TABLES}
    by_type: Counter[str] = Counter()
    skipped = 0
    for document, fields in extractions:
        tables = TABLES_BY_DOCUMENT.get(document, ())
        if not tables or not isinstance(fields, Mapping):
            skipped += 1
            continue
        by_type[document] += 1
        for table in tables:
            for record in records_for(table, fields):
                rows[table.suite].append(row(table, mask_record(table, record, today)))
    return rows, by_type, skipped


def _missing_counts(table: Table, rows: Sequence[Row]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for r in rows:
        for name in (r[MISSING_COLUMN] or "").split(","):
            if name:
                counts[f"quality.{table.document}.{table.prefix}{name}_missing"] += 1
    return counts


def _failures(outcomes: Mapping[str, Sequence[Outcome]]) -> dict[str, int]:
    """Failing rows per failed expectation, keyed like the findings' codes."""
    tables = {t.suite: t for t in TABLES}
    return {
        f"quality.{tables[suite].document}.{o.spec.key}": o.unexpected_count
        for suite, per_suite in outcomes.items()
        for o in per_suite
        if not o.success
    }


def quality_report(
    extractions: Iterable[tuple[str, Mapping[str, Any]]],
    out_dir: Path,
    *,
    rule_version: str,
    today: date | None = None,
) -> QualityReport:
    """Validate many documents' extracted fields, masked, and render GE Data Docs in ``out_dir``.

    ``extractions`` yields (document type, fields) pairs, one per document, from any number
    of applications. Types without a suite are counted as skipped. Give each report a folder
    of its own: pages of an earlier report in ``out_dir`` would stay beside the new ones.
    """
    run_date = today or date.today()
    rows, by_type, skipped = _masked_rows(extractions, run_date)
    frames = [(t, to_frame(t, rows[t.suite])) for t in TABLES if rows[t.suite]]
    meta = {"rule_version": rule_version, "masked": True}
    outcomes, index = render_data_docs(frames, out_dir, today=run_date, meta=meta)
    missing: Counter[str] = Counter()
    for table in TABLES:
        missing += _missing_counts(table, rows[table.suite])
    return QualityReport(
        index_html=index,
        documents=sum(by_type.values()),
        skipped=skipped,
        documents_by_type=dict(by_type),
        rows={suite: len(r) for suite, r in rows.items() if r},
        expectations_evaluated=sum(len(per_suite) for per_suite in outcomes.values()),
        failures=_failures(outcomes),
        missing=dict(missing),
        rule_version=rule_version,
    )
