"""What a failed expectation observed, described without the value itself.

A finding's ``observed`` is shown to officers and stored with the application, so it says
what is wrong with a value (its length and non-digits, the side of a range it falls on, that
it is outside the vocabulary) and never repeats a NIK, a name or a date of birth.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from verification.quality.suites import (
    EARLIEST_DATE,
    ExpectationSpec,
    Kind,
    Shape,
    Table,
    date_column,
    number_column,
)

__all__ = ["describe", "value_shape"]

Row = Mapping[str, Any]
_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def value_shape(value: str) -> str:
    """The length of a value and how many of its characters are not digits.

    >>> value_shape("1471011708900003"), value_shape("147101170890O003"), value_shape("12/3")
    ('16 chars', '16 chars, 1 non-digit', '4 chars, 1 non-digit')
    """
    others = sum(not c.isdecimal() for c in value)
    return f"{len(value)} chars" + (f", {others} non-digit" if others else "")


def _format(table: Table, spec: ExpectationSpec, row: Row) -> str:
    field = table.field_spec(spec.source or "")
    value = str(row.get(field.name) or "")
    if field.shape is Shape.DATE and _DATE_LIKE.match(value):
        return "not a calendar date"
    return value_shape(value)


def _range(spec: ExpectationSpec, row: Row, today: date) -> str:
    source = spec.source or ""
    day = row.get(date_column(source))
    if isinstance(day, date):
        if day < EARLIEST_DATE:
            return f"before {EARLIEST_DATE.isoformat()}"
        return f"after the run date {today.isoformat()}"
    number = row.get(number_column(source))
    low = spec.kwargs.get("min_value")
    if isinstance(number, float) and not math.isnan(number) and low is not None:
        return f"below {low}" if number < low else f"above {spec.kwargs.get('max_value')}"
    return "out of range"


def _count(table: Table, spec: ExpectationSpec, row: Row) -> str:
    count = next(c for c in table.counts if c.name == spec.source)
    return f"{count.unit}: {int(row.get(number_column(count.name)) or 0)}"


def _one(table: Table, spec: ExpectationSpec, row: Row, today: date) -> str:
    if spec.kind is Kind.FORMAT:
        return _format(table, spec, row)
    if spec.kind is Kind.VOCABULARY:
        return "not in the vocabulary"
    if spec.kind is Kind.RANGE:
        return _range(spec, row, today)
    if spec.kind is Kind.ORDER:
        return f"before {spec.kwargs.get('column_B', '').removesuffix('__date')}"
    if spec.kind is Kind.COUNT:
        return _count(table, spec, row)
    return "missing"


def describe(
    table: Table,
    spec: ExpectationSpec,
    rows: Sequence[Row],
    positions: Sequence[int],
    today: date,
) -> str:
    """The failures of ``spec`` at ``positions`` of ``rows``, masked.

    A document table has one row; on the KK member table, positions are numbered from 1 and
    grouped by description: ``members 2, 5: 15 chars; member 3: 16 chars, 1 non-digit``.
    """
    grouped: dict[str, list[int]] = {}
    for position in positions:
        text = _one(table, spec, rows[position], today)
        grouped.setdefault(text, []).append(position + 1)
    if table.row_label == "document":
        return "; ".join(grouped)
    return "; ".join(
        f"{table.row_label}{'s' if len(at) > 1 else ''} {', '.join(map(str, at))}: {text}"
        for text, at in grouped.items()
    )
