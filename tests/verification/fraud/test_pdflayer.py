"""A PDF text layer that disagrees with its page: genuine KK PDFs (digital, scanned, searchable
scans clean and degraded) and tampered copies (an edited OCR layer, covered and hidden values)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from rules.checking import check_context
from rules.policy import default_policy
from verification.fraud.pdflayer import (
    text_layer_evidence,
    text_layer_findings,
    text_layer_signals,
)
from verification.reading.loader import load_pages
from verification.synthetic.kk import kk_page, render_kk
from verification.synthetic.layout import Page
from verification.synthetic.people import Family, generate_family
from verification.synthetic.tamper import (
    HIDINGS,
    altered_value,
    covered_value,
    edited_text_layer,
    hidden_value,
    scanned_page,
    searchable_scan,
)


def _family(seed: int) -> tuple[Family, random.Random]:
    rng = random.Random(seed)
    return generate_family(rng), rng


def _scan(seed: int, *, degraded: bool) -> tuple[Family, random.Random, Page]:
    family, rng = _family(seed)
    return family, rng, scanned_page(kk_page(family), rng, degraded=degraded)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("form", ["pdf_text", "pdf_scan"])
def test_genuine_kk_pdfs_raise_nothing(seed: int, form: str) -> None:
    family, rng = _family(seed)
    assert text_layer_signals(render_kk(family, rng, form=form).data) == []


@pytest.mark.parametrize(("seed", "degraded"), [(10, False), (11, True), (12, True)])
def test_a_genuine_searchable_scan_raises_nothing(seed: int, degraded: bool) -> None:
    family, rng = _family(seed)
    data = searchable_scan(kk_page(family), rng, title="KK", degraded=degraded, misread=0.2)
    assert load_pages(data)[0].source == "pdf_text"  # the reader takes the layer as the text
    assert text_layer_signals(data) == []


@pytest.mark.parametrize(
    ("seed", "degraded", "field"),
    [(20, False, "nik"), (21, True, "nik"), (22, True, "tanggal_lahir"), (23, False, "nama")],
)
def test_an_edited_ocr_layer_disagrees_with_the_scan(seed: int, degraded: bool, field: str) -> None:
    family, rng, scan = _scan(seed, degraded=degraded)
    member = family.members[-1]
    old = {
        "nik": member.nik,
        "tanggal_lahir": member.tanggal_lahir.strftime("%d-%m-%Y"),
        "nama": member.nama,
    }[field]
    new = altered_value(old, rng)
    edited = edited_text_layer(scan, title="KK", old=old, new=new)
    [page] = load_pages(edited)
    assert page.source == "pdf_text"  # the reader reads the layer...
    assert degraded or new.split()[0] in [w.text for w in page.words]  # ...and the new value
    signals = text_layer_signals(edited)
    assert signals and {code for code, _ in signals} == {"fraud.pdf.edited"}
    kinds = {d["kind"] for _, d in signals}
    expected = {"nik": "16-digit number", "tanggal_lahir": "date", "nama": "word in capitals"}
    assert kinds == {expected[field]}
    for _, details in signals:
        assert details["method"].startswith("OCR layer vs scanned page")
        assert details["score"] >= details["threshold"]
        assert old not in str(details) and new not in str(details)  # where, never what
        x0, y0, x1, y1 = details["box"]
        assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1


def test_a_white_box_over_a_value_hides_it_from_the_page() -> None:
    family, rng = _family(30)
    nik = family.members[1].nik
    data = covered_value(kk_page(family), title="KK", old=nik, new=altered_value(nik, rng))
    [(code, details)] = text_layer_signals(data)
    assert code == "fraud.pdf.edited"
    assert details["hidden_by"] == "covered" and details["kind"] == "16-digit number"
    assert details["characters"] == 16 and nik not in str(details)


def test_a_box_in_the_background_colour_hides_a_value_too() -> None:
    family, _ = _family(31)
    date = family.members[0].tanggal_lahir.strftime("%d-%m-%Y")
    grey = (0.93, 0.93, 0.9)
    data = covered_value(kk_page(family), title="KK", old=date, new="01-01-1990", colour=grey)
    [(_, details)] = text_layer_signals(data)
    assert details["hidden_by"] == "covered" and details["characters"] == 8  # digits counted


@pytest.mark.parametrize(
    ("how", "hidden_by"),
    [
        ("white", "background colour"),
        ("invisible", "invisible"),
        ("off_page", "off the page"),
        ("under_image", "covered"),
        ("overlay", "overprinted"),
    ],
)
def test_a_hidden_old_value_under_a_new_one(how: str, hidden_by: str) -> None:
    assert how in HIDINGS
    family, rng = _family(40)
    name = family.members[0].nama
    data = hidden_value(
        kk_page(family), title="KK", old=name, new=altered_value(name, rng), how=how
    )
    signals = text_layer_signals(data)
    assert signals and {d["hidden_by"] for _, d in signals} == {hidden_by}
    assert all(d["score"] >= d["threshold"] == 1 for _, d in signals)
    assert name.split()[0] not in str(signals)


def test_findings_carry_the_file_hash_and_the_policy() -> None:
    family, rng = _family(50)
    nik = family.members[0].nik
    data = covered_value(kk_page(family), title="KK", old=nik, new=altered_value(nik, rng))
    ctx = check_context(default_policy())
    [finding] = text_layer_findings(data, document="kk", sha256="cd" * 32, ctx=ctx)
    assert finding.code == "fraud.pdf.edited" and finding.document == "kk"
    assert finding.evidence.sha256 == "cd" * 32 and finding.evidence.box is not None
    assert finding.rule_version == ctx.rule_version and nik not in finding.message
    assert text_layer_findings(b"\xff\xd8\xff\xe0 a jpeg", document="x", sha256=None, ctx=ctx) == []


def test_the_evidence_outlines_the_disagreeing_word() -> None:
    family, rng = _family(60)
    nik = family.members[0].nik
    data = covered_value(kk_page(family), title="KK", old=nik, new=altered_value(nik, rng))
    signals = text_layer_signals(data)
    image = text_layer_evidence(data, signals)
    assert image.ndim == 3 and image.shape[2] == 3
    red = (image[:, :, 2] > 200) & (image[:, :, 1] < 60) & (image[:, :, 0] < 60)
    ys, xs = np.nonzero(red)
    x0, y0, x1, y1 = signals[0][1]["box"]
    h, w = image.shape[:2]
    assert xs.min() < x0 * w < x1 * w < xs.max() + 1 and ys.min() < y0 * h < y1 * h < ys.max() + 1
    blank = np.full((400, 600, 3), 255, np.uint8)
    drawn = text_layer_evidence(blank, signals)
    assert drawn.shape == blank.shape and (drawn != 255).any() and (blank == 255).all()
