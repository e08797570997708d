"""``paspor users`` and ``paspor console``: the people who sign in, and the web console.

The console is served by uvicorn from its factory's name (``console.app:create_app``): the
command line sits below the console in the import layers and never imports it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli_workflow import fail, services_or_fail
from rules.policy import default_policy
from storage.users import add_user, list_users, set_active
from verification.errors import PasporError

__all__ = ["APP_FACTORY", "register", "serve_console"]

APP_FACTORY = "console.app:create_app"
users_app = typer.Typer(no_args_is_help=True, help="People who sign in to the console.")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name (lower case, e.g. siti.aminah)")],
    role: Annotated[list[str], typer.Option("--role", help="A role of the policy (repeat)")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="PASPOR_NEW_USER_PASSWORD",
            help="Asked for when not given (or PASPOR_NEW_USER_PASSWORD)",
        ),
    ],
    actor: Annotated[str, typer.Option("--actor", help="Who adds the user")] = "cli",
) -> None:
    """Add a console user with one or more roles; the password is stored as an argon2id hash."""
    known = default_policy().roles
    unknown = [r for r in role if r not in known]
    if unknown:
        raise fail(f"unknown role(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    services = services_or_fail()
    try:
        with services.sessions.begin() as session:
            add_user(session, name=name, password=password, roles=role, actor=actor)
    except PasporError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"user {name} added with role(s) {', '.join(sorted(set(role)))}")


@users_app.command("list")
def users_list() -> None:
    """Every console user, with roles and whether they may sign in."""
    services = services_or_fail()
    with services.sessions() as session:
        for user in list_users(session):
            state = "active" if user.active else "locked"
            typer.echo(f"{user.name:<24} {state:<7} {', '.join(user.roles)}")


@users_app.command("lock")
def users_lock(
    name: str,
    unlock: Annotated[bool, typer.Option("--unlock", help="Let the user sign in again")] = False,
    actor: Annotated[str, typer.Option("--actor")] = "cli",
) -> None:
    """Stop a user from signing in (or, with --unlock, let them again)."""
    services = services_or_fail()
    try:
        with services.sessions.begin() as session:
            set_active(session, name=name, active=unlock, actor=actor)
    except PasporError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"user {name} {'unlocked' if unlock else 'locked'}")


def serve_console(host: str, port: int) -> None:
    """Serve the console until interrupted (blocking)."""
    import uvicorn

    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, log_level="warning")


def console(
    host: Annotated[str | None, typer.Option(help="Default PASPOR_CONSOLE_HOST")] = None,
    port: Annotated[int | None, typer.Option(help="Default PASPOR_CONSOLE_PORT")] = None,
) -> None:
    """Serve the officers' web console (default http://127.0.0.1:8000) until Ctrl-C."""
    services = services_or_fail()
    settings = services.settings
    host, port = host or settings.console_host, port or settings.console_port
    typer.echo(f"console on http://{host}:{port} (sign in with a `paspor users add` user)")
    serve_console(host, port)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.command()(console)
