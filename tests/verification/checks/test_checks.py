"""The checks on cases built from synthetic ground truth (no OCR): clean cases raise nothing
that routes to a person, and each planted discrepancy raises its finding."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from rules.checking import check_context, evaluate
from rules.policy import default_policy
from verification.checks import Case, DocumentRead, run_checks
from verification.packet import ApplicantForm
from verification.synthetic.akta import akta_truth
from verification.synthetic.kk import kk_truth
from verification.synthetic.ktp import ktp_truth
from verification.synthetic.packet import application_form
from verification.synthetic.people import REFERENCE_DATE, generate_family

Mutation = Callable[[dict[str, Any]], None]


def _case(seed: int, mutate: Mutation | None = None, category: str = "adult") -> Case:
    rng = random.Random(seed)
    family = generate_family(rng, category=category)
    person = family.applicant
    parts: dict[str, Any] = {
        "form": application_form(person, family),
        "kk": kk_truth(family),
        "akta_kelahiran": akta_truth(family, person, rng),
    }
    if category == "adult":  # a minor has no KTP of their own
        parts["ktp"] = ktp_truth(family, person, rng)
    if mutate is not None:
        mutate(parts)
    docs = {
        name: DocumentRead(
            name,
            f"{name}.jpg",
            "ab" * 32,
            "ok",
            fields=parts[name],
            confidence={k: 0.95 for k in parts[name]},
            detected_type=name,
        )
        for name in ("ktp", "kk", "akta_kelahiran")
        if category == "adult" or name != "ktp"
    }
    return Case(
        f"APP-2026-{seed:06d}",
        category,
        ApplicantForm.model_validate(parts["form"]),
        docs,
        REFERENCE_DATE,
    )


def _codes(case: Case) -> list[str]:
    return [f.code for f in run_checks(case, check_context(default_policy()))]


def _applicant_row(parts: dict[str, Any]) -> dict[str, Any]:
    return next(m for m in parts["kk"]["members"] if m["nik"] == parts["form"]["nik"])


@pytest.mark.parametrize("seed", range(1, 13))
def test_clean_cases_go_straight_through(seed: int) -> None:
    findings, decision = evaluate(_case(seed), default_policy())
    assert decision.route.value == "auto_approve", [(f.code, f.message) for f in findings]


def _typo(name: str) -> str:
    """One letter changed in the longest word: an OCR-like or spelling difference."""
    words = name.split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    word = words[i]
    words[i] = word[:-2] + ("A" if word[-2] != "A" else "E") + word[-1]
    return " ".join(words)


def _set_ktp(field: str, value: Any) -> Mutation:
    return lambda parts: parts["ktp"].__setitem__(field, value)


PLANTED: list[tuple[str, Mutation, str]] = [
    ("different person on the KTP", _set_ktp("nama", "YOHANES BAPTISTA KOLO"), "crosscheck.name"),
    ("birth date on the KTP", _set_ktp("tanggal_lahir", "1971-01-01"), "crosscheck.birth_date"),
    ("sex on the KTP", _set_ktp("jenis_kelamin", "?"), "crosscheck.sex"),
    (
        "swapped NIK digits on the KTP",
        lambda p: p["ktp"].__setitem__(
            "nik",
            p["ktp"]["nik"][:12] + p["ktp"]["nik"][13] + p["ktp"]["nik"][12] + p["ktp"]["nik"][14:],
        ),
        "crosscheck.nik",
    ),
    (
        "applicant missing from the KK",
        lambda p: p["kk"].__setitem__(
            "members", [m for m in p["kk"]["members"] if m["nik"] != p["form"]["nik"]]
        ),
        "identity.kk_membership",
    ),
    (
        "KK number differs",
        lambda p: p["form"].__setitem__(
            "no_kk", p["form"]["no_kk"][:-1] + str((int(p["form"]["no_kk"][-1]) + 1) % 10)
        ),
        "crosscheck.kk_number",
    ),
    (
        "mother differs between akta and KK",
        lambda p: p["akta_kelahiran"].__setitem__("nama_ibu", "FRANSISKA LAKE"),
        "crosscheck.parents",
    ),
    (
        "NIK birth date inconsistent",
        lambda p: (
            p["form"].__setitem__("tanggal_lahir", "1960-02-03"),
            p["ktp"].__setitem__("tanggal_lahir", "1960-02-03"),
            _applicant_row(p).__setitem__("tanggal_lahir", "1960-02-03"),
            p["akta_kelahiran"].__setitem__("tanggal_lahir", "1960-02-03"),
        ),
        "identity.nik_birth_date",
    ),
    (
        "10-year validity for a minor",
        lambda p: p["form"].__setitem__("validity_years", 10),
        "eligibility.validity",
    ),
]


@pytest.mark.parametrize(("label", "mutate", "code"), PLANTED, ids=[p[0] for p in PLANTED])
def test_planted_discrepancies_are_found(label: str, mutate: Mutation, code: str) -> None:
    category = "minor" if code == "eligibility.validity" else "adult"
    case = _case(31, mutate, category=category)
    assert code in _codes(case)
    _, decision = evaluate(case, default_policy())
    if code not in ("eligibility.validity",):
        assert decision.route.value == "human_review", label


def test_one_letter_name_difference_corroborated_passes() -> None:
    case = _case(41, lambda p: p["ktp"].__setitem__("nama", _typo(p["ktp"]["nama"])))
    findings, decision = evaluate(case, default_policy())
    name = next(f for f in findings if f.code == "crosscheck.name")
    assert name.evidence.details["name_level"] == "MINOR_VARIANT"
    assert name.evidence.details["corroborated"] is True
    assert decision.route.value == "auto_approve"


def test_name_variant_without_corroboration_goes_to_review() -> None:
    def mutate(parts: dict[str, Any]) -> None:
        parts["ktp"]["nama"] = _typo(parts["ktp"]["nama"])
        parts["ktp"]["tanggal_lahir"] = "1971-01-01"

    _, decision = evaluate(_case(41, mutate), default_policy())
    assert decision.route.value == "human_review"


def test_mother_only_akta_skips_the_father() -> None:
    def mutate(parts: dict[str, Any]) -> None:
        parts["akta_kelahiran"]["nama_ayah"] = None
        _applicant_row(parts)["nama_ayah"] = None
        parts["form"]["nama_ayah"] = None

    assert "crosscheck.parents" not in _codes(_case(51, mutate))


def test_nik_region_differs_from_address_is_only_a_warning() -> None:
    case = _case(61, _set_ktp("kabupaten_kota", "KOTA JAYAPURA"))
    findings, decision = evaluate(case, default_policy())
    region = [f for f in findings if f.code == "identity.nik_region"]
    assert region and region[0].severity.value == "low"
    assert decision.route.value == "auto_approve"


def test_findings_record_the_rule_version_and_the_file_hash() -> None:
    case = _case(31, _set_ktp("tanggal_lahir", "1971-01-01"))
    finding = next(
        f
        for f in run_checks(case, check_context(default_policy()))
        if f.code == "crosscheck.birth_date"
    )
    assert finding.rule_version == default_policy().version
    assert finding.evidence.sha256 == "ab" * 32 and finding.evidence.document == "ktp"


def test_unreadable_and_wrong_type_documents() -> None:
    case = _case(71)
    docs = dict(case.documents)
    docs["akta_kelahiran"] = DocumentRead(
        "akta_kelahiran", "akta.png", "cd" * 32, "unreadable", error="image file is truncated"
    )
    docs["ktp"] = DocumentRead(
        "ktp", "ktp.jpg", "ef" * 32, "ok", fields={}, confidence={}, detected_type="kk"
    )
    case = Case(case.application_id, case.category, case.form, docs, date(2026, 1, 5))
    codes = _codes(case)
    assert "document.unreadable" in codes and "document.wrong_type" in codes


def test_missing_required_document() -> None:
    case = _case(81)
    docs = {k: v for k, v in case.documents.items() if k != "kk"}
    case = Case(case.application_id, case.category, case.form, docs, case.ref_date)
    findings, decision = evaluate(case, default_policy())
    assert [f.document for f in findings if f.code == "document.missing"] == ["kk"]
    assert decision.route.value == "human_review"


def _with_confidence(case: Case, doc_type: str, **confidence: float) -> Case:
    docs = dict(case.documents)
    doc = docs[doc_type]
    docs[doc_type] = DocumentRead(
        doc.type,
        doc.file,
        doc.sha256,
        doc.status,
        fields=doc.fields,
        confidence={**doc.confidence, **confidence},
        detected_type=doc.detected_type,
    )
    return Case(case.application_id, case.category, case.form, docs, case.ref_date)


@pytest.mark.parametrize(
    ("doc_type", "fields", "mutate", "unclear"),
    [
        # read unclearly but exactly what the applicant typed: the reading stands
        ("ktp", {"nik": 0.4, "nama": 0.3}, None, None),
        ("akta_kelahiran", {"nama_ibu": 0.5, "tanggal_lahir": 0.2}, None, None),
        # unclear and differing from the form (by one letter): a person looks
        ("ktp", {"nama": 0.3}, _set_ktp("nama", "X"), "nama"),
        # unclear with nothing on the form to compare: a person looks
        ("akta_kelahiran", {"no_akta": 0.4}, None, "no_akta"),
    ],
)
def test_low_confidence_needs_a_person_only_where_nothing_corroborates(
    doc_type: str, fields: dict[str, float], mutate: Mutation | None, unclear: str | None
) -> None:
    case = _with_confidence(_case(91, mutate), doc_type, **fields)
    findings = [
        f
        for f in run_checks(case, check_context(default_policy()))
        if f.code == "document.low_confidence"
    ]
    if unclear is None:
        assert findings == []
    else:
        assert [(f.document, f.field) for f in findings] == [(doc_type, unclear)]
        assert findings[0].evidence is not None
