"""The reading entry point: statuses instead of exceptions, and the detected document type."""

from __future__ import annotations

import random

import pytest

from tests.factories import png_header
from verification.reading.classify import classify_text
from verification.reading.ocr import TesseractEngine
from verification.reading.reader import read_document
from verification.synthetic.kk import render_kk
from verification.synthetic.ktp import render_ktp
from verification.synthetic.people import generate_family


@pytest.fixture(scope="module")
def engine() -> TesseractEngine:
    return TesseractEngine()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "file is empty"),
        (b"<html>not a pdf</html>", "not a JPEG, PNG or PDF"),
        (png_header(30000, 30000), "over the reading limit"),
    ],
)
def test_unreadable_documents_get_a_status(
    engine: TesseractEngine, data: bytes, reason: str
) -> None:
    result = read_document(data, declared_type="ktp", engine=engine)
    assert result.status == "unreadable" and result.error is not None and reason in result.error
    assert result.fields == {}
    report = result.to_dict()
    assert report["status"] == "unreadable" and report["type"] == "ktp"


def test_ktp_is_read_and_recognised(engine: TesseractEngine) -> None:
    rng = random.Random(11)
    family = generate_family(rng)
    rendered = render_ktp(family, family.applicant, rng)
    result = read_document(rendered.data, declared_type="ktp", engine=engine)
    assert result.status == "ok" and result.detected_type == "ktp"
    assert result.fields["nik"] == rendered.truth["nik"]
    assert result.seconds > 0 and result.pages == 1


def test_kk_uploaded_as_ktp_is_detected(engine: TesseractEngine) -> None:
    rng = random.Random(12)
    family = generate_family(rng)
    kk = render_kk(family, rng, form="pdf_text")
    result = read_document(kk.data, declared_type="ktp", engine=engine)
    assert result.detected_type == "kk"
    assert result.status == "unreadable"  # a text-layer page is no KTP image


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "PROVINSI RIAU KOTA PEKANBARU NIK : 1471 Tempat/Tgl Lahir Gol. Darah Berlaku Hingga",
            "ktp",
        ),
        ("KARTU KELUARGA No. 1471 Nama Kepala Keluarga Status Hubungan Dalam Keluarga", "kk"),
        ("KUTIPAN AKTA KELAHIRAN bahwa di PEKANBARU telah lahir anak ke satu", "akta_kelahiran"),
        ("KARTU KELUAROA No. Nama Kepala Keluaroa Pendidikan Jenis Pekerjaan", "kk"),
        ("invoice for services rendered", None),
    ],
)
def test_classification(text: str, expected: str | None) -> None:
    assert classify_text(text).doc_type == expected
