"""Fixtures of the storage tests: adult applications stored from the synthetic form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from rules.process import Process
from storage.applications import create_application
from tests.factories import applicant

NewApplication = Callable[..., int]


@pytest.fixture
def new_application(sessions: sessionmaker[Session], process: Process) -> NewApplication:
    """``new_application(number, **form_overrides)`` stores an adult application in intake
    (the form of ``tests.factories.applicant``) and returns its id."""

    def store(number: str, **form: Any) -> int:
        with sessions.begin() as session:
            app = create_application(
                session,
                number=number,
                category="adult",
                form=applicant(**form),
                process=process,
                actor="intake",
            )
            return app.id

    return store
