"""Routing findings to a route: each rule of the shipped policy, precedence and the default."""

from __future__ import annotations

from typing import Any

import pytest

from rules.names import NameLevel
from rules.policy import default_policy, route
from rules.routing import FindingMatch, ReviewAction, Route
from verification.findings import Evidence, Finding, Severity
from verification.vocabulary import DocumentType

S = Severity
A = ReviewAction


def finding(code: str, severity: Severity, document: str | None = None, **details: Any) -> Finding:
    return Finding(
        code,
        severity,
        rule_version="2026.2",
        document=document,
        evidence=Evidence(details=details),
    )


def name(level: NameLevel, severity: Severity = S.MEDIUM, **details: Any) -> Finding:
    return finding("crosscheck.name", severity, "ktp", name_level=level, **details)


@pytest.mark.parametrize(
    ("findings", "rules", "expected_route", "role", "priority", "actions"),
    [
        ([], [], Route.AUTO_APPROVE, None, None, ()),
        (
            [finding("fraud.watchlist", S.CRITICAL)],
            ["watchlist"],
            Route.HUMAN_REVIEW,
            "head_of_office",
            100,
            (A.CONFIRM_WATCHLIST_HIT,),
        ),
        (
            [finding("fraud.duplicate_application", S.CRITICAL)],
            ["duplicate_application"],
            Route.REJECT,
            None,
            None,
            (),
        ),
        (
            [name(NameLevel.MISMATCH), finding("crosscheck.birth_date", S.HIGH, "akta_kelahiran")],
            ["name_mismatch_with_identity_mismatch", "high_severity"],
            Route.HUMAN_REVIEW,
            "verification_supervisor",
            80,
            (A.FRAUD_REVIEW, A.REVIEW),
        ),
        (
            [name(NameLevel.MISMATCH), finding("crosscheck.parents", S.MEDIUM, "kk")],
            ["name_mismatch_with_identity_mismatch", "default"],
            Route.HUMAN_REVIEW,
            "verification_supervisor",
            80,
            (A.FRAUD_REVIEW, A.REVIEW),
        ),
        (
            [name(NameLevel.MISMATCH)],
            ["default"],
            Route.HUMAN_REVIEW,
            "verification_officer",
            50,
            (A.REVIEW,),
        ),
        (
            [finding("fraud.tamper.splice", S.HIGH, "ktp")],
            ["fraud_signal"],
            Route.HUMAN_REVIEW,
            "verification_supervisor",
            80,
            (A.FRAUD_REVIEW,),
        ),
        (
            [finding("fraud.pdf.edited", S.MEDIUM, "kk")],
            ["fraud_signal"],
            Route.HUMAN_REVIEW,
            "verification_supervisor",
            80,
            (A.FRAUD_REVIEW,),
        ),
        (
            [finding("document.missing", S.HIGH, "kk")],
            ["document_missing"],  # before high_severity: asks for the document
            Route.HUMAN_REVIEW,
            "verification_officer",
            60,
            (A.REQUEST_REUPLOAD,),
        ),
        (
            [finding("document.wrong_type", S.HIGH, "akta_kelahiran")],
            ["document_unusable"],
            Route.HUMAN_REVIEW,
            "verification_officer",
            60,
            (A.REQUEST_REUPLOAD,),
        ),
        ([name(NameLevel.EXACT, S.INFO)], ["name_equivalent"], Route.AUTO_APPROVE, None, None, ()),
        (
            [name(NameLevel.EQUIVALENT, S.HIGH)],
            ["name_equivalent"],
            Route.AUTO_APPROVE,
            None,
            None,
            (),
        ),
        (
            [name(NameLevel.MINOR_VARIANT, S.HIGH, corroborated=True)],
            ["name_minor_variant_corroborated"],
            Route.AUTO_APPROVE,
            None,
            None,
            (),
        ),
        (
            [name(NameLevel.MINOR_VARIANT, corroborated=False)],
            ["default"],
            Route.HUMAN_REVIEW,
            "verification_officer",
            50,
            (A.REVIEW,),
        ),
        (
            [name(NameLevel.MINOR_VARIANT, S.HIGH)],  # no corroboration reported
            ["high_severity"],
            Route.HUMAN_REVIEW,
            "verification_officer",
            70,
            (A.REVIEW,),
        ),
        (
            [finding("identity.nik_birth_date", S.HIGH, "ktp")],
            ["high_severity"],
            Route.HUMAN_REVIEW,
            "verification_officer",
            70,
            (A.REVIEW,),
        ),
        (
            [finding("quality.ktp.nik_format", S.LOW, "ktp")],
            ["quality_low"],
            Route.AUTO_APPROVE,
            None,
            None,
            (),
        ),
        (
            [finding("quality.ktp.nik_format", S.HIGH, "ktp")],
            ["high_severity"],
            Route.HUMAN_REVIEW,
            "verification_officer",
            70,
            (A.REVIEW,),
        ),
        (
            [finding("identity.nik_region", S.LOW, "ktp")],
            ["warnings"],
            Route.AUTO_APPROVE,
            None,
            None,
            (),
        ),
        (
            [finding("eligibility.validity", S.INFO)],
            ["warnings"],
            Route.AUTO_APPROVE,
            None,
            None,
            (),
        ),
        (
            [finding("crosscheck.parents", S.MEDIUM, "akta_kelahiran")],
            ["default"],
            Route.HUMAN_REVIEW,
            "verification_officer",
            50,
            (A.REVIEW,),
        ),
        (
            [finding("quality.kk.blur", S.LOW, "kk"), finding("document.missing", S.HIGH, "ktp")],
            ["quality_low", "document_missing"],
            Route.HUMAN_REVIEW,
            "verification_officer",
            60,
            (A.REQUEST_REUPLOAD,),
        ),
        (
            # The more urgent rule gives the task its role; every action is kept.
            [finding("fraud.tamper.font", S.HIGH, "ktp"), finding("fraud.watchlist", S.CRITICAL)],
            ["fraud_signal", "watchlist"],
            Route.HUMAN_REVIEW,
            "head_of_office",
            100,
            (A.CONFIRM_WATCHLIST_HIT, A.FRAUD_REVIEW),
        ),
        (
            # reject beats human_review (precedence); the reasons still show the watchlist hit.
            [
                finding("fraud.watchlist", S.CRITICAL),
                finding("fraud.duplicate_application", S.CRITICAL),
            ],
            ["watchlist", "duplicate_application"],
            Route.REJECT,
            None,
            None,
            (),
        ),
    ],
)
def test_route(
    findings: list[Finding],
    rules: list[str],
    expected_route: Route,
    role: str | None,
    priority: int | None,
    actions: tuple[ReviewAction, ...],
) -> None:
    decision = route(findings)
    assert [r.rule for r in decision.reasons] == rules
    assert [r.code for r in decision.reasons] == [f.code for f in findings]
    assert (decision.route, decision.role, decision.priority, decision.actions) == (
        expected_route,
        role,
        priority,
        actions,
    )
    assert decision.policy_version == default_policy().version


def test_reason_carries_the_finding_and_the_rule_outcome() -> None:
    [reason] = route([finding("document.missing", S.HIGH, "kk")]).reasons
    assert (reason.document, reason.severity, reason.route, reason.action) == (
        "kk",
        S.HIGH,
        Route.HUMAN_REVIEW,
        A.REQUEST_REUPLOAD,
    )


@pytest.mark.parametrize(
    ("match", "target", "others", "expected"),
    [
        (FindingMatch(codes=("crosscheck.*",)), name(NameLevel.EXACT), [], True),
        (FindingMatch(codes=("fraud.*",)), name(NameLevel.EXACT), [], False),
        (FindingMatch(severity_at_least=S.MEDIUM), finding("quality.x", S.LOW), [], False),
        (FindingMatch(severity_at_most=S.MEDIUM), finding("quality.x", S.MEDIUM), [], True),
        (FindingMatch(documents=(DocumentType.KK,)), finding("quality.x", S.LOW, "ktp"), [], False),
        (FindingMatch(documents=(DocumentType.KTP,)), finding("quality.x", S.LOW, "ktp"), [], True),
        (
            FindingMatch(name_levels=(NameLevel.EXACT,)),
            finding("crosscheck.name", S.LOW),
            [],
            False,
        ),
        (FindingMatch(corroborated=False), name(NameLevel.MINOR_VARIANT), [], True),
        # with_any_of looks at the other findings only, never at the finding itself.
        (FindingMatch(with_any_of=("crosscheck.name",)), name(NameLevel.MISMATCH), [], False),
        (
            FindingMatch(with_any_of=("crosscheck.*",)),
            name(NameLevel.MISMATCH),
            [finding("crosscheck.sex", S.HIGH)],
            True,
        ),
    ],
)
def test_finding_match(
    match: FindingMatch, target: Finding, others: list[Finding], expected: bool
) -> None:
    assert match.matches(target, others) is expected
