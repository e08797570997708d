"""Rows for the expectation suites: extracted fields normalised, with their derived columns.

A document's fields become one row of its table; the members of a KK become one row each of
``KK_MEMBERS``. Each row holds the fields the suite tests (as text), the dates and numbers
parsed into derived columns (``tanggal_lahir__date``, ``anak_ke__number``), the names of the
required fields that are empty (``missing_fields``) and, for a KK, the member counts. Only
the columns a suite reads are kept, so a field the suites do not know never reaches GE.
pandas is imported inside ``to_frame`` only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from verification.quality.suites import (
    ISO_DATE,
    KK,
    KK_MEMBERS,
    MISSING_COLUMN,
    Shape,
    Table,
    date_column,
    number_column,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Record",
    "columns",
    "kk_members",
    "normalise",
    "parse_date",
    "records_for",
    "row",
    "to_frame",
]

Record = Mapping[str, Any]
_KEPALA = "KEPALA KELUARGA"


def normalise(value: Any) -> str | None:
    """A field value as text, or None when empty.

    >>> normalise("  SITI AMINAH "), normalise(""), normalise(3), normalise(None)
    ('SITI AMINAH', None, '3', None)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def parse_date(text: str | None) -> date | None:
    """The calendar date of a ``YYYY-MM-DD`` text, or None.

    Parsed with ``strptime`` like GE's strftime-format expectation, so that a value passes
    the format check exactly when its derived date exists (``1990-8-5`` passes both).

    >>> parse_date("1990-08-17"), parse_date("1990-02-30"), parse_date("17-08-1990")
    (datetime.date(1990, 8, 17), None, None)
    """
    if text is None:
        return None
    try:
        return datetime.strptime(text, ISO_DATE).date()
    except ValueError:
        return None


def _parse_number(text: str | None) -> float:
    return float(text) if text is not None and text.isdigit() else math.nan


def kk_members(fields: Record) -> list[Record]:
    """The member entries of a KK's fields (anything that is not a mapping counts as empty)."""
    members = fields.get("members")
    if not isinstance(members, Sequence) or isinstance(members, str):
        return []
    return [m if isinstance(m, Mapping) else {} for m in members]


def row(table: Table, record: Record) -> dict[str, Any]:
    """One row of ``table`` from a record of extracted (or masked) fields."""
    out: dict[str, Any] = {}
    missing: list[str] = []
    for spec in table.fields:
        value = normalise(record.get(spec.name))
        if value is None and spec.required:
            missing.append(spec.name)
        if spec.shape is Shape.TEXT:
            continue  # only its presence is tested, through missing_fields
        out[spec.name] = value
        if spec.shape is Shape.DATE:
            out[date_column(spec.name)] = parse_date(value)
        elif spec.shape is Shape.NUMBER:
            out[number_column(spec.name)] = _parse_number(value)
    out[MISSING_COLUMN] = ",".join(missing) or None
    if table is KK:
        members = kk_members(record)
        kepala = sum(normalise(m.get("status_hubungan")) == _KEPALA for m in members)
        out[number_column("members")] = float(len(members))
        out[number_column("kepala_keluarga")] = float(kepala)
    return out


def records_for(table: Table, fields: Record) -> list[Record]:
    """The records ``table`` validates in one document's fields (KK members for KK_MEMBERS)."""
    return kk_members(fields) if table is KK_MEMBERS else [fields]


def columns(table: Table) -> list[str]:
    """The columns of ``table``'s frame, in a fixed order."""
    return list(row(table, {}))


def to_frame(table: Table, rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The rows as a DataFrame with every column of ``table`` (dates kept as objects)."""
    import pandas as pd

    names = columns(table)
    data: dict[str, Any] = {}
    for name in names:
        values = [r.get(name) for r in rows]
        if name.endswith("__date"):
            data[name] = pd.Series(values, dtype=object)  # GE compares date objects as such
        elif name.endswith("__number"):
            data[name] = pd.Series(values, dtype="float64")
        else:
            data[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(data, columns=names)
