"""No. KK (Kartu Keluarga number): decoding and the offline rules of domain-spec 7.2.

``PP KK CC DDMMYY SSSS``: the issuing region (province, regency, district), the date the
family was recorded and a family serial. The date part rests on a single secondary source
(⚠️ in the spec), so problems that depend on other read data (the KK's issue date) are for
review, not invalidity. Unlike a NIK, the number changes when a family moves, splits or
gets a new head: an old number is no forgery signal.

Rules (ids used in problems): K1 16 digits; K2 known province (unknown regency/district:
warning); K3 digits 7-12 a calendar date; K4 that date not after the KK issue date
(*Dikeluarkan Tanggal*) nor after ``ref_date``; K5 serial not 0000.

>>> from datetime import date
>>> info = parse_kk_number("1471 0201 0115 0007", ref_date=date(2026, 1, 1))
>>> info.region.regency, info.recorded_on, info.serial
('Kota Pekanbaru', datetime.date(2015, 1, 1), '0007')
>>> validate_kk_number("1471020101150007", issue_date=date(2015, 1, 5), ref_date=date(2026, 1, 1))
[]
>>> [p.code.value for p in validate_kk_number("1471020101150007", issue_date=date(2014, 6, 1),
...                                           ref_date=date(2026, 1, 1))]
['DATE_AFTER_ISSUE']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from stdnum.exceptions import ValidationError
from stdnum.util import clean

from verification.identity.problems import (
    IdentifierProblem,
    ProblemKind,
    raise_if_invalid,
    sixteen_digits,
)
from verification.identity.regions import Region, region_of, region_problems

__all__ = [
    "KkNumberInfo",
    "KkProblem",
    "KkProblemCode",
    "compact",
    "is_valid",
    "parse_kk_number",
    "validate",
    "validate_kk_number",
]


class KkProblemCode(StrEnum):
    INVALID_FORMAT = "INVALID_FORMAT"
    UNKNOWN_PROVINCE = "UNKNOWN_PROVINCE"
    UNKNOWN_REGION = "UNKNOWN_REGION"
    INVALID_DATE = "INVALID_DATE"
    DATE_AFTER_ISSUE = "DATE_AFTER_ISSUE"
    INVALID_SERIAL = "INVALID_SERIAL"


class KkProblem(IdentifierProblem[KkProblemCode]):
    """One No. KK rule broken (code, rule K1-K5, kind, message without the number)."""


_C = KkProblemCode
_I, _R, _W = ProblemKind.INVALID, ProblemKind.REVIEW, ProblemKind.WARNING
# code -> (rule, kind, message). Messages never quote the number.
_RULES: dict[KkProblemCode, tuple[str, ProblemKind, str]] = {
    _C.INVALID_FORMAT: ("K1", _I, "a No. KK has 16 digits"),
    _C.UNKNOWN_PROVINCE: ("K2", _I, "the province code is not in the Kemendagri table"),
    _C.UNKNOWN_REGION: ("K2", _W, "the region code is not in the current Kemendagri table"),
    _C.INVALID_DATE: ("K3", _I, "digits 7-12 are not a calendar date"),
    # Compared with an issue date read from the same KK, itself possibly misread.
    _C.DATE_AFTER_ISSUE: ("K4", _R, "the recording date (digits 7-12) is after the KK issue "
                                    "date or the reference date"),
    _C.INVALID_SERIAL: ("K5", _I, "serial digits (13-16) must not be 0000"),
}  # fmt: skip


def _problem(code: KkProblemCode, message: str | None = None) -> KkProblem:
    rule, kind, default = _RULES[code]
    return KkProblem(code=code, rule=rule, kind=kind, message=message or default)


@dataclass(frozen=True)
class KkNumberInfo:
    """What a No. KK encodes; ``recorded_on`` is None where digits 7-12 are not a date."""

    number: str = field(repr=False)  # links a family: kept out of reprs and logs
    region: Region
    recorded_on: date | None
    serial: str


def compact(value: str) -> str:
    """The number without spaces, dashes and dots.

    >>> compact("1471.0201.0115.0007")
    '1471020101150007'
    """
    return str(clean(value, " -.")).strip()


def _digits(value: str) -> str:
    return sixteen_digits(compact(value), "a No. KK")


def _recorded_on(number: str, ref_date: date) -> date | None:
    """The recording date, in the latest century that does not put its year after ``ref_date``'s."""
    day, month, yy = int(number[6:8]), int(number[8:10]), int(number[10:12])
    year = 2000 + yy if 2000 + yy <= ref_date.year else 1900 + yy
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_kk_number(value: str, *, ref_date: date) -> KkNumberInfo:
    """Decode a No. KK. Raises ``stdnum`` ``InvalidFormat``/``InvalidLength`` (``ValueError``s)
    when it is not 16 digits.

    >>> parse_kk_number("1471029912950007", ref_date=date(2026, 1, 1)).recorded_on is None
    True
    """
    number = _digits(value)
    return KkNumberInfo(
        number=number,
        region=region_of(number),
        recorded_on=_recorded_on(number, ref_date),
        serial=number[12:],
    )


def validate_kk_number(
    value: str, *, issue_date: date | None = None, ref_date: date
) -> list[KkProblem]:
    """Every rule of K1-K5 the number breaks, in rule order; ``[]`` when none.

    >>> ref = date(2026, 1, 1)
    >>> [p.code.value for p in validate_kk_number("1471023102150000", ref_date=ref)]
    ['INVALID_DATE', 'INVALID_SERIAL']
    >>> [p.code.value for p in validate_kk_number("14710201011500", ref_date=ref)]
    ['INVALID_FORMAT']
    """
    try:
        info = parse_kk_number(value, ref_date=ref_date)
    except ValidationError as exc:
        return [_problem(_C.INVALID_FORMAT, str(exc))]
    problems = [_problem(_C(code), message) for code, message in region_problems(info.region)]
    latest = min(ref_date, issue_date) if issue_date else ref_date
    if info.recorded_on is None:
        problems.append(_problem(_C.INVALID_DATE))
    elif info.recorded_on > latest:
        problems.append(_problem(_C.DATE_AFTER_ISSUE))
    if info.serial == "0000":
        problems.append(_problem(_C.INVALID_SERIAL))
    return problems


def validate(value: str, *, ref_date: date) -> str:
    """The compact number if no structure rule is broken (python-stdnum style), else a
    ``stdnum`` ``ValidationError`` (a ``ValueError``).

    >>> validate("1471020101150000", ref_date=date(2026, 1, 1))
    Traceback (most recent call last):
        ...
    stdnum.exceptions.InvalidComponent: serial digits (13-16) must not be 0000
    """
    number = _digits(value)
    raise_if_invalid(validate_kk_number(number, ref_date=ref_date))
    return number


def is_valid(value: str, *, ref_date: date) -> bool:
    """True when ``validate`` accepts the number."""
    return all(
        p.kind is not ProblemKind.INVALID for p in validate_kk_number(value, ref_date=ref_date)
    )
