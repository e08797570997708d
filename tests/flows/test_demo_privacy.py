"""After a full demo run, no applicant's NIK, name or birth date is anywhere it must not be.

``paspor demo`` runs the whole story on the embedded defaults (its own Prefect server, the
flows served, approvals, captures, printing, and the auditors' Data Docs). Then every place
that is not the applicant's own record is searched for every sample applicant's NIK, name and
birth date (three spellings): the Prefect server's database and its log, Prefect's result
storage, the application log (the CLI's and every flow-run process's), the Data Docs, and what
the demo printed. The documents, the packets and paspor's own database hold personal data by
design and are not searched.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.logs import LOG_FILE
from tests.flows.privacy import folder_text, leaks, personal_values, sqlite_text

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_full_demo_leaves_no_personal_data_in_logs_prefect_or_data_docs(
    cli_env: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = cli_env
    home = data / "prefect"
    port = _free_port()
    # what the demo sets for its children, set here so that it is undone after the test
    monkeypatch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{port}/api")
    monkeypatch.setenv("PREFECT_LOCAL_STORAGE_PATH", str(home / "results"))
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")

    result = runner.invoke(app, ["demo", "--count", "2", "--prefect-port", str(port)])
    assert result.exit_code == 0, result.output
    assert "printed" in result.output

    applicants = [
        json.loads(p.read_text(encoding="utf-8"))["applicant"]
        for p in sorted((data / "demo" / "packets").glob("*/application.json"))
    ]
    assert len(applicants) == 5
    values = [v for applicant in applicants for v in personal_values(applicant)]

    log = (data / "logs" / LOG_FILE).read_text(encoding="utf-8")
    assert "waits in approval" in log  # flow-run processes write to the application log
    docs = data / "reports" / "quality"
    assert (docs / "index.html").is_file() or list(docs.rglob("index.html"))
    places = {
        "prefect database": sqlite_text(home / "prefect.db"),
        "prefect server log": (home / "server.log").read_text(encoding="utf-8", errors="replace"),
        "prefect results": folder_text(home / "results"),
        "application log": log,
        "data docs": folder_text(docs),
        "demo output": result.output,
    }
    assert all(places.values())  # each place has something in it to search
    assert leaks(values, places) == []
