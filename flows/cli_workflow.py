"""``paspor review``, ``approve``, ``upload`` and ``run``: people acting on the workflow.

Every command calls the same services as the web console (``flows.stages``): the decision is
committed and audited first; then the application's suspended flow run, if there is one, is
resumed. A run that cannot be resumed (no Prefect server, run not suspended) does not undo the
decision: the command says so, and ``paspor run NUMBER`` carries the application on.

Who acts is given with ``--user`` and ``--role`` (roles of the policy). Until the console's
sign-in exists (issue 7) the role is declared, not proven: the services still enforce what
the role may do and four-eyes between people.
"""

from __future__ import annotations

import contextlib
import signal
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from flows.stages.approval import adjudicate, approve_many, clean_in_approval
from flows.stages.review import DecisionResult, ReviewDecision, Verdict, decide, receive_upload
from flows.wiring import Services, get_services
from rules.policy import default_policy
from storage.applications import get_application
from storage.migrate import current_revision, head_revision
from storage.models import Application
from storage.tasks import claim_task, list_tasks, unclaim_task
from verification.errors import PasporError

__all__ = ["fail", "register", "resume", "services_or_fail"]

review_app = typer.Typer(no_args_is_help=True, help="Human review of routed applications.")

User = Annotated[str, typer.Option("--user", help="Who acts (their user name)")]


def fail(message: str) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(1)


def services_or_fail() -> Services:
    services = get_services()
    if current_revision(services.engine) != head_revision():
        raise fail("the database schema is not up to date: run `paspor db upgrade` first")
    return services


def resume(flow_run_id: str | None, *, task_id: int, outcome: str, decision: int | None) -> None:
    if not flow_run_id:
        typer.echo("  no flow run carries this application yet: `paspor run NUMBER` starts one")
        return
    try:
        from flows.application import resume_application

        resumed = resume_application(
            flow_run_id, task_id=task_id, outcome=outcome, decision_id=decision
        )
    except Exception as exc:  # no server, network: the decision stands either way
        typer.echo(f"  flow run {flow_run_id} not resumed ({type(exc).__name__}); decision kept")
        return
    typer.echo(f"  flow run {flow_run_id} " + ("resumed" if resumed else "was not suspended"))


@review_app.command("list")
def review_list(
    role: Annotated[str | None, typer.Option(help="Only tasks for this role")] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Task kinds (default review, reupload)")
    ] = None,
    status: Annotated[str, typer.Option(help="open, claimed, done or all")] = "open",
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """The review queue: most urgent first (priority, then deadline)."""
    services = services_or_fail()
    now = datetime.now(UTC)
    with services.sessions() as session:
        tasks = list_tasks(
            session,
            role=role,
            status=None if status == "all" else status,
            kinds=kind or ["review", "reupload"],
            limit=limit,
        )
        numbers = dict(
            session.execute(
                select(Application.id, Application.number).where(
                    Application.id.in_({t.application_id for t in tasks})
                )
            ).all()
        )
    typer.echo(f"{'task':>6} {'application':<16} {'kind':<10} {'role':<24} {'status':<8} due")
    for t in tasks:
        overdue = " OVERDUE" if t.due_at and t.due_at < now and t.status != "done" else ""
        due = t.due_at.date().isoformat() if t.due_at else "-"
        who = f" ({t.assignee})" if t.assignee else ""
        typer.echo(
            f"{t.id:>6} {numbers.get(t.application_id, '?'):<16} {t.kind:<10} {t.role:<24} "
            f"{t.status:<8} {due}{overdue}{who}"
        )


@review_app.command("claim")
def review_claim(task_id: int, user: User) -> None:
    """Take a task (first come, first served)."""
    services = services_or_fail()
    try:
        with services.sessions.begin() as session:
            claim_task(session, task_id=task_id, user=user)
    except PasporError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"task {task_id} claimed by {user}")


@review_app.command("unclaim")
def review_unclaim(task_id: int, user: User) -> None:
    """Put a task you hold back in the queue."""
    services = services_or_fail()
    try:
        with services.sessions.begin() as session:
            unclaim_task(session, task_id=task_id, user=user)
    except PasporError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"task {task_id} back in the queue")


@review_app.command("decide")
def review_decide(
    task_id: int,
    verdict: Annotated[Verdict, typer.Argument(help="accept, correct, reupload, reject, escalate")],
    user: User,
    role: Annotated[str, typer.Option("--role")] = "verification_officer",
    reason: Annotated[str | None, typer.Option(help="Why (required but for accept)")] = None,
    field: Annotated[str | None, typer.Option(help="correct: the form field")] = None,
    value: Annotated[str | None, typer.Option(help="correct: the right value")] = None,
    document: Annotated[
        list[str] | None, typer.Option("--document", help="reupload: a document type (repeat)")
    ] = None,
    reason_code: Annotated[str | None, typer.Option(help="reject: a policy reason code")] = None,
) -> None:
    """Decide a claimed review task; the application's flow run is resumed afterwards."""
    services = services_or_fail()
    decision = ReviewDecision(
        verdict,
        reason=reason,
        field=field,
        value=value,
        documents=tuple(document or ()),
        reason_code=reason_code,
    )
    try:
        result = decide(
            services,
            task_id=task_id,
            user=user,
            role=role,
            decision=decision,
            policy=default_policy(),
        )
    except PasporError as exc:
        raise fail(str(exc)) from None
    _report(result, f"task {task_id}: {verdict.value}")
    resume(result.flow_run_id, task_id=task_id, outcome=verdict.value, decision=result.decision_id)


def _report(result: DecisionResult, what: str) -> None:
    follow = f"; next task {result.next_task_id}" if result.next_task_id else ""
    typer.echo(f"{result.number}: {what} -> stage {result.stage}{follow}")


def approve(
    numbers: Annotated[list[str] | None, typer.Argument(help="Application numbers")] = None,
    user: User = "",
    role: Annotated[str, typer.Option("--role")] = "adjudicator",
    all_clean: Annotated[
        bool, typer.Option("--all-clean", help="Every clean application waiting for approval")
    ] = False,
    reject: Annotated[
        str | None, typer.Option("--reject", help="Reject instead, with this reason code")
    ] = None,
    note: Annotated[str | None, typer.Option(help="A note for the record")] = None,
) -> None:
    """Adjudicate: approve applications (one, several, or all clean ones), or reject one."""
    if not user:
        raise fail("say who adjudicates: --user NAME")
    services = services_or_fail()
    policy = default_policy()
    chosen = list(numbers or [])
    if all_clean:
        chosen += [n for n in clean_in_approval(services) if n not in chosen]
    if not chosen:
        raise fail("no application to adjudicate")
    if reject is not None:
        if len(chosen) != 1:
            raise fail("reject one application at a time")
        try:
            result = adjudicate(
                services,
                number=chosen[0],
                user=user,
                role=role,
                policy=policy,
                approve=False,
                reason_code=reject,
                note=note,
            )
        except PasporError as exc:
            raise fail(str(exc)) from None
        typer.echo(f"{result.number}: rejected ({reject})")
        resume(result.flow_run_id, task_id=0, outcome="rejected", decision=result.decision_id)
        return
    done, refused = approve_many(services, chosen, user=user, role=role, policy=policy)
    for result in done:
        typer.echo(f"{result.number}: {result.note or 'approved -> ' + result.stage}")
        if result.complete:
            resume(result.flow_run_id, task_id=0, outcome="approved", decision=result.decision_id)
    for number, why in refused:
        typer.secho(f"{number}: not approved: {why}", err=True, fg=typer.colors.RED)
    typer.echo(f"{len(done)} approved, {len(refused)} refused")
    if refused:
        raise typer.Exit(1)


def upload(
    number: Annotated[str, typer.Argument(help="Application number")],
    doc_type: Annotated[str, typer.Argument(help="The requested document type, e.g. ktp")],
    file: Annotated[Path, typer.Argument(help="The new file (JPEG, PNG or PDF)")],
    user: Annotated[str, typer.Option("--user", help="Who uploads")] = "applicant",
) -> None:
    """Upload a document the review asked for again."""
    services = services_or_fail()
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise fail(f"{file.name}: cannot be read ({exc.strerror})") from None
    try:
        result = receive_upload(
            services,
            number=number,
            doc_type=doc_type,
            file_name=file.name,
            data=data,
            actor=user,
            limits=services.settings.upload_limits(),
        )
    except PasporError as exc:
        raise fail(str(exc)) from None
    if result is None:
        typer.echo(f"{number}: {doc_type} stored; other requested documents still awaited")
        return
    _report(result, f"{doc_type} stored, every requested document in")
    resume(result.flow_run_id, task_id=0, outcome="uploaded", decision=None)


def run(
    numbers: Annotated[list[str], typer.Argument(help="Application numbers")],
) -> None:
    """Start the application flow for each application that no live flow run carries."""
    services = services_or_fail()
    from flows.runs import recover

    ids = {}
    with services.sessions() as session:
        for number in numbers:
            try:
                ids[get_application(session, number=number).id] = number
            except PasporError as exc:
                raise fail(str(exc)) from None
    try:
        started = set(recover(services, only=list(ids)))
    except Exception as exc:
        raise fail(
            f"cannot start the flow ({type(exc).__name__}): is `paspor serve` running?"
        ) from None
    for app_id, number in ids.items():
        typer.echo(f"{number}: " + ("flow run started" if app_id in started else "already carried"))


def serve(
    port: Annotated[int, typer.Option(help="Port of the local Prefect server")] = 4200,
    limit: Annotated[int, typer.Option(help="Flow runs at once")] = 2,
    server: Annotated[
        bool, typer.Option(help="Start a local Prefect server; --no-server uses PREFECT_API_URL")
    ] = True,
    schedules: Annotated[bool, typer.Option(help="Serve the scheduled maintenance flow")] = True,
    console: Annotated[
        bool | None,
        typer.Option(
            "--console/--no-console",
            help="Serve the officers' web console too (default: with the server only, so that "
            "extra workers started with --no-server do not compete for its port)",
        ),
    ] = None,
) -> None:
    """Serve the application flow (and the maintenance schedule) until interrupted, with a
    local Prefect server unless one answers on the port (or --no-server), and the console."""
    services = services_or_fail()
    from flows.serving import console_server, local_prefect_server, serving

    with contextlib.ExitStack() as stack:
        if server:
            url = stack.enter_context(
                local_prefect_server(services.settings.data_dir / "prefect", port=port)
            )
            typer.echo(f"Prefect API {url} (UI at http://127.0.0.1:{port})")
        stack.enter_context(serving(limit=limit, schedules=schedules))
        if server if console is None else console:
            settings = services.settings
            site = stack.enter_context(console_server(settings.console_host, settings.console_port))
            typer.echo(f"console {site} (users: `paspor users add NAME --role ROLE`)")
        typer.echo("serving the application flow; Ctrl-C (or SIGTERM) stops", err=True)
        signal.signal(signal.SIGTERM, signal.default_int_handler)  # a service manager's stop
        signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            typer.echo("stopping")


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
    app.command()(approve)
    app.command()(upload)
    app.command()(run)
    app.command()(serve)
