"""``paspor review``, ``approve`` and ``upload`` on the embedded defaults, without Prefect."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app
from flows.stages.verification import start_verification, verify_application
from flows.wiring import get_services
from rules.policy import default_policy
from storage.applications import get_application
from verification.reading.ocr import TesseractEngine
from verification.synthetic.packet import write_packet


def _invoke(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def _verified(runner: CliRunner, folder: Path) -> str:
    submitted = runner.invoke(app, ["submit", str(folder)])
    assert submitted.exit_code == 0, submitted.output
    number = submitted.stdout.strip()
    services = get_services()
    with services.sessions() as session:
        app_id = get_application(session, number=number).id
    start_verification(services, app_id)
    verify_application(
        services,
        app_id,
        engine=TesseractEngine(),
        policy=default_policy(),
        today=date(2026, 11, 27),
    )
    return number


def test_review_then_approve_from_the_command_line(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    _invoke(runner, "db", "upgrade")
    flagged = write_packet(
        tmp_path / "f", seed=777, kk_form="pdf_text", application_id="APP-2026-000001"
    )
    body = json.loads((flagged.folder / "application.json").read_text(encoding="utf-8"))
    body["applicant"]["tanggal_lahir"] = "1971-02-03"
    (flagged.folder / "application.json").write_text(json.dumps(body), encoding="utf-8")
    number = _verified(runner, flagged.folder)
    clean = _verified(
        runner,
        write_packet(
            tmp_path / "c", seed=4242, kk_form="pdf_text", application_id="APP-2026-000002"
        ).folder,
    )

    queue = _invoke(runner, "review", "list")
    assert f"{number}" in queue and "review" in queue and clean not in queue
    task_id = next(line.split()[0] for line in queue.splitlines() if number in line)
    _invoke(runner, "review", "claim", task_id, "--user", "siti")
    taken = _invoke(runner, "review", "claim", task_id, "--user", "budi", code=1)
    assert "already claimed by siti" in taken
    refused = _invoke(
        runner, "review", "decide", task_id, "reject", "--user", "siti", "--reason", "x", code=1
    )
    assert "reject needs a reason code" in refused
    decided = _invoke(runner, "review", "decide", task_id, "accept", "--user", "siti")
    assert f"{number}: task {task_id}: accept -> stage approval" in decided
    assert "no flow run carries this application yet" in decided

    four_eyes = _invoke(runner, "approve", number, "--user", "siti", code=1)
    assert "four-eyes rule verifier_not_adjudicator" in four_eyes
    bulk = _invoke(runner, "approve", "--all-clean", "--user", "agus")
    assert f"{clean}: approved -> biometrics" in bulk and number not in bulk
    assert "1 approved, 0 refused" in bulk
    status = _invoke(runner, "status", clean)
    assert "stage=biometrics" in status
