"""The holiday calendar and working-day arithmetic over it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import lokal.holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.calendar import (
    Basis,
    CalendarRangeError,
    DayType,
    WorkingCalendar,
    add_working_days,
    default_calendar,
    is_working_day,
    load_calendar,
    working_days_between,
)

YEARS = (2026, 2027)
FIXED = ((1, 1), (5, 1), (6, 1), (8, 17), (12, 25))


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize(("month", "day"), FIXED)
def test_fixed_holidays_are_present(year: int, month: int, day: int) -> None:
    [holiday] = default_calendar().holidays_on(date(year, month, day))
    assert (holiday.type, holiday.basis, holiday.tentative) == (
        DayType.LIBUR_NASIONAL,
        Basis.FIXED,
        False,
    )
    assert not is_working_day(date(year, month, day))


@pytest.mark.parametrize("year", YEARS)
def test_only_the_legal_dates_are_fixed(year: int) -> None:
    fixed = [h.date for h in default_calendar().years[year].days if h.basis is Basis.FIXED]
    assert [(d.month, d.day) for d in fixed] == list(FIXED)


@pytest.mark.parametrize(
    ("year", "libur", "cuti"),
    [(2026, 17, 8), (2027, 18, 8)],  # 2027 has Isra Mikraj twice
)
def test_day_counts_per_skb(year: int, libur: int, cuti: int) -> None:
    days = default_calendar().years[year].days
    assert sum(d.type is DayType.LIBUR_NASIONAL for d in days) == libur
    assert sum(d.type is DayType.CUTI_BERSAMA for d in days) == cuti


def test_cuti_bersama_and_tentative_dates_are_announced() -> None:
    days = [d for y in default_calendar().years.values() for d in y.days]
    assert all(d.basis is Basis.ANNOUNCED for d in days if d.type is DayType.CUTI_BERSAMA)
    assert all(d.basis is Basis.ANNOUNCED for d in days if d.tentative)


def test_tentative_dates_are_the_2027_isbat_ones() -> None:
    tentative = [
        d.date.isoformat() for y in default_calendar().years.values() for d in y.days if d.tentative
    ]
    assert tentative == [
        "2027-03-09", "2027-03-10", "2027-03-11", "2027-03-12", "2027-03-15",
        "2027-05-17", "2027-05-18",
    ]  # fmt: skip


@pytest.mark.parametrize("year", YEARS)
def test_agrees_with_lokal_id(year: int) -> None:
    theirs = {(h.date, h.type) for h in lokal.holidays.get_holidays(year).holidays}
    ours = {(h.date.isoformat(), h.type.value) for h in default_calendar().years[year].days}
    assert ours == theirs


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 28), False),  # Saturday
        (date(2026, 3, 29), False),  # Sunday
        (date(2026, 3, 25), True),  # Wednesday after Idulfitri leave
        (date(2026, 3, 23), False),  # cuti bersama Idulfitri
        (date(2026, 3, 19), False),  # Nyepi
        (date(2026, 5, 15), False),  # cuti bersama Kenaikan
        (date(2026, 12, 24), False),  # cuti bersama Natal
        (date(2027, 1, 4), True),  # first Monday of 2027
        (date(2027, 3, 15), False),  # cuti bersama Idulfitri 1448 (tentative)
        (date(2027, 12, 27), True),  # Monday after Isra Mikraj on a Sunday
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_cuti_bersama_can_count_as_working() -> None:
    calendar = WorkingCalendar(years=default_calendar().years, cuti_bersama_off=False)
    assert calendar.is_working_day(date(2026, 3, 23))
    assert not calendar.is_working_day(date(2026, 3, 19))  # libur nasional stays off


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 3, 17), 0, date(2026, 3, 17)),
        (date(2026, 3, 17), 1, date(2026, 3, 25)),  # Nyepi + Idulfitri 1447 leave
        (date(2026, 3, 17), 4, date(2026, 3, 30)),
        (date(2026, 3, 21), 1, date(2026, 3, 25)),  # starting on a holiday
        (date(2027, 3, 5), 10, date(2027, 3, 31)),  # Nyepi, Idulfitri 1448, Good Friday
        (date(2026, 12, 30), 3, date(2027, 1, 6)),  # year end, 1 Jan, Isra Mikraj 5 Jan
        (date(2027, 12, 23), 2, date(2027, 12, 28)),  # cuti 24 Dec, weekend
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days) == expected
    assert working_days_between(start, expected) == days


@pytest.mark.parametrize(
    "call",
    [
        lambda: is_working_day(date(2025, 12, 31)),
        lambda: is_working_day(date(2028, 1, 3)),
        lambda: add_working_days(date(2027, 12, 29), 5),  # runs into 2028
        lambda: add_working_days(date(2025, 12, 31), 1),
        lambda: working_days_between(date(2026, 6, 1), date(2028, 1, 3)),
        lambda: default_calendar().holidays_on(date(2030, 1, 1)),
    ],
)
def test_dates_outside_the_calendar_raise(call: Callable[[], object]) -> None:
    with pytest.raises(CalendarRangeError, match="outside the holiday calendar"):
        call()


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="days must be >= 0"):
        add_working_days(date(2026, 5, 4), -1)


def test_holidays_between_lists_tentative_ones() -> None:
    spanned = default_calendar().holidays_between(date(2027, 3, 1), date(2027, 3, 31))
    assert [h.date.day for h in spanned if h.tentative] == [9, 10, 11, 12, 15]


_COVERED = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 11, 30))


@given(start=_COVERED, days=st.integers(min_value=0, max_value=20))
def test_between_inverts_add(start: date, days: int) -> None:
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days
    assert working_days_between(end, start) == -days
    if days:
        assert is_working_day(end)
        assert working_days_between(start, end - timedelta(days=1)) == days - 1


YEAR_2026_STUB = """
year: 2026
decree: test
source: test
days:
  - {date: 2026-01-01, type: libur_nasional, basis: fixed, name: Tahun Baru}
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (YEAR_2026_STUB.replace("date: 2026-01-01", "date: 2027-01-01"), "outside 2026"),
        (YEAR_2026_STUB + YEAR_2026_STUB.splitlines()[-1], "listed twice"),
        (YEAR_2026_STUB.replace("basis: fixed", "basis: lunar"), "lunar"),
        (YEAR_2026_STUB.replace("libur_nasional", "libur"), "libur"),
    ],
)
def test_bad_year_files_fail_at_load(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_calendar([text])


def test_a_year_given_twice_fails() -> None:
    with pytest.raises(ValueError, match="given twice: 2026"):
        load_calendar([YEAR_2026_STUB, YEAR_2026_STUB])
