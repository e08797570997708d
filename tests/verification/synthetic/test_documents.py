"""Rendered documents: truth keys, image sizes, the KK text layer, scans, degradations."""

from __future__ import annotations

import io
import random
import re
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pdfplumber
import pytest

from verification.synthetic.akta import AKTA_FIELDS, akta_truth, render_akta
from verification.synthetic.degrade import STEPS, degrade
from verification.synthetic.kk import KK_FIELDS, KK_MEMBER_FIELDS, kk_truth, render_kk
from verification.synthetic.ktp import KTP_FIELDS, KTP_SIZE, ktp_truth, render_ktp
from verification.synthetic.packet import PacketTruth
from verification.synthetic.people import Family, age_on, generate_family

MODERN_AKTA = re.compile(r"^(\d{4})-L([UT])-(\d{8})-(\d{4})$")


def _decode(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def _big_family() -> Family:
    return next(
        f for seed in range(200)
        if len((f := generate_family(random.Random(seed))).members) >= 7
    )  # fmt: skip


def test_ktp_is_a_card_sized_jpeg_with_all_19_fields(adult_families: list[Family]) -> None:
    family = adult_families[0]
    rendered = render_ktp(family, family.applicant, random.Random(1))
    assert rendered.media_type == "image/jpeg" and rendered.steps == ()
    assert _decode(rendered.data).shape == (KTP_SIZE[1], KTP_SIZE[0], 3)
    assert tuple(rendered.truth) == KTP_FIELDS and len(KTP_FIELDS) == 19
    assert rendered.truth["nik"] == family.applicant.nik
    assert rendered.truth["kabupaten_kota"] == family.region.kabupaten_kota
    for key in ("tanggal_lahir", "tanggal_terbit"):
        date.fromisoformat(rendered.truth[key])


def test_ktp_issue_dates_are_plausible(adult_families: list[Family]) -> None:
    for i, family in enumerate(adult_families):
        truth = ktp_truth(family, family.applicant, random.Random(i))
        issued = date.fromisoformat(truth["tanggal_terbit"])
        assert issued >= date(2011, 6, 1)
        assert age_on(family.applicant.tanggal_lahir, issued) >= 17
        until = truth["berlaku_hingga"]
        assert until == "SEUMUR HIDUP" or date.fromisoformat(until) > issued


def test_a_child_gets_no_ktp(minor_families: list[Family]) -> None:
    family = minor_families[0]
    with pytest.raises(ValueError, match="17"):
        ktp_truth(family, family.applicant, random.Random(0))


def test_degraded_ktp_records_its_steps(adult_families: list[Family]) -> None:
    family = adult_families[1]
    rendered = render_ktp(family, family.applicant, random.Random(3), degraded=True)
    assert rendered.steps and set(rendered.steps) <= set(STEPS)
    _decode(rendered.data)


def test_akta_is_an_a4_portrait_png(adult_families: list[Family]) -> None:
    family = adult_families[2]
    rendered = render_akta(family, family.applicant, random.Random(2))
    assert rendered.data.startswith(b"\x89PNG")
    assert _decode(rendered.data).shape == (2339, 1654, 3)
    assert tuple(rendered.truth) == AKTA_FIELDS


def test_akta_numbers_and_parents(all_families: list[Family]) -> None:
    forms = {"modern": 0, "old": 0, "mother only": 0}
    for i, family in enumerate(all_families):
        person = family.applicant
        truth = akta_truth(family, person, random.Random(i))
        assert truth["nama_ibu"] == person.nama_ibu and truth["nama_ayah"] == person.nama_ayah
        forms["mother only"] += truth["nama_ayah"] is None
        issued = date.fromisoformat(truth["tanggal_terbit"])
        assert person.tanggal_lahir <= issued
        match = MODERN_AKTA.fullmatch(truth["no_akta"])
        if match is None:
            assert person.tanggal_lahir < date(2009, 1, 1)
            forms["old"] += 1
            continue
        forms["modern"] += 1
        assert match[1] == person.wilayah_lahir.kabkota_code
        registered = date(int(match[3][4:]), int(match[3][2:4]), int(match[3][:2]))
        late = (registered - person.tanggal_lahir).days > 60
        assert match[2] == ("T" if late else "U")
    assert all(forms.values()), forms


def test_kk_truth_has_the_design_fields(adult_families: list[Family]) -> None:
    truth = kk_truth(adult_families[3])
    assert tuple(truth) == KK_FIELDS
    assert all(tuple(m) == KK_MEMBER_FIELDS for m in truth["members"])


def test_text_layer_kk_yields_every_member_nik_and_name() -> None:
    family = _big_family()
    rendered = render_kk(family, random.Random(0), form="pdf_text")
    assert rendered.data.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(rendered.data)) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        assert page.width > page.height  # landscape
        words = {w["text"] for w in page.extract_words()}
        text = page.extract_text()
    assert family.no_kk in words
    assert f"Dikeluarkan Tanggal : {family.tanggal_terbit:%d-%m-%Y}" in text
    for member in family.members:
        assert member.nik in words
        assert member.nama in text


def test_text_layer_kk_is_byte_identical_for_the_same_family() -> None:
    family = generate_family(random.Random(21))
    first = render_kk(family, random.Random(1), form="pdf_text").data
    assert first == render_kk(family, random.Random(2), form="pdf_text").data


def test_scanned_kk_pdf_has_one_image_and_no_text(batch: tuple[Path, list[PacketTruth]]) -> None:
    _, truths = batch
    scan = next(t for t in truths if t.document("kk").form == "pdf_scan")
    with pdfplumber.open(scan.folder / "kk.pdf") as pdf:
        page = pdf.pages[0]
        assert page.chars == []
        assert (page.extract_text() or "").strip() == ""
        assert len(page.images) == 1
        image = page.images[0]
        assert image["srcsize"][0] > image["srcsize"][1] >= 1600  # 200+ dpi landscape A4


def test_photographed_kk_is_a_jpeg_of_the_page_on_a_table(
    batch: tuple[Path, list[PacketTruth]],
) -> None:
    _, truths = batch
    photo = next(t for t in truths if t.document("kk").form == "photo")
    document = photo.document("kk")
    assert document.file == "kk.jpg" and document.steps[0] == "perspective"
    height, width = _decode((photo.folder / "kk.jpg").read_bytes()).shape[:2]
    assert width > 1754 and height > 1240  # larger than the 150 dpi page it holds


@pytest.fixture(scope="module")
def card() -> np.ndarray:
    return np.full((200, 320, 3), 230, np.uint8)


@pytest.mark.parametrize("step", sorted(STEPS))
def test_each_step_returns_a_colour_image(card: np.ndarray, step: str) -> None:
    out, names = degrade(card, random.Random(4), steps=[step])
    assert names == [step]
    assert out.dtype == np.uint8 and out.ndim == 3 and out.shape[2] == 3
    if step == "downscale":
        assert 0.4 < out.shape[1] / card.shape[1] < 0.6
    elif step in ("rotate", "perspective"):
        assert out.shape[:2] != card.shape[:2]
    elif step in ("noise", "shadow"):
        assert not np.array_equal(out, card)


@pytest.mark.parametrize("kind", ["photo", "scan"])
def test_random_degradation_is_reproducible(card: np.ndarray, kind: str) -> None:
    first, steps = degrade(card, random.Random(9), kind=kind)
    again, steps_again = degrade(card, random.Random(9), kind=kind)
    assert steps == steps_again and steps and np.array_equal(first, again)


def test_unknown_step_is_refused(card: np.ndarray) -> None:
    with pytest.raises(ValueError, match="unknown"):
        degrade(card, random.Random(0), steps=["smudge"])
