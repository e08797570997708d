"""validate_application: a clean application passes; each bad value gives its finding."""

from __future__ import annotations

from typing import Any

import pytest

from tests.verification.quality.data import KK, KTP, RULE_VERSION, TODAY
from verification.findings import Finding, Severity
from verification.quality import SUITE_VERSION, validate_application

LOW, MEDIUM = Severity.LOW, Severity.MEDIUM
PERSONAL = (KTP["nik"], KTP["nama"], KTP["tanggal_lahir"], KK["no_kk"], "AHMAD YANI")


def _validate(documents: dict[str, Any]) -> list[Finding]:
    return validate_application(documents, rule_version=RULE_VERSION, today=TODAY)


def _by_code(findings: list[Finding]) -> dict[str, tuple[Severity, str | None]]:
    return {f.code: (f.severity, f.observed) for f in findings}


def test_a_clean_application_has_no_findings(
    ktp: dict[str, Any], kk: dict[str, Any], akta: dict[str, Any]
) -> None:
    assert _validate({"ktp": ktp, "kk": kk, "akta_kelahiran": akta}) == []


def test_a_child_of_the_mother_only_passes(akta: dict[str, Any]) -> None:
    akta["nama_ayah"] = None
    assert _validate({"akta_kelahiran": akta}) == []


def test_documents_without_a_suite_or_without_fields_are_skipped(ktp: dict[str, Any]) -> None:
    assert _validate({"ijazah": {"nama": "SITI AMINAH"}, "ktp": None}) == []
    assert _validate({"ktp_ibu": ktp}) == []


KTP_CASES: list[tuple[dict[str, Any], dict[str, tuple[Severity, str]]]] = [
    ({"nik": "147101450890O003"}, {"nik_format": (LOW, "16 chars, 1 non-digit")}),
    ({"nik": "147101450890000"}, {"nik_format": (LOW, "15 chars")}),
    ({"nama": None}, {"nama_missing": (MEDIUM, "missing")}),
    ({"alamat": "  "}, {"alamat_missing": (LOW, "missing")}),
    ({"agama": "KATHOLIK"}, {"agama_vocabulary": (LOW, "not in the vocabulary")}),
    ({"pekerjaan": "PROGRAMMER"}, {"pekerjaan_vocabulary": (LOW, "not in the vocabulary")}),
    ({"gol_darah": "Z"}, {"gol_darah_vocabulary": (LOW, "not in the vocabulary")}),
    ({"rt_rw": "2/5"}, {"rt_rw_format": (LOW, "3 chars, 1 non-digit")}),
    ({"tanggal_lahir": "1990-02-30"}, {"tanggal_lahir_format": (LOW, "not a calendar date")}),
    ({"tanggal_lahir": "05-08-1990"}, {"tanggal_lahir_format": (LOW, "10 chars, 2 non-digit")}),
    (
        {"tanggal_lahir": "2990-08-05"},
        {
            "tanggal_lahir_range": (LOW, "after the run date 2026-01-05"),
            "tanggal_terbit_order": (LOW, "before tanggal_lahir"),
        },
    ),
    (
        {"tanggal_terbit": "1899-12-31"},
        {
            "tanggal_terbit_range": (LOW, "before 1900-01-01"),
            "tanggal_terbit_order": (LOW, "before tanggal_lahir"),
        },
    ),
    ({"berlaku_hingga": "05-08-2017"}, {"berlaku_hingga_format": (LOW, "10 chars, 2 non-digit")}),
    ({"berlaku_hingga": "2017-08-05"}, {}),  # older cards printed a date: still valid
    (
        {"jenis_kelamin": None, "kewarganegaraan": ""},
        {"jenis_kelamin_missing": (MEDIUM, "missing"), "kewarganegaraan_missing": (LOW, "missing")},
    ),
]


@pytest.mark.parametrize(("changes", "expected"), KTP_CASES)
def test_each_bad_ktp_value_gives_its_finding(
    ktp: dict[str, Any],
    changes: dict[str, Any],
    expected: dict[str, tuple[Severity, str]],
) -> None:
    findings = _validate({"ktp": {**ktp, **changes}})
    assert _by_code(findings) == {f"quality.ktp.{key}": v for key, v in expected.items()}
    for finding in findings:
        _assert_masked(finding, changes)
        assert finding.document == "ktp" and finding.rule_version == RULE_VERSION


def _assert_masked(finding: Finding, changes: dict[str, Any]) -> None:
    shown = f"{finding.observed} {finding.expected} {finding.message} {finding.evidence}"
    values = [*PERSONAL, *(str(v) for v in changes.values() if v and len(str(v).strip()) > 2)]
    assert not [v for v in values if v in shown]


def _members(kk: dict[str, Any], **changes_by_position: dict[str, Any]) -> list[dict[str, Any]]:
    members: list[dict[str, Any]] = kk["members"]
    for key, changes in changes_by_position.items():
        members[int(key.removeprefix("m")) - 1].update(changes)
    return members


def test_kk_members_are_rows_numbered_in_observed(kk: dict[str, Any]) -> None:
    _members(
        kk,
        m1={"pendidikan": "SMA"},
        m2={"pendidikan": "SMA", "tanggal_lahir": None},
        m3={"nik": "147102440416000"},
    )
    findings = _validate({"kk": kk})
    assert _by_code(findings) == {
        "quality.kk.members.pendidikan_vocabulary": (LOW, "members 1, 2: not in the vocabulary"),
        "quality.kk.members.tanggal_lahir_missing": (MEDIUM, "member 2: missing"),
        "quality.kk.members.nik_format": (LOW, "member 3: 15 chars"),
    }
    nik = next(f for f in findings if f.field == "members.nik")
    assert nik.evidence.details == {
        "expectation_type": "expect_column_values_to_match_regex",
        "suite": "kk_members",
        "suite_version": SUITE_VERSION,
        "unexpected_count": 1,
        "element_count": 3,
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"kode_pos": "2829"}, {"quality.kk.kode_pos_format": (LOW, "4 chars")}),
        ({"no_kk": None}, {"quality.kk.no_kk_missing": (MEDIUM, "missing")}),
        (
            {"members": KK["members"][:1]},
            {"quality.kk.members_count": (LOW, "members: 1")},
        ),
        (
            {"members": [{**m, "status_hubungan": "KEPALA KELUARGA"} for m in KK["members"]]},
            {"quality.kk.kepala_keluarga_count": (LOW, "KEPALA KELUARGA: 3")},
        ),
        (
            {"members": []},
            {
                "quality.kk.members_count": (LOW, "members: 0"),
                "quality.kk.kepala_keluarga_count": (LOW, "KEPALA KELUARGA: 0"),
            },
        ),
    ],
)
def test_each_bad_kk_value_gives_its_finding(
    kk: dict[str, Any], changes: dict[str, Any], expected: dict[str, tuple[Severity, str]]
) -> None:
    assert _by_code(_validate({"kk": {**kk, **changes}})) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"nama_ibu": None}, {"nama_ibu_missing": (MEDIUM, "missing")}),
        ({"no_akta": ""}, {"no_akta_missing": (MEDIUM, "missing")}),
        ({"anak_ke": 21}, {"anak_ke_range": (LOW, "above 20")}),
        ({"anak_ke": "0"}, {"anak_ke_range": (LOW, "below 1")}),
        ({"anak_ke": "DUA"}, {"anak_ke_format": (LOW, "3 chars, 3 non-digit")}),
        ({"jenis_kelamin": "P"}, {"jenis_kelamin_vocabulary": (LOW, "not in the vocabulary")}),
        ({"tanggal_terbit": "2016-04-03"}, {"tanggal_terbit_order": (LOW, "before tanggal_lahir")}),
    ],
)
def test_each_bad_akta_value_gives_its_finding(
    akta: dict[str, Any], changes: dict[str, Any], expected: dict[str, tuple[Severity, str]]
) -> None:
    findings = _validate({"akta_kelahiran": {**akta, **changes}})
    assert _by_code(findings) == {f"quality.akta_kelahiran.{k}": v for k, v in expected.items()}


def test_a_parents_ktp_is_validated_as_a_ktp_under_its_own_code(ktp: dict[str, Any]) -> None:
    findings = _validate({"ktp_ayah": {**ktp, "nik": "14710117088800"}})
    assert [(f.code, f.document, f.observed) for f in findings] == [
        ("quality.ktp_ayah.nik_format", "ktp_ayah", "14 chars")
    ]
