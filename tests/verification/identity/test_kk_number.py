"""No. KK rules K1-K5 (domain-spec 7.2) on synthetic numbers with real region codes."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.exceptions import InvalidComponent, InvalidLength

from verification.identity import kk_number
from verification.identity.problems import ProblemKind

REF = date(2026, 1, 1)


@pytest.mark.parametrize(
    ("value", "issue_date", "expected"),
    [
        ("1471020101150007", None, []),
        ("1471 0201 0115 0007", date(2015, 1, 1), []),
        ("1471020101150007", date(2020, 5, 1), []),
        ("1471021508950001", date(2012, 3, 4), []),
        # K1
        ("147102010115000", None, ["INVALID_FORMAT"]),
        ("14710201011500A7", None, ["INVALID_FORMAT"]),
        # K2
        ("9971020101150007", None, ["UNKNOWN_PROVINCE"]),
        ("1499020101150007", None, ["UNKNOWN_REGION"]),
        # K3
        ("1471023102150007", None, ["INVALID_DATE"]),
        ("1471020013150007", None, ["INVALID_DATE"]),
        ("1471020001150007", None, ["INVALID_DATE"]),
        # K4: not after the issue date, nor after the reference date
        ("1471020201150007", date(2015, 1, 1), ["DATE_AFTER_ISSUE"]),
        ("1471020101150007", date(2010, 3, 1), ["DATE_AFTER_ISSUE"]),
        ("1471020202260007", None, ["DATE_AFTER_ISSUE"]),
        # K5
        ("1471020101150000", None, ["INVALID_SERIAL"]),
        ("9971023102150000", None, ["UNKNOWN_PROVINCE", "INVALID_DATE", "INVALID_SERIAL"]),
    ],
)
def test_validate_kk_number(value: str, issue_date: date | None, expected: list[str]) -> None:
    found = kk_number.validate_kk_number(value, issue_date=issue_date, ref_date=REF)
    assert [p.code.value for p in found] == expected
    for problem in found:
        assert kk_number.compact(value) not in problem.message


def test_parse() -> None:
    info = kk_number.parse_kk_number("1471021508950001", ref_date=REF)
    assert (info.region.province, info.region.regency, info.region.district) == (
        "Riau",
        "Kota Pekanbaru",
        "Pekanbaru Kota",
    )
    assert (info.recorded_on, info.serial) == (date(1995, 8, 15), "0001")
    assert "1471021508950001" not in repr(info)


def test_kinds() -> None:
    found = kk_number.validate_kk_number(
        "1499020201150007", issue_date=date(2015, 1, 1), ref_date=REF
    )
    assert [(p.rule, p.kind) for p in found] == [
        ("K2", ProblemKind.WARNING),
        ("K4", ProblemKind.REVIEW),
    ]


@pytest.mark.parametrize(
    ("value", "error"),
    [("1471020101150", InvalidLength), ("1471023102150007", InvalidComponent)],
)
def test_validate_raises(value: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        kk_number.validate(value, ref_date=REF)
    assert not kk_number.is_valid(value, ref_date=REF)


def test_validate_ignores_review_and_warning_problems() -> None:
    assert kk_number.validate("1499-0202-0226-0007", ref_date=REF) == "1499020202260007"
    assert kk_number.is_valid("1471020101150007", ref_date=REF)
