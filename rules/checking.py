"""Checks under the policy in force: context from policy, required documents, and the route.

``verification.checks`` are pure and know nothing of policy; this module gives them the rule
version, severities and tolerances of ``policy.yaml``, adds what only policy can say (which
documents a category needs), and routes the findings.
"""

from __future__ import annotations

from collections.abc import Sequence

from rules.policy import Policy
from rules.requirements import ApplicantFacts
from rules.routing import RouteDecision
from verification.checks import Case, CheckContext, run_checks
from verification.findings import Finding
from verification.identity.names import NameTolerances
from verification.vocabulary import Category, DocumentType

__all__ = ["check_context", "evaluate", "requirement_findings"]

# A document that was uploaded but could not be read counts as present here: it already has
# its own finding (document.unreadable) asking for a better scan.
_PRESENT = ("ok", "unreadable", "error")


def check_context(policy: Policy) -> CheckContext:
    names = policy.name_matching
    return CheckContext(
        rule_version=policy.version,
        severity_of=policy.severity_of,
        tolerances=NameTolerances(
            jaro_winkler=names.jaro_winkler_threshold,
            max_edits=names.minor_variant_max_edits,
            max_differences=names.minor_variant_max_tokens,
        ),
        corroborating_fields=tuple(names.corroborating_fields),
    )


def requirement_findings(case: Case, policy: Policy, *, office: str = "default") -> list[Finding]:
    """C12/C17: every document the category requires was uploaded (domain-spec 5.1)."""
    facts = ApplicantFacts(
        had_passport=bool(case.form.had_passport), is_minor=case.category == "minor"
    )
    present = {DocumentType(d.type) for d in case.documents.values() if d.status in _PRESENT}
    missing = policy.missing_documents(Category(case.category), office, facts, present)
    return [
        Finding(
            "document.missing",
            policy.severity_of("document.missing"),
            policy.version,
            document=r.one_of[0].value,
            expected=" | ".join(t.value for t in r.one_of),
            message=f"required: {r.label} ({r.source})",
        )
        for r in missing
    ]


def evaluate(
    case: Case, policy: Policy, *, office: str = "default", extra: Sequence[Finding] = ()
) -> tuple[list[Finding], RouteDecision]:
    """All findings of one application under ``policy`` (plus ``extra`` ones found elsewhere,
    such as data-quality expectations) and the route they lead to."""
    findings = [
        *requirement_findings(case, policy, office=office),
        *run_checks(case, check_context(policy)),
        *extra,
    ]
    return findings, policy.route(findings)
