"""The ``DocumentStore`` protocol and content-addressed object keys.

Keys are ``applications/{application number}/{document type}/{sha256}``: the same bytes under
the same application and type always land on the same key, so a put is idempotent, and the key
itself says what hash the bytes must have, so every read is verified against it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol, runtime_checkable

from verification.errors import IntegrityError, InvalidKey
from verification.packet import APPLICATION_ID_PATTERN

__all__ = [
    "DocumentStore",
    "PutResult",
    "StoredObject",
    "check_hash",
    "document_key",
    "parse_key",
    "sha256_hex",
]

_SEGMENT = re.compile(r"^[a-z0-9_]{1,32}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_KEY = re.compile(
    r"^(applications|evidence)/(APP-[0-9]{4}-[0-9]{6})/([a-z0-9_]{1,32})/([0-9a-f]{64})$"
)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_key(
    application: str, doc_type: str, sha256: str, *, area: str = "applications"
) -> str:
    """The object key for a document; refuses anything that could escape its folder.

    >>> document_key("APP-2026-000123", "ktp", "a" * 64)[:37]
    'applications/APP-2026-000123/ktp/aaaa'
    >>> document_key("../etc", "ktp", "a" * 64)
    Traceback (most recent call last):
    ...
    verification.errors.InvalidKey: application number must look like APP-YYYY-NNNNNN
    """
    if area not in ("applications", "evidence"):
        raise InvalidKey(f"unknown key area {area!r}")
    if not re.fullmatch(APPLICATION_ID_PATTERN, application):
        raise InvalidKey("application number must look like APP-YYYY-NNNNNN")
    if not _SEGMENT.fullmatch(doc_type):
        raise InvalidKey("document type must be lower-case letters, digits or '_'")
    if not _SHA256.fullmatch(sha256):
        raise InvalidKey("sha256 must be 64 lower-case hex digits")
    return f"{area}/{application}/{doc_type}/{sha256}"


def parse_key(key: str) -> tuple[str, str, str]:
    """(application number, document type, sha256) of a well-formed key."""
    match = _KEY.fullmatch(key)
    if match is None:
        raise InvalidKey("object key is not of the form applications/APP-…/type/sha256")
    return match.group(2), match.group(3), match.group(4)


def check_hash(key: str, data: bytes) -> bytes:
    """Return ``data`` if it has the hash its key names, else raise ``IntegrityError``."""
    _, _, expected = parse_key(key)
    actual = sha256_hex(data)
    if actual != expected:
        raise IntegrityError(f"stored object {key} has hash {actual[:12]}…, not its own")
    return data


@dataclass(frozen=True)
class PutResult:
    key: str
    created: bool  # False when the same bytes were already there (idempotent put)


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int


@runtime_checkable
class DocumentStore(Protocol):
    """Where uploaded documents and evidence images live."""

    def put(self, key: str, data: bytes, *, media_type: str) -> PutResult:
        """Store ``data`` under ``key`` (whose last segment must be its sha256)."""

    def get(self, key: str) -> bytes:
        """The bytes under ``key``, verified against the hash in the key."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove ``key``; removing a missing key is not an error."""

    def list_keys(self, prefix: str = "") -> Iterator[StoredObject]: ...

    def presigned_url(self, key: str, *, expires: timedelta) -> str | None:
        """A time-limited URL for a browser, or None when the backend has none."""
