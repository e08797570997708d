"""The packet contract: valid packets parse; every problem of an invalid one is listed."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from tests.factories import packet_json
from verification.errors import PacketInvalid
from verification.packet import parse_packet


def _problems(packet: Any) -> list[str]:
    with pytest.raises(PacketInvalid) as caught:
        parse_packet(json.dumps(packet) if not isinstance(packet, str | bytes) else packet)
    return [str(p) for p in caught.value.problems]


def test_valid_packet() -> None:
    packet = parse_packet(json.dumps(packet_json()))
    assert packet.application_id == "APP-2026-000123"
    assert packet.applicant.tanggal_lahir == date(1990, 8, 5)
    assert [d.type.value for d in packet.documents] == ["ktp", "kk", "akta_kelahiran"]


def test_vocabulary_values_are_normalised() -> None:
    raw = packet_json()
    raw["applicant"]["jenis_kelamin"] = " perempuan "
    raw["applicant"]["status_perkawinan"] = "belum  kawin"
    packet = parse_packet(json.dumps(raw))
    assert packet.applicant.jenis_kelamin == "PEREMPUAN"
    assert packet.applicant.status_perkawinan == "BELUM KAWIN"


def test_mother_only_form_has_no_father() -> None:
    raw = packet_json()
    del raw["applicant"]["nama_ayah"]
    assert parse_packet(json.dumps(raw)).applicant.nama_ayah is None


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda p: p["applicant"].update(nik="147102450890000X"),
            "applicant.nik: must be exactly 16 digits",
        ),
        (lambda p: p["applicant"].update(no_kk="1"), "applicant.no_kk: must be exactly 16 digits"),
        (
            lambda p: p["applicant"].update(tanggal_lahir="1990-02-30"),
            "applicant.tanggal_lahir: input should be a valid date or datetime, "
            "day value is outside expected range",
        ),
        (
            lambda p: p["applicant"].update(tanggal_lahir="2999-01-01"),
            "applicant.tanggal_lahir: must be a date between 1900 and today",
        ),
        (
            lambda p: p["applicant"].update(jenis_kelamin="L"),
            "applicant.jenis_kelamin: must be one of LAKI-LAKI, PEREMPUAN",
        ),
        (lambda p: p["applicant"].pop("nama"), "applicant.nama: is required"),
        (
            lambda p: p["applicant"].update(nama="   "),
            "applicant.nama: string should have at least 1 character",
        ),
        (
            lambda p: p["applicant"].update(hobby="x"),
            "applicant.hobby: is not a field of the packet contract",
        ),
        (
            lambda p: p.update(category="tourist"),
            "category: input should be 'adult', 'minor', "
            "'civil_servant', 'renewal', 'lost' or 'damaged'",
        ),
        (
            lambda p: p.update(application_id="APP-1"),
            "application_id: must look like APP-YYYY-NNNNNN",
        ),
        (
            lambda p: p.update(documents=[]),
            "documents: list should have at least 1 item after validation, not 0",
        ),
        (
            lambda p: p["documents"].append({"type": "ktp", "file": "ktp2.jpg"}),
            "documents: document type 'ktp' is listed more than once",
        ),
        (
            lambda p: p["documents"].append({"type": "sim", "file": "sim.jpg"}),
            "documents[3].type: input should be 'ktp', 'kk', 'akta_kelahiran', 'ijazah', "
            "'buku_nikah', 'surat_rekomendasi', 'paspor_lama', 'ktp_ayah' or 'ktp_ibu'",
        ),
    ],
)
def test_each_problem_is_named(mutate: Any, expected: str) -> None:
    raw = packet_json()
    mutate(raw)
    assert _problems(raw) == [expected]


@pytest.mark.parametrize(
    "name", ["../ktp.jpg", "/etc/passwd", "sub/ktp.jpg", "ktp\x00.jpg", "ktp\n.jpg", "..", ""]
)
def test_file_names_cannot_escape_the_packet(name: str) -> None:
    raw = packet_json()
    raw["documents"][0]["file"] = name
    [problem] = _problems(raw)
    assert problem.startswith("documents[0].file: must be a plain file name")


def test_every_problem_at_once_without_values() -> None:
    raw = packet_json()
    raw["applicant"].update(nik="9999", jenis_kelamin="X", nama_ibu="")
    raw["category"] = "?"
    problems = _problems(raw)
    assert len(problems) == 4
    assert not any("9999" in p for p in problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "application.json: is not valid UTF-8 JSON line 1 column 2"),
        (b"\xff\xfe", "application.json: is not valid UTF-8 JSON"),
        ("[1, 2]", "application.json: must be a JSON object"),
    ],
)
def test_unparseable_json(text: str | bytes, expected: str) -> None:
    assert _problems(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deep or a number too long"),
        ('{"application_id": ' + "9" * 5000 + "}", "nested too deep or a number too long"),
        ('{"x": "' + "a" * 300_000 + '"}', "is over 256 KB"),
    ],
)
def test_hostile_json_is_invalid_not_a_crash(text: str, expected: str) -> None:
    # Before: RecursionError and a bare ValueError (int digits limit) escaped json.loads.
    [problem] = _problems(text)
    assert problem.startswith("application.json: ") and expected in problem


def test_digits_of_other_scripts_are_not_digits() -> None:
    # Before: \d accepted Arabic-Indic and full-width digits in the NIK and application number.
    raw = packet_json(number="APP-٢٠٢٦-٠٠٠١٢٣")
    raw["applicant"]["nik"] = "１４７１０２４５０８９０００００３"
    assert _problems(raw) == [
        "application_id: must look like APP-YYYY-NNNNNN",
        "applicant.nik: must be exactly 16 digits",
    ]


@pytest.mark.parametrize("value", ["SITI\x00AMINAH", "SITI\x1b[2J", "\u202eHANIMA ITIS", "A\x85B"])
def test_control_characters_are_refused_in_text(value: str) -> None:
    raw = packet_json()
    raw["applicant"]["nama"] = value
    assert _problems(raw) == ["applicant.nama: must not contain control characters"]


def test_unknown_keys_are_named_only_when_they_look_like_field_names() -> None:
    # Before: any key was quoted, so a name or a NIK typed as a key reached logs and Prefect.
    raw = packet_json()
    raw["applicant"].update({"nama_lengkap": "x", "SITI AMINAH 1471024508900003": "x"})
    assert _problems(raw) == [
        "applicant.nama_lengkap: is not a field of the packet contract",
        "applicant.(unknown key): is not a field of the packet contract",
    ]
