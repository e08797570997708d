"""SQL injection and path traversal against every query and path parameter of the console,
and the security headers (real app, real database and store, both backends).

Each hostile request must be answered with a page or a refusal (never a 500), must not show
another application's data or a file from outside the store, and must leave every table as it
was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from console.app import SECURITY_HEADERS
from flows.wiring import Services
from storage.models import Application, ConsoleUser, Document, Finding, HumanTask
from tests.console.conftest import post
from tests.console.seed import flagged, in_approval

Clients = Callable[[str | None], TestClient]
INJECTIONS = (
    "'",
    "' OR 1=1 --",
    "' OR '1'='1",
    '" OR ""="',
    "1; DROP TABLE applications; --",
    "' UNION SELECT nik, form, number FROM applications --",
    "%' OR number LIKE '%",
    "APP-2026-%",
    "\\x00",
    "\x00",
    "ｎｉｋ＇ OR 1=1",
    "A" * 5000,
    "$(id)`id`{{7*7}}<script>alert(1)</script>",
)
TRAVERSALS = (
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2fpaspor.db",
    "/etc/passwd",
    "....//....//etc/passwd",
    "..\\..\\paspor.db",
    "1%00.png",
    "1;DROP TABLE documents",
    "-1",
    "99999999999999999999999",
)
LEAKS = ("root:x:0", "SQLite format", "Traceback", "sqlalchemy", "psycopg")


def _counts(services: Services) -> tuple[int, ...]:
    with services.sessions() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Application, Document, Finding, HumanTask, ConsoleUser)
        )


def _safe(response: object, path: str, *, hidden: str | None = None) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    text = response.text  # type: ignore[attr-defined]
    assert status < 500, f"{path}: {status}"
    assert hidden is None or hidden not in text, f"{path} shows another application"
    assert not any(leak in text for leak in LEAKS), f"{path} leaks {text[:200]!r}"


def test_injections_in_search_and_filters_find_nothing_and_change_nothing(
    services: Services, client_for: Clients, tmp_path: Path
) -> None:
    case = flagged(services, tmp_path / "a")
    other = in_approval(services, tmp_path / "b")
    before = _counts(services)
    auditor, officer, boss = client_for("auditor"), client_for("officer"), client_for("super")
    for payload in INJECTIONS:
        value = quote(payload, safe="")
        search = f"/audit?q={value}"  # finds nothing (filters below ignore bad values)
        _safe(auditor.get(search), search, hidden=other.number)
        for client, path in (
            (auditor, f"/audit/fraud?code={value}&severity={value}&since={value}"),
            (auditor, f"/audit/fraud.csv?code={value}&severity={value}&since={value}"),
            (officer, f"/review?stage={value}&older={value}&deadline={value}&status={value}"),
            (officer, f"/review?mine={value}&page={value}"),
            (boss, f"/supervisor/tasks?stage={value}&older={value}&page={value}"),
            (boss, f"/supervisor?day={value}"),
            (client_for("bio"), f"/stations/biometrics?station={value}&day={value}"),
        ):
            _safe(client.get(path), path)
    assert _counts(services) == before
    # the search still finds what it should
    assert case.number in auditor.get(f"/audit?q={case.number}").text


def test_traversal_and_junk_in_path_parameters_serve_nothing(
    services: Services, client_for: Clients, tmp_path: Path
) -> None:
    case = flagged(services, tmp_path / "a")
    other = in_approval(services, tmp_path / "b")
    before = _counts(services)
    officer, auditor = client_for("officer"), client_for("auditor")
    printer, bio = client_for("printer"), client_for("bio")
    for payload in (*TRAVERSALS, *INJECTIONS[:7]):
        part = quote(payload, safe="%/")  # some already encoded, some with raw slashes
        for client, path in (
            (officer, f"/cases/{part}"),
            (officer, f"/documents/{part}/picture"),
            (officer, f"/documents/{part}/words"),
            (officer, f"/findings/{part}/picture"),
            (auditor, f"/audit/applications/{part}"),
            (auditor, f"/audit/applications/{part}/trail.csv"),
            (officer, f"/static/{part}"),
        ):
            response = client.get(path)
            _safe(response, path, hidden=other.number)
            assert response.status_code in (400, 403, 404, 405, 422), f"{path}: served"
        for client, path in (
            (printer, f"/stations/printing/{part}/print"),
            (printer, f"/stations/printing/{part}/handover"),
            (bio, f"/stations/biometrics/{part}/capture"),
            (officer, f"/tasks/{part}/claim"),
        ):
            _safe(post(client, path, {}), path, hidden=other.number)
    assert _counts(services) == before
    assert officer.get(f"/cases/{case.number}").status_code == 200


def test_every_response_carries_the_security_headers(client_for: Clients) -> None:
    for client, path in ((client_for(None), "/login"), (client_for("officer"), "/review")):
        response = client.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (path, name)
    csp = SECURITY_HEADERS["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_a_lost_or_damaged_file_is_a_clear_refusal_not_a_crash(
    services: Services, client_for: Clients, tmp_path: Path
) -> None:
    case = flagged(services, tmp_path)
    officer = client_for("officer")
    ktp, kk = case.documents["ktp"], case.documents["kk"]
    with services.sessions() as session:
        keys = {d.id: d.object_key for d in session.scalars(select(Document))}
    root = services.store.root  # type: ignore[attr-defined]
    (root / str(keys[ktp])).unlink()
    (root / str(keys[kk])).write_bytes(b"not what was stored")
    assert officer.get(f"/documents/{ktp}/picture").status_code == 404
    damaged = officer.get(f"/documents/{kk}/picture")
    assert damaged.status_code == 409 and "paspor check" in damaged.text
