"""Stage deadlines, the issuance service level and expiries, counted over the holiday calendar."""

from __future__ import annotations

from datetime import date

import pytest

from rules.calendar import CalendarRangeError, WorkingCalendar, default_calendar
from rules.policy import default_policy
from verification.vocabulary import Category


@pytest.mark.parametrize(
    ("stage", "created", "due"),
    [
        ("review", date(2026, 3, 17), date(2026, 3, 25)),  # Nyepi, Idulfitri 1447 + cuti bersama
        ("review", date(2026, 5, 13), date(2026, 5, 18)),  # Kenaikan + cuti bersama, weekend
        ("approval", date(2026, 8, 14), date(2026, 8, 18)),  # 17 Aug on a Monday
        ("printing", date(2026, 12, 23), date(2026, 12, 30)),  # cuti 24 Dec, Natal, weekend
        ("biometrics", date(2027, 3, 5), date(2027, 3, 31)),  # Nyepi, Idulfitri 1448, Wafat
        ("intake", date(2026, 3, 17), None),  # automatic: no task, no deadline
        ("verification", date(2026, 3, 17), None),
    ],
)
def test_task_due(stage: str, created: date, due: date | None) -> None:
    assert default_policy().task_due(stage, created) == due


def test_task_due_counts_cuti_bersama_as_the_calendar_says() -> None:
    working_cuti = WorkingCalendar(years=default_calendar().years, cuti_bersama_off=False)
    assert default_policy().task_due("review", date(2026, 3, 17), working_cuti) == date(2026, 3, 18)


def test_task_due_refuses_an_unknown_stage() -> None:
    with pytest.raises(KeyError, match="reviw"):
        default_policy().task_due("reviw", date(2026, 3, 17))


def test_overdue_tasks_escalate_to_a_supervisor() -> None:
    stages = default_policy().stages
    assert {duty.escalate_to for duty in stages.values()} == {"supervisor"}
    assert stages["approval"].roles == ("adjudicator", "head_of_office")


@pytest.mark.parametrize(
    ("category", "interview", "due"),
    [
        (Category.ADULT, date(2026, 3, 17), date(2026, 3, 30)),  # spans Idulfitri cuti bersama
        (Category.MINOR, date(2026, 6, 1), date(2026, 6, 5)),  # interview on a holiday (Pancasila)
        (Category.RENEWAL, date(2027, 5, 14), date(2027, 5, 26)),  # Iduladha, cuti, Waisak
        (Category.CIVIL_SERVANT, date(2026, 4, 1), date(2026, 4, 8)),  # Good Friday, weekend
        (Category.LOST, date(2026, 3, 17), None),  # Pasal 22(3): no limit
        (Category.DAMAGED, date(2026, 3, 17), None),
    ],
)
def test_issuance_service_level(category: Category, interview: date, due: date | None) -> None:
    level = default_policy().service_level("issuance")
    assert (level.start, level.end, level.working_days) == ("biometrics", "printing", 4)
    assert level.due(category, interview) == due


def test_service_level_past_the_calendar_raises() -> None:
    with pytest.raises(CalendarRangeError):
        default_policy().service_level("issuance").due(Category.ADULT, date(2027, 12, 29))


@pytest.mark.parametrize(
    ("key", "since", "expires", "then"),
    [
        ("not_collected", date(2026, 12, 1), date(2026, 12, 31), "cancelled"),
        # Calendar days need no holiday list: this one ends in 2028.
        ("not_collected", date(2027, 12, 15), date(2028, 1, 14), "cancelled"),
        ("documents_not_completed", date(2026, 3, 17), date(2026, 4, 16), "withdrawn"),
    ],
)
def test_expiries(key: str, since: date, expires: date, then: str) -> None:
    expiry = default_policy().expiry(key)
    assert (expiry.due(since), expiry.then) == (expires, then)


def test_unknown_service_level_or_expiry() -> None:
    with pytest.raises(KeyError, match="issuance"):
        default_policy().service_level("issue")
    with pytest.raises(KeyError, match="not_collected"):
        default_policy().expiry("uncollected")
