"""Routing: from the findings of a verification to a route, by ordered policy rules.

Each finding is routed by the first rule it matches, or by the default rule; the application
then takes the strongest route any finding got (``precedence``). The decision lists which rule
fired for which finding, so the reviewer and the auditor see why. Checks only report findings:
what a finding means for the application is decided here, from ``policy.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rules.codes import CodePattern, code_matches
from rules.names import CORROBORATED_DETAIL, NAME_LEVEL_DETAIL, NameLevel
from verification.findings import Finding, Severity
from verification.vocabulary import DocumentType

__all__ = [
    "DEFAULT_RULE_ID",
    "DefaultRule",
    "FindingMatch",
    "ReviewAction",
    "Route",
    "RouteDecision",
    "RouteReason",
    "Routing",
    "RoutingRule",
]

DEFAULT_RULE_ID = "default"


class Route(StrEnum):
    AUTO_APPROVE = "auto_approve"
    HUMAN_REVIEW = "human_review"
    REJECT = "reject"


class ReviewAction(StrEnum):
    """What the person given a human-review task is asked to do."""

    REVIEW = "review"
    REQUEST_REUPLOAD = "request_reupload"
    FRAUD_REVIEW = "fraud_review"
    CONFIRM_WATCHLIST_HIT = "confirm_watchlist_hit"


class FindingMatch(BaseModel):
    """Conditions on one finding; all given ones must hold. Lists mean "any of"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    codes: tuple[CodePattern, ...] = ()
    severity_at_least: Severity | None = None
    severity_at_most: Severity | None = None
    documents: tuple[DocumentType, ...] = ()
    name_levels: tuple[NameLevel, ...] = ()
    corroborated: bool | None = None
    # Another finding of the same verification has one of these codes.
    with_any_of: tuple[CodePattern, ...] = ()

    def matches(self, finding: Finding, others: Sequence[Finding]) -> bool:
        details = finding.evidence.details
        return (
            (not self.codes or any(code_matches(p, finding.code) for p in self.codes))
            and _at_least(finding.severity, self.severity_at_least)
            and _at_least(self.severity_at_most, finding.severity)
            and (not self.documents or finding.document in self.documents)
            and (not self.name_levels or details.get(NAME_LEVEL_DETAIL) in self.name_levels)
            and (
                self.corroborated is None
                or (details.get(CORROBORATED_DETAIL) is True) == self.corroborated
            )
            and (
                not self.with_any_of
                or any(code_matches(p, o.code) for p in self.with_any_of for o in others)
            )
        )


def _at_least(severity: Severity | None, bound: Severity | None) -> bool:
    return severity is None or bound is None or severity.rank >= bound.rank


class _Outcome(BaseModel):
    """What a rule decides for the findings it matches."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str
    route: Route
    role: str | None = None
    # 0-100, higher is more urgent (as task priorities in BPM engines).
    priority: int | None = Field(default=None, ge=0, le=100)
    action: ReviewAction | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_action(cls, data: Any) -> Any:
        # A review task without a stated action is a plain review.
        if isinstance(data, dict) and data.get("route") == Route.HUMAN_REVIEW:
            return {"action": ReviewAction.REVIEW, **data}
        return data

    @model_validator(mode="after")
    def _task_fields(self) -> Self:
        human = self.route is Route.HUMAN_REVIEW
        given = [n for n in ("role", "priority", "action") if getattr(self, n) is not None]
        if human and (self.role is None or self.priority is None):
            raise ValueError("a human_review rule needs a role and a priority")
        if not human and given:
            raise ValueError(f"a {self.route} rule creates no task: drop {', '.join(given)}")
        return self


class RoutingRule(_Outcome):
    id: str
    match: FindingMatch


class DefaultRule(_Outcome):
    """Routes findings that no rule matched."""


class RouteReason(BaseModel):
    """Which rule fired for which finding."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str
    code: str
    severity: Severity
    document: str | None
    field: str | None
    route: Route
    role: str | None
    priority: int | None
    action: ReviewAction | None


class RouteDecision(BaseModel):
    """The route of an application, the human task it needs if any, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    route: Route
    reasons: tuple[RouteReason, ...]
    role: str | None  # who gets the human-review task
    priority: int | None
    actions: tuple[ReviewAction, ...]  # most urgent first
    policy_version: str


class Routing(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    precedence: tuple[Route, ...]  # strongest first
    no_findings: Route
    rules: tuple[RoutingRule, ...]
    default: DefaultRule

    @model_validator(mode="after")
    def _well_formed(self) -> Self:
        if sorted(self.precedence) != sorted(Route):
            raise ValueError(f"precedence must list each route once: {', '.join(Route)}")
        ids = [r.id for r in self.rules]
        twice = sorted({i for i in ids if ids.count(i) > 1 or i == DEFAULT_RULE_ID})
        if twice:
            raise ValueError(f"routing rule id(s) repeated or reserved: {', '.join(twice)}")
        return self

    def reason(self, finding: Finding, others: Sequence[Finding]) -> RouteReason:
        """The first rule ``finding`` matches (``others``: the rest of the verification)."""
        rule: _Outcome = self.default
        rule_id = DEFAULT_RULE_ID
        for candidate in self.rules:
            if candidate.match.matches(finding, others):
                rule, rule_id = candidate, candidate.id
                break
        return RouteReason(
            rule=rule_id,
            code=finding.code,
            severity=finding.severity,
            document=finding.document,
            field=finding.field,
            route=rule.route,
            role=rule.role,
            priority=rule.priority,
            action=rule.action,
        )

    def route(self, findings: Sequence[Finding], *, policy_version: str) -> RouteDecision:
        reasons = tuple(
            self.reason(f, [*findings[:i], *findings[i + 1 :]]) for i, f in enumerate(findings)
        )
        if not reasons:
            route = self.no_findings
        else:
            route = min((r.route for r in reasons), key=self.precedence.index)
        tasks = sorted(
            (r for r in reasons if r.route is route and r.role is not None),
            key=lambda r: -(r.priority or 0),  # stable: the earlier finding wins a tie
        )
        return RouteDecision(
            route=route,
            reasons=reasons,
            role=tasks[0].role if tasks else None,
            priority=tasks[0].priority if tasks else None,
            actions=tuple(dict.fromkeys(r.action for r in tasks if r.action is not None)),
            policy_version=policy_version,
        )
