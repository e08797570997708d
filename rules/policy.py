"""The office's policy as versioned data: ``rules/policy.yaml`` parsed into strict models.

One file holds what the engine decides by policy rather than by code: the document
requirement matrix, category rules, default severities per finding code, routing from findings
to a route, name-matching tolerances, stage roles and deadlines, service levels, expiries and
four-eyes rules. Loading fails, with the bad value named, on an unknown stage (checked against
``process.yaml``), finding code, document type, category, role or severity, so a typo breaks
the build and never a running application. ``Policy.version`` goes into every finding and
decision made under it; changing the file means bumping it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, model_validator

from rules._yaml import safe_load
from rules.calendar import WorkingCalendar
from rules.codes import CodePattern, code_matches
from rules.deadlines import Expiry, ServiceLevel, StageDuty
from rules.four_eyes import FourEyes
from rules.names import NameLevel, NameMatching
from rules.process import Process, default_process
from rules.requirements import ApplicantFacts, CategoryRules, Requirement, RequirementMatrix
from rules.routing import Route, RouteDecision, Routing
from verification.findings import Finding, Severity
from verification.vocabulary import Category, DocumentType

__all__ = [
    "Policy",
    "RoleInfo",
    "default_policy",
    "load_policy",
    "requirements_for",
    "route",
]


class RoleInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label_id: str
    label_en: str


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    effective_from: date
    roles: dict[str, RoleInfo]
    severities: dict[CodePattern, Severity]
    requirements: RequirementMatrix
    category_rules: CategoryRules
    name_matching: NameMatching
    routing: Routing
    stages: dict[str, StageDuty]
    service_levels: tuple[ServiceLevel, ...]
    expiries: tuple[Expiry, ...]
    four_eyes: FourEyes
    rejection_reasons: dict[str, RoleInfo]
    _process_stages: frozenset[str] = PrivateAttr(default=frozenset())

    @model_validator(mode="after")
    def _references(self, info: ValidationInfo) -> Self:
        context = info.context if isinstance(info.context, dict) else {}
        process = context.get("process") or default_process()
        problems = [*_stage_problems(self, process), *_role_problems(self)]
        problems += _corroboration_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        self._process_stages = frozenset(process.stages)
        return self

    def severity_of(self, code: str) -> Severity:
        """The default severity of a finding code: its own entry, else its closest family."""
        if code in self.severities:
            return self.severities[code]
        families = [p for p in self.severities if p.endswith(".*") and code_matches(p, code)]
        if not families:
            raise KeyError(f"policy {self.version} gives no severity for {code!r}")
        return self.severities[max(families, key=len)]

    def requirements_for(
        self, category: Category, office: str, facts: ApplicantFacts
    ) -> list[Requirement]:
        """The document requirements that apply to this applicant at this office."""
        return self.requirements.requirements_for(category, office, facts)

    def missing_documents(
        self,
        category: Category,
        office: str,
        facts: ApplicantFacts,
        present: Collection[DocumentType],
    ) -> list[Requirement]:
        """The requirements the ``present`` document types leave unmet."""
        return self.requirements.missing(category, office, facts, present)

    def route(self, findings: Sequence[Finding]) -> RouteDecision:
        """Route an application by its findings; the decision records this policy's version."""
        return self.routing.route(findings, policy_version=self.version)

    def task_due(
        self, stage: str, created: date, calendar: WorkingCalendar | None = None
    ) -> date | None:
        """Deadline of a task in ``stage`` created on ``created``; None for untimed stages."""
        if stage not in self._process_stages:
            raise KeyError(f"unknown stage {stage!r}")
        duty = self.stages.get(stage)
        return duty.due(created, calendar) if duty is not None else None

    def service_level(self, key: str) -> ServiceLevel:
        return _by_id(self.service_levels, key, "service level")

    def expiry(self, key: str) -> Expiry:
        return _by_id(self.expiries, key, "expiry")


_Item = TypeVar("_Item", ServiceLevel, Expiry)


def _by_id(items: Sequence[_Item], key: str, kind: str) -> _Item:
    for item in items:
        if item.id == key:
            return item
    raise KeyError(f"no {kind} {key!r}; known: {', '.join(i.id for i in items)}")


def _stage_problems(policy: Policy, process: Process) -> list[str]:
    known = process.stages.keys()
    refs: list[tuple[str, str]] = [(s, f"stages.{s}") for s in policy.stages]
    for level in policy.service_levels:
        refs += [
            (level.start, f"service level {level.id}"),
            (level.end, f"service level {level.id}"),
        ]
    for expiry in policy.expiries:
        refs += [(expiry.stage, f"expiry {expiry.id}"), (expiry.then, f"expiry {expiry.id}")]
    refs += [(s, "four_eyes") for s in sorted(policy.four_eyes.stages())]
    problems = [
        f"unknown stage {stage!r} in {where} (known: {', '.join(known)})"
        for stage, where in refs
        if stage not in known
    ]
    if problems:
        return problems
    problems += [
        f"stages.{s}: terminal stage has no task" for s in policy.stages if process.is_terminal(s)
    ]
    for expiry in policy.expiries:
        if not process.is_terminal(expiry.then) or not process.allows(expiry.stage, expiry.then):
            problems.append(
                f"expiry {expiry.id}: {expiry.stage} -> {expiry.then} is not a transition "
                "to a terminal stage in process.yaml"
            )
    return problems


def _role_problems(policy: Policy) -> list[str]:
    routing = policy.routing
    refs = [(r.role, f"routing rule {r.id}") for r in routing.rules if r.role is not None]
    if routing.default.role is not None:
        refs.append((routing.default.role, "routing default"))
    for stage, duty in policy.stages.items():
        refs += [(r, f"stages.{stage}") for r in duty.roles]
        if duty.escalate_to is not None:
            refs.append((duty.escalate_to, f"stages.{stage}.escalate_to"))
    refs += [(r, "four_eyes") for r in sorted(policy.four_eyes.roles())]
    return [
        f"unknown role {role!r} in {where} (known: {', '.join(policy.roles)})"
        for role, where in refs
        if role not in policy.roles
    ]


def _corroboration_problems(policy: Policy) -> list[str]:
    # The two sections must agree: a name-level rule may not pass an uncorroborated
    # MINOR_VARIANT while name_matching says it needs corroboration.
    if not policy.name_matching.minor_variant_needs_corroboration:
        return []
    return [
        f"routing rule {rule.id}: auto-approves MINOR_VARIANT without corroborated: true, "
        "but name_matching.minor_variant_needs_corroboration is true"
        for rule in policy.routing.rules
        if rule.route is Route.AUTO_APPROVE
        and NameLevel.MINOR_VARIANT in rule.match.name_levels
        and rule.match.corroborated is not True
    ]


def load_policy(text: str, *, process: Process | None = None) -> Policy:
    """Parse policy YAML; stage names are checked against ``process`` (default: shipped one)."""
    return Policy.model_validate(safe_load(text), context={"process": process or default_process()})


@cache
def default_policy() -> Policy:
    """The policy shipped in ``rules/policy.yaml``."""
    return load_policy(files("rules").joinpath("policy.yaml").read_text(encoding="utf-8"))


def requirements_for(category: Category, office: str, facts: ApplicantFacts) -> list[Requirement]:
    """``default_policy().requirements_for``: the documents this applicant must bring."""
    return default_policy().requirements_for(category, office, facts)


def route(findings: Sequence[Finding]) -> RouteDecision:
    """``default_policy().route``: the route of an application under the shipped policy."""
    return default_policy().route(findings)
