"""The issuance history: CSV import (all or nothing, idempotent) and the prior-passport check."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from rules.checking import check_context
from rules.policy import default_policy
from storage.audit import verify_chain
from storage.fraud import prior_passports
from storage.passports import HistoryInvalid, import_history, parse_history_csv
from tests.factories import applicant
from tests.storage.conftest import NewApplication

NIK = applicant()["nik"]  # fictitious
HISTORY = f"""number,nik,issued_on,expires_on,status
X1234567,{NIK},2016-03-01,2021-03-01,expired
B7654321,1471020507850001,2019-01-10,2024-01-10,expired
"""


def _import(sessions: sessionmaker[Session], text: str = HISTORY) -> tuple[int, int]:
    with sessions.begin() as session:
        return import_history(
            session, rows=parse_history_csv(text), source="simkim.csv", actor="supervisor"
        )


def test_import_is_idempotent_and_audited(sessions: sessionmaker[Session]) -> None:
    assert _import(sessions) == (2, 0)
    assert _import(sessions) == (0, 2)
    with sessions() as session:
        assert verify_chain(session).ok


def test_a_number_recorded_for_another_nik_is_refused(sessions: sessionmaker[Session]) -> None:
    _import(sessions)
    other = (
        "number,nik,issued_on,expires_on,status\n"
        "X1234567,1471020507850001,2016-03-01,2021-03-01,lost\n"
    )
    with pytest.raises(HistoryInvalid, match="X1234567 is already recorded for another NIK"):
        _import(sessions, other)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (f"12345,{NIK},2016-03-01,2021-03-01,expired", "line 2: number is not a passport number"),
        ("X1234567,123,2016-03-01,2021-03-01,expired", "line 2: nik is not 16 digits"),
        (f"X1234567,{NIK},2021-03-01,2016-03-01,expired", "expires_on is not after issued_on"),
        (f"X1234567,{NIK},2016-03-01,2021-03-01,stolen", "line 2: status is not one of"),
    ],
)
def test_bad_rows_are_named(row: str, problem: str) -> None:
    with pytest.raises(HistoryInvalid) as refused:
        parse_history_csv(f"number,nik,issued_on,expires_on,status\n{row}\n")
    assert problem in str(refused.value) and NIK not in str(refused.value)


@pytest.mark.parametrize(
    ("had_passport", "nik", "denied"),
    [
        (False, NIK, True),  # "no previous passport", but the history holds one
        (True, NIK, False),  # declared: the renewal procedure applies, no fraud
        (None, NIK, False),  # not answered: nothing denied
        (False, "1471026809950002", False),  # no history for this NIK
    ],
)
def test_a_denied_prior_passport(
    new_application: NewApplication,
    sessions: sessionmaker[Session],
    had_passport: bool | None,
    nik: str,
    denied: bool,
) -> None:
    _import(sessions)
    app_id = new_application("APP-2026-000201", had_passport=had_passport, nik=nik)
    ctx = check_context(default_policy())
    with sessions() as session:
        findings = prior_passports(session, application_id=app_id, ctx=ctx)
    assert [f.code for f in findings] == (["fraud.prior_passport_denied"] if denied else [])
    if denied:
        passports = findings[0].evidence.details["passports"]
        assert passports == [{"number": "X1234567", "issued_on": "2016-03-01", "status": "expired"}]
        assert NIK not in findings[0].message
