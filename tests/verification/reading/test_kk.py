"""Reading Kartu Keluarga: the PDF text layer exactly, scans and photos with the real Tesseract."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from tests.factories import jpeg_bytes
from verification.errors import DocumentUnreadable
from verification.reading.kk import KK_FIELDS, KK_MEMBER_FIELDS, _reconcile_nik, read_kk
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


# 1026: a Balinese family, whose "NI ..." names once passed for the NIK column label
@pytest.mark.parametrize("seed", [20, 23, 1026])
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


# A woman born 13-11-2020: her NIK's date digits are 531120.
_ROW = {"nik": "5271015311208046", "tanggal_lahir": "2020-11-13", "jenis_kelamin": "PEREMPUAN"}


@pytest.mark.parametrize(
    ("first", "second", "expected", "conf"),
    [
        ("5271015311208046", ("5271015311208046", 0.7), "5271015311208046", 0.9),  # agree
        (None, ("5271015311208046", 0.9), "5271015311208046", 0.72),  # only one reading
        ("5271015311208046", (None, 0.0), "5271015311208046", 0.9),  # second unreadable
        # disagreeing: the reading whose date digits fit the row wins, confidence halved
        ("5271015311208046", ("5271015811208046", 0.95), "5271015311208046", 0.45),
        # both fit: the more confident one, halved
        ("5271015311208046", ("5271015311200046", 0.95), "5271015311200046", 0.475),
    ],
)
def test_two_readings_of_a_member_nik_are_reconciled(
    first: str | None, second: tuple[str | None, float], expected: str, conf: float
) -> None:
    member = {**_ROW, "nik": first}
    nik, confidence = _reconcile_nik(member, 0.9, second)
    assert nik == expected
    assert confidence == pytest.approx(conf)
