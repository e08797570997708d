"""paspor verify and verify-batch on synthetic packets, with the real OCR pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from verification.synthetic.packet import write_packet


@pytest.fixture(scope="module")
def packets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("packets")
    write_packet(root / "APP-2026-000101", seed=101, application_id="APP-2026-000101")
    write_packet(
        root / "APP-2026-000102", seed=102, kk_form="pdf_scan", application_id="APP-2026-000102"
    )
    broken = root / "APP-2026-000103"
    broken.mkdir()
    (broken / "application.json").write_text('{"category": "tourist"}')
    return root


def test_verify_prints_the_report(cli_env: Path, runner: CliRunner, packets: Path) -> None:
    result = runner.invoke(app, ["verify", str(packets / "APP-2026-000101"), "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["application_id"] == "APP-2026-000101"
    assert body["route"] in ("auto_approve", "human_review", "reject")
    assert body["rule_version"]
    ktp = next(d for d in body["documents"] if d["type"] == "ktp")
    assert ktp["status"] == "ok" and len(ktp["sha256"]) == 64
    assert (
        ktp["fields"]["nik"]
        == json.loads((packets / "APP-2026-000101" / "application.json").read_text())["applicant"][
            "nik"
        ]
    )
    for finding in body["findings"]:
        assert {"code", "severity", "document", "field", "expected", "observed", "detail"} <= set(
            finding
        )


def test_unreadable_packet_still_gets_a_report(
    cli_env: Path, runner: CliRunner, packets: Path
) -> None:
    result = runner.invoke(app, ["verify", str(packets / "APP-2026-000103"), "--json"])
    body = json.loads(result.stdout)
    assert body["route"] == "human_review" and body["application_id"] == "APP-2026-000103"
    assert {f["field"] for f in body["findings"]} >= {"application_id", "category"}


def test_verify_batch_writes_one_report_per_packet(
    cli_env: Path, runner: CliRunner, packets: Path, tmp_path: Path
) -> None:
    out = tmp_path / "reports"
    result = runner.invoke(app, ["verify-batch", str(packets), "--out", str(out), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "APP-2026-000101.json",
        "APP-2026-000102.json",
        "APP-2026-000103.json",
    ]
    assert "3 reports in" in result.stdout
    assert "human_review" in result.stdout


def test_quality_report_renders_masked_data_docs(
    cli_env: Path, runner: CliRunner, packets: Path, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    assert runner.invoke(app, ["verify-batch", str(packets), "--out", str(reports)]).exit_code == 0
    docs = tmp_path / "docs"
    result = runner.invoke(app, ["quality", "report", str(reports), "--out", str(docs)])
    assert result.exit_code == 0, result.output
    assert "documents validated" in result.stdout
    assert (docs / "index.html").exists() or any(docs.rglob("index.html"))
    applicant = json.loads((packets / "APP-2026-000101" / "application.json").read_text())
    secrets = [applicant["applicant"]["nik"], applicant["applicant"]["nama"]]
    for page in docs.rglob("*"):
        if page.is_file():
            text = page.read_text(encoding="utf-8", errors="ignore")
            assert not [s for s in secrets if s in text], page


def test_an_edited_kk_pdf_goes_to_fraud_review(tmp_path: Path) -> None:
    from flows.verify import verify_packet
    from verification.synthetic.tamper import append_revision

    folder = tmp_path / "APP-2026-000111"
    write_packet(folder, seed=111, application_id="APP-2026-000111")
    kk = folder / "kk.pdf"
    kk.write_bytes(append_revision(kk.read_bytes(), producer="iLovePDF"))
    body = verify_packet(folder)
    edited = [f for f in body["findings"] if f["code"] == "fraud.pdf.edited"]
    assert len(edited) == 2 and all(f["document"] == "kk" for f in edited)
    assert body["route"] == "human_review"
    assert any(r["code"] == "fraud.pdf.edited" for r in body["routing"])
