"""The exception tree of paspor.

Exceptions are for broken input or broken infrastructure, never for an anomaly a check finds
(checks return findings). Every error message names the problem without personal data: no NIK,
name or date of birth appears in a message, so messages may be logged and shown in Prefect.

::

    PasporError
    ├── InputError (ValueError)            non-retryable: the input itself is wrong
    │   ├── PacketInvalid                  application.json breaks the packet contract
    │   ├── UploadRefused                  a file is refused at intake
    │   │   ├── UnsupportedMediaType       not JPEG, PNG or PDF (sniffed from the bytes)
    │   │   ├── FileTooLarge               over the configured upload limit
    │   │   └── DecompressionBomb          an image whose pixel count is over the limit
    │   ├── DocumentUnreadable             the bytes cannot be read as a document
    │   ├── MrzInvalid                     MRZ text outside A-Z, 0-9 and <, or of the wrong length
    │   └── InvalidKey                     an object key or file name that could escape the store
    ├── NotFound (LookupError)             no such application, document or object
    ├── ConflictError                      the state moved on under us; do not retry blindly
    │   ├── AlreadyExists                  an application with that number is already stored
    │   ├── StageConflict                  a conditional stage change found another stage
    │   └── TaskAlreadyClaimed             another person claimed the task first
    ├── IntegrityError                     stored bytes do not match their hash
    └── InfrastructureError                retryable: a backing service is unavailable
        └── StoreUnavailable               the document store cannot be reached

``is_retryable(exc)`` tells task retry rules which is which.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "AlreadyExists",
    "ConflictError",
    "DecompressionBomb",
    "DocumentUnreadable",
    "FileTooLarge",
    "InfrastructureError",
    "InputError",
    "IntegrityError",
    "InvalidKey",
    "MrzInvalid",
    "NotFound",
    "NotPermitted",
    "PacketInvalid",
    "PacketProblem",
    "PasporError",
    "StageConflict",
    "StoreUnavailable",
    "TaskAlreadyClaimed",
    "UnsupportedMediaType",
    "UploadRefused",
    "is_retryable",
]


class PasporError(Exception):
    """Base of every error raised by paspor code."""


class InputError(PasporError, ValueError):
    """The input is wrong; retrying the same input cannot help."""


@dataclass(frozen=True)
class PacketProblem:
    """One problem in a packet: where (a dotted field path) and what is wrong."""

    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}"


class PacketInvalid(InputError):
    """application.json breaks the packet contract; lists every problem at once."""

    def __init__(self, problems: Sequence[PacketProblem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"the packet is invalid ({len(self.problems)} problem(s)):\n{lines}")


class UploadRefused(InputError):
    """A file that intake refuses to store, with the reason."""


class UnsupportedMediaType(UploadRefused):
    """Not a JPEG, PNG or PDF, judged from the bytes rather than the file name."""


class FileTooLarge(UploadRefused):
    """Over the configured upload size limit."""


class DecompressionBomb(UploadRefused):
    """An image declaring more pixels than the configured limit."""


class DocumentUnreadable(InputError):
    """The bytes cannot be read as a document (truncated, encrypted, empty, fake)."""


class MrzInvalid(InputError):
    """MRZ lines or fields that are not ICAO 9303 text: A-Z, 0-9 and <, at their length."""


class InvalidKey(InputError):
    """An object key or file name that is malformed or could escape its folder."""


class NotFound(PasporError, LookupError):
    """No such application, document, task or stored object."""


class NotPermitted(PasporError, PermissionError):
    """The person may not do this: wrong role, or four-eyes forbids it."""


class ConflictError(PasporError):
    """The state moved on under us; the caller must look again before acting."""


class AlreadyExists(ConflictError):
    """An application with this number is already stored."""


class StageConflict(ConflictError):
    """A conditional stage change found the application in another stage."""

    def __init__(self, application: str, expected: str, actual: str | None) -> None:
        self.application = application
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"application {application} is in stage {actual!r}, not {expected!r}: "
            "someone else moved it first"
        )


class TaskAlreadyClaimed(ConflictError):
    """A human task is already claimed by someone else (first come, first served)."""

    def __init__(self, task_id: int, assignee: str | None) -> None:
        self.task_id = task_id
        self.assignee = assignee
        who = f"already claimed by {assignee}" if assignee else "no longer open"
        super().__init__(f"task {task_id} is {who}")


class IntegrityError(PasporError):
    """Stored bytes do not match the hash they were stored under."""


class InfrastructureError(PasporError):
    """A backing service (database, document store) is unavailable; retry later."""


class StoreUnavailable(InfrastructureError):
    """The document store cannot be reached."""


def is_retryable(exc: BaseException) -> bool:
    """True for errors a retry may cure (infrastructure), False for wrong input or state."""
    return isinstance(exc, InfrastructureError)
