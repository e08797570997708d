"""The checks: small pure functions from a ``Case`` to findings (domain-spec section 11)."""

from __future__ import annotations

from collections.abc import Callable

from verification.checks.case import Case, CheckContext, DocumentRead
from verification.checks.documents import check_documents
from verification.checks.eligibility import check_eligibility
from verification.checks.identity import check_kk, check_nik
from verification.checks.people import check_birth, check_marital_status, check_names, check_parents
from verification.findings import Finding

__all__ = ["CHECKS", "Case", "CheckContext", "DocumentRead", "run_checks"]

Check = Callable[[Case, CheckContext], list[Finding]]

CHECKS: tuple[Check, ...] = (
    check_documents,
    check_nik,
    check_kk,
    check_names,
    check_birth,
    check_parents,
    check_marital_status,
    check_eligibility,
)


def run_checks(case: Case, ctx: CheckContext) -> list[Finding]:
    """Every check on one case, in catalogue order."""
    return [finding for check in CHECKS for finding in check(case, ctx)]
