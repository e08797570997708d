"""The watchlist: CSV loading (all or nothing) and matching by NIK or by name and birth date."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from rules.checking import check_context
from rules.policy import default_policy
from storage.audit import verify_chain
from storage.models import WatchlistEntry
from storage.watchlist import (
    WatchlistInvalid,
    load_watchlist,
    parse_watchlist_csv,
    watchlist_hits,
)
from tests.factories import applicant
from verification.checks.case import CheckContext

TODAY = date(2026, 11, 28)
# Fictitious people; the applicant() form is SITI AMINAH, born 1990-08-05.
LIST = """name,birth_date,nik,reason,valid_until
BUDI SANTOSO,1980-02-01,,tersangka (pencegahan),2027-06-30
SITI AMINAH BINTI AHMAD,1990-08-05,,penangkalan,
HARTONO,1975-01-01,1471024508900003,pencegahan pajak,
RUDI HARTONO,1990-08-05,,pencegahan,2026-01-31
"""


@pytest.fixture
def ctx() -> CheckContext:
    return check_context(default_policy())


def _load(sessions: sessionmaker[Session], text: str = LIST, source: str = "list.csv") -> int:
    with sessions.begin() as session:
        return load_watchlist(
            session, rows=parse_watchlist_csv(text), source=source, actor="supervisor"
        )


def test_csv_rows_are_parsed() -> None:
    rows = parse_watchlist_csv(LIST)
    assert [r.name for r in rows][:2] == ["BUDI SANTOSO", "SITI AMINAH BINTI AHMAD"]
    assert rows[0].valid_until == date(2027, 6, 30) and rows[1].valid_until is None
    assert rows[2].nik == "1471024508900003" and rows[0].nik is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name,birth_date\nX,1990-01-01\n", "header: missing column(s) nik, reason, valid_until"),
        ("name,birth_date,nik,reason,valid_until\nX,1990-02-30,,r,\n", "line 2: birth_date"),
        ("name,birth_date,nik,reason,valid_until\nX,1990-02-01,123,r,\n", "line 2: nik is not"),
        ("name,birth_date,nik,reason,valid_until\nX,1990-02-01,,,\n", "line 2: reason is empty"),
        ("name,birth_date,nik,reason,valid_until\n", "no rows"),
    ],
)
def test_a_bad_file_is_refused_with_line_and_column(text: str, problem: str) -> None:
    with pytest.raises(WatchlistInvalid) as refused:
        parse_watchlist_csv(text)
    assert problem in str(refused.value)
    assert "1990-02-30" not in str(refused.value)  # values are personal data: never echoed


def test_a_load_replaces_the_active_list_and_is_audited(
    sessions: sessionmaker[Session],
) -> None:
    assert _load(sessions) == 4
    assert _load(sessions, "name,birth_date,nik,reason,valid_until\nA B,1970-01-01,,r,\n") == 1
    with sessions() as session:
        active = session.scalar(
            select(func.count()).select_from(WatchlistEntry).where(WatchlistEntry.active)
        )
        total = session.scalar(select(func.count()).select_from(WatchlistEntry))
        assert (active, total) == (1, 5)
        assert verify_chain(session).ok


def test_name_variant_with_the_same_birth_date_is_a_hit(
    sessions: sessionmaker[Session], ctx: CheckContext
) -> None:
    _load(sessions)
    with sessions() as session:
        findings = watchlist_hits(
            session, form=applicant(nik="1471020507850001"), today=TODAY, ctx=ctx
        )
    assert [f.code for f in findings] == ["fraud.watchlist"]
    finding = findings[0]
    assert finding.severity.value == "critical" and finding.field == "nama"
    assert finding.evidence.details["basis"] == "name and birth date"
    assert finding.evidence.details["name_level"] in ("EQUIVALENT", "MINOR_VARIANT")


def test_the_same_nik_is_a_hit_whatever_the_name(
    sessions: sessionmaker[Session], ctx: CheckContext
) -> None:
    _load(sessions)
    with sessions() as session:
        findings = watchlist_hits(
            session,
            form=applicant(nama="DEWI LESTARI", tanggal_lahir="1991-01-01"),
            today=TODAY,
            ctx=ctx,
        )
    assert [(f.field, f.evidence.details["basis"]) for f in findings] == [("nik", "nik")]


@pytest.mark.parametrize(
    "form",
    [
        applicant(nama="DEWI LESTARI", nik="1471020507850001"),  # same birth date, other name
        applicant(nama="BUDI SANTOSO", nik="1471020507850001"),  # same name, other birth date
        applicant(nama="RUDI HARTONO", nik="1471020507850001"),  # entry expired in January
    ],
)
def test_no_hit_without_a_matching_person(
    sessions: sessionmaker[Session], ctx: CheckContext, form: dict[str, str]
) -> None:
    _load(sessions)
    with sessions() as session:
        assert watchlist_hits(session, form=form, today=TODAY, ctx=ctx) == []
