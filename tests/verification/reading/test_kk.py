"""Reading Kartu Keluarga: the PDF text layer exactly, scans and photos with the real Tesseract."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from tests.factories import jpeg_bytes
from verification.errors import DocumentUnreadable
from verification.reading.kk import KK_FIELDS, KK_MEMBER_FIELDS, read_kk
from verification.reading.loader import load_pages
from verification.reading.ocr import TesseractEngine
from verification.reading.reader import read_document
from verification.synthetic.kk import render_kk
from verification.synthetic.people import Family, generate_family


@pytest.fixture(scope="module")
def engine() -> TesseractEngine:
    return TesseractEngine()


def _family(seed: int) -> tuple[Family, random.Random]:
    rng = random.Random(seed)
    return generate_family(rng), rng


def _with_children(family: Family, total: int) -> Family:
    """The family with more children, up to ``total`` members (the KK form holds ten)."""
    child = family.members[-1]
    extra = []
    for i in range(total - len(family.members)):
        serial = f"{(int(child.nik[-4:]) + 11 * (i + 1)) % 10000:04d}"
        name = f"{child.nama.split()[0]} {'ABCDEFGHIJ'[i]}ANDRA"
        extra.append(replace(child, nik=child.nik[:-4] + serial, nama=name, anak_ke=9 + i))
    return replace(family, members=(*family.members, *extra))


@pytest.mark.parametrize("seed", [8, 15])  # two and eight members
def test_text_layer_pdf_is_read_exactly(engine: TesseractEngine, seed: int) -> None:
    family, rng = _family(seed)
    rendered = render_kk(family, rng, form="pdf_text")
    reading = read_kk(load_pages(rendered.data), engine)
    assert reading.steps == ["text_layer"]
    assert reading.fields == rendered.truth
    assert set(reading.fields) == set(KK_FIELDS)


def test_ten_members_from_the_text_layer(engine: TesseractEngine) -> None:
    family, rng = _family(112)
    family = _with_children(family, 10)
    rendered = render_kk(family, rng, form="pdf_text")
    members = read_kk(load_pages(rendered.data), engine).fields["members"]
    assert len(members) == 10
    assert members == rendered.truth["members"]
    assert all(set(m) == set(KK_MEMBER_FIELDS) for m in members)


@pytest.mark.parametrize("seed", [20, 23])
def test_scanned_kk_members_are_read(engine: TesseractEngine, seed: int) -> None:
    family, rng = _family(seed)
    rendered = render_kk(family, rng, form="pdf_scan")
    pages = load_pages(rendered.data)
    assert pages[0].image is not None and not pages[0].words  # no text layer: OCR
    reading = read_kk(pages, engine)
    truth = rendered.truth["members"]
    got = reading.fields["members"]
    assert [m["nik"] for m in got] == [m["nik"] for m in truth]
    assert [m["nama"] for m in got] == [m["nama"] for m in truth]
    # table 2 (parents, relationship) is joined to table 1 by the row number
    assert [m["status_hubungan"] for m in got] == [m["status_hubungan"] for m in truth]
    assert reading.fields["no_kk"] == rendered.truth["no_kk"]
    assert all(0.0 <= c <= 1.0 for c in reading.confidence.values())
    assert "text_layer" not in reading.steps


def test_photo_of_a_kk_is_straightened_and_read(engine: TesseractEngine) -> None:
    family, rng = _family(27)
    rendered = render_kk(family, rng, form="photo")
    reading = read_kk(load_pages(rendered.data), engine)
    assert reading.fields["no_kk"] == rendered.truth["no_kk"]
    assert len(reading.fields["members"]) == len(rendered.truth["members"])
    assert reading.steps  # the preprocessing that ran is recorded


def test_a_photo_of_something_else_is_unreadable(engine: TesseractEngine) -> None:
    with pytest.raises(DocumentUnreadable):
        read_kk(load_pages(jpeg_bytes(size=(1200, 900))), engine)


def test_read_document_reads_a_kk_and_recognises_it(engine: TesseractEngine) -> None:
    family, rng = _family(16)
    rendered = render_kk(family, rng, form="pdf_text")
    result = read_document(rendered.data, declared_type="kk", engine=engine)
    assert result.status == "ok" and result.detected_type == "kk"
    assert result.fields["members"][0]["nik"] == family.members[0].nik
    assert result.to_dict()["fields"]["no_kk"] == family.no_kk
