"""Printing, pure: numbers, the data page, its PDF, and QC reading the MRZ back with Tesseract."""

from __future__ import annotations

import doctest
import io
import random
from dataclasses import replace
from datetime import date
from types import ModuleType

import pdfplumber
import pytest

from tests.factories import jpeg_bytes
from verification.errors import InputError
from verification.mrz import parse_td3
from verification.packet import ApplicantForm
from verification.printing import datapage, numbers, qc
from verification.printing.datapage import DataPage, Issuer, data_page, expiry_date
from verification.printing.numbers import format_number
from verification.printing.qc import check_page, compare_mrz, mrz_engine, read_mrz
from verification.printing.render import render_data_page
from verification.synthetic.packet import application_form
from verification.synthetic.people import generate_family

SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
ISSUED = date(2026, 11, 27)
ENGINE = mrz_engine()


def _form(seed: int, validity: int = 10) -> ApplicantForm:
    family = generate_family(random.Random(seed))
    body = {**application_form(family.applicant, family), "validity_years": validity}
    return ApplicantForm.model_validate(body)


def _page(seed: int, number: str = "X0000042", validity: int = 10) -> DataPage:
    return data_page(
        _form(seed, validity),
        number=number,
        issue_date=ISSUED,
        registration="APP-2026-000123",
        issuer=Issuer(),
    )


def _specimen_page() -> DataPage:
    """The ICAO specimen's MRZ on a data page (the visual fields are this office's)."""
    return replace(_page(1), mrz=SPECIMEN)


@pytest.mark.parametrize("module", [numbers, datapage], ids=lambda m: m.__name__)
def test_doctests_pass(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    ("prefix", "serial", "problem"),
    [("XY", 1, "one capital letter"), ("1", 1, "one capital letter"), ("X", 0, "out of range")],
)
def test_bad_numbers_are_refused(prefix: str, serial: int, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        format_number(prefix, serial)


@pytest.mark.parametrize(
    ("issued", "years", "expires"),
    [
        (date(2026, 11, 27), 10, date(2036, 11, 26)),
        (date(2026, 11, 27), 5, date(2031, 11, 26)),
        (date(2026, 1, 1), 5, date(2030, 12, 31)),
        (date(2028, 2, 29), 10, date(2038, 2, 28)),
    ],
)
def test_expiry_is_the_anniversary_minus_one_day(issued: date, years: int, expires: date) -> None:
    assert expiry_date(issued, years) == expires


def test_expiry_refuses_other_validities() -> None:
    with pytest.raises(InputError, match="5 or 10"):
        expiry_date(ISSUED, 7)


def test_issuer_refuses_a_bad_prefix_or_office() -> None:
    with pytest.raises(InputError, match="prefix"):
        Issuer(number_prefix="x")
    with pytest.raises(InputError, match="office"):
        Issuer(office="pekanbaru")


@pytest.mark.parametrize("validity", [5, 10])
def test_data_page_mrz_has_five_good_check_digits_and_the_record(validity: int) -> None:
    form = _form(3, validity)
    page = _page(3, validity=validity)
    parsed = parse_td3(*page.mrz)
    assert parsed.valid and parsed.score == 1.0
    assert (parsed.document_type, parsed.issuing_state, parsed.nationality) == ("P", "IDN", "IDN")
    assert parsed.document_number == "X0000042" and page.mrz[1][8] == "<"
    assert parsed.birth_date == form.tanggal_lahir.strftime("%y%m%d")
    assert parsed.expiry_date == expiry_date(ISSUED, validity).strftime("%y%m%d")
    assert parsed.sex == {"LAKI-LAKI": "M", "PEREMPUAN": "F"}[form.jenis_kelamin]
    # The last word of the single Indonesian name is the primary identifier (domain-spec 10.5).
    words = page.name.split()
    assert parsed.primary == words[-1] and parsed.secondary == " ".join(words[:-1])


def test_render_is_one_td3_page_with_the_fields_and_reproducible() -> None:
    page = _page(4)
    pdf = render_data_page(page)
    assert pdf.startswith(b"%PDF") and render_data_page(page) == pdf
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) == 1
        sheet = document.pages[0]
        assert (round(sheet.width / 72 * 25.4), round(sheet.height / 72 * 25.4)) == (125, 88)
        text = sheet.extract_text()
        title = str(document.metadata.get("Title", ""))
    for value in (page.number, page.name, page.birth_place, "REPUBLIK INDONESIA", "PEKANBARU"):
        assert value in text
    assert page.name not in title  # document metadata never names the holder


def test_render_embeds_the_photo_or_draws_a_frame() -> None:
    page = _page(5)
    with pdfplumber.open(io.BytesIO(render_data_page(page, jpeg_bytes(7, (120, 160))))) as doc:
        assert len(doc.pages[0].images) == 1
    with pdfplumber.open(io.BytesIO(render_data_page(page, None))) as doc:
        assert doc.pages[0].images == [] and "FOTO" in doc.pages[0].extract_text()
    with pytest.raises(InputError, match="not a JPEG or PNG"):
        render_data_page(page, b"GIF89a not a photo")


def test_qc_reads_the_icao_specimen_back_from_the_rendered_page() -> None:
    pdf = render_data_page(_specimen_page())
    assert read_mrz(pdf, ENGINE) == SPECIMEN
    assert check_page(pdf, SPECIMEN, ENGINE).passed


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_qc_passes_a_clean_page_read_by_tesseract(seed: int) -> None:
    page = _page(seed, number=f"X{seed * 7919:07d}")
    result = check_page(render_data_page(page), page.mrz, ENGINE)
    assert result.passed, result.details()
    assert result.mismatches == () and result.failed_checks == () and result.unread_cells == 0


def test_qc_detects_a_corrupted_birth_date_in_the_printed_mrz() -> None:
    page = _page(21)
    line2 = page.mrz[1]
    wrong = "3" if line2[16] != "3" else "4"  # a day digit, check digit left as it was
    printed = replace(page, mrz=(page.mrz[0], line2[:16] + wrong + line2[17:]))
    result = check_page(render_data_page(printed), page.mrz, ENGINE)
    assert not result.passed
    assert result.mismatches == ("birth_date",)
    assert set(result.failed_checks) == {"birth_date", "composite"}


def test_qc_detects_a_wrong_name_that_no_check_digit_covers() -> None:
    page = _page(22)
    line1 = page.mrz[0]
    i = 5 + line1[5:].index("<") - 1  # the last letter of the primary identifier
    printed = replace(
        page, mrz=(line1[:i] + ("Q" if line1[i] != "Q" else "X") + line1[i + 1 :], page.mrz[1])
    )
    result = check_page(render_data_page(printed), page.mrz, ENGINE)
    assert not result.passed and result.mismatches == ("name",) and result.failed_checks == ()


def test_qc_fails_a_page_without_an_mrz() -> None:
    page = _page(23)
    blank = replace(page, mrz=(" " * 44, " " * 44))
    result = check_page(render_data_page(blank), page.mrz, ENGINE)
    assert not result.passed and result.mismatches == ("mrz_zone",)


def test_compare_names_fields_never_values() -> None:
    read = (SPECIMEN[0], SPECIMEN[1][:13] + "740813" + SPECIMEN[1][19:])
    result = compare_mrz(read, SPECIMEN)
    details = result.details()
    assert details["mismatches"] == ["birth_date"] and "740813" not in str(details)
    unread = compare_mrz((SPECIMEN[0], "?" + SPECIMEN[1][1:]), SPECIMEN)
    assert unread.mismatches == ("document_number",) and unread.unread_cells == 1
    assert not unread.passed and len(unread.failed_checks) == 5


def test_qc_module_steps_are_named() -> None:
    assert qc.STEPS[0] == "rasterise" and qc.STEPS[-1] == "compare"
