"""What an identifier check can say is wrong with a number, shared by the NIK and No. KK modules.

A problem names the rule it breaks and how serious a *kind* of problem it is; how a problem
becomes a finding (code, severity, route) is the checks' and the rules' business, not ours.
Messages name the problem, never the number, so they can be logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength
from stdnum.util import isdigits

__all__ = ["IdentifierProblem", "ProblemKind", "raise_if_invalid", "sixteen_digits"]


class ProblemKind(StrEnum):
    """How far a problem goes."""

    INVALID = "invalid"  # the number cannot be one: a structure rule is broken
    REVIEW = "review"  # the number disagrees with other data; a person decides
    WARNING = "warning"  # probably harmless (e.g. a region renumbered after a split)


CodeT = TypeVar("CodeT", bound=StrEnum)


@dataclass(frozen=True)
class IdentifierProblem(Generic[CodeT]):
    """One broken rule: its code, the rule id of domain-spec section 7, kind and message."""

    code: CodeT
    rule: str
    kind: ProblemKind
    message: str

    def __str__(self) -> str:
        return f"{self.rule} {self.code}: {self.message}"


def raise_if_invalid(problems: Iterable[IdentifierProblem[Any]]) -> None:
    """Raise ``stdnum``'s ``InvalidComponent`` (a ``ValueError``) for the first INVALID problem,
    for the python-stdnum style ``validate`` functions."""
    for problem in problems:
        if problem.kind is ProblemKind.INVALID:
            raise InvalidComponent(problem.message)


def sixteen_digits(number: str, label: str) -> str:
    """``number`` (already compact) if it is 16 digits, as NIK and No. KK are; else stdnum's
    ``InvalidFormat``/``InvalidLength``, whose messages name ``label``, never the number.

    >>> sixteen_digits("1234", "a No. KK")
    Traceback (most recent call last):
        ...
    stdnum.exceptions.InvalidLength: a No. KK has 16 digits
    """
    if not isdigits(number):
        raise InvalidFormat(f"{label} has digits only")
    if len(number) != 16:
        raise InvalidLength(f"{label} has 16 digits")
    return number
