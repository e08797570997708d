"""Finding-code patterns as policy files write them: an exact code or a family ending in ``.*``.

A pattern must name something the verification vocabulary knows (``verification.findings``):
a registered code, or a family that holds at least one registered code or is one of the open
families (``eligibility.*``, ``quality.*``). A misspelt pattern would otherwise match nothing,
silently.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from verification.findings import FINDING_CODES, is_known_code

__all__ = ["CodePattern", "code_matches", "is_known_pattern"]

_OPEN_FAMILIES = ("eligibility.", "quality.")


def is_known_pattern(pattern: str) -> bool:
    """True for a known code or a ``family.*`` pattern that can match a known code.

    >>> is_known_pattern("fraud.tamper.*"), is_known_pattern("quality.*")
    (True, True)
    >>> is_known_pattern("fraud.tampering.*"), is_known_pattern("*")
    (False, False)
    """
    if pattern.endswith(".*"):
        prefix = pattern[:-1]
        return prefix.count(".") >= 1 and (
            prefix in _OPEN_FAMILIES or any(code.startswith(prefix) for code in FINDING_CODES)
        )
    return is_known_code(pattern)


def code_matches(pattern: str, code: str) -> bool:
    """Whether ``code`` is ``pattern`` or lies in the ``pattern`` family.

    >>> code_matches("fraud.*", "fraud.tamper.splice"), code_matches("fraud.*", "fraudulent")
    (True, False)
    """
    if pattern.endswith(".*"):
        return code.startswith(pattern[:-1])
    return code == pattern


def _known(pattern: str) -> str:
    if not is_known_pattern(pattern):
        raise ValueError(f"unknown finding code {pattern!r}")
    return pattern


CodePattern = Annotated[str, AfterValidator(_known)]
"""A policy field holding a finding code or ``family.*``; rejects unknown ones at load."""
