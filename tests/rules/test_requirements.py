"""The requirement matrix (domain-spec 5.1) and category rules (5.2) of the shipped policy."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from rules.policy import default_policy, requirements_for
from rules.requirements import ApplicantFacts
from verification.vocabulary import Category, DocumentType

ADULT = ApplicantFacts()
HAD_PASSPORT = ApplicantFacts(had_passport=True)
SHORTCUT = ApplicantFacts(had_passport=True, old_passport_domestic_after_2009=True)
MINOR = ApplicantFacts(is_minor=True)
MINOR_SOLE = ApplicantFacts(is_minor=True, sole_custody=True)
MINOR_HAD = ApplicantFacts(is_minor=True, had_passport=True)

IDENTITY = ["ktp", "kk", "identity_document"]
PARENTS = ["father_ktp", "mother_ktp"]


@pytest.mark.parametrize(
    ("category", "office", "facts", "expected"),
    [
        (Category.ADULT, "batam", ADULT, IDENTITY),
        (Category.ADULT, "batam", HAD_PASSPORT, [*IDENTITY, "old_passport"]),
        (Category.MINOR, "batam", MINOR, ["kk", "birth_certificate", *PARENTS, "parents_marriage"]),
        (Category.MINOR, "batam", MINOR_SOLE, ["kk", "birth_certificate", "custodial_parent_ktp"]),
        (
            Category.MINOR,
            "batam",
            MINOR_HAD,
            ["kk", "birth_certificate", *PARENTS, "parents_marriage", "old_passport"],
        ),
        (Category.CIVIL_SERVANT, "batam", ADULT, IDENTITY),
        (Category.CIVIL_SERVANT, "pekanbaru", ADULT, [*IDENTITY, "superior_letter"]),
        (
            Category.CIVIL_SERVANT,
            "pekanbaru",
            HAD_PASSPORT,
            [*IDENTITY, "old_passport", "superior_letter"],
        ),
        (
            Category.RENEWAL,
            "batam",
            HAD_PASSPORT,
            ["ktp", "old_passport", "kk", "identity_document"],
        ),
        (Category.RENEWAL, "batam", SHORTCUT, ["ktp", "old_passport"]),
        (
            Category.RENEWAL,
            "batam",
            MINOR_HAD,
            ["old_passport", "kk", "birth_certificate", *PARENTS],
        ),
        (
            Category.RENEWAL,
            "batam",
            ApplicantFacts(had_passport=True, is_minor=True, sole_custody=True),
            ["old_passport", "kk", "birth_certificate", "custodial_parent_ktp"],
        ),
        (Category.LOST, "batam", HAD_PASSPORT, IDENTITY),
        (Category.LOST, "batam", MINOR_HAD, ["kk", "birth_certificate", *PARENTS]),
        (Category.LOST, "batam", SHORTCUT, IDENTITY),  # the shortcut is for renewals only
        (
            Category.DAMAGED,
            "batam",
            HAD_PASSPORT,
            ["ktp", "damaged_passport", "kk", "identity_document"],
        ),
        (
            Category.DAMAGED,
            "batam",
            MINOR_HAD,
            ["damaged_passport", "kk", "birth_certificate", *PARENTS],
        ),
    ],
)
def test_requirements_for(
    category: Category, office: str, facts: ApplicantFacts, expected: list[str]
) -> None:
    assert [r.id for r in requirements_for(category, office, facts)] == expected


D = DocumentType


@pytest.mark.parametrize(
    ("category", "facts", "present", "missing"),
    [
        (Category.ADULT, ADULT, {D.KTP, D.KK, D.IJAZAH}, []),
        (Category.ADULT, ADULT, {D.KTP, D.KK, D.BUKU_NIKAH}, []),  # any one of the group
        (Category.ADULT, ADULT, {D.KTP}, ["kk", "identity_document"]),
        (Category.ADULT, HAD_PASSPORT, {D.KTP, D.KK, D.AKTA_KELAHIRAN}, ["old_passport"]),
        (
            Category.MINOR,
            MINOR,
            {D.KK, D.IJAZAH, D.KTP_AYAH, D.KTP_IBU, D.BUKU_NIKAH},
            ["birth_certificate"],
        ),
        (Category.MINOR, MINOR_SOLE, {D.KK, D.AKTA_KELAHIRAN, D.KTP_IBU}, []),
        (Category.MINOR, MINOR, {D.KK, D.AKTA_KELAHIRAN, D.KTP_IBU, D.BUKU_NIKAH}, ["father_ktp"]),
        (Category.RENEWAL, SHORTCUT, {D.KTP, D.PASPOR_LAMA}, []),
        (Category.RENEWAL, HAD_PASSPORT, {D.KTP, D.PASPOR_LAMA}, ["kk", "identity_document"]),
    ],
)
def test_missing_documents(
    category: Category, facts: ApplicantFacts, present: set[DocumentType], missing: list[str]
) -> None:
    found = default_policy().missing_documents(category, "batam", facts, present)
    assert [r.id for r in found] == missing


def test_requirement_lists_its_alternatives() -> None:
    [identity] = [
        r for r in requirements_for(Category.ADULT, "x", ADULT) if r.id == "identity_document"
    ]
    assert identity.one_of == (D.AKTA_KELAHIRAN, D.BUKU_NIKAH, D.IJAZAH)
    assert identity.source


@pytest.mark.parametrize(
    "facts",
    [
        {"old_passport_domestic_after_2009": True},  # without had_passport
        {"had_passport": True, "old_passport_domestic_after_2009": True, "is_minor": True},
        {"sole_custody": True},  # adults have no custody
        {"is_child": True},
    ],
)
def test_contradictory_facts_are_refused(facts: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ApplicantFacts(**facts)


@pytest.mark.parametrize(
    ("age", "status", "minor", "validity"),
    [
        (16, "BELUM KAWIN", True, (5,)),
        (16, "KAWIN", False, (5, 10)),  # married under 17 counts as adult
        (16, "CERAI HIDUP", False, (5, 10)),
        (17, "BELUM KAWIN", False, (5, 10)),
        (3, "BELUM KAWIN", True, (5,)),
    ],
)
def test_category_rules(age: int, status: str, minor: bool, validity: tuple[int, ...]) -> None:
    rules = default_policy().category_rules
    assert rules.is_minor(age, status) is minor
    assert rules.validity_options(age, status) == validity


@pytest.mark.parametrize(
    ("pekerjaan", "expected"),
    [
        ("PEGAWAI NEGERI SIPIL", True),
        ("pegawai  negeri sipil", True),
        ("KEPOLISIAN RI", True),
        ("KARYAWAN SWASTA", False),
    ],
)
def test_civil_servant_occupations(pekerjaan: str, expected: bool) -> None:
    assert default_policy().category_rules.is_civil_servant(pekerjaan) is expected
