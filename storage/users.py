"""People who sign in to the console: names, roles and argon2id password hashes.

A user is created by ``paspor users add`` and never deleted (decisions and audit events name
them); ``set_active`` locks one out. Passwords are hashed with argon2id (``argon2-cffi``'s
defaults, RFC 9106); a hash made with older parameters is replaced at the next sign-in.
Checking a name that does not exist still costs one hash verification, so the time a sign-in
takes does not tell whether the name exists. Audit events name the user and the roles, never
the password or its hash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.audit import append_event
from storage.models import ConsoleUser, utcnow
from verification.errors import AlreadyExists, InputError, NotFound

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "add_user",
    "authenticate",
    "get_user",
    "hash_password",
    "list_users",
    "set_active",
]

MIN_PASSWORD_LENGTH = 10
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_HASHER = PasswordHasher()
# Verified against when the name is unknown, so both paths cost the same.
_DUMMY_HASH = _HASHER.hash("paspor: no such user")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def add_user(
    session: Session, *, name: str, password: str, roles: Iterable[str], actor: str
) -> ConsoleUser:
    """Store a new user; the caller has checked the roles against the policy."""
    chosen = sorted(set(roles))
    if not _NAME.match(name):
        raise InputError("a user name is 2-64 lower-case letters, digits, '.', '_' or '-'")
    if not chosen:
        raise InputError("a user needs at least one role")
    if get_user(session, name=name) is not None:
        raise AlreadyExists(f"user {name} exists already")
    user = ConsoleUser(
        name=name,
        password_hash=hash_password(password),
        roles=chosen,
        active=True,
        created_by=actor,
        created_at=utcnow(),
        password_changed_at=utcnow(),
    )
    session.add(user)
    session.flush()
    append_event(
        session,
        actor=actor,
        action="user.created",
        entity_type="user",
        entity_id=name,
        payload={"roles": chosen},
    )
    return user


def get_user(session: Session, *, name: str) -> ConsoleUser | None:
    return session.scalars(select(ConsoleUser).where(ConsoleUser.name == name)).first()


def list_users(session: Session) -> Sequence[ConsoleUser]:
    return session.scalars(select(ConsoleUser).order_by(ConsoleUser.name)).all()


def authenticate(session: Session, *, name: str, password: str) -> ConsoleUser | None:
    """The active user with this name and password, else None (for any reason: unknown name,
    wrong password, locked out). Each attempt is an audit event."""
    user = get_user(session, name=name)
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    if ok and user is not None and _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
        user.password_changed_at = utcnow()
    append_event(
        session,
        actor=name if user is not None else "unknown",
        action="user.signed_in" if ok else "user.sign_in_refused",
        entity_type="user",
        entity_id=name if user is not None else "-",
        payload={},
    )
    return user if ok else None


def set_active(session: Session, *, name: str, active: bool, actor: str) -> ConsoleUser:
    user = get_user(session, name=name)
    if user is None:
        raise NotFound(f"no user {name}")
    user.active = active
    append_event(
        session,
        actor=actor,
        action="user.activated" if active else "user.deactivated",
        entity_type="user",
        entity_id=name,
        payload={},
    )
    return user
