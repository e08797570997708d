"""The counter stations: a biometrics station's appointments of the day with the capture
upload and its photo-quality result; the print queue with QC results, printing and handover.
Each action is the stage service the ``paspor`` command calls."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from console.security import User, check_csrf, require
from console.web import flash, parse_day, redirect, render, resume_run
from flows.stages.biometrics import record_capture, todays_appointments
from flows.stages.printing import COLLECTORS, hand_over, print_passport
from flows.wiring import Services
from storage.applications import get_application, list_applications
from storage.models import Application, Capture, PrintedBook, Station
from verification.errors import PasporError

__all__ = ["router"]

router = APIRouter()
Operator = Annotated[User, Depends(require(lambda r: r.biometrics))]
Printer = Annotated[User, Depends(require(lambda r: r.printing))]


@router.get("/stations/biometrics", response_class=HTMLResponse)
def biometrics(request: Request, user: Operator, station: str = "", day: str = "") -> HTMLResponse:
    services: Services = request.app.state.services
    when = parse_day(day) or date.today()
    with services.sessions() as session:
        stations = session.scalars(
            select(Station.code)
            .where(Station.kind == "biometrics", Station.active.is_(True))
            .order_by(Station.code)
        ).all()
    chosen = station if station in stations else (stations[0] if stations else "")
    rows = todays_appointments(services, chosen, when) if chosen else []
    with services.sessions() as session:
        captures: dict[str, Capture] = {}
        for capture, number in session.execute(
            select(Capture, Application.number)
            .join(Application, Application.id == Capture.application_id)
            .where(Capture.appointment_id.in_([r.appointment_id for r in rows]))
            .order_by(Capture.id)
        ):
            captures[number] = capture  # the latest capture of each application
    return render(
        request,
        "biometrics.html",
        {
            "stations": stations,
            "station": chosen,
            "day": when,
            "rows": rows,
            "captures": captures,
        },
    )


@router.post("/stations/biometrics/{number}/capture", dependencies=[Depends(check_csrf)])
async def capture(
    request: Request,
    number: str,
    user: Operator,
    background: BackgroundTasks,
    photo: Annotated[UploadFile, File()],
    fingerprints: Annotated[list[UploadFile], File()],
    station: Annotated[str, Form()] = "",
) -> Response:
    services: Services = request.app.state.services
    photo_data = await photo.read()
    prints = [await f.read() for f in fingerprints if f.filename]
    back = f"/stations/biometrics?station={station}"
    try:
        result = await run_in_threadpool(
            lambda: record_capture(
                services,
                number,
                photo=photo_data,
                fingerprints=prints,
                user=user.name,
                role="biometric_operator",
                policy=request.app.state.policy,
                limits=services.settings.upload_limits(),
            )
        )
    except PasporError as exc:
        flash(request, f"{number}: {exc}", "error")
        return redirect(back)
    if result.accepted:
        flash(request, f"{number}: capture accepted → {result.stage}")
        background.add_task(
            resume_run,
            result.flow_run_id,
            task_id=result.task_id,
            outcome="captured",
            decision=None,
        )
    else:
        flash(request, f"{number}: retake: {', '.join(result.failed)}", "error")
    return redirect(back)


@router.get("/stations/printing", response_class=HTMLResponse)
def printing(request: Request, user: Printer) -> HTMLResponse:
    services: Services = request.app.state.services
    with services.sessions() as session:
        apps = list(list_applications(session, stage="printing", limit=200))
        books: dict[int, list[PrintedBook]] = {}
        for book in session.scalars(
            select(PrintedBook)
            .where(PrintedBook.application_id.in_([a.id for a in apps]))
            .order_by(PrintedBook.id)
        ):
            books.setdefault(book.application_id, []).append(book)
        return render(
            request,
            "printing.html",
            {"apps": apps, "books": books, "collectors": COLLECTORS},
        )


@router.post("/stations/printing/{number}/print", dependencies=[Depends(check_csrf)])
def print_now(
    request: Request, number: str, user: Printer, background: BackgroundTasks
) -> Response:
    from verification.printing.qc import mrz_engine  # Tesseract, loaded when first needed

    services: Services = request.app.state.services
    try:
        with services.sessions() as session:
            app = get_application(session, number=number)
            app_id, flow_run = app.id, app.flow_run_id
        result = print_passport(
            services,
            app_id,
            policy=request.app.state.policy,
            today=date.today(),
            ocr_engine=mrz_engine(),
        )
    except PasporError as exc:
        flash(request, f"{number}: {exc}", "error")
        return redirect("/stations/printing")
    flash(request, f"{number}: {result.status}", "ok" if result.status == "printed" else "error")
    if result.closed_task_id is not None:
        background.add_task(
            resume_run, flow_run, task_id=result.closed_task_id, outcome="printed", decision=None
        )
    return redirect("/stations/printing")


@router.post("/stations/printing/{number}/handover", dependencies=[Depends(check_csrf)])
def handover(
    request: Request,
    number: str,
    user: Printer,
    background: BackgroundTasks,
    collector: Annotated[str, Form()] = "holder",
) -> Response:
    try:
        result = hand_over(
            request.app.state.services,
            number,
            user=user.name,
            role=user.role_for(request.app.state.roles.printing) or "",
            policy=request.app.state.policy,
            collector=collector,
        )
    except PasporError as exc:
        flash(request, f"{number}: {exc}", "error")
        return redirect("/stations/printing")
    flash(request, f"{number}: issued")
    background.add_task(
        resume_run, result.flow_run_id, task_id=result.task_id or 0, outcome="issued", decision=None
    )
    return redirect("/stations/printing")
