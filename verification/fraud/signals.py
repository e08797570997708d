"""What a detector saw, turned into findings: one way for every fraud detector."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from verification.checks.case import CheckContext
from verification.findings import Evidence, Finding

__all__ = ["Signal", "signal_findings"]

# (finding code, evidence details: method, parameters, score and threshold, what was seen)
Signal = tuple[str, dict[str, Any]]


def signal_findings(
    signals: Iterable[Signal],
    *,
    document: str,
    sha256: str | None,
    ctx: CheckContext,
    message: Callable[[str, dict[str, Any]], str],
    field: str | None = None,
) -> list[Finding]:
    """One finding per signal, with the stored file's hash and, where the details give one,
    the box on the page."""
    findings = []
    for code, details in signals:
        box = details.get("box")
        findings.append(
            ctx.finding(
                code,
                document=document,
                field=field,
                message=message(code, details),
                evidence=Evidence(
                    sha256=sha256,
                    document=document,
                    box=(box[0], box[1], box[2], box[3]) if box and len(box) == 4 else None,
                    details=details,
                ),
            )
        )
    return findings
