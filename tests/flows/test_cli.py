"""The paspor command end to end on the embedded defaults (SQLite file, filesystem store)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app
from storage.migrate import head_revision
from tests.factories import packet_json, write_packet


def _ok(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_commands_need_an_upgraded_schema(cli_env: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["status", "APP-2026-000001"])
    assert result.exit_code == 1
    assert "run `paspor db upgrade` first" in result.stderr


def test_submit_then_status(cli_env: Path, runner: CliRunner, tmp_path: Path) -> None:
    assert f"revision {head_revision()}" in _ok(runner, "db", "upgrade")
    packet = write_packet(tmp_path / "packet")
    (packet / "kk.pdf").write_text("<html>a web page saved as pdf</html>")
    submitted = runner.invoke(app, ["submit", str(packet)])
    assert submitted.exit_code == 0, submitted.output
    assert submitted.stdout.strip() == "APP-2026-000123"
    assert "kk               refused  kk.pdf  (file is not a JPEG, PNG or PDF" in submitted.stderr

    shown = _ok(runner, "status", "APP-2026-000123")
    assert "stage=intake" in shown
    assert "ktp              stored   image/jpeg" in shown
    assert "- -> intake  by cli  (submitted)" in shown
    assert "1471024508900003" not in shown  # status shows no NIK

    report = json.loads(_ok(runner, "status", "APP-2026-000123", "--json"))
    assert [d["status"] for d in report["documents"]] == ["stored", "refused", "stored"]
    assert report["audit_events"] == 4
    assert (cli_env / "paspor.db").exists()
    assert (cli_env / "documents" / "applications" / "APP-2026-000123" / "ktp").is_dir()


def test_submit_reports_every_packet_problem(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    _ok(runner, "db", "upgrade")
    bad = packet_json(category="tourist")
    bad["applicant"]["nik"] = "12"
    result = runner.invoke(app, ["submit", str(write_packet(tmp_path / "bad", packet=bad))])
    assert result.exit_code == 1
    assert "the packet is invalid (2 problem(s))" in result.stderr
    assert "applicant.nik: must be exactly 16 digits" in result.stderr
    assert "category: input should be" in result.stderr


def test_submit_twice_is_refused(cli_env: Path, runner: CliRunner, tmp_path: Path) -> None:
    _ok(runner, "db", "upgrade")
    packet = write_packet(tmp_path / "p")
    _ok(runner, "submit", str(packet))
    again = runner.invoke(app, ["submit", str(packet)])
    assert again.exit_code == 1 and "already stored" in again.stderr


def test_status_of_unknown_application(cli_env: Path, runner: CliRunner) -> None:
    _ok(runner, "db", "upgrade")
    result = runner.invoke(app, ["status", "APP-2026-999999"])
    assert result.exit_code == 1 and "no application APP-2026-999999" in result.stderr


def test_audit_verify_finds_an_edited_row(cli_env: Path, runner: CliRunner, tmp_path: Path) -> None:
    _ok(runner, "db", "upgrade")
    _ok(runner, "submit", str(write_packet(tmp_path / "p")))
    assert "audit chain intact: 4 events" in _ok(runner, "audit", "verify")
    with sqlite3.connect(cli_env / "paspor.db") as db:
        db.execute("update audit_events set actor = 'mallory' where seq = 2")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "event 2: content does not match its hash (edited)" in result.stderr
    assert "audit chain BROKEN" in result.stderr


def test_store_orphans(cli_env: Path, runner: CliRunner, tmp_path: Path) -> None:
    _ok(runner, "db", "upgrade")
    _ok(runner, "submit", str(write_packet(tmp_path / "p")))
    stray = cli_env / "documents" / "applications" / "APP-2026-000999" / "ktp" / ("e" * 64)
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"left over")
    listed = runner.invoke(app, ["store", "orphans"])
    assert listed.exit_code == 0
    assert listed.stdout.strip() == f"applications/APP-2026-000999/ktp/{'e' * 64}  9 B"
    removed = runner.invoke(app, ["store", "orphans", "--delete"])
    assert "1 orphan object(s) removed" in removed.stderr and not stray.exists()


def test_check_passes_a_consistent_office_and_names_a_lost_file(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    _ok(runner, "db", "upgrade")
    _ok(runner, "submit", str(write_packet(tmp_path / "p")))
    passed = runner.invoke(app, ["check"])
    assert passed.exit_code == 0, passed.output
    assert "1 applications, 3 stored files" in passed.stdout and "consistent" in passed.stdout
    lost = next((cli_env / "documents" / "applications" / "APP-2026-000123" / "ktp").iterdir())
    lost.unlink()
    failed = runner.invoke(app, ["check", "--quick"])
    assert failed.exit_code == 1
    assert "document.missing  application 1: document 1:" in failed.stderr
    assert "INCONSISTENT: 1 problem(s)" in failed.stderr


def test_readme_documents_every_finding_code() -> None:
    from verification.findings import FINDING_CODES

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert [code for code in FINDING_CODES if f"`{code}`" not in readme] == []


def test_watchlist_load_and_fraud_check(cli_env: Path, runner: CliRunner, tmp_path: Path) -> None:
    _ok(runner, "db", "upgrade")
    _ok(runner, "submit", str(write_packet(tmp_path / "first")))
    second = write_packet(tmp_path / "second", packet=packet_json("APP-2026-000124"))
    _ok(runner, "submit", str(second))
    listed = tmp_path / "daftar.csv"
    listed.write_text(
        "name,birth_date,nik,reason,valid_until\nSITI AMINAH,1990-08-05,,pencegahan,\n",
        encoding="utf-8",
    )
    loaded = _ok(runner, "watchlist", "load", str(listed), "--actor", "supervisor-1")
    assert "1 active entries from daftar.csv" in loaded

    shown = _ok(runner, "fraud", "check", "APP-2026-000124")
    assert "fraud.duplicate_application" in shown and "APP-2026-000123 (intake)" in shown
    assert "fraud.watchlist" in shown
    assert "fraud.document_reused" in shown  # the same KTP file in both applications
    assert "1471024508900003" not in shown and "SITI AMINAH" not in shown

    bad = tmp_path / "bad.csv"
    bad.write_text("name,birth_date,nik,reason,valid_until\nX,1990-02-30,,r,\n", encoding="utf-8")
    refused = runner.invoke(app, ["watchlist", "load", str(bad), "--actor", "supervisor-1"])
    assert refused.exit_code == 1
    assert "line 2: birth_date is not a date" in refused.stderr


def test_passport_history_import_and_denied_prior_passport(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    _ok(runner, "db", "upgrade")
    packet = packet_json("APP-2026-000125")
    packet["applicant"]["had_passport"] = False
    _ok(runner, "submit", str(write_packet(tmp_path / "p", packet=packet)))
    history = tmp_path / "simkim.csv"
    history.write_text(
        "number,nik,issued_on,expires_on,status\n"
        "X1234567,1471024508900003,2016-03-01,2021-03-01,expired\n",
        encoding="utf-8",
    )
    imported = _ok(runner, "passports", "import", str(history), "--actor", "supervisor-1")
    assert "1 added, 0 already recorded" in imported
    shown = _ok(runner, "fraud", "check", "APP-2026-000125")
    assert "fraud.prior_passport_denied" in shown
    assert "1 fraud finding(s)" in shown
