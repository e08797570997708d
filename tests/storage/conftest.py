"""Fixtures of the storage tests: adult applications stored from the synthetic form, and
their stored documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from rules.process import Process
from storage.applications import create_application
from storage.documents import add_document
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


def stored_document(session: Session, app_id: int, doc_type: str, sha256: str) -> int:
    """Record one stored JPEG of an application (in the caller's transaction); its id."""
    doc = add_document(
        session,
        application_id=app_id,
        doc_type=doc_type,
        original_name=f"{doc_type}.jpg",
        status="stored",
        actor="tester",
        media_type="image/jpeg",
        size=1234,
        sha256=sha256,
        object_key=f"applications/{app_id}/{doc_type}/{sha256}",
    )
    return doc.id
