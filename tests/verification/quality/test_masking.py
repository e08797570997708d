"""Masking for the auditors' report keeps every expectation's outcome and drops the values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from tests.verification.quality.data import AKTA, KK, KTP, TODAY
from verification.quality.engine import Outcome, validate_table
from verification.quality.frames import records_for, row, to_frame
from verification.quality.masking import mask_chars, mask_record
from verification.quality.suites import KK as KK_TABLE
from verification.quality.suites import KTP as KTP_TABLE
from verification.quality.suites import TABLES, TABLES_BY_DOCUMENT, Table


def test_digits_become_nines_letters_x_and_separators_stay() -> None:
    assert mask_chars("1471O14508900003") == "9999X99999999999"
    assert mask_chars("02/005") == "99/999"


def test_a_ktp_keeps_no_personal_value() -> None:
    masked = mask_record(KTP_TABLE, KTP, TODAY)
    assert masked["nik"] == "9" * 16
    assert masked["nama"] == "X" * len("SITI AMINAH")
    assert masked["tanggal_lahir"] != KTP["tanggal_lahir"]
    assert masked["berlaku_hingga"] == "SEUMUR HIDUP"
    assert masked["agama"] == "ISLAM"  # a listed value identifies nobody
    assert set(masked) == {f.name for f in KTP_TABLE.fields}


def test_dates_keep_their_order_and_side_of_the_range() -> None:
    record = {"tanggal_lahir": "1990-08-05", "tanggal_terbit": "1989-01-01"}
    masked = mask_record(KTP_TABLE, record, TODAY)
    assert masked["tanggal_terbit"] < masked["tanggal_lahir"]  # still issued before birth
    late = mask_record(KTP_TABLE, {"tanggal_lahir": "2990-08-05"}, TODAY)
    early = mask_record(KTP_TABLE, {"tanggal_lahir": "1890-08-05"}, TODAY)
    assert late["tanggal_lahir"] > TODAY.isoformat() and early["tanggal_lahir"] < "1900-01-01"
    assert mask_record(KTP_TABLE, {"tanggal_lahir": "1990-02-30"}, TODAY)["tanggal_lahir"] == (
        "9999-99-99"
    )


def test_a_kk_masks_its_members_as_members() -> None:
    masked = mask_record(KK_TABLE, KK, TODAY)
    assert [m["status_hubungan"] for m in masked["members"]] == [
        m["status_hubungan"] for m in KK["members"]
    ]
    assert all(m["nik"] == "9" * 16 for m in masked["members"])


def _bad(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


# Records with one or more failures each, covering every kind of expectation.
CASES: list[tuple[str, dict[str, Any]]] = [
    ("ktp", KTP),
    ("ktp", _bad(KTP, nik="147101450890000", rt_rw="2/5", agama="KATHOLIK", nama=None)),
    ("ktp", _bad(KTP, tanggal_lahir="1990-02-30", berlaku_hingga="05-08-2017")),
    ("ktp", _bad(KTP, tanggal_lahir="2990-08-05", tanggal_terbit="1889-01-01")),
    ("ktp", _bad(KTP, tanggal_terbit="1989-12-31", berlaku_hingga="2017-08-05")),
    ("kk", KK),
    ("kk", _bad(KK, kode_pos="2829", members=KK["members"][:1])),
    ("kk", _bad(KK, members=[_bad(m, status_hubungan="ANAK") for m in KK["members"]])),
    ("kk", _bad(KK, members=[_bad(KK["members"][0], nik="1471O11708880001"), *KK["members"]])),
    ("akta_kelahiran", AKTA),
    ("akta_kelahiran", _bad(AKTA, anak_ke="DUA", tanggal_terbit="2016-04-03")),
    ("akta_kelahiran", _bad(AKTA, anak_ke=0, nama_ayah=None, nama_ibu="")),
]


@pytest.fixture(scope="module")
def outcomes() -> dict[str, tuple[list[Outcome], list[Outcome]]]:
    """Per suite: the outcomes on every case's records, plain and masked, in one frame each.

    GE costs per call rather than per row, so each suite runs twice in all; the failing row
    positions tell the cases apart.
    """
    out: dict[str, tuple[list[Outcome], list[Outcome]]] = {}
    for table in TABLES:
        records = [
            r
            for document, fields in CASES
            if table in TABLES_BY_DOCUMENT[document]
            for r in records_for(table, fields)
        ]
        masked = [mask_record(table, r, TODAY) for r in records]
        out[table.suite] = (_validate(table, records), _validate(table, masked))
    return out


def _validate(table: Table, records: Sequence[Mapping[str, Any]]) -> list[Outcome]:
    return validate_table(table, to_frame(table, [row(table, r) for r in records]), today=TODAY)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.suite)
def test_masked_records_fail_exactly_where_the_originals_fail(
    table: Table, outcomes: dict[str, tuple[list[Outcome], list[Outcome]]]
) -> None:
    plain, masked = outcomes[table.suite]
    assert [(o.spec.key, o.unexpected_rows) for o in masked] == [
        (o.spec.key, o.unexpected_rows) for o in plain
    ]


def test_the_cases_fail_every_kind_of_expectation_on_every_suite(
    outcomes: dict[str, tuple[list[Outcome], list[Outcome]]],
) -> None:
    failed = {
        (suite, o.spec.kind.value)
        for suite, (plain, _) in outcomes.items()
        for o in plain
        if not o.success
    }
    assert {kind for _, kind in failed} == {
        "missing",
        "format",
        "vocabulary",
        "range",
        "order",
        "count",
    }
    assert {suite for suite, _ in failed} == {t.suite for t in TABLES}
