"""Four-eyes rules (domain-spec 13) as data: separations of duty and required sign-offs.

- A ``SeparationRule`` says who may not act: the person who did an earlier act on an
  application (reviewed it, interviewed the applicant) may not do a later one (adjudicate).
- A ``SignOffRule`` says how many distinct people, in which roles, must sign a sensitive act
  (overriding a high-severity finding, releasing a watchlist hit, cancelling a printed book).

Storage keeps who did what; these rules only judge the acts they are shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rules.codes import CodePattern, code_matches
from verification.findings import Severity

__all__ = [
    "Act",
    "ActPattern",
    "FourEyes",
    "SeparationRule",
    "SignOffAct",
    "SignOffRule",
    "Signature",
]


class Act(BaseModel):
    """Something one person did on one application: in a stage, in a role."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: str
    role: str


class ActPattern(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: str | None = None
    role: str | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if self.stage is None and self.role is None:
            raise ValueError("an act pattern needs a stage, a role or both")
        return self

    def matches(self, act: Act) -> bool:
        return self.stage in (None, act.stage) and self.role in (None, act.role)


class SeparationRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    description: str
    act: ActPattern
    not_after: tuple[ActPattern, ...] = Field(min_length=1)
    source: str

    def forbids(self, act: Act, earlier: Iterable[Act]) -> bool:
        """True when a person who did ``earlier`` acts may not do ``act``."""
        return self.act.matches(act) and any(
            pattern.matches(e) for e in earlier for pattern in self.not_after
        )


class SignOffAct(StrEnum):
    OVERRIDE_FINDING = "override_finding"
    CANCEL_PRINTED_BOOK = "cancel_printed_book"


class Signature(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    person: str
    role: str


class SignOffRule(BaseModel):
    """``signers``: one slot per person needed, each slot the roles that may fill it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    description: str
    act: SignOffAct
    codes: tuple[CodePattern, ...] = ()
    severity_at_least: Severity | None = None
    signers: tuple[tuple[str, ...], ...] = Field(min_length=1)
    source: str

    @model_validator(mode="after")
    def _slots_not_empty(self) -> Self:
        if any(not slot for slot in self.signers):
            raise ValueError("a signer slot lists no role")
        return self

    def applies(
        self, act: SignOffAct, *, code: str | None = None, severity: Severity | None = None
    ) -> bool:
        if act is not self.act:
            return False
        if self.codes and (code is None or not any(code_matches(p, code) for p in self.codes)):
            return False
        return self.severity_at_least is None or (
            severity is not None and severity.rank >= self.severity_at_least.rank
        )

    def is_satisfied_by(self, signatures: Sequence[Signature]) -> bool:
        """Whether distinct people fill every slot (a person signs in one slot only)."""
        return _fill(self.signers, signatures, frozenset())


def _fill(
    slots: Sequence[tuple[str, ...]], signatures: Sequence[Signature], used: frozenset[str]
) -> bool:
    if not slots:
        return True
    return any(
        s.role in slots[0]
        and s.person not in used
        and _fill(slots[1:], signatures, used | {s.person})
        for s in signatures
    )


class FourEyes(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    separation: tuple[SeparationRule, ...]
    sign_offs: tuple[SignOffRule, ...]

    def conflicts(self, act: Act, earlier: Iterable[Act]) -> list[SeparationRule]:
        """The separation rules that bar a person who did ``earlier`` from doing ``act``."""
        done = list(earlier)
        return [rule for rule in self.separation if rule.forbids(act, done)]

    def sign_offs_for(
        self, act: SignOffAct, *, code: str | None = None, severity: Severity | None = None
    ) -> list[SignOffRule]:
        """Every sign-off rule the act must satisfy (all of them, not just one)."""
        return [r for r in self.sign_offs if r.applies(act, code=code, severity=severity)]

    def stages(self) -> set[str]:
        patterns = [p for r in self.separation for p in (r.act, *r.not_after)]
        return {p.stage for p in patterns if p.stage is not None}

    def roles(self) -> set[str]:
        patterns = [p for r in self.separation for p in (r.act, *r.not_after)]
        named = {p.role for p in patterns if p.role is not None}
        return named | {role for r in self.sign_offs for slot in r.signers for role in slot}
