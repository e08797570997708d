"""The ``paspor`` command: intake, status, database and audit housekeeping.

Output is for the officer at the terminal; nothing here logs personal data. Every command
exits non-zero with a one-paragraph reason when it cannot do what was asked.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from flows import cli_console, cli_counter, cli_workflow
from flows.logs import configure_logging
from flows.wiring import Services, get_services, get_settings
from rules.checking import check_context
from rules.policy import default_policy
from storage.applications import audit_trail, get_application, stage_history
from storage.audit import verify_chain
from storage.documents import list_documents, read_fields
from storage.fraud import record_fraud_checks
from storage.intake import IntakeResult, submit_packet
from storage.integrity import check_integrity
from storage.migrate import current_revision, head_revision, upgrade
from storage.passports import import_history, parse_history_csv
from storage.reconcile import find_orphans, remove_orphans
from storage.watchlist import load_watchlist, parse_watchlist_csv
from verification.errors import PasporError

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
db_app = typer.Typer(no_args_is_help=True, help="The application database.")
audit_app = typer.Typer(no_args_is_help=True, help="The audit log.")
store_app = typer.Typer(no_args_is_help=True, help="The document store.")
watchlist_app = typer.Typer(no_args_is_help=True, help="The pencegahan/penangkalan watchlist.")
fraud_app = typer.Typer(no_args_is_help=True, help="Fraud checks across applications.")
passports_app = typer.Typer(no_args_is_help=True, help="The passport issuance history.")
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(store_app, name="store")
app.add_typer(watchlist_app, name="watchlist")
app.add_typer(fraud_app, name="fraud")
app.add_typer(passports_app, name="passports")
cli_workflow.register(app)
cli_counter.register(app)
cli_console.register(app)

CLI_ACTOR = "cli"


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def _services() -> Services:
    services = get_services()
    if current_revision(services.engine) != head_revision():
        raise _fail("the database schema is not up to date: run `paspor db upgrade` first")
    return services


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    configure_logging(get_settings().resolved_log_dir(), verbose=verbose)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every database migration (creates the schema on an empty database)."""
    services = get_services()
    upgrade(services.engine)
    typer.echo(f"database schema at revision {current_revision(services.engine)}")


def _print_intake(result: IntakeResult) -> None:
    typer.echo(result.number)
    for doc in result.documents:
        line = f"  {doc.doc_type:<16} {doc.status:<8} {doc.file}"
        if doc.reason:
            line += f"  ({doc.reason})"
        typer.echo(line, err=True)


@app.command()
def submit(
    packet_dir: Annotated[Path, typer.Argument(help="Folder with application.json and files")],
) -> None:
    """Take one application packet in; prints its application number."""
    services = _services()
    try:
        result = submit_packet(
            packet_dir,
            sessions=services.sessions,
            store=services.store,
            process=services.process,
            limits=services.settings.upload_limits(),
            actor=CLI_ACTOR,
        )
    except PasporError as exc:
        raise _fail(f"{packet_dir.name}: {exc}") from None
    _print_intake(result)


@app.command()
def status(
    number: Annotated[str, typer.Argument(help="Application number, e.g. APP-2026-000123")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show an application's stage, documents and history."""
    services = _services()
    with services.sessions() as session:
        try:
            application = get_application(session, number=number)
        except PasporError as exc:
            raise _fail(str(exc)) from None
        docs = list_documents(session, application_id=application.id)
        history = stage_history(session, application_id=application.id)
        trail = audit_trail(session, application_id=application.id)
        report = {
            "number": application.number,
            "category": application.category,
            "stage": application.stage,
            "rule_version": application.rule_version,
            "flow_run_id": application.flow_run_id,
            "created_at": application.created_at.isoformat(),
            "documents": [
                {
                    "type": d.doc_type,
                    "file": d.original_name,
                    "status": d.status,
                    "reason": d.status_reason,
                    "media_type": d.media_type,
                    "size": d.size,
                    "sha256": d.sha256,
                }
                for d in docs
            ],
            "history": [
                {
                    "at": e.created_at.isoformat(),
                    "from": e.from_stage,
                    "to": e.to_stage,
                    "actor": e.actor,
                    "reason": e.reason,
                }
                for e in history
            ],
            "audit_events": len(trail),
        }
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    typer.echo(
        f"{report['number']}  category={report['category']}  stage={report['stage']}"
        f"  rules={report['rule_version']}"
    )
    typer.echo("documents:")
    for d in report["documents"]:  # type: ignore[attr-defined]
        digest = (d["sha256"] or "")[:12]
        reason = f"  ({d['reason']})" if d["reason"] else ""
        typer.echo(
            f"  {d['type']:<16} {d['status']:<8} {d['media_type'] or '-':<16} "
            f"{d['size'] or 0:>9} B  {digest}{reason}"
        )
    typer.echo("history:")
    for h in report["history"]:  # type: ignore[attr-defined]
        typer.echo(
            f"  {h['at'][:19]}  {h['from'] or '-'} -> {h['to']}  by {h['actor']}"
            + (f"  ({h['reason']})" if h["reason"] else "")
        )
    typer.echo(f"audit events: {report['audit_events']}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the audit hash chain; exit 1 if any event was edited or deleted."""
    services = _services()
    with services.sessions() as session:
        report = verify_chain(session)
    if report.ok:
        typer.echo(f"audit chain intact: {report.checked} events, head {report.head_hash}")
        return
    for problem in report.problems:
        typer.secho(f"  {problem}", err=True, fg=typer.colors.RED)
    raise _fail(f"audit chain BROKEN: {len(report.problems)} problem(s) in {report.checked} events")


@app.command("check")
def check(
    quick: Annotated[
        bool, typer.Option("--quick", help="Check stored files are present, not their hashes")
    ] = False,
) -> None:
    """Check every application, task, passport book, stored file and the audit chain, as after
    an outage; exit 1 on any inconsistency. Changes nothing."""
    services = _services()
    with services.sessions() as session:
        report = check_integrity(session, services.store, services.process, read_files=not quick)
    for problem in report.problems:
        where = f"application {problem.application_id}: " if problem.application_id else ""
        typer.secho(f"  {problem.kind}  {where}{problem.detail}", err=True, fg=typer.colors.RED)
    for problem in report.chain.problems:
        typer.secho(f"  audit  {problem}", err=True, fg=typer.colors.RED)
    typer.echo(
        f"{report.applications} applications, {report.documents_checked} stored files, "
        f"{report.chain.checked} audit events, {len(report.orphans)} orphan object(s)"
    )
    if not report.ok:
        raise _fail(f"INCONSISTENT: {len(report.problems) + len(report.chain.problems)} problem(s)")
    typer.echo("consistent")


@store_app.command("orphans")
def store_orphans(
    delete: Annotated[bool, typer.Option("--delete", help="Remove them")] = False,
) -> None:
    """List stored objects no document row accounts for (left by an interrupted intake)."""
    services = _services()
    with services.sessions() as session:
        orphans = (remove_orphans if delete else find_orphans)(session, services.store)
    for obj in orphans:
        typer.echo(f"{obj.key}  {obj.size} B")
    verb = "removed" if delete else "found"
    typer.echo(f"{len(orphans)} orphan object(s) {verb}", err=True)


@watchlist_app.command("load")
def watchlist_load(
    csv_file: Annotated[Path, typer.Argument(help="CSV: name,birth_date,nik,reason,valid_until")],
    actor: Annotated[str, typer.Option("--actor", help="Who loads it (the supervisor)")],
) -> None:
    """Replace the active watchlist with the rows of a CSV file (all or nothing)."""
    services = _services()
    try:
        rows = parse_watchlist_csv(csv_file.read_text(encoding="utf-8"))
        with services.sessions.begin() as session:
            count = load_watchlist(session, rows=rows, source=csv_file.name, actor=actor)
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"{csv_file.name}: cannot be read ({type(exc).__name__})") from None
    except PasporError as exc:
        raise _fail(f"{csv_file.name}: {exc}") from None
    typer.echo(f"watchlist loaded: {count} active entries from {csv_file.name}")


@passports_app.command("import")
def passports_import(
    csv_file: Annotated[Path, typer.Argument(help="CSV: number,nik,issued_on,expires_on,status")],
    actor: Annotated[str, typer.Option("--actor", help="Who imports it")],
) -> None:
    """Import passports issued earlier (all or nothing; numbers already recorded are skipped)."""
    services = _services()
    try:
        rows = parse_history_csv(csv_file.read_text(encoding="utf-8"))
        with services.sessions.begin() as session:
            added, known = import_history(session, rows=rows, source=csv_file.name, actor=actor)
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"{csv_file.name}: cannot be read ({type(exc).__name__})") from None
    except PasporError as exc:
        raise _fail(f"{csv_file.name}: {exc}") from None
    typer.echo(f"passport history: {added} added, {known} already recorded")


@fraud_app.command("check")
def fraud_check(
    number: Annotated[str, typer.Argument(help="Application number, e.g. APP-2026-000123")],
) -> None:
    """Check a stored application for duplicates, reused files, a denied prior passport and
    watchlist hits; the findings are stored with their evidence and printed."""
    services = _services()
    ctx = check_context(default_policy())
    try:
        with services.sessions.begin() as session:
            application = get_application(session, number=number)
            findings = record_fraud_checks(
                session,
                application_id=application.id,
                process=services.process,
                ctx=ctx,
                today=date.today(),
                actor=CLI_ACTOR,
                store=services.store,
            )
    except PasporError as exc:
        raise _fail(str(exc)) from None
    for finding in findings:
        typer.echo(f"{finding.severity.value:<8} {finding.code:<30} {finding.message}")
    typer.echo(f"{number}: {len(findings)} fraud finding(s) (rules {ctx.rule_version})")


@app.command()
def read(
    file: Annotated[Path, typer.Argument(help="A JPEG, PNG or PDF document")],
    doc_type: Annotated[
        str | None, typer.Option("--type", help="ktp, kk or akta_kelahiran (default: detect)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Read one document: type, status, fields, confidences, preprocessing steps, seconds."""
    from verification.reading.ocr import TesseractEngine
    from verification.reading.reader import read_document

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise _fail(f"{file.name}: cannot be read ({exc.strerror})") from None
    result = read_document(data, declared_type=doc_type, engine=TesseractEngine())
    report = {"file": file.name, **result.to_dict()}
    if as_json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        typer.echo(
            f"{file.name}: {report['type']} {result.status} in {result.seconds:.2f} s"
            + (f" ({result.error})" if result.error else "")
        )
        for name, value in result.fields.items():
            confidence = result.confidence.get(name)
            shown = f"{confidence:.2f}" if confidence is not None else "-"
            typer.echo(f"  {name:<20} {shown:>5}  {value}")
        typer.echo(f"  steps: {', '.join(result.steps) or '-'}")
    if result.status != "ok":
        raise typer.Exit(2)


@app.command()
def verify(
    packet_dir: Annotated[Path, typer.Argument(help="Folder with application.json and files")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Read, cross-check and route one packet without a database; print the report."""
    from flows.verify import verify_packet

    body = verify_packet(packet_dir, limits=get_settings().upload_limits())
    if as_json:
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    typer.echo(f"{body['application_id']}: {body['route']} (rules {body['rule_version']})")
    for doc in body["documents"]:
        typer.echo(
            f"  {doc['type']:<16} {doc['status']:<10} {len(doc['fields'])} fields"
            + (f"  ({doc['error']})" if doc["error"] else "")
        )
    for finding in body["findings"]:
        typer.echo(
            f"  ! {finding['severity']:<8} {finding['code']:<28} "
            f"{finding['document'] or '-'}: {finding['detail']}"
        )


@app.command("verify-batch")
def verify_batch_command(
    packets_dir: Annotated[Path, typer.Argument(help="Folder of packet folders")],
    out: Annotated[Path, typer.Option("--out", help="Folder for <application_id>.json")],
    workers: Annotated[int, typer.Option(min=1, max=32)] = 2,
) -> None:
    """Verify many packets in parallel processes: one report per packet and a summary."""
    from flows.verify import verify_batch

    total = sum(1 for p in packets_dir.iterdir() if p.is_dir())
    with typer.progressbar(length=total, label="verifying", file=sys.stderr) as bar:
        summary = verify_batch(packets_dir, out, workers=workers, progress=lambda: bar.update(1))
    typer.echo(f"{'route':<14} {'applications':>12}")
    for route in ("auto_approve", "human_review", "reject"):
        typer.echo(f"{route:<14} {summary.routes.get(route, 0):>12}")
    typer.echo(
        f"{summary.reports} reports in {summary.seconds:.1f} s with {workers} workers "
        f"({summary.seconds / max(summary.reports, 1):.2f} s per packet); "
        f"reports in {out}"
    )
    for failure in summary.failures:
        typer.secho(f"failed: {failure}", err=True, fg=typer.colors.RED)
    if summary.failures:
        raise typer.Exit(1)


quality_app = typer.Typer(no_args_is_help=True, help="Data-quality expectations.")
app.add_typer(quality_app, name="quality")


@quality_app.command("report")
def quality_report_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the Data Docs HTML")],
    reports_dir: Annotated[
        Path | None,
        typer.Argument(help="Folder of verification reports (JSON); default: the database"),
    ] = None,
) -> None:
    """Validate every document's extracted fields and render Data Docs for auditors (masked):
    those of a folder of verification reports, or every stored document's latest reading."""
    from rules.policy import default_policy
    from verification.quality import quality_report

    def from_reports(folder: Path) -> Iterator[tuple[str, dict[str, object]]]:
        for path in sorted(folder.glob("*.json")):
            body = json.loads(path.read_text(encoding="utf-8"))
            for doc in body.get("documents", []):
                if doc.get("status") == "ok" and doc.get("fields"):
                    yield doc["type"], doc["fields"]

    version = default_policy().version
    if reports_dir is not None:
        result = quality_report(from_reports(reports_dir), out, rule_version=version)
    else:
        with _services().sessions() as session:
            result = quality_report(read_fields(session), out, rule_version=version)
    typer.echo(
        f"{result.documents} documents validated ({result.skipped} skipped), "
        f"{result.expectations_evaluated} expectations; Data Docs: {result.index_html}"
    )
    for code, rows in sorted(result.failures.items(), key=lambda item: -item[1]):
        typer.echo(f"  {rows:>5}  {code}")


@app.command()
def demo(
    count: Annotated[int, typer.Option(help="Synthetic packets to generate")] = 6,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic batch")] = 2026,
    prefect_port: Annotated[int, typer.Option(help="Port of the local Prefect server")] = 4200,
) -> None:
    """The whole story on the embedded defaults: synthetic packets submitted, verified by the
    Prefect flow, clean ones approved, captured and printed, flagged ones left for review."""
    from flows.demo import DEMO_PASSWORD, ensure_demo_users, run_demo

    services = get_services()
    upgrade(services.engine)
    rows, ui = run_demo(services, count=count, seed=seed, say=typer.echo, port=prefect_port)
    users = ensure_demo_users(services)
    typer.echo(
        f"\n{'application':<16} {'category':<8} {'stage':<10} {'waiting for':<32} "
        f"{'passport':<18} flow run"
    )
    for row in rows:
        typer.echo(
            f"{row.number:<16} {row.category:<8} {row.stage:<10} {row.waiting_for:<32} "
            f"{row.book:<18} {row.run_state}"
        )
    data = services.settings.data_dir
    typer.echo(
        f"\nwhere to look:\n"
        f"  Prefect UI     `make serve`, then {ui} (flow runs kept in {data / 'prefect'})\n"
        f"  database       {services.settings.resolved_database_url()}\n"
        f"  documents      {services.settings.resolved_store_root()} (data pages under "
        f"applications/<number>/data_page)\n"
        f"  packets        {data / 'demo' / 'packets'}\n"
        "  try: paspor review list | paspor status APP-2026-000001 | paspor audit verify\n"
        f"  console        `make serve`, then http://{services.settings.console_host}:"
        f"{services.settings.console_port}; sign in as {', '.join(users)} "
        f"(password {DEMO_PASSWORD})"
    )


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
