"""Masking for the auditors' report: values replaced by forms that fail exactly when they did.

GE's Data Docs print failing values, so the batch report validates masked records instead of
the extracted ones. Each mask keeps what its field's expectations test and nothing else:

- DIGITS (NIK, no_kk, rt_rw, kode_pos): digits become ``9``, letters ``X``, separators stay,
  so length, digit-ness and the ``/`` of rt_rw survive;
- DATE: a record's valid dates are replaced by stand-ins that keep their order and on which
  side of the plausible range they fall (``1800-..`` before 1900, ``2000-..`` inside,
  ``9000-..`` after the run date); an unparsable date is masked like DIGITS, which never
  parses; literals such as ``SEUMUR HIDUP`` stay;
- VOCABULARY: a listed value stays (it identifies nobody), an unlisted one becomes ``X``s;
- NUMBER (anak_ke): kept, a small count identifies nobody;
- TEXT (names, places, addresses): ``X`` repeated to the same length.

Fields the suites do not declare are dropped. ``tests/verification/quality`` checks that
the masked and unmasked records give the same outcome for every expectation.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from verification.quality.frames import Record, kk_members, normalise, parse_date
from verification.quality.suites import (
    EARLIEST_DATE,
    KK,
    KK_MEMBERS,
    FieldSpec,
    Shape,
    Table,
)

__all__ = ["mask_chars", "mask_record"]

_BEFORE = date(1800, 1, 1)
_INSIDE = date(2000, 1, 1)
_AFTER = date(9000, 1, 1)


def mask_chars(value: str) -> str:
    """Digits to 9, letters to X, anything else kept.

    >>> mask_chars("1471011708900003"), mask_chars("147101170890O003"), mask_chars("001/012")
    ('9999999999999999', '999999999999X999', '999/999')
    """
    return "".join("9" if c.isdecimal() else "X" if c.isalnum() else c for c in value)


def _date_stand_ins(table: Table, record: Record, today: date) -> dict[date, str]:
    """Each valid date of the record mapped to a stand-in of the same order and range side."""
    days = {
        parse_date(normalise(record.get(spec.name)))
        for spec in table.fields
        if spec.shape is Shape.DATE
    }
    out: dict[date, str] = {}
    for rank, day in enumerate(sorted(d for d in days if d is not None)):
        base = _BEFORE if day < EARLIEST_DATE else _AFTER if day > today else _INSIDE
        out[day] = (base + timedelta(days=rank)).isoformat()
    return out


def _mask_value(spec: FieldSpec, value: str, stand_ins: dict[date, str]) -> str:
    if spec.shape is Shape.DATE:
        if value in spec.literals:
            return value
        day = parse_date(value)
        return stand_ins[day] if day is not None else mask_chars(value)
    if spec.shape is Shape.DIGITS:
        return mask_chars(value)
    if spec.shape is Shape.VOCABULARY:
        return value if value in spec.vocabulary else "X" * len(value)
    if spec.shape is Shape.NUMBER:
        return value
    return "X" * len(value)


def mask_record(table: Table, record: Record, today: date) -> dict[str, Any]:
    """The record with every field of ``table`` masked (a KK's members masked as members).

    >>> mask_record(KK_MEMBERS, {"nama": "SITI AMINAH", "nik": "1471014508900003",
    ...     "tanggal_lahir": "1990-08-05", "agama": "ISLAM"}, date(2026, 1, 5))
    ... # doctest: +NORMALIZE_WHITESPACE
    {'nama': 'XXXXXXXXXXX', 'nik': '9999999999999999', 'jenis_kelamin': None,
     'tempat_lahir': None, 'tanggal_lahir': '2000-01-01', 'agama': 'ISLAM', 'pendidikan': None,
     'jenis_pekerjaan': None, 'status_perkawinan': None, 'status_hubungan': None,
     'kewarganegaraan': None}
    """
    stand_ins = _date_stand_ins(table, record, today)
    out: dict[str, Any] = {}
    for spec in table.fields:
        value = normalise(record.get(spec.name))
        out[spec.name] = None if value is None else _mask_value(spec, value, stand_ins)
    if table is KK:
        out["members"] = [mask_record(KK_MEMBERS, m, today) for m in kk_members(record)]
    return out
