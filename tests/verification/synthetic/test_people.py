"""Synthetic families: NIK and No. KK structure, consistency inside a family, determinism."""

from __future__ import annotations

import random
from datetime import date

import pytest
from stdnum.id import nik as stdnum_nik

from verification.synthetic.people import (
    PEKERJAAN,
    PENDIDIKAN,
    REFERENCE_DATE,
    STATUS_HUBUNGAN,
    Family,
    age_on,
    generate_family,
)
from verification.synthetic.regions import REGIONS
from verification.vocabulary import AGAMA, JENIS_KELAMIN, STATUS_PERKAWINAN

REGION_CODES = {r.code for r in REGIONS}


def test_every_nik_follows_the_structure_and_the_plus_40_rule(all_families: list[Family]) -> None:
    checked = {"PEREMPUAN": 0, "LAKI-LAKI": 0}
    for family in all_families:
        for person in family.members:
            nik = person.nik
            assert len(nik) == 16 and nik.isdigit()
            assert nik[:6] in REGION_CODES
            day = int(nik[6:8])
            if person.jenis_kelamin == "PEREMPUAN":
                assert 41 <= day <= 71 and day - 40 == person.tanggal_lahir.day
            else:
                assert 1 <= day <= 31 and day == person.tanggal_lahir.day
            assert nik[8:12] == person.tanggal_lahir.strftime("%m%y")
            assert nik[12:] != "0000"
            # An independent implementation agrees: python-stdnum validates region and date.
            assert stdnum_nik.is_valid(nik)
            assert stdnum_nik.get_birth_date(nik).strftime("%m%d") == person.tanggal_lahir.strftime(
                "%m%d"
            )
            checked[person.jenis_kelamin] += 1
    assert min(checked.values()) > 50  # both sexes were exercised


def test_niks_are_unique_within_a_family(all_families: list[Family]) -> None:
    for family in all_families:
        niks = [m.nik for m in family.members]
        assert len(set(niks)) == len(niks)


def test_no_kk_is_region_recording_date_and_serial(all_families: list[Family]) -> None:
    for family in all_families:
        no_kk = family.no_kk
        assert len(no_kk) == 16 and no_kk.isdigit()
        assert no_kk[:6] == family.region.code
        recorded = date(2000 + int(no_kk[10:12]), int(no_kk[8:10]), int(no_kk[6:8]))
        assert date(2006, 1, 1) <= recorded <= family.tanggal_terbit <= REFERENCE_DATE
        assert no_kk[12:] != "0000"


def test_members_use_the_official_vocabularies(all_families: list[Family]) -> None:
    for family in all_families:
        assert 2 <= len(family.members) <= 10
        for m in family.members:
            assert m.jenis_kelamin in JENIS_KELAMIN
            assert m.agama in AGAMA
            assert m.status_perkawinan in STATUS_PERKAWINAN
            assert m.pendidikan in PENDIDIKAN
            assert m.pekerjaan in PEKERJAAN
            assert m.status_hubungan in STATUS_HUBUNGAN
            assert m.nama == m.nama.upper() and len(m.nama) <= 60
        assert len({m.agama for m in family.members}) == 1


def test_children_name_the_head_and_the_wife_as_parents(all_families: list[Family]) -> None:
    for family in all_families:
        head = family.kepala
        assert head.status_hubungan == "KEPALA KELUARGA"
        wife = next((m for m in family.members if m.status_hubungan == "ISTRI"), None)
        mother = wife or (head if head.jenis_kelamin == "PEREMPUAN" else None)
        for child in (m for m in family.members if m.status_hubungan == "ANAK"):
            assert mother is not None and child.nama_ibu == mother.nama
            if wife is not None:
                assert child.nama_ayah == head.nama
            assert age_on(mother.tanggal_lahir, child.tanggal_lahir) >= 16
        if wife is not None:
            assert head.status_perkawinan == wife.status_perkawinan == "KAWIN"
            assert head.tanggal_perkawinan == wife.tanggal_perkawinan is not None
        for elder in (m for m in family.members if m.status_hubungan == "ORANG TUA"):
            assert head.nama_ibu == elder.nama
        for elder in (m for m in family.members if m.status_hubungan == "MERTUA"):
            assert wife is not None and wife.nama_ibu == elder.nama


@pytest.mark.parametrize(("category", "low", "high"), [("adult", 17, 120), ("minor", 0, 16)])
def test_the_applicant_matches_the_category(category: str, low: int, high: int) -> None:
    for seed in range(40):
        family = generate_family(random.Random(seed), category=category)
        assert family.category == category
        assert low <= age_on(family.applicant.tanggal_lahir, REFERENCE_DATE) <= high


def test_the_same_seed_draws_the_same_family_and_another_seed_another() -> None:
    assert generate_family(random.Random(5)) == generate_family(random.Random(5))
    assert generate_family(random.Random(5)).no_kk != generate_family(random.Random(6)).no_kk


def test_an_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError, match="category"):
        generate_family(random.Random(1), category="renewal")


@pytest.mark.parametrize(
    ("phenomenon", "matches"),
    [
        ("Balinese birth-order name", lambda n: n.startswith(("I ", "NI "))),
        ("Batak marga", lambda n: n.split()[-1] in {"SIREGAR", "NASUTION", "SITORUS", "LUBIS",
                                                     "HARAHAP", "SINAGA", "PANJAITAN", "SIAHAAN",
                                                     "SIMANJUNTAK", "HUTAPEA", "TAMBUNAN",
                                                     "PARDEDE", "MANURUNG", "SIMATUPANG",
                                                     "SIBARANI", "HUTAGALUNG"}),
        ("mononym", lambda n: len(n.split()) == 1),
        ("MUHAMMAD or SITI", lambda n: n.split()[0] in {"MUHAMMAD", "SITI"}),
        ("BIN/BINTI patronymic", lambda n: " BIN " in n or " BINTI " in n),
    ],
)  # fmt: skip
def test_names_show_the_indonesian_variety(phenomenon: str, matches: object) -> None:
    names = [m.nama for seed in range(300) for m in generate_family(random.Random(seed)).members]
    assert callable(matches)
    assert any(matches(n) for n in names), phenomenon
