"""quality_report: a batch validated masked, rendered as Data Docs without a personal value."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from tests.verification.quality.data import AKTA, KK, KTP, RULE_VERSION, TODAY
from verification.quality import SUITE_VERSION, QualityReport, quality_report
from verification.quality.suites import TABLES, TABLES_BY_DOCUMENT, Shape, expectations
from verification.synthetic.akta import akta_truth
from verification.synthetic.kk import kk_truth
from verification.synthetic.ktp import ktp_truth
from verification.synthetic.people import generate_family

BAD_NIK = "147101450890O003"
Extraction = tuple[str, dict[str, Any]]


def _generated(count: int) -> list[Extraction]:
    out: list[Extraction] = []
    for seed in range(count):
        rng = random.Random(seed)
        family = generate_family(rng, today=TODAY)
        person = family.applicant
        out += [
            ("ktp", ktp_truth(family, person, rng, today=TODAY)),
            ("kk", kk_truth(family)),
            ("akta_kelahiran", akta_truth(family, person, rng, today=TODAY)),
        ]
    return out


def _planted() -> list[Extraction]:
    members = [dict(m) for m in KK["members"]]
    members[1]["agama"] = "KATHOLIK"
    return [
        ("ktp", {**KTP, "nik": BAD_NIK}),
        ("ktp", {**KTP, "nama": None}),
        ("kk", {**KK, "members": members}),
        ("akta_kelahiran", {**AKTA, "nama_ayah": None, "tanggal_terbit": "2016-04-01"}),
        ("ijazah", {"nama": "SITI AMINAH"}),
    ]


@pytest.fixture(scope="module")
def extractions() -> list[Extraction]:
    return _generated(10) + _planted()


@pytest.fixture(scope="module")
def report(
    extractions: list[Extraction], tmp_path_factory: pytest.TempPathFactory
) -> QualityReport:
    out = tmp_path_factory.mktemp("quality") / "docs"
    return quality_report(extractions, out, rule_version=RULE_VERSION, today=TODAY)


def test_the_data_docs_are_rendered_with_a_page_per_suite(report: QualityReport) -> None:
    assert report.index_html.name == "index.html" and report.index_html.is_file()
    pages = {p.parts[-4] for p in (report.index_html.parent / "validations").rglob("*.html")}
    assert pages == {t.suite for t in TABLES}
    assert "999999999999X999" in _site_text(report)  # the failing NIK is visible, masked


def test_the_report_counts_documents_rows_and_failures(
    report: QualityReport, extractions: list[Extraction]
) -> None:
    members = sum(len(f["members"]) for d, f in extractions if d == "kk")
    assert report.documents == 34 and report.skipped == 1
    assert report.documents_by_type == {"ktp": 12, "kk": 11, "akta_kelahiran": 11}
    assert report.rows == {"ktp": 12, "kk": 11, "kk_members": members, "akta_kelahiran": 11}
    assert report.expectations_evaluated == sum(len(expectations(t)) for t in TABLES)
    assert report.failures == {
        "quality.ktp.nik_format": 1,
        "quality.ktp.fields_missing": 1,
        "quality.kk.members.agama_vocabulary": 1,
        "quality.akta_kelahiran.tanggal_terbit_order": 1,
    }
    assert report.missing == {"quality.ktp.nama_missing": 1}
    assert (report.suite_version, report.rule_version) == (SUITE_VERSION, RULE_VERSION)


def _personal_values(extractions: list[Extraction]) -> set[str]:
    """Every value of a field the report masks (free text, digits, dates), members included.

    Values under 6 characters (kode_pos) are left out: they could occur by chance in the
    run timestamps and fingerprints the site prints.
    """
    values: set[str] = set()
    for document, fields in extractions:
        for table in TABLES_BY_DOCUMENT.get(document, ()):
            records = fields.get("members", []) if table.prefix else [fields]
            for record in records:
                for spec in table.fields:
                    value = record.get(spec.name)
                    if spec.shape in (Shape.VOCABULARY, Shape.NUMBER) or value is None:
                        continue
                    if str(value) not in spec.literals and len(str(value)) >= 6:
                        values.add(str(value))
    return values


def _site_text(report: QualityReport) -> str:
    site = report.index_html.parent
    return "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in site.rglob("*") if p.is_file()
    )


def test_no_personal_value_appears_anywhere_in_the_site(
    report: QualityReport, extractions: list[Extraction]
) -> None:
    values = _personal_values(extractions)
    assert {KTP["nik"], KTP["nama"], KTP["tanggal_lahir"], BAD_NIK, "NUR HALIZA"} <= values
    assert len(values) > 250
    text = _site_text(report)
    assert [v for v in values if v in text] == []


def test_the_grep_would_catch_unmasked_failures(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The control: without masking, the failing values do reach the HTML."""
    import verification.quality.report as module

    monkeypatch.setattr(module, "mask_record", lambda table, record, today: dict(record))
    planted = _planted()
    report = quality_report(planted, tmp_path / "docs", rule_version=RULE_VERSION, today=TODAY)
    assert BAD_NIK in _site_text(report)
