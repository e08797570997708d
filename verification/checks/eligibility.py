"""Eligibility (domain-spec 5.2, C10): category and validity choice against age and status."""

from __future__ import annotations

from verification.checks.case import Case, CheckContext
from verification.checks.people import age_on
from verification.findings import Finding

__all__ = ["check_eligibility"]

ADULT_AGE = 17


def check_eligibility(case: Case, ctx: CheckContext) -> list[Finding]:
    """10-year validity only for 17+ or married; a minor category only for the young and
    unmarried (Permenkumham 18/2022 Pasal 2A)."""
    form = case.form
    age = age_on(form.tanggal_lahir, case.ref_date)
    married = form.status_perkawinan != "BELUM KAWIN"
    findings = []
    if form.validity_years == 10 and age < ADULT_AGE and not married:
        findings.append(
            ctx.finding(
                "eligibility.validity",
                field="validity_years",
                expected="5",
                observed="10",
                message=f"10-year validity needs age {ADULT_AGE}+ or marriage (age {age})",
            )
        )
    is_minor = age < ADULT_AGE and not married
    if case.category == "minor" and not is_minor:
        findings.append(
            ctx.finding(
                "eligibility.category",
                field="category",
                expected="adult",
                observed="minor",
                message=f"applied as a minor at age {age}",
            )
        )
    elif case.category != "minor" and is_minor:
        findings.append(
            ctx.finding(
                "eligibility.category",
                field="category",
                expected="minor",
                observed=case.category,
                message=f"an unmarried applicant aged {age} applies as a minor",
            )
        )
    return findings
