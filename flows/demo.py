"""The demo on the embedded defaults: the whole story, from packets to printed passports.

1. Synthetic packets (never real people) are written under ``var/demo/packets``, with two
   packets carrying the bad input an office really gets (a web page saved as the KK, a
   missing akta) and one whose form disagrees with its documents; all are taken in as
   ``paspor submit`` does.
2. A local Prefect server (its database under ``var/prefect``) and a runner serve the
   application flow; every application gets a flow run.
3. Clean applications go straight through verification; the demo then plays the people: an
   adjudicator approves the clean ones in bulk, a biometric operator captures a synthetic
   photo and fingerprints, the flow prints and checks the passport. Flagged applications stay
   in the review queue, waiting for an officer.
4. One line per application: its stage, what it waits for and the passport book.

Running it again takes up what is stored: nothing is submitted, approved or printed twice.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from prefect.client.orchestration import get_client
from sqlalchemy import select

from flows.runs import recover
from flows.serving import local_prefect_server, serving
from flows.stages.approval import approve_many, clean_in_approval
from flows.stages.biometrics import record_capture
from flows.wiring import Services
from rules.policy import default_policy
from storage.applications import get_application
from storage.documents import read_fields
from storage.intake import submit_packet
from storage.models import Application, HumanTask
from storage.printing import live_book
from storage.users import add_user, get_user
from verification.errors import AlreadyExists
from verification.quality import quality_report
from verification.synthetic.fingerprint import fingerprint_bytes
from verification.synthetic.packet import write_batch, write_packet
from verification.synthetic.portrait import portrait_bytes

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "DemoRow",
    "approve_clean",
    "capture_waiting",
    "data_docs",
    "ensure_demo_users",
    "run_demo",
]

ACTOR = "demo"
ADJUDICATOR = "demo-adjudicator"
OPERATOR = "demo-operator"
PORT = 4200
# Console users of the demo (development mode only), one per desk.
DEMO_PASSWORD = "paspor-demo-2026"
DEMO_USERS = {
    "demo-officer": ["verification_officer"],
    "demo-officer2": ["verification_officer"],
    "demo-adjudicator": ["adjudicator"],
    "demo-head": ["head_of_office"],
    "demo-station": ["biometric_operator", "printing_operator"],
    "demo-supervisor": ["supervisor"],
    "demo-auditor": ["auditor"],
}


@dataclass(frozen=True)
class DemoRow:
    number: str
    category: str
    stage: str
    waiting_for: str
    book: str
    run_state: str


def _bad_packets(packets: Path, seed: int, first: int) -> list[Path]:
    """Packets of three more (synthetic) people with the problems offices see: a web page
    named kk.pdf, a missing file, a form whose birth date none of the documents show."""
    made = []
    for offset, problem in enumerate(("html_as_pdf", "missing_akta", "form_mismatch")):
        number = f"APP-2026-{first + offset:06d}"
        folder = packets / number
        if not folder.exists():
            write_packet(folder, seed=seed + 1000 + offset, application_id=number)
            meta = json.loads((folder / "application.json").read_text(encoding="utf-8"))
            if problem == "form_mismatch":
                meta["applicant"]["tanggal_lahir"] = "1971-02-03"
            (folder / "application.json").write_text(json.dumps(meta, indent=2), "utf-8")
            if problem == "html_as_pdf":
                for kk in folder.glob("kk.*"):
                    kk.write_text("<html><body>Kartu Keluarga (halaman web)</body></html>")
            elif problem == "missing_akta":
                (folder / "akta.png").unlink()
        made.append(folder)
    return made


def _submit_all(services: Services, folders: list[Path]) -> list[str]:
    numbers = []
    for folder in folders:
        try:
            result = submit_packet(
                folder,
                sessions=services.sessions,
                store=services.store,
                process=services.process,
                limits=services.settings.upload_limits(),
                actor=ACTOR,
            )
            numbers.append(result.number)
        except AlreadyExists:
            numbers.append(folder.name)
    return numbers


def _settled(services: Services, numbers: list[str]) -> bool:
    """Every application's run is suspended (waiting for a person) or finished."""
    with services.sessions() as session:
        runs = session.scalars(
            select(Application.flow_run_id).where(Application.number.in_(numbers))
        ).all()
    with get_client(sync_client=True) as client:
        for run_id in runs:
            state = client.read_flow_run(run_id).state if run_id else None  # type: ignore[arg-type]
            if state is None or not (state.is_paused() or state.is_final()):
                return False
    return True


def _wait(services: Services, numbers: list[str], say: Callable[[str], None], what: str) -> None:
    started = time.monotonic()
    while not _settled(services, numbers):
        if time.monotonic() - started > 900:
            raise RuntimeError(f"the flow runs did not settle within 15 minutes ({what})")
        time.sleep(1)
    say(f"  {what}: {time.monotonic() - started:.0f} s")


def _resume(run_id: str | None, task_id: int, outcome: str) -> None:
    from flows.application import resume_application

    resume_application(run_id, task_id=task_id, outcome=outcome)


def capture_waiting(services: Services, numbers: list[str]) -> int:
    """The operator at the station: a synthetic photo and two fingerprints for each of
    ``numbers`` waiting in biometrics, each accepted capture resuming its run; how many."""
    with services.sessions() as session:
        waiting = session.scalars(
            select(Application.number).where(
                Application.number.in_(numbers), Application.stage == "biometrics"
            )
        ).all()
    for seed, number in enumerate(waiting):
        result = record_capture(
            services,
            number,
            photo=portrait_bytes(seed=seed),
            fingerprints=[fingerprint_bytes(seed=2 * seed), fingerprint_bytes(seed=2 * seed + 1)],
            user=OPERATOR,
            role="biometric_operator",
            policy=default_policy(),
        )
        if result.accepted:
            _resume(result.flow_run_id, result.task_id, "captured")
    return len(waiting)


def approve_clean(services: Services, numbers: list[str]) -> int:
    """The adjudicator approves the clean ones of ``numbers`` in bulk, each completed approval
    resuming its run; how many were approved."""
    clean = [n for n in clean_in_approval(services) if n in set(numbers)]
    done, _ = approve_many(
        services, clean, user=ADJUDICATOR, role="adjudicator", policy=default_policy()
    )
    for result in done:
        if result.complete:
            _resume(result.flow_run_id, 0, "approved")
    return len(done)


def ensure_demo_users(services: Services) -> list[str]:
    """The demo's console users (created once, development mode only): their names."""
    if services.settings.mode == "production":
        raise RuntimeError("demo users are never created in production mode")
    with services.sessions.begin() as session:
        for name, roles in DEMO_USERS.items():
            if get_user(session, name=name) is None:
                add_user(session, name=name, password=DEMO_PASSWORD, roles=roles, actor=ACTOR)
    return list(DEMO_USERS)


def run_demo(
    services: Services,
    *,
    count: int,
    seed: int,
    say: Callable[[str], None] = print,
    port: int = PORT,
) -> tuple[list[DemoRow], str]:
    """Run the story (the Prefect server on ``port``); the rows and the Prefect UI address."""
    packets = services.settings.data_dir / "demo" / "packets"
    if not (packets / "ground_truth.json").exists():
        write_batch(packets, count=count, seed=seed, degraded_fraction=0.0)
    folders = sorted(p for p in packets.iterdir() if p.is_dir())[:count]
    folders += _bad_packets(packets, seed, first=count + 1)
    numbers = _submit_all(services, folders)
    say(f"{len(numbers)} applications stored; starting Prefect")
    home = services.settings.data_dir / "prefect"
    with local_prefect_server(home, port=port) as url, serving(limit=2, schedules=False):
        with services.sessions() as session:
            ids = [get_application(session, number=n).id for n in numbers]
        recover(services, only=ids)
        _wait(services, numbers, say, "verification")
        approved = approve_clean(services, numbers)
        say(f"  {approved} clean application(s) approved in bulk by {ADJUDICATOR}")
        _wait(services, numbers, say, "appointments booked")
        capture_waiting(services, numbers)
        _wait(services, numbers, say, "captures, printing and QC")
        rows = _rows(services, numbers)
    docs = data_docs(services, services.settings.data_dir / "reports" / "quality")
    say(f"  data-quality report for auditors (masked): {docs}")
    return rows, url.removesuffix("/api")


def data_docs(services: Services, out: Path) -> Path:
    """The Great Expectations Data Docs of every stored document's reading, rendered afresh
    in ``out``; the index page."""
    shutil.rmtree(out, ignore_errors=True)
    with services.sessions() as session:
        report = quality_report(read_fields(session), out, rule_version=default_policy().version)
    return report.index_html


def _rows(services: Services, numbers: list[str]) -> list[DemoRow]:
    rows = []
    with services.sessions() as session, get_client(sync_client=True) as client:
        for number in numbers:
            app = get_application(session, number=number)
            task = session.scalars(
                select(HumanTask)
                .where(
                    HumanTask.application_id == app.id,
                    HumanTask.status.in_(("open", "claimed")),
                )
                .order_by(HumanTask.id.desc())
                .limit(1)
            ).first()
            book = live_book(session, application_id=app.id)
            state = client.read_flow_run(app.flow_run_id).state if app.flow_run_id else None  # type: ignore[arg-type]
            rows.append(
                DemoRow(
                    number=app.number,
                    category=app.category,
                    stage=app.stage,
                    waiting_for=f"{task.kind} ({task.role})" if task else "-",
                    book=f"{book.number} {book.status}" if book else "-",
                    run_state=(state.name or "-") if state else "-",
                )
            )
    return rows
