"""The document requirement matrix (domain-spec 5.1) and category rules (5.2) as policy data.

Each cell of the matrix is a ``Requirement``: one document, or one of several, which applies
when all its ``when`` conditions hold and none of its ``unless`` conditions does. Conditions are
facts about the applicant (``ApplicantFacts``) or settings of the office that receives the
application (``OfficeSettings``), so an intake check asks ``requirements_for`` and compares.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from verification.vocabulary import STATUS_PERKAWINAN, Category, DocumentType

__all__ = [
    "ApplicantFacts",
    "CategoryRules",
    "Condition",
    "OfficeSettings",
    "Requirement",
    "RequirementMatrix",
]


class Condition(StrEnum):
    """A fact a requirement can depend on."""

    HAD_PASSPORT = "had_passport"
    IS_MINOR = "is_minor"
    SOLE_CUSTODY = "sole_custody"
    # The old passport was issued in Indonesia after 2009 and its data equal the e-KTP: the
    # renewal may then go by e-KTP and old passport alone (domain-spec 5.1 note D).
    OLD_PASSPORT_DOMESTIC_AFTER_2009 = "old_passport_domestic_after_2009"
    OFFICE_REQUIRES_SUPERIOR_LETTER = "office_requires_superior_letter"


class ApplicantFacts(BaseModel):
    """What is known about the applicant that changes which documents are needed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    had_passport: bool = False
    is_minor: bool = False
    sole_custody: bool = False  # one parent has custody (court order): that parent's KTP only
    old_passport_domestic_after_2009: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.old_passport_domestic_after_2009 and not self.had_passport:
            raise ValueError("old_passport_domestic_after_2009 without had_passport")
        if self.old_passport_domestic_after_2009 and self.is_minor:
            # The shortcut compares the old passport with the e-KTP, which a minor does not have.
            raise ValueError("old_passport_domestic_after_2009 cannot hold for a minor")
        if self.sole_custody and not self.is_minor:
            raise ValueError("sole_custody applies to minors only")
        return self

    def conditions(self) -> frozenset[Condition]:
        return frozenset(Condition(name) for name, value in self if value)


class OfficeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # PNS/TNI/Polri superior's letter: office practice, not in Permenkumham 8/2014 (5.1 row C).
    requires_superior_letter: bool = False

    def conditions(self) -> frozenset[Condition]:
        if self.requires_superior_letter:
            return frozenset({Condition.OFFICE_REQUIRES_SUPERIOR_LETTER})
        return frozenset()


class Requirement(BaseModel):
    """One cell of the matrix: met by any one of ``one_of``.

    In YAML, ``document: ktp`` is short for ``one_of: [ktp]``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    one_of: tuple[DocumentType, ...]
    when: tuple[Condition, ...] = ()
    unless: tuple[Condition, ...] = ()
    label: str
    source: str

    @model_validator(mode="before")
    @classmethod
    def _single_document(cls, data: Any) -> Any:
        if isinstance(data, dict) and "document" in data:
            if "one_of" in data:
                raise ValueError("give either document or one_of, not both")
            data = {**data, "one_of": [data["document"]]}
            del data["document"]
        return data

    @model_validator(mode="after")
    def _some_document(self) -> Self:
        if not self.one_of:
            raise ValueError(f"requirement {self.id!r} lists no document")
        return self

    def applies(self, conditions: Collection[Condition]) -> bool:
        return all(c in conditions for c in self.when) and not any(
            c in conditions for c in self.unless
        )

    def is_met_by(self, present: Collection[DocumentType]) -> bool:
        return any(document in present for document in self.one_of)


class RequirementMatrix(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    office_defaults: OfficeSettings
    offices: dict[str, OfficeSettings] = {}
    categories: dict[Category, tuple[Requirement, ...]]

    @model_validator(mode="after")
    def _complete(self) -> Self:
        missing = [c.value for c in Category if c not in self.categories]
        if missing:
            raise ValueError(f"no requirements for categor(y/ies): {', '.join(missing)}")
        for category, requirements in self.categories.items():
            ids = [r.id for r in requirements]
            twice = sorted({i for i in ids if ids.count(i) > 1})
            if twice:
                raise ValueError(f"{category}: requirement id(s) repeated: {', '.join(twice)}")
        return self

    def office(self, office: str) -> OfficeSettings:
        """An office's settings; offices not listed use ``office_defaults``."""
        return self.offices.get(office, self.office_defaults)

    def requirements_for(
        self, category: Category, office: str, facts: ApplicantFacts
    ) -> list[Requirement]:
        conditions = facts.conditions() | self.office(office).conditions()
        return [r for r in self.categories[category] if r.applies(conditions)]

    def missing(
        self,
        category: Category,
        office: str,
        facts: ApplicantFacts,
        present: Collection[DocumentType],
    ) -> list[Requirement]:
        """The requirements that ``present`` documents leave unmet."""
        return [
            r for r in self.requirements_for(category, office, facts) if not r.is_met_by(present)
        ]


class CategoryRules(BaseModel):
    """The computable category rules of domain-spec 5.2."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    adult_age: int = Field(gt=0)
    unmarried_statuses: frozenset[str]
    civil_servant_occupations: frozenset[str]
    validity_years: dict[Literal["adult", "minor"], tuple[int, ...]]
    source: str

    @field_validator("unmarried_statuses")
    @classmethod
    def _known_statuses(cls, value: frozenset[str]) -> frozenset[str]:
        unknown = sorted(value - STATUS_PERKAWINAN)
        if unknown:
            raise ValueError(f"unknown status perkawinan: {', '.join(unknown)}")
        return value

    @field_validator("validity_years")
    @classmethod
    def _both_ages(
        cls, value: dict[Literal["adult", "minor"], tuple[int, ...]]
    ) -> dict[Literal["adult", "minor"], tuple[int, ...]]:
        if set(value) != {"adult", "minor"}:
            raise ValueError("validity_years needs both adult and minor")
        return value

    def is_minor(self, age: int, status_perkawinan: str) -> bool:
        """Under the adult age and never married (married minors count as adults)."""
        return age < self.adult_age and status_perkawinan in self.unmarried_statuses

    def validity_options(self, age: int, status_perkawinan: str) -> tuple[int, ...]:
        """Passport validities (years) the applicant may choose (Permenkumham 18/2022 Pasal 2A)."""
        return self.validity_years["minor" if self.is_minor(age, status_perkawinan) else "adult"]

    def is_civil_servant(self, pekerjaan: str) -> bool:
        return " ".join(pekerjaan.upper().split()) in self.civil_servant_occupations
