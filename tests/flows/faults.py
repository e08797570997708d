"""Helpers of the fault tests: workers as real processes, waiting, and the check that ends each
fault test (``assert_consistent``)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from flows.wiring import Services
from storage.integrity import check_integrity
from storage.models import Application, AuditEvent

__all__ = ["assert_consistent", "routings", "stages", "wait_until", "worker"]


def worker(env: dict[str, str], log: Path, *, limit: int = 2) -> subprocess.Popen[bytes]:
    """A ``paspor serve --no-server`` worker in its own process group (a kill of the group
    takes its flow runs too)."""
    paspor = Path(sys.executable).with_name("paspor")
    return subprocess.Popen(
        [str(paspor), "serve", "--no-server", "--no-schedules", "--limit", str(limit)],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {seconds} s")
        time.sleep(0.5)


def stages(services: Services) -> dict[int, str]:
    with services.sessions() as session:
        return dict(session.execute(select(Application.id, Application.stage)).all())


def routings(services: Services) -> dict[int, int]:
    """How many times each application's verification routing was recorded."""
    with services.sessions() as session:
        rows = session.execute(
            select(AuditEvent.application_id, func.count())
            .where(AuditEvent.action == "verification.routed")
            .group_by(AuditEvent.application_id)
        ).all()
    return {app_id: count for app_id, count in rows}


def assert_consistent(services: Services, *, orphans_allowed: bool = False) -> None:
    """What every fault test ends with: each application in a stage consistent with its
    history and tasks, every stored file present with its hash, the audit chain intact, no
    passport number on two books, and no verification routing recorded twice."""
    with services.sessions() as session:
        report = check_integrity(session, services.store, services.process)
    assert report.ok, (report.problems, report.chain.problems)
    assert orphans_allowed or not report.orphans, report.orphans
    twice = {app_id: n for app_id, n in routings(services).items() if n > 1}
    assert not twice, f"routed more than once: {twice}"
