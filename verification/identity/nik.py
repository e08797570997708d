"""NIK (Nomor Induk Kependudukan): decoding and the offline rules R1-R9 of domain-spec 7.1.

``PP KK CC DDMMYY SSSS``: province, regency (kabupaten/kota) and district (kecamatan) where
the NIK was first registered, the birth date (day + 40 for women) and a SIAK serial. This
module owns the structure and what it encodes; turning problems into findings is the checks'.

From ``stdnum.id.nik`` we take ``compact`` (separators `` -.``) and its digits/length rule.
We do not take the rest: its birth date reads ``day % 40`` (days 81-91 pass) and always tries
the 1900s first, and its region table (``id/loc.dat``) predates Kalimantan Utara and the new
Papua provinces, so it rejects NIKs issued there. Regions come from the current Kemendagri
table in ``lokal`` (see ``regions.region_table()``), the century from R5 below.

Worked example of domain-spec 7.1 (a fictitious NIK on a real district code):

>>> from datetime import date
>>> info = parse_nik("1471015708900003", ref_date=date(2026, 1, 1))
>>> info.region.province, info.region.regency, info.region.district
('Riau', 'Kota Pekanbaru', 'Sukajadi')
>>> info.birth_date, info.sex.value, info.serial
(datetime.date(1990, 8, 17), 'PEREMPUAN', '0003')
>>> validate_nik("1471 0157 0890 0003", claimed_birth_date=date(1990, 8, 17),
...              claimed_sex=Sex.PEREMPUAN, ref_date=date(2026, 1, 1))
[]
>>> [p.code.value for p in validate_nik("1471017708900003", ref_date=date(2026, 1, 1))]
['INVALID_DAY']
>>> [p.code.value for p in validate_nik("1471015708900003", claimed_sex=Sex.LAKI_LAKI,
...                                      ref_date=date(2026, 1, 1))]
['SEX_MISMATCH']
>>> is_valid("147101570890000", ref_date=date(2026, 1, 1))
False
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from stdnum.exceptions import ValidationError
from stdnum.id import nik as stdnum_nik

from verification.identity.problems import (
    IdentifierProblem,
    ProblemKind,
    raise_if_invalid,
    sixteen_digits,
)
from verification.identity.regions import Region, region_of, region_problems

__all__ = [
    "MAX_AGE",
    "MIN_KTP_AGE",
    "NikInfo",
    "NikProblem",
    "NikProblemCode",
    "Sex",
    "compact",
    "is_valid",
    "parse_nik",
    "validate",
    "validate_nik",
]

MAX_AGE = 120
MIN_KTP_AGE = 17  # a KTP-el is issued from 17, or earlier on marriage (UU 24/2013)


class Sex(StrEnum):
    """Jenis kelamin as printed on KTP and KK."""

    LAKI_LAKI = "LAKI-LAKI"
    PEREMPUAN = "PEREMPUAN"


class NikProblemCode(StrEnum):
    INVALID_FORMAT = "INVALID_FORMAT"
    UNKNOWN_PROVINCE = "UNKNOWN_PROVINCE"
    UNKNOWN_REGION = "UNKNOWN_REGION"
    INVALID_DAY = "INVALID_DAY"
    INVALID_MONTH = "INVALID_MONTH"
    INVALID_DATE = "INVALID_DATE"
    INVALID_SERIAL = "INVALID_SERIAL"
    SEX_MISMATCH = "SEX_MISMATCH"
    DOB_MISMATCH = "DOB_MISMATCH"
    AGE_IMPLAUSIBLE = "AGE_IMPLAUSIBLE"


class NikProblem(IdentifierProblem[NikProblemCode]):
    """One NIK rule broken (code, rule R1-R9, kind, message without the NIK)."""


_C = NikProblemCode
_I, _R, _W = ProblemKind.INVALID, ProblemKind.REVIEW, ProblemKind.WARNING
# code -> (rule, kind, message). Messages never quote the number or the date it encodes.
_RULES: dict[NikProblemCode, tuple[str, ProblemKind, str]] = {
    _C.INVALID_FORMAT: ("R1", _I, "a NIK has 16 digits"),
    _C.UNKNOWN_PROVINCE: ("R2", _I, "the province code is not in the Kemendagri table"),
    # A NIK keeps the codes it was issued with; after a split the table may no longer have them.
    _C.UNKNOWN_REGION: ("R2", _W, "the region code is not in the current Kemendagri table"),
    _C.INVALID_DAY: ("R3", _I, "day digits (7-8) must be 01-31, or 41-71 for women"),
    _C.INVALID_MONTH: ("R4", _I, "month digits (9-10) must be 01-12"),
    _C.INVALID_DATE: ("R5", _I, "digits 7-12 are not a calendar date"),
    _C.INVALID_SERIAL: ("R6", _I, "serial digits (13-16) must not be 0000"),
    # A NIK is not re-issued to fix a birth date or sex: a disagreement goes to an officer.
    _C.SEX_MISMATCH: ("R7", _R, "the sex encoded in the NIK (day + 40) differs from the claim"),
    _C.DOB_MISMATCH: ("R8", _R, "the birth date encoded in the NIK differs from the claim"),
    _C.AGE_IMPLAUSIBLE: ("R9", _R, f"the encoded birth date gives an age outside 0-{MAX_AGE}"),
}


def _problem(code: NikProblemCode, message: str | None = None) -> NikProblem:
    rule, kind, default = _RULES[code]
    return NikProblem(code=code, rule=rule, kind=kind, message=message or default)


@dataclass(frozen=True)
class NikInfo:
    """What a NIK encodes: the region where it was first registered (names None where the
    table does not know a code), and birth date and sex (None where they do not decode)."""

    number: str = field(repr=False)  # personal data: kept out of reprs and logs
    region: Region
    birth_date: date | None
    sex: Sex | None
    serial: str


def compact(value: str) -> str:
    """The number without spaces, dashes and dots (python-stdnum's rule).

    >>> compact(" 1471-0157.0890 0003 ")
    '1471015708900003'
    """
    return str(stdnum_nik.compact(value))


def _digits(value: str) -> str:
    return sixteen_digits(compact(value), "a NIK")


def _day_and_sex(number: str) -> tuple[int, Sex] | None:
    encoded = int(number[6:8])
    if 1 <= encoded <= 31:
        return encoded, Sex.LAKI_LAKI
    if 41 <= encoded <= 71:
        return encoded - 40, Sex.PEREMPUAN
    return None


def _year(yy: int, *, ref_date: date, claimed: date | None) -> int:
    """R5: the century of the claimed birth date when given (the nearest year ending in yy,
    so a one-year slip across 2000 is not read as a century), else the latest not after
    ``ref_date``."""
    if claimed is not None:
        base = claimed.year - claimed.year % 100 + yy
        return min((base - 100, base, base + 100), key=lambda y: abs(y - claimed.year))
    return 2000 + yy if 2000 + yy <= ref_date.year else 1900 + yy


def _birth_date(number: str, *, ref_date: date, claimed: date | None) -> date | None:
    day_sex = _day_and_sex(number)
    month = int(number[8:10])
    if day_sex is None or not 1 <= month <= 12:
        return None
    year = _year(int(number[10:12]), ref_date=ref_date, claimed=claimed)
    try:
        return date(year, month, day_sex[0])
    except ValueError:
        return None


def parse_nik(value: str, *, ref_date: date, claimed_birth_date: date | None = None) -> NikInfo:
    """Decode a NIK. Raises ``stdnum`` ``InvalidFormat``/``InvalidLength`` (``ValueError``s)
    when it is not 16 digits; everything else decodes as far as it can (see ``validate_nik``).

    >>> parse_nik("3171014101010003", ref_date=date(2026, 1, 1)).birth_date
    datetime.date(2001, 1, 1)
    >>> parse_nik("3171014101010003", ref_date=date(2026, 1, 1),
    ...           claimed_birth_date=date(1901, 1, 1)).birth_date
    datetime.date(1901, 1, 1)
    >>> parse_nik("31710141010100O3", ref_date=date(2026, 1, 1))
    Traceback (most recent call last):
        ...
    stdnum.exceptions.InvalidFormat: a NIK has digits only
    """
    number = _digits(value)
    day_sex = _day_and_sex(number)
    return NikInfo(
        number=number,
        region=region_of(number),
        birth_date=_birth_date(number, ref_date=ref_date, claimed=claimed_birth_date),
        sex=day_sex[1] if day_sex else None,
        serial=number[12:],
    )


def _structure(info: NikInfo) -> list[NikProblem]:
    """R2-R6: what the number alone says."""
    problems = [_problem(_C(code), message) for code, message in region_problems(info.region)]
    if info.sex is None:
        problems.append(_problem(_C.INVALID_DAY))
    if not 1 <= int(info.number[8:10]) <= 12:
        problems.append(_problem(_C.INVALID_MONTH))
    elif info.sex is not None and info.birth_date is None:
        problems.append(_problem(_C.INVALID_DATE))
    if info.serial == "0000":
        problems.append(_problem(_C.INVALID_SERIAL))
    return problems


def _claims(info: NikInfo, claimed_birth_date: date | None, claimed_sex: Sex | None
            ) -> list[NikProblem]:  # fmt: skip
    """R7-R8: the encoded sex and birth date (day, month, two-digit year) against claims."""
    problems = []
    if claimed_sex is not None and info.sex is not None and info.sex != claimed_sex:
        problems.append(_problem(_C.SEX_MISMATCH))
    day_sex, month = _day_and_sex(info.number), int(info.number[8:10])
    if claimed_birth_date is not None and day_sex is not None and 1 <= month <= 12:
        encoded = (day_sex[0], month, int(info.number[10:12]))
        claimed = (claimed_birth_date.day, claimed_birth_date.month, claimed_birth_date.year % 100)
        if encoded != claimed:
            problems.append(_problem(_C.DOB_MISMATCH))
    return problems


def _age(info: NikInfo, ref_date: date, *, ktp_holder: bool, married: bool) -> list[NikProblem]:
    """R9: a birth date not after ``ref_date``, at most ``MAX_AGE`` years before it; and a
    KTP holder of ``MIN_KTP_AGE`` or older unless married."""
    if info.birth_date is None:
        return []
    born, on = info.birth_date, ref_date
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if not 0 <= age <= MAX_AGE:
        return [_problem(_C.AGE_IMPLAUSIBLE)]
    if ktp_holder and not married and age < MIN_KTP_AGE:
        return [_problem(_C.AGE_IMPLAUSIBLE, f"a KTP holder under {MIN_KTP_AGE} must be married")]
    return []


def validate_nik(
    value: str,
    *,
    claimed_birth_date: date | None = None,
    claimed_sex: Sex | None = None,
    ref_date: date,
    ktp_holder: bool = False,
    married: bool = False,
) -> list[NikProblem]:
    """Every rule of R1-R9 the NIK breaks, in rule order; ``[]`` when none. R7/R8 run only
    with a claim to compare with; R9 with ``ktp_holder`` also wants ``MIN_KTP_AGE``.

    >>> ref = date(2026, 1, 1)
    >>> [p.code.value for p in validate_nik("9971010000900000", ref_date=ref)]
    ['UNKNOWN_PROVINCE', 'INVALID_DAY', 'INVALID_MONTH', 'INVALID_SERIAL']
    >>> [str(p) for p in validate_nik("1471013102900003", ref_date=ref)]
    ['R5 INVALID_DATE: digits 7-12 are not a calendar date']
    >>> [p.kind.value for p in validate_nik("1471015708900003", ref_date=ref,
    ...                                     claimed_birth_date=date(1990, 8, 18))]
    ['review']
    >>> [p.code.value for p in validate_nik("1471011708150003", ref_date=ref, ktp_holder=True)]
    ['AGE_IMPLAUSIBLE']
    """
    try:
        info = parse_nik(value, ref_date=ref_date, claimed_birth_date=claimed_birth_date)
    except ValidationError as exc:
        return [_problem(_C.INVALID_FORMAT, str(exc))]
    return [
        *_structure(info),
        *_claims(info, claimed_birth_date, claimed_sex),
        *_age(info, ref_date, ktp_holder=ktp_holder, married=married),
    ]


def validate(value: str, *, ref_date: date) -> str:
    """The compact NIK if no structure rule (R1-R6) is broken, python-stdnum style; else a
    ``stdnum`` ``ValidationError`` (a ``ValueError``). Unknown regency/district codes pass.

    >>> validate("1471-0157-0890-0003", ref_date=date(2026, 1, 1))
    '1471015708900003'
    >>> validate("1471015713900003", ref_date=date(2026, 1, 1))
    Traceback (most recent call last):
        ...
    stdnum.exceptions.InvalidComponent: month digits (9-10) must be 01-12
    """
    number = _digits(value)
    raise_if_invalid(validate_nik(number, ref_date=ref_date))
    return number


def is_valid(value: str, *, ref_date: date) -> bool:
    """True when ``validate`` accepts the number."""
    found = validate_nik(value, ref_date=ref_date)
    return all(p.kind is not ProblemKind.INVALID for p in found)
