"""Four-eyes rules of the shipped policy (domain-spec 13)."""

from __future__ import annotations

import pytest

from rules.four_eyes import Act, Signature, SignOffAct
from rules.policy import default_policy
from verification.findings import Severity

ADJUDICATE = Act(stage="approval", role="adjudicator")


@pytest.mark.parametrize(
    ("act", "earlier", "conflicts"),
    [
        (ADJUDICATE, [], []),
        (
            ADJUDICATE,
            [Act(stage="review", role="verification_officer")],
            ["verifier_not_adjudicator"],
        ),
        (
            ADJUDICATE,
            [Act(stage="review", role="verification_supervisor")],
            ["verifier_not_adjudicator"],
        ),
        (
            ADJUDICATE,
            [Act(stage="intake", role="verification_officer")],
            ["verifier_not_adjudicator"],
        ),
        (
            ADJUDICATE,
            [Act(stage="biometrics", role="interviewer")],
            ["interviewer_not_adjudicator"],
        ),
        (
            Act(stage="approval", role="head_of_office"),
            [
                Act(stage="review", role="verification_officer"),
                Act(stage="biometrics", role="interviewer"),
            ],
            ["verifier_not_adjudicator", "interviewer_not_adjudicator"],
        ),
        (ADJUDICATE, [Act(stage="biometrics", role="biometric_operator")], []),
        (ADJUDICATE, [Act(stage="approval", role="adjudicator")], []),  # the same step again
        (
            Act(stage="review", role="verification_officer"),
            [Act(stage="review", role="verification_officer")],
            [],
        ),
    ],
)
def test_separation_of_duties(act: Act, earlier: list[Act], conflicts: list[str]) -> None:
    assert [r.id for r in default_policy().four_eyes.conflicts(act, earlier)] == conflicts


@pytest.mark.parametrize(
    ("act", "code", "severity", "rules"),
    [
        (
            SignOffAct.OVERRIDE_FINDING,
            "crosscheck.birth_date",
            Severity.HIGH,
            ["high_severity_override"],
        ),
        (
            SignOffAct.OVERRIDE_FINDING,
            "fraud.watchlist",
            Severity.CRITICAL,
            ["high_severity_override", "watchlist_release"],
        ),
        (SignOffAct.OVERRIDE_FINDING, "crosscheck.parents", Severity.MEDIUM, []),
        (SignOffAct.OVERRIDE_FINDING, None, None, []),
        (SignOffAct.CANCEL_PRINTED_BOOK, None, None, ["printed_book_cancellation"]),
    ],
)
def test_sign_offs_for(
    act: SignOffAct, code: str | None, severity: Severity | None, rules: list[str]
) -> None:
    found = default_policy().four_eyes.sign_offs_for(act, code=code, severity=severity)
    assert [r.id for r in found] == rules


def sig(person: str, role: str) -> Signature:
    return Signature(person=person, role=role)


@pytest.mark.parametrize(
    ("rule", "signatures", "satisfied"),
    [
        ("high_severity_override", [sig("a", "adjudicator"), sig("b", "head_of_office")], True),
        ("high_severity_override", [sig("a", "adjudicator"), sig("b", "adjudicator")], True),
        ("high_severity_override", [sig("a", "adjudicator"), sig("a", "head_of_office")], False),
        ("high_severity_override", [sig("a", "adjudicator")], False),
        ("high_severity_override", [sig("a", "head_of_office"), sig("b", "head_of_office")], False),
        ("watchlist_release", [sig("h", "head_of_office")], True),
        ("watchlist_release", [sig("a", "adjudicator"), sig("s", "supervisor")], False),
        (
            "printed_book_cancellation",
            [sig("q", "printing_operator"), sig("s", "supervisor")],
            True,
        ),
        ("printed_book_cancellation", [sig("s", "supervisor"), sig("t", "supervisor")], False),
    ],
)
def test_sign_off_satisfaction(rule: str, signatures: list[Signature], satisfied: bool) -> None:
    [found] = [r for r in default_policy().four_eyes.sign_offs if r.id == rule]
    assert found.is_satisfied_by(signatures) is satisfied
