"""Working days at a Kantor Imigrasi: weekends, libur nasional and cuti bersama.

Deadlines in the process are counted in working days (domain-spec section 3.3), so they depend
on the yearly SKB 3 Menteri that lists the national holidays (libur nasional) and the collective
leave days (cuti bersama). Each year is one data file, ``rules/calendar_<year>.yaml``. A date in
a year without a file raises ``CalendarRangeError``: a deadline computed as if that year had no
holidays would come out early without anyone noticing.

>>> from datetime import date
>>> is_working_day(date(2026, 8, 17))  # Hari Proklamasi
False
>>> add_working_days(date(2026, 3, 17), 4)  # across Nyepi and Idulfitri 1447 H
datetime.date(2026, 3, 30)
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from functools import cache, cached_property
from importlib.resources import files
from typing import Self

from pydantic import BaseModel, ConfigDict, model_validator

from rules._yaml import safe_load

__all__ = [
    "Basis",
    "CalendarRangeError",
    "DayType",
    "Holiday",
    "HolidayYear",
    "WorkingCalendar",
    "add_working_days",
    "default_calendar",
    "is_working_day",
    "load_calendar",
    "working_days_between",
]

# Kantor Imigrasi keep government office hours, Monday to Friday (date.weekday() 5 and 6 off).
_WEEKEND = frozenset({5, 6})
_ONE_DAY = timedelta(days=1)


class CalendarRangeError(ValueError):
    """A date falls in a year for which no holiday list is loaded."""


class DayType(StrEnum):
    LIBUR_NASIONAL = "libur_nasional"
    CUTI_BERSAMA = "cuti_bersama"


class Basis(StrEnum):
    """Why a holiday falls on its date."""

    FIXED = "fixed"  # a fixed Gregorian date set by law (1 Jan, 1 May, 1 Jun, 17 Aug, 25 Dec)
    COMPUTED = "computed"  # follows from a fixed rule (the Easter computus)
    ANNOUNCED = "announced"  # chosen by the SKB: lunar calendars, sidang isbat, cuti bersama


class Holiday(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    date: date
    type: DayType
    name: str
    basis: Basis
    tentative: bool = False  # may still move (e.g. Idulfitri after the sidang isbat)


class HolidayYear(BaseModel):
    """One year's SKB: the decree it comes from and its days off."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    year: int
    decree: str
    source: str
    days: tuple[Holiday, ...]

    @model_validator(mode="after")
    def _days_in_year(self) -> Self:
        stray = [d.date.isoformat() for d in self.days if d.date.year != self.year]
        if stray:
            raise ValueError(f"dates outside {self.year}: {', '.join(stray)}")
        seen: set[tuple[date, DayType]] = set()
        for day in self.days:
            if (day.date, day.type) in seen:
                raise ValueError(f"{day.date.isoformat()} listed twice as {day.type}")
            seen.add((day.date, day.type))
        return self


class WorkingCalendar(BaseModel):
    """Holiday years and the working-day arithmetic over them.

    ``cuti_bersama_off``: an immigration office is a government office whose staff take the
    cuti bersama (ASN), so by default those days do not count as working days.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    years: dict[int, HolidayYear]
    cuti_bersama_off: bool = True

    @model_validator(mode="after")
    def _keys_match(self) -> Self:
        for key, year in self.years.items():
            if key != year.year:
                raise ValueError(f"holiday year {year.year} filed under {key}")
        return self

    @cached_property
    def _days_off(self) -> frozenset[date]:
        return frozenset(
            day.date
            for year in self.years.values()
            for day in year.days
            if day.type is DayType.LIBUR_NASIONAL or self.cuti_bersama_off
        )

    def covers(self, day: date) -> bool:
        return day.year in self.years

    def _require(self, day: date) -> None:
        if not self.covers(day):
            known = ", ".join(str(y) for y in sorted(self.years)) or "none"
            raise CalendarRangeError(
                f"{day.isoformat()} is outside the holiday calendar (covered years: {known}); "
                f"add rules/calendar_{day.year}.yaml from the SKB 3 Menteri for {day.year}"
            )

    def holidays_on(self, day: date) -> list[Holiday]:
        self._require(day)
        return [h for h in self.years[day.year].days if h.date == day]

    def holidays_between(self, start: date, end: date) -> list[Holiday]:
        """Holidays with ``start <= date <= end``, in date order (tentative ones included)."""
        self._require(start)
        self._require(end)
        return sorted(
            (h for y in self.years.values() for h in y.days if start <= h.date <= end),
            key=lambda h: (h.date, h.type),
        )

    def is_working_day(self, day: date) -> bool:
        self._require(day)
        return day.weekday() not in _WEEKEND and day not in self._days_off

    def add_working_days(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start``; ``start`` itself when ``days`` is 0.

        ``start`` need not be a working day: the first working day after it counts as one.
        """
        if days < 0:
            raise ValueError(f"days must be >= 0, not {days}")
        self._require(start)
        day = start
        while days > 0:
            day += _ONE_DAY
            if self.is_working_day(day):  # raises past the last covered year
                days -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days ``d`` with ``start < d <= end``; negative when ``end`` is before ``start``.

        The inverse of ``add_working_days`` on working days.
        """
        if end < start:
            return -self.working_days_between(end, start)
        self._require(start)
        self._require(end)
        count, day = 0, start
        while day < end:
            day += _ONE_DAY
            count += self.is_working_day(day)
        return count


def load_calendar(texts: list[str], *, cuti_bersama_off: bool = True) -> WorkingCalendar:
    """Build a calendar from the YAML text of one or more holiday years."""
    years = [HolidayYear.model_validate(safe_load(text)) for text in texts]
    duplicated = sorted({y.year for y in years if sum(o.year == y.year for o in years) > 1})
    if duplicated:
        raise ValueError(f"holiday year(s) given twice: {', '.join(map(str, duplicated))}")
    return WorkingCalendar(years={y.year: y for y in years}, cuti_bersama_off=cuti_bersama_off)


@cache
def default_calendar() -> WorkingCalendar:
    """Every ``rules/calendar_<year>.yaml`` shipped with the package."""
    package = files("rules")
    texts = [
        entry.read_text(encoding="utf-8")
        for entry in sorted(package.iterdir(), key=lambda e: e.name)
        if entry.name.startswith("calendar_") and entry.name.endswith(".yaml")
    ]
    return load_calendar(texts)


def is_working_day(day: date) -> bool:
    """Whether an immigration office works on ``day`` (default calendar).

    >>> from datetime import date
    >>> is_working_day(date(2026, 3, 23)), is_working_day(date(2026, 3, 25))
    (False, True)
    >>> is_working_day(date(2026, 3, 28))  # a Saturday
    False
    >>> is_working_day(date(2030, 1, 2))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rules.calendar.CalendarRangeError: 2030-01-02 is outside the holiday calendar (covered ...
    """
    return default_calendar().is_working_day(day)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (default calendar).

    >>> from datetime import date
    >>> add_working_days(date(2026, 8, 13), 4)  # Thursday; 17 Aug is off
    datetime.date(2026, 8, 20)
    >>> add_working_days(date(2026, 12, 23), 1)  # cuti bersama 24 Dec, Christmas 25 Dec
    datetime.date(2026, 12, 28)
    >>> add_working_days(date(2026, 12, 30), 0)
    datetime.date(2026, 12, 30)
    """
    return default_calendar().add_working_days(start, days)


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (default calendar).

    >>> from datetime import date
    >>> working_days_between(date(2026, 3, 17), date(2026, 3, 30))
    4
    >>> working_days_between(date(2026, 3, 30), date(2026, 3, 17))
    -4
    >>> working_days_between(date(2026, 5, 4), date(2026, 5, 4))
    0
    """
    return default_calendar().working_days_between(start, end)
