"""The application flow on a real Prefect server: suspended for people, resumed by services."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun
from sqlalchemy import select

from flows.application import resume_application
from flows.runs import start_run
from flows.serving import serving
from flows.stages.approval import adjudicate
from flows.stages.biometrics import record_capture
from flows.stages.printing import hand_over
from flows.stages.review import ReviewDecision, Verdict, decide
from flows.wiring import Services, get_services, get_settings
from rules.policy import default_policy
from storage.applications import get_application_by_id
from storage.biometrics import booked_appointment
from storage.models import HumanTask
from storage.printing import live_book
from storage.tasks import claim_task
from tests.flows.conftest import submit
from tests.flows.privacy import folder_text, leaks, personal_values, prefect_database_text
from verification.synthetic.fingerprint import fingerprint_bytes
from verification.synthetic.packet import write_packet
from verification.synthetic.portrait import portrait_bytes

POLICY = default_policy()


@pytest.fixture
def served(
    prefect_server: str,
    services: Services,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Services]:
    """The flow served against this test's database and store (the runner's subprocesses get
    the settings from the environment)."""
    monkeypatch.setenv("PASPOR_DATABASE_URL", db_url)
    monkeypatch.setenv("PASPOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PASPOR_STORE_ROOT", str(tmp_path / "documents"))
    monkeypatch.setenv("PREFECT_LOCAL_STORAGE_PATH", str(tmp_path / "prefect-results"))
    get_settings.cache_clear()
    get_services.cache_clear()
    with serving(limit=2, poll_seconds=0.5):
        yield services
    get_settings.cache_clear()
    get_services.cache_clear()


def _wait(run_id: UUID, states: tuple[str, ...], seconds: float = 120) -> FlowRun:
    deadline = time.monotonic() + seconds
    with get_client(sync_client=True) as client:
        while True:
            run = client.read_flow_run(run_id)
            name = run.state.name if run.state else None
            if name in states:
                return run
            if time.monotonic() > deadline:
                raise AssertionError(f"flow run still {name} after {seconds} s, not {states}")
            time.sleep(0.5)


def _stage(services: Services, app_id: int) -> tuple[str, str | None]:
    with services.sessions() as session:
        app = get_application_by_id(session, application_id=app_id)
        return app.stage, app.flow_run_id


def test_a_flagged_application_from_review_to_issued(
    served: Services, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    services = served
    packet = write_packet(tmp_path / "p", seed=777, kk_form="pdf_text")
    form_file = packet.folder / "application.json"
    body = json.loads(form_file.read_text(encoding="utf-8"))
    body["applicant"]["tanggal_lahir"] = "1971-02-03"
    form_file.write_text(json.dumps(body), encoding="utf-8")
    app_id = submit(services, packet.folder)

    run_id = start_run(services, app_id)
    run = _wait(run_id, ("Suspended",))
    assert run.parameters == {"application_id": app_id}  # no personal data in Prefect
    stage, recorded_run = _stage(services, app_id)
    assert (stage, recorded_run) == ("review", str(run_id))

    with services.sessions.begin() as session:
        task_id = session.scalars(select(HumanTask.id).where(HumanTask.kind == "review")).one()
        claim_task(session, task_id=task_id, user="siti")
    result = decide(
        services,
        task_id=task_id,
        user="siti",
        role="verification_officer",
        decision=ReviewDecision(Verdict.ACCEPT),
        policy=POLICY,
    )
    assert resume_application(result.flow_run_id, task_id=task_id, outcome="accept")
    _wait(run_id, ("Suspended",))  # now waiting for the adjudicators
    assert _stage(services, app_id)[0] == "approval"

    number = result.number
    first = adjudicate(services, number=number, user="agus", role="adjudicator", policy=POLICY)
    assert not first.complete  # a high-severity override needs a second approver
    second = adjudicate(services, number=number, user="dewi", role="head_of_office", policy=POLICY)
    assert second.stage == "biometrics"
    assert resume_application(second.flow_run_id, task_id=0, outcome="approved")
    _wait(run_id, ("Suspended",))
    assert _stage(services, app_id) == ("biometrics", str(run_id))
    with services.sessions() as session:  # the flow booked the appointment
        assert booked_appointment(session, application_id=app_id) is not None

    captured = record_capture(
        services,
        number,
        photo=portrait_bytes(seed=3),
        fingerprints=[fingerprint_bytes(seed=1), fingerprint_bytes(seed=2)],
        user="yanti",
        role="biometric_operator",
        policy=POLICY,
    )
    assert captured.accepted, captured.failed
    assert resume_application(captured.flow_run_id, task_id=captured.task_id, outcome="captured")
    _wait(run_id, ("Suspended",), seconds=180)  # printed and QC'd, waiting for the handover
    with services.sessions() as session:
        book = live_book(session, application_id=app_id)
        assert book is not None and book.status == "printed"
    handed = hand_over(services, number, user="rudi", role="printing_operator", policy=POLICY)
    assert resume_application(handed.flow_run_id, task_id=handed.task_id or 0, outcome="issued")
    _wait(run_id, ("Completed",))
    assert _stage(services, app_id)[0] == "issued"

    # the applicant's NIK, name and birth dates are nowhere in what Prefect keeps
    output = capfd.readouterr()
    places = {
        "Prefect database (runs, inputs, results, logs, events)": prefect_database_text(),
        "Prefect result storage": folder_text(tmp_path / "prefect-results"),
        "flow-run output": output.out + output.err,
    }
    assert "application-" in places["flow-run output"]  # the runs' logs were captured
    values = personal_values(body["applicant"]) + personal_values(packet.application["applicant"])
    assert leaks(values, places) == []
