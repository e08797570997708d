"""Sign-in, sessions, CSRF and the role of every route: a role that must not reach a page
gets 403, an anonymous visitor is sent to sign in (real app, real database)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select

from flows.settings import Settings
from flows.wiring import Services
from storage.models import AuditEvent, HumanTask
from storage.users import set_active
from tests.console.conftest import PASSWORD, USERS, csrf_of, post
from tests.console.seed import flagged, in_approval

Clients = Callable[[str | None], TestClient]
ROLES = ("review", "case", "approval", "biometrics", "printing", "supervision", "audit")
# Which users reach each part (derived from the policy by console.security.roles_for).
REACHES = {
    "review": {"officer", "officer2", "vsuper", "super", "head"},
    "case": {"officer", "officer2", "vsuper", "super", "head", "adjudicator", "auditor"},
    "approval": {"adjudicator", "head"},
    "biometrics": {"bio"},
    "printing": {"printer"},
    "supervision": {"super", "head"},
    "audit": {"auditor"},
}


def _pages(number: str, doc: int, finding: int) -> list[tuple[str, str]]:
    """Every GET route with the part of the console it belongs to."""
    return [
        ("/review", "review"),
        (f"/cases/{number}", "case"),
        (f"/documents/{doc}/picture", "case"),
        (f"/documents/{doc}/words", "case"),
        (f"/findings/{finding}/picture", "case"),
        ("/approval", "approval"),
        ("/stations/biometrics", "biometrics"),
        ("/stations/printing", "printing"),
        ("/supervisor", "supervision"),
        ("/supervisor/tasks", "supervision"),
        ("/audit", "audit"),
        (f"/audit?q={number}", "audit"),
        (f"/audit/applications/{number}", "audit"),
        (f"/audit/applications/{number}/trail.csv", "audit"),
        ("/audit/chain", "audit"),
        ("/audit/fraud", "audit"),
        ("/audit/fraud.csv", "audit"),
    ]


def _actions(number: str, task: int) -> list[tuple[str, str, dict[str, object]]]:
    """Every POST route (but sign-in, sign-out and language) with its part."""
    return [
        (f"/tasks/{task}/claim", "review", {}),
        (f"/tasks/{task}/unclaim", "review", {}),
        (f"/tasks/{task}/decide", "review", {"verdict": "accept"}),
        (f"/tasks/{task}/reassign", "supervision", {"to_user": "officer2"}),
        ("/approval/approve", "approval", {"numbers": number}),
        ("/approval/approve-clean", "approval", {}),
        (f"/approval/{number}/reject", "approval", {"reason_code": "forged_document"}),
        (f"/stations/biometrics/{number}/capture", "biometrics", {}),
        (f"/stations/printing/{number}/print", "printing", {}),
        (f"/stations/printing/{number}/handover", "printing", {}),
    ]


def test_every_route_for_every_role(
    services: Services, client_for: Clients, tmp_path: Path
) -> None:
    case = flagged(services, tmp_path)
    pages = _pages(case.number, case.documents["kk"], case.finding_id)
    anonymous = client_for(None)
    for path, _ in pages:
        response = anonymous.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=/"), path
    for name in USERS:
        client = client_for(name)
        for path, part in pages:
            status = client.get(path).status_code
            expected = 200 if name in REACHES[part] else 403
            assert status == expected, f"{name} GET {path}: {status}, expected {expected}"
        for path, part, data in _actions(case.number, case.task_id):
            if name in REACHES[part]:
                continue  # what the allowed roles do is tested with the behaviour
            status = post(client, path, data).status_code
            # claiming is open to every desk's role, refused per task (flash and back):
            # the task must still be open and unassigned at the end
            refused = (303, 403) if path.endswith("claim") else (403,)
            assert status in refused, f"{name} POST {path}: {status}, expected 403"
    with services.sessions() as session:
        task = session.get(HumanTask, case.task_id)
        assert task is not None and (task.status, task.assignee) == ("open", None)


# Routes open to anyone: sign-in, sign-out, the language switch, the start page (which sends
# each user to their part) and the health check for the load balancer.
PUBLIC = {("GET", "/"), ("GET", "/login"), ("POST", "/login"), ("POST", "/logout"),
          ("POST", "/lang"), ("GET", "/healthz")}  # fmt: skip


def test_every_route_has_an_access_decision(app: FastAPI) -> None:
    """A route added without a place in the matrix above (or PUBLIC) fails here."""
    pages = [("GET", path.split("?")[0]) for path, _ in _pages("APP-2026-000001", 1, 1)]
    actions = [("POST", path) for path, _, _ in _actions("APP-2026-000001", 1)]
    covered = [*pages, *actions]
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue  # the static files mount
        for method in sorted(route.methods - {"HEAD"}):
            if (method, route.path) in PUBLIC:
                continue
            assert any(m == method and route.path_regex.fullmatch(path) for m, path in covered), (
                f"{method} {route.path} has no row in the access matrix"
            )


def test_every_post_needs_the_csrf_token(
    services: Services, client_for: Clients, tmp_path: Path
) -> None:
    """Sent by a user whose roles allow the action, so the token is what refuses it."""
    case = flagged(services, tmp_path)
    allowed = {part: sorted(names)[0] for part, names in REACHES.items()}
    for path, part, data in _actions(case.number, case.task_id):
        client = client_for(allowed[part])
        for token in (None, "guess"):
            sent = {**data, **({"csrf_token": token} if token else {})}
            response = client.post(path, data=sent)
            assert response.status_code == 403, f"POST {path} with token {token}"
            assert "Formulir kedaluwarsa" in response.text, path
    with services.sessions() as session:
        task = session.get(HumanTask, case.task_id)
        assert task is not None and (task.status, task.assignee) == ("open", None)


def test_home_sends_each_user_to_their_part(client_for: Clients) -> None:
    assert client_for("officer").get("/").headers["location"] == "/review"
    assert client_for("adjudicator").get("/").headers["location"] == "/approval"
    assert client_for("auditor").get("/").headers["location"] == "/audit"
    assert client_for(None).get("/").headers["location"].startswith("/login")


def test_sign_in_cookie_and_failures(services: Services, client_for: Clients) -> None:
    client = client_for(None)
    token = csrf_of(client)
    wrong = client.post(
        "/login", data={"name": "officer", "password": "x" * 12, "csrf_token": token}
    )
    assert wrong.status_code == 401 and "salah" in wrong.text  # Indonesian by default
    unknown = client.post(
        "/login", data={"name": "nobody", "password": PASSWORD, "csrf_token": token}
    )
    assert unknown.status_code == 401
    no_token = client.post("/login", data={"name": "officer", "password": PASSWORD})
    assert no_token.status_code == 403
    ok = client.post(
        "/login",
        data={
            "name": "officer",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example",
        },
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/"  # never another host
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "paspor_session=" in cookie
    assert client.get("/review").status_code == 200
    with services.sessions() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_type == "user")
        ).all()
    assert actions.count("user.sign_in_refused") == 2 and "user.signed_in" in actions

    stale = post(client, "/logout")
    assert stale.status_code == 303
    assert client.get("/review").status_code == 303


def test_csrf_token_is_required_on_posts(
    services: Services, client_for: Clients, tmp_path: Path
) -> None:
    case = flagged(services, tmp_path)
    officer = client_for("officer")
    forged = officer.post(f"/tasks/{case.task_id}/claim", data={"csrf_token": "guess"})
    assert forged.status_code == 403
    missing = officer.post(f"/tasks/{case.task_id}/claim")
    assert missing.status_code == 403
    with services.sessions() as session:
        assert session.get(HumanTask, case.task_id).status == "open"  # type: ignore[union-attr]
    assert 'name="csrf_token"' in officer.get(f"/cases/{case.number}").text


def test_locked_user_is_signed_out_at_once(services: Services, client_for: Clients) -> None:
    officer = client_for("officer")
    assert officer.get("/review").status_code == 200
    with services.sessions.begin() as session:
        set_active(session, name="officer", active=False, actor="test")
    assert officer.get("/review").status_code == 303


def test_english_on_request(services: Services, client_for: Clients, tmp_path: Path) -> None:
    in_approval(services, tmp_path)
    adjudicator = client_for("adjudicator")
    assert "Antrean persetujuan" in adjudicator.get("/approval").text
    post(adjudicator, "/lang", {"lang": "en", "back": "/approval"})
    page = adjudicator.get("/approval").text
    assert "Approval queue" in page and 'lang="en"' in page


def test_production_refuses_the_default_session_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASPOR_MODE", "production")
    monkeypatch.setenv("PASPOR_DATABASE_URL", "postgresql+psycopg://paspor@db/paspor")
    with pytest.raises(ValidationError, match="PASPOR_SESSION_SECRET is the development default"):
        Settings()
    monkeypatch.setenv("PASPOR_SESSION_SECRET", "short")
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings()
    monkeypatch.setenv("PASPOR_SESSION_SECRET", "s" * 40)
    assert Settings().mode == "production"
