"""``paspor users`` and the console served by uvicorn from its factory's name, as ``paspor
serve`` and ``paspor console`` run it (SQLite data folder of the test)."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import httpx
from typer.testing import CliRunner

from flows.cli import app
from flows.serving import console_server
from flows.wiring import get_services
from storage.migrate import upgrade
from storage.users import get_user

PASSWORD = "sandi-baru-yang-panjang"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_users_add_list_lock_and_sign_in(cli_env: Path, runner: CliRunner) -> None:
    upgrade(get_services().engine)
    added = runner.invoke(
        app,
        ["users", "add", "siti", "--role", "verification_officer", "--role", "auditor"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert added.exit_code == 0, added.output
    assert "siti added" in added.output and PASSWORD not in added.output
    with get_services().sessions() as session:
        user = get_user(session, name="siti")
        assert user is not None and user.password_hash.startswith("$argon2id$")
        assert user.roles == ["auditor", "verification_officer"]

    again = runner.invoke(
        app, ["users", "add", "siti", "--role", "auditor"], input=f"{PASSWORD}\n" * 2
    )
    assert again.exit_code == 1 and "exists already" in again.output
    bad_role = runner.invoke(app, ["users", "add", "budi", "--role", "wizard"], input="x\nx\n")
    assert bad_role.exit_code == 1 and "unknown role" in bad_role.output
    short = runner.invoke(
        app, ["users", "add", "budi", "--role", "auditor"], input="pendek\npendek\n"
    )
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    assert "siti" in runner.invoke(app, ["users", "list"]).output

    port = _free_port()
    with console_server("127.0.0.1", port) as url, httpx.Client(base_url=url) as client:
        login = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert token is not None
        signed = client.post(
            "/login", data={"name": "siti", "password": PASSWORD, "csrf_token": token.group(1)}
        )
        assert signed.status_code == 303 and signed.headers["location"] == "/"
        assert client.get("/review").status_code == 200
        locked = runner.invoke(app, ["users", "lock", "siti"])
        assert locked.exit_code == 0
        assert client.get("/review").status_code == 303
