"""NIK rules R1-R9 (domain-spec 7.1). Every NIK here is synthetic: real region codes, made-up
dates and serials."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength
from stdnum.id import nik as stdnum_nik

from verification.identity import nik
from verification.identity.nik import NikProblemCode as Code
from verification.identity.nik import Sex
from verification.identity.problems import ProblemKind

REF = date(2026, 1, 1)

# Real district codes across old and new provinces (Kalimantan Utara 65, Papua Barat Daya 96).
DISTRICTS = (
    "110101", "120101", "147101", "147102", "217101", "317101", "327301", "337401",
    "357801", "517101", "537101", "637101", "650101", "737101", "917101", "960101",
)  # fmt: skip


def make_nik(district: str, born: date, sex: Sex, serial: int) -> str:
    day = born.day + (40 if sex is Sex.PEREMPUAN else 0)
    return f"{district}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def codes(value: str, **kwargs: Any) -> list[str]:
    return [p.code.value for p in nik.validate_nik(value, ref_date=REF, **kwargs)]


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        ("1471015708900003", {}, []),
        ("1471-0157-0890-0003", {}, []),
        ("1471015708900003", {"claimed_birth_date": date(1990, 8, 17)}, []),
        ("1471015708900003", {"claimed_sex": Sex.PEREMPUAN}, []),
        # R1
        ("147101570890000", {}, ["INVALID_FORMAT"]),
        ("14710157089000031", {}, ["INVALID_FORMAT"]),
        ("14710157089000O3", {}, ["INVALID_FORMAT"]),
        ("", {}, ["INVALID_FORMAT"]),
        # R2: unknown province invalid; unknown regency/district only a warning
        ("9971015708900003", {}, ["UNKNOWN_PROVINCE"]),
        ("2071015708900003", {}, ["UNKNOWN_PROVINCE"]),
        ("1499015708900003", {}, ["UNKNOWN_REGION"]),
        ("1471995708900003", {}, ["UNKNOWN_REGION"]),
        ("1400005708900003", {}, ["UNKNOWN_REGION"]),
        # R3: 01-31 men, 41-71 women
        ("1471010008900003", {}, ["INVALID_DAY"]),
        ("1471013208900003", {}, ["INVALID_DAY"]),
        ("1471014008900003", {}, ["INVALID_DAY"]),
        ("1471017208900003", {}, ["INVALID_DAY"]),
        ("1471018108900003", {}, ["INVALID_DAY"]),
        ("1471013108900003", {}, []),
        ("1471017108900003", {}, []),
        ("1471014108900003", {}, []),
        # R4
        ("1471011700900003", {}, ["INVALID_MONTH"]),
        ("1471011713900003", {}, ["INVALID_MONTH"]),
        # R5: a real calendar date, century from ref_date (or the claim)
        ("1471013102900003", {}, ["INVALID_DATE"]),
        ("1471017102900003", {}, ["INVALID_DATE"]),
        ("1471013104900003", {}, ["INVALID_DATE"]),
        ("1471012902010003", {}, ["INVALID_DATE"]),
        ("1471012902960003", {}, []),
        ("1471012902000003", {}, []),
        ("1471012902000003", {"claimed_birth_date": date(1900, 2, 28)},
         ["INVALID_DATE", "DOB_MISMATCH"]),
        # R6
        ("1471015708900000", {}, ["INVALID_SERIAL"]),
        ("1471015708909999", {}, []),
        # R7
        ("1471015708900003", {"claimed_sex": Sex.LAKI_LAKI}, ["SEX_MISMATCH"]),
        ("1471011708900003", {"claimed_sex": Sex.PEREMPUAN}, ["SEX_MISMATCH"]),
        ("1471017708900003", {"claimed_sex": Sex.LAKI_LAKI}, ["INVALID_DAY"]),
        # R8: day, month and two-digit year compared
        ("1471015708900003", {"claimed_birth_date": date(1990, 8, 18)}, ["DOB_MISMATCH"]),
        ("1471015708900003", {"claimed_birth_date": date(1990, 9, 17)}, ["DOB_MISMATCH"]),
        ("1471015708900003", {"claimed_birth_date": date(1991, 8, 17)}, ["DOB_MISMATCH"]),
        ("1471015708900003", {"claimed_birth_date": date(1890, 8, 17)}, ["AGE_IMPLAUSIBLE"]),
        ("1471013102900003", {"claimed_birth_date": date(1990, 2, 28)},
         ["INVALID_DATE", "DOB_MISMATCH"]),
        # R9
        ("1471010101260003", {}, []),
        ("1471011702260003", {}, ["AGE_IMPLAUSIBLE"]),
        ("1471011708150003", {"ktp_holder": True}, ["AGE_IMPLAUSIBLE"]),
        ("1471011708150003", {"ktp_holder": True, "married": True}, []),
        ("1471011701090003", {"ktp_holder": True}, ["AGE_IMPLAUSIBLE"]),
        ("1471010101090003", {"ktp_holder": True}, []),
        ("1471015708900003", {"ktp_holder": True}, []),
        # several rules at once, in rule order
        ("9971010000900000", {}, ["UNKNOWN_PROVINCE", "INVALID_DAY", "INVALID_MONTH",
                                  "INVALID_SERIAL"]),
    ],
)  # fmt: skip
def test_validate_nik(value: str, kwargs: dict[str, Any], expected: list[str]) -> None:
    assert codes(value, **kwargs) == expected


@pytest.mark.parametrize(
    ("value", "province", "regency", "district", "born", "sex"),
    [
        ("1471015708900003", "Riau", "Kota Pekanbaru", "Sukajadi", date(1990, 8, 17),
         Sex.PEREMPUAN),
        ("3171011708450001", "Daerah Khusus Ibukota Jakarta", "Kota Administrasi Jakarta Pusat",
         "Gambir", date(1945, 8, 17), Sex.LAKI_LAKI),
        ("6501014101250002", "Kalimantan Utara", "Kabupaten Bulungan", "Tanjung Palas",
         date(2025, 1, 1), Sex.PEREMPUAN),
        ("1499015708900003", "Riau", None, None, date(1990, 8, 17), Sex.PEREMPUAN),
        ("1471019908900003", "Riau", "Kota Pekanbaru", "Sukajadi", None, None),
        ("1471013102900003", "Riau", "Kota Pekanbaru", "Sukajadi", None, Sex.LAKI_LAKI),
    ],
)  # fmt: skip
def test_parse_nik(
    value: str,
    province: str,
    regency: str | None,
    district: str | None,
    born: date | None,
    sex: Sex | None,
) -> None:
    info = nik.parse_nik(value, ref_date=REF)
    assert (info.region.province, info.region.regency, info.region.district) == (
        province,
        regency,
        district,
    )
    assert (info.birth_date, info.sex, info.serial) == (born, sex, value[12:])
    assert info.region.district_code == f"{value[:2]}.{value[2:4]}.{value[4:6]}"


@pytest.mark.parametrize(
    ("yy", "ref", "claimed", "year"),
    [
        (26, date(2026, 1, 1), None, 2026),
        (27, date(2026, 1, 1), None, 1927),
        (0, date(2026, 1, 1), None, 2000),
        (99, date(2026, 1, 1), None, 1999),
        (5, date(1999, 6, 1), None, 1905),
        (0, date(2026, 1, 1), date(1999, 12, 31), 2000),
        (99, date(2026, 1, 1), date(2000, 1, 1), 1999),
        (26, date(2026, 1, 1), date(1926, 1, 1), 1926),
    ],
)
def test_century(yy: int, ref: date, claimed: date | None, year: int) -> None:
    info = nik.parse_nik(f"14710101{1:02d}{yy:02d}0003", ref_date=ref, claimed_birth_date=claimed)
    assert info.birth_date == date(year, 1, 1)


def test_problem_kinds_and_rules() -> None:
    found = nik.validate_nik(
        "1471995708900003",
        claimed_sex=Sex.LAKI_LAKI,
        claimed_birth_date=date(1991, 8, 17),
        ref_date=REF,
    )
    assert [(p.code, p.rule, p.kind) for p in found] == [
        (Code.UNKNOWN_REGION, "R2", ProblemKind.WARNING),
        (Code.SEX_MISMATCH, "R7", ProblemKind.REVIEW),
        (Code.DOB_MISMATCH, "R8", ProblemKind.REVIEW),
    ]


@pytest.mark.parametrize(
    "value",
    ["147101570890000", "9971015708900003", "1499995708900003", "1471018108900003",
     "1471011713900003", "1471013102900003", "1471015708900000", "1471011702260003"],
)  # fmt: skip
def test_messages_never_quote_the_number(value: str) -> None:
    found = nik.validate_nik(
        value, claimed_sex=Sex.LAKI_LAKI, claimed_birth_date=date(1991, 1, 1), ref_date=REF
    )
    assert found
    for problem in found:
        assert value not in str(problem)
        assert value[6:12] not in str(problem)  # nor the encoded birth date


def test_info_repr_hides_the_number() -> None:
    assert "1471015708900003" not in repr(nik.parse_nik("1471015708900003", ref_date=REF))


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("14710157089000", InvalidLength),
        ("1471015708900X03", InvalidFormat),
        ("9971015708900003", InvalidComponent),
        ("1471017208900003", InvalidComponent),
        ("1471015708900000", InvalidComponent),
    ],
)
def test_validate_raises_stdnum_errors(value: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        nik.validate(value, ref_date=REF)
    assert not nik.is_valid(value, ref_date=REF)
    assert issubclass(error, ValueError)


def test_validate_accepts_unknown_region_and_returns_compact() -> None:
    assert nik.validate(" 1499.0157.0890.0003 ", ref_date=REF) == "1499015708900003"
    assert nik.is_valid("1471015708900003", ref_date=REF)


def test_what_stdnum_misses() -> None:
    """Why we do not use stdnum's date and region rules (module docstring)."""
    assert stdnum_nik.is_valid("1471018108900003")  # day 81 passes as day 1
    assert codes("1471018108900003") == ["INVALID_DAY"]
    assert not stdnum_nik.is_valid("6501014101250002")  # Kalimantan Utara is missing
    assert codes("6501014101250002") == []


# --- properties --------------------------------------------------------------------------

births = st.dates(min_value=date(REF.year - 99, 1, 1), max_value=REF)


@st.composite
def valid_niks(draw: st.DrawFn) -> tuple[str, date, Sex]:
    born, sex = draw(births), draw(st.sampled_from(Sex))
    value = make_nik(draw(st.sampled_from(DISTRICTS)), born, sex, draw(st.integers(1, 9999)))
    return value, born, sex


@settings(deadline=None)
@given(valid_niks())
def test_generated_niks_validate_and_round_trip(case: tuple[str, date, Sex]) -> None:
    value, born, sex = case
    assert nik.validate_nik(value, claimed_birth_date=born, claimed_sex=sex, ref_date=REF) == []
    info = nik.parse_nik(value, ref_date=REF)
    assert (info.birth_date, info.sex) == (born, sex)
    assert nik.parse_nik(value, ref_date=REF, claimed_birth_date=born).birth_date == born


@settings(deadline=None)
@given(valid_niks(), st.integers(6, 11), st.integers(1, 9))
def test_one_changed_date_digit_never_passes_silently(
    case: tuple[str, date, Sex], position: int, shift: int
) -> None:
    value, born, sex = case
    digit = str((int(value[position]) + shift) % 10)
    changed = value[:position] + digit + value[position + 1 :]
    found = nik.validate_nik(changed, claimed_birth_date=born, claimed_sex=sex, ref_date=REF)
    assert found, "a changed date digit went unnoticed"
    if not any(p.kind is ProblemKind.INVALID for p in found):
        info = nik.parse_nik(changed, ref_date=REF)
        assert (info.birth_date, info.sex) != (born, sex)


def test_generated_districts_are_real() -> None:
    info = [nik.parse_nik(make_nik(d, REF - timedelta(days=1), Sex.LAKI_LAKI, 1), ref_date=REF)
            for d in DISTRICTS]  # fmt: skip
    assert all(i.region.district for i in info)
