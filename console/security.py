"""Who is signed in, what their roles let them reach, and CSRF tokens.

The session is a signed cookie (Starlette's ``SessionMiddleware``: HttpOnly, SameSite=Lax,
Secure in production) holding the user's name, the CSRF token and the language. The user row
is read again on every request, so a deactivated user or a changed role takes effect at once.
Each route depends on ``require(ROLES)``: anonymous visitors are sent to sign in, a user
without one of the roles gets 403. Every POST carries the session's CSRF token (a form field
``csrf_token`` or the ``X-CSRF-Token`` header), compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fastapi import Request

from flows.wiring import Services
from rules.policy import Policy
from storage.users import get_user

__all__ = [
    "CsrfFailed",
    "Forbidden",
    "Roles",
    "SignInRequired",
    "User",
    "check_csrf",
    "csrf_token",
    "current_user",
    "require",
    "roles_for",
]


class SignInRequired(Exception):
    """Nobody is signed in: the handler redirects to the sign-in page."""


class Forbidden(Exception):
    """The signed-in user has none of the roles the page needs: 403."""


class CsrfFailed(Exception):
    """A POST without the session's CSRF token: 403."""


@dataclass(frozen=True)
class User:
    name: str
    roles: frozenset[str]

    def has(self, roles: Iterable[str]) -> bool:
        return not self.roles.isdisjoint(roles)

    def role_for(self, allowed: Iterable[str]) -> str | None:
        """The user's role to act with where ``allowed`` roles may act (first in policy
        order), or None."""
        return next((role for role in allowed if role in self.roles), None)


@dataclass(frozen=True)
class Roles:
    """Which roles reach which part of the console, derived from the policy."""

    review: tuple[str, ...]
    case: tuple[str, ...]
    approval: tuple[str, ...]
    biometrics: tuple[str, ...]
    printing: tuple[str, ...]
    supervision: tuple[str, ...]
    audit: tuple[str, ...]


def roles_for(policy: Policy) -> Roles:
    review_stage = policy.stages["review"]
    review = (*review_stage.roles, review_stage.escalate_to, "head_of_office")
    approval = tuple(policy.stages["approval"].roles)
    supervision = ("supervisor", "head_of_office")
    return Roles(
        review=tuple(dict.fromkeys(review)),
        case=tuple(dict.fromkeys((*review, *approval, *supervision, "auditor"))),
        approval=approval,
        biometrics=("biometric_operator",),
        printing=tuple(policy.stages["printing"].roles),
        supervision=supervision,
        audit=("auditor",),
    )


def current_user(request: Request) -> User | None:
    if hasattr(request.state, "user"):
        return request.state.user  # type: ignore[no-any-return]
    user = None
    name = request.session.get("user")
    if isinstance(name, str):
        services: Services = request.app.state.services
        with services.sessions() as session:
            row = get_user(session, name=name)
            if row is not None and row.active:
                user = User(row.name, frozenset(row.roles))
        if user is None:
            request.session.pop("user", None)
    request.state.user = user
    return user


def require(roles: Callable[[Roles], Iterable[str]]) -> Callable[[Request], User]:
    """A dependency: the signed-in user holding one of ``roles(app roles)``."""

    def dependency(request: Request) -> User:
        user = current_user(request)
        if user is None:
            raise SignInRequired
        if not user.has(roles(request.app.state.roles)):
            raise Forbidden
        return user

    return dependency


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """A dependency of every POST route."""
    expected = request.session.get("csrf")
    given = request.headers.get("x-csrf-token")
    if given is None:
        value = (await request.form()).get("csrf_token")
        given = value if isinstance(value, str) else None
    if not (
        isinstance(expected, str)
        and given
        and hmac.compare_digest(expected.encode(), given.encode())
    ):
        raise CsrfFailed
