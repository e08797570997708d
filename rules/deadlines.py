"""Who works each stage, how long they have, and the clocks that run across stages.

Three kinds of time rule, all data in ``policy.yaml``:

- ``StageDuty``: the roles that may take a stage's task and its deadline in working days,
  counted from the day the task is created; an overdue task escalates to ``escalate_to``.
- ``ServiceLevel``: a legal clock between two stages, in working days (the 4-working-day
  issuance rule of Permenkumham 8/2014 Pasal 22), with the categories it does not bind.
- ``Expiry``: calendar days after which an application waiting in a stage moves to a terminal
  stage (a passport not collected in 30 days is cancelled).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rules.calendar import WorkingCalendar, default_calendar
from verification.vocabulary import Category

__all__ = ["Expiry", "ServiceLevel", "StageDuty"]


class StageDuty(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    roles: tuple[str, ...] = Field(min_length=1)
    deadline_working_days: int | None = Field(default=None, ge=0)
    escalate_to: str | None = None
    source: str

    @model_validator(mode="after")
    def _escalation_needs_deadline(self) -> Self:
        if self.escalate_to is not None and self.deadline_working_days is None:
            raise ValueError("escalate_to given without deadline_working_days")
        return self

    def due(self, created: date, calendar: WorkingCalendar | None = None) -> date | None:
        """The last working day for a task created on ``created``; None when untimed."""
        if self.deadline_working_days is None:
            return None
        return (calendar or default_calendar()).add_working_days(
            created, self.deadline_working_days
        )


class ServiceLevel(BaseModel):
    """A clock that starts when ``start`` completes and is met when ``end`` completes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    description: str
    start: str
    end: str
    working_days: int = Field(ge=0)
    excluded_categories: tuple[Category, ...] = ()
    source: str

    def due(
        self, category: Category, started: date, calendar: WorkingCalendar | None = None
    ) -> date | None:
        """The date by which ``end`` must complete; None when the category is exempt."""
        if category in self.excluded_categories:
            return None
        return (calendar or default_calendar()).add_working_days(started, self.working_days)


class Expiry(BaseModel):
    """After ``calendar_days`` waiting in ``stage``, the application moves to ``then``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    description: str
    stage: str
    calendar_days: int = Field(ge=1)
    then: str
    source: str

    def due(self, waiting_since: date) -> date:
        """The first day on which the application has expired."""
        return waiting_since + timedelta(days=self.calendar_days)
