"""``paspor stations``, ``biometrics``, ``print`` and ``handover``: the counter's commands.

As with review and approval, each command calls the stage service (``flows.stages``), which
commits and audits; the application's suspended flow run is resumed afterwards.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from flows.cli_workflow import fail, resume, services_or_fail
from flows.stages.biometrics import record_capture, todays_appointments
from flows.stages.printing import hand_over, print_passport
from rules.policy import default_policy
from rules.stations import load_stations as parse_stations
from storage.applications import get_application
from storage.biometrics import load_stations
from verification.errors import PasporError

__all__ = ["register"]

stations_app = typer.Typer(no_args_is_help=True, help="Offices and their counter stations.")
biometrics_app = typer.Typer(no_args_is_help=True, help="Appointments and captures.")
User = Annotated[str, typer.Option("--user", help="Who acts (their user name)")]


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise fail(f"{file.name}: cannot be read ({exc.strerror})") from None


@stations_app.command("load")
def stations_load(
    file: Annotated[Path, typer.Argument(help="A stations file like rules/stations.yaml")],
    user: User = "cli",
) -> None:
    """Store the offices and stations of FILE; stations it leaves out are deactivated."""
    services = services_or_fail()
    try:
        config = parse_stations(_read(file).decode("utf-8"))
        with services.sessions.begin() as session:
            report = load_stations(session, config=config, actor=user)
    except (PasporError, ValueError) as exc:
        raise fail(f"{file.name}: {exc}") from None
    typer.echo(f"stations: {report}")


@biometrics_app.command("today")
def biometrics_today(
    station: Annotated[str, typer.Option(help="Station code, e.g. PKU-BIO-1")],
    day: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default today)")] = None,
) -> None:
    """A station's appointments of the day."""
    services = services_or_fail()
    when = date.fromisoformat(day) if day else date.today()
    try:
        rows = todays_appointments(services, station, when)
    except PasporError as exc:
        raise fail(str(exc)) from None
    for row in rows:
        typer.echo(f"{row.starts_at:%H:%M}  {row.application_number:<16} {row.status}")
    typer.echo(f"{len(rows)} appointment(s) at {station} on {when.isoformat()}")


@biometrics_app.command("capture")
def biometrics_capture(
    number: Annotated[str, typer.Argument(help="Application number")],
    photo: Annotated[Path, typer.Option(help="The photo (JPEG or PNG)")],
    fingerprint: Annotated[list[Path], typer.Option(help="A fingerprint image (repeat)")],
    user: User,
    role: Annotated[str, typer.Option("--role")] = "biometric_operator",
) -> None:
    """Record the photo and fingerprints taken at the appointment; a failed photo check asks
    for a retake."""
    services = services_or_fail()
    try:
        result = record_capture(
            services,
            number,
            photo=_read(photo),
            fingerprints=[_read(f) for f in fingerprint],
            user=user,
            role=role,
            policy=default_policy(),
            limits=services.settings.upload_limits(),
        )
    except PasporError as exc:
        raise fail(str(exc)) from None
    if not result.accepted:
        typer.echo(f"{number}: retake needed: {', '.join(result.failed)}")
        raise typer.Exit(2)
    typer.echo(f"{number}: capture accepted -> stage {result.stage}")
    resume(result.flow_run_id, task_id=result.task_id, outcome="captured", decision=None)


def print_command(
    number: Annotated[str, typer.Argument(help="Application number")],
    max_attempts: Annotated[int, typer.Option(min=1, max=5)] = 3,
) -> None:
    """Print (or reprint, after QC failures) an application's passport now."""
    from verification.printing.qc import mrz_engine

    services = services_or_fail()
    try:
        with services.sessions() as session:
            app_id = get_application(session, number=number).id
        result = print_passport(
            services,
            app_id,
            policy=default_policy(),
            today=date.today(),
            ocr_engine=mrz_engine(),
            max_attempts=max_attempts,
        )
    except PasporError as exc:
        raise fail(str(exc)) from None
    typer.echo(
        f"{number}: {result.status}"
        + (f", {len(result.misprints)} misprint(s) cancelled" if result.misprints else "")
    )
    if result.closed_task_id is not None:
        with services.sessions() as session:
            flow_run = get_application(session, number=number).flow_run_id
        resume(flow_run, task_id=result.closed_task_id, outcome="printed", decision=None)


def handover(
    number: Annotated[str, typer.Argument(help="Application number")],
    user: User,
    role: Annotated[str, typer.Option("--role")] = "printing_operator",
    collector: Annotated[str, typer.Option(help="holder, family or post")] = "holder",
    note: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Record that the passport was handed over; the application is issued."""
    services = services_or_fail()
    try:
        result = hand_over(
            services,
            number,
            user=user,
            role=role,
            policy=default_policy(),
            collector=collector,
            note=note,
        )
    except PasporError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"{number}: handed over -> issued")
    resume(result.flow_run_id, task_id=result.task_id or 0, outcome="issued", decision=None)


def register(app: typer.Typer) -> None:
    app.add_typer(stations_app, name="stations")
    app.add_typer(biometrics_app, name="biometrics")
    app.command("print")(print_command)
    app.command()(handover)
