"""Reading akta kelahiran with the real Tesseract, and the parsing of its wording."""

from __future__ import annotations

import random
from datetime import date

import pytest

from tests.factories import jpeg_bytes
from verification.errors import DocumentUnreadable
from verification.reading.akta import AKTA_FIELDS, parse_akta, parse_ordinal, read_akta
from verification.reading.loader import load_pages
from verification.reading.ocr import TesseractEngine
from verification.synthetic.akta import render_akta
from verification.synthetic.people import generate_family


@pytest.fixture(scope="module")
def engine() -> TesseractEngine:
    return TesseractEngine()


@pytest.mark.parametrize("seed", [303, 306])
def test_clean_akta_fields(engine: TesseractEngine, seed: int) -> None:
    rng = random.Random(seed)
    family = generate_family(rng)
    rendered = render_akta(family, family.applicant, rng)
    reading = read_akta(load_pages(rendered.data), engine)
    for name in ("nama", "tanggal_lahir", "nama_ayah", "nama_ibu", "jenis_kelamin", "anak_ke"):
        assert reading.fields.get(name) == rendered.truth[name], name


def test_a_photo_of_something_else_is_unreadable(engine: TesseractEngine) -> None:
    with pytest.raises(DocumentUnreadable, match="no akta kelahiran wording"):
        read_akta(load_pages(jpeg_bytes(size=(400, 300))), engine)


MODERN = [
    "REPUBLIK INDONESIA",
    "KUTIPAN AKTA KELAHIRAN",
    "Berdasarkan Akta Kelahiran Nomor 1471-LU-12082014-0042",
    "bahwa di PEKANBARU",
    "pada tanggal tujuh belas Agustus seribu sembilan ratus sembilan puluh",
    "telah lahir SITI AM1NAH",
    "anak kedua, perempuan, dari suami-isteri",
    "AHMAD YANI",
    "dan ROSMAWATI",
    "Kutipan ini dikeluarkan di PEKANBARU",
    "pada tanggal 12 Agustus 2014",
]


def test_modern_wording() -> None:
    parsed = parse_akta(MODERN)
    assert parsed.markers >= 2
    assert set(parsed.confidence) == set(parsed.fields)
    assert parsed.fields == {
        "no_akta": "1471-LU-12082014-0042",
        "tempat_lahir": "PEKANBARU",
        "tanggal_lahir": date(1990, 8, 17).isoformat(),
        "nama": "SITI AMINAH",
        "anak_ke": 2,
        "jenis_kelamin": "PEREMPUAN",
        "nama_ayah": "AHMAD YANI",
        "nama_ibu": "ROSMAWATI",
        "model": 1,
        "tempat_terbit": "PEKANBARU",
        "tanggal_terbit": "2014-08-12",
    }


def test_mother_only_akta_has_no_father() -> None:
    lines = [*MODERN[:6], "anak pertama, laki-laki, dari seorang ibu ROSMAWATI", *MODERN[9:]]
    fields = parse_akta(lines).fields
    assert fields["nama_ibu"] == "ROSMAWATI" and fields["nama_ayah"] is None
    assert fields["model"] == 3 and fields["anak_ke"] == 1
    assert set(AKTA_FIELDS) - set(fields) == set()


def test_ocr_garbled_anchors_still_found() -> None:
    lines = [
        "Nomor : 474.1/1234/1995",
        "bahwa dl MEDAN",
        "pada tangga1 satu Januari dua ribu lima",
        "telah 1ahir BUDI SANTOSO",
    ]
    fields = parse_akta(lines).fields
    assert fields["no_akta"] == "474.1/1234/1995" and fields["tempat_lahir"] == "MEDAN"
    assert fields["tanggal_lahir"] == "2005-01-01" and fields["nama"] == "BUDI SANTOSO"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kedua", 2),
        ("ke-3", 3),
        ("KETIGA,", 3),
        ("kesepuluh", 10),
        ("pertama", 1),
        ("ke 11", 11),
        ("kedua belas", 12),
        ("ke-IV", 4),
        ("", None),
        ("perempuan", None),
    ],
)
def test_ordinals(text: str, expected: int | None) -> None:
    """The words after \"anak\": ordinal words, digits, Roman numerals."""
    assert parse_ordinal(text) == expected
