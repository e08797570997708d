"""A worker killed with SIGKILL in the middle of a batch: a new worker finishes the job.

The worker is a real ``paspor serve --no-server`` process (its flow runs are its children)
against the session's Prefect server and this test's database. It is killed, with every flow
run it started, while applications are being verified; a new worker is started and the
orphaned applications get new runs (``flows.runs.recover``). Every application must end in
the stage its documents lead to, with its routing recorded once, its documents intact and the
audit chain unbroken.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from flows.runs import recover, start_run
from flows.stages.verification import ROUTE_STAGE
from flows.wiring import Services
from rules.routing import Route
from storage.audit import verify_chain
from storage.models import AuditEvent, Document, Extraction
from storage.store.base import check_hash
from tests.flows.conftest import submit
from tests.flows.faults import assert_consistent, deployed, flow_env, stages, wait_until, worker
from verification.synthetic.packet import write_packet

COUNT = 4


@pytest.fixture
def worker_env(
    prefect_server: str, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    with flow_env(monkeypatch, db_url, tmp_path, PREFECT_API_URL=prefect_server) as variables:
        yield variables


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # once, on the production database
def test_a_killed_worker_loses_nothing(
    worker_env: dict[str, str], services: Services, tmp_path: Path
) -> None:
    ids = [
        submit(services, write_packet(tmp_path / f"p{i}", seed=9000 + i, kk_form="pdf_text").folder)
        for i in range(COUNT)
    ]
    log = tmp_path / "worker.log"
    first = worker(worker_env, log)
    try:
        wait_until(deployed, 120, "the worker to register the deployment")
        for app_id in ids:
            start_run(services, app_id)

        # kill it once the first application is verified and another is being verified
        def mid_batch() -> bool:
            now = set(stages(services).values())
            return "verification" in now and bool(now - {"intake", "verification"})

        wait_until(mid_batch, 300, "a first routing with another verification under way")
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    unfinished = [a for a, s in stages(services).items() if s in ("intake", "verification")]
    assert unfinished, "the kill came too late to interrupt anything"

    second = worker(worker_env, log)
    try:
        restarted = recover(services, stale_after=timedelta(0))  # the killed runs are orphans
        # runs that were running when killed are restarted; runs still scheduled are left to
        # the new worker, which picks them up
        assert set(restarted) & set(unfinished)
        wait_until(
            lambda: not any(s in ("intake", "verification") for s in stages(services).values()),
            400,
            "every routing",
        )
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=60)

    with services.sessions() as session:
        routings = session.execute(
            select(AuditEvent.application_id, AuditEvent.payload).where(
                AuditEvent.action == "verification.routed"
            )
        ).all()
        per_document = session.execute(
            select(Extraction.document_id, func.count()).group_by(Extraction.document_id)
        ).all()
        documents = session.scalars(select(Document).where(Document.status == "stored")).all()
        assert verify_chain(session).ok
    assert sorted(a for a, _ in routings) == sorted(ids)  # each routing recorded exactly once
    now = stages(services)
    for app_id, payload in routings:  # and each application where its routing sent it
        assert now[app_id] == ROUTE_STAGE[Route(payload["route"])]
    assert all(count == 1 for _, count in per_document)  # no document read twice
    assert len(documents) == 3 * COUNT
    for doc in documents:  # every stored file is there, with its own hash
        assert doc.object_key is not None
        check_hash(doc.object_key, services.store.get(doc.object_key))
    assert_consistent(services)
