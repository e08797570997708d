"""PDF forensics on genuine synthetic KKs (text layer and scans) and on tampered copies."""

from __future__ import annotations

import random

import pytest

from rules.checking import check_context
from rules.policy import default_policy
from verification.fraud.pdf import inspect_pdf, pdf_findings
from verification.reading.loader import load_pages
from verification.synthetic.kk import kk_page, render_kk
from verification.synthetic.people import Family, generate_family
from verification.synthetic.tamper import append_revision, retyped_value, rewritten_by


def _family(seed: int) -> tuple[Family, random.Random]:
    rng = random.Random(seed)
    return generate_family(rng), rng


# 68806: a long signature name beside the footnote, once taken for a retyped field
@pytest.mark.parametrize("seed", [*range(8), 68806])
@pytest.mark.parametrize("form", ["pdf_text", "pdf_scan"])
def test_genuine_kk_pdfs_raise_nothing(seed: int, form: str) -> None:
    family, rng = _family(seed)
    seen = inspect_pdf(render_kk(family, rng, form=form).data)
    assert seen.signals == []
    assert seen.revisions == 1


def test_an_incremental_update_is_an_edit() -> None:
    family, rng = _family(3)
    edited = append_revision(render_kk(family, rng, form="pdf_text").data)
    assert len(load_pages(edited)[0].words) > 100  # still a readable PDF
    seen = inspect_pdf(edited)
    assert seen.revisions == 2
    [(code, details)] = seen.signals
    assert code == "fraud.pdf.edited" and details["score"] == 2 and details["threshold"] == 1


@pytest.mark.parametrize("producer", ["iLovePDF", "Sejda PDF Desktop", "Adobe Photoshop 25.0"])
def test_an_editing_program_in_producer_is_an_edit(producer: str) -> None:
    family, _ = _family(4)
    seen = inspect_pdf(rewritten_by(kk_page(family), title="KK", producer=producer))
    assert [(c, d["field"]) for c, d in seen.signals] == [("fraud.pdf.edited", "Producer")]
    assert seen.revisions == 1  # written in one piece: only the Producer tells


@pytest.mark.parametrize("font", ["Times-Roman", "Courier", "Helvetica-Oblique", "Helvetica-Bold"])
def test_a_value_retyped_in_another_font(font: str) -> None:
    family, _ = _family(5)
    nik = family.members[1].nik
    seen = inspect_pdf(retyped_value(kk_page(family), title="KK", value=nik, font=font))
    [(code, details)] = seen.signals
    assert code == "fraud.tamper.font"
    assert details["font"] == font and details["characters"] == 16
    assert nik not in str(details)  # where, never what


def test_findings_carry_the_file_hash_and_the_policy() -> None:
    family, rng = _family(6)
    edited = append_revision(render_kk(family, rng, form="pdf_scan").data, producer="iLovePDF")
    ctx = check_context(default_policy())
    findings = pdf_findings(edited, document="kk", sha256="ab" * 32, ctx=ctx)
    assert [f.code for f in findings] == ["fraud.pdf.edited", "fraud.pdf.edited"]
    assert all(f.evidence.sha256 == "ab" * 32 and f.document == "kk" for f in findings)
    assert all(f.rule_version == ctx.rule_version for f in findings)
    assert pdf_findings(b"\xff\xd8\xff\xe0 a jpeg", document="ktp", sha256=None, ctx=ctx) == []
