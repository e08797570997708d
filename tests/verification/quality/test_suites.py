"""The suite tables and the pure helpers around them (no Great Expectations here)."""

from __future__ import annotations

import doctest
import subprocess
import sys
from types import ModuleType

import pytest

from verification.findings import is_known_code
from verification.quality import frames, masking, observed, suites
from verification.quality.suites import (
    KK,
    KK_MEMBERS,
    KTP,
    TABLES,
    TABLES_BY_DOCUMENT,
    Kind,
    expectations,
)


@pytest.mark.parametrize("module", [suites, frames, masking, observed], ids=lambda m: m.__name__)
def test_doctests_pass(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_importing_the_package_imports_neither_great_expectations_nor_pandas() -> None:
    code = (
        "import sys, verification.quality as q; q.SUITE_VERSION; "
        "bad = [m for m in ('great_expectations', 'pandas', 'prefect', 'sqlalchemy', 'minio') "
        "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.suite)
def test_each_suite_names_its_expectations_once_with_valid_codes(table: suites.Table) -> None:
    specs = expectations(table)
    keys = [s.key for s in specs]
    assert len(keys) == len(set(keys))
    assert specs[0].kind is Kind.MISSING
    for spec in specs:
        assert is_known_code(f"quality.{table.document}.{spec.key}")
        assert spec.type.startswith("expect_")


def test_ktp_requires_every_field_and_kk_members_are_a_table_of_their_own() -> None:
    assert len(KTP.required) == 19
    assert TABLES_BY_DOCUMENT["kk"] == (KK, KK_MEMBERS)
    assert TABLES_BY_DOCUMENT["ktp_ibu"] == (KTP,)
    assert {c.name: (c.low, c.high) for c in KK.counts} == {
        "members": (2, 10),
        "kepala_keluarga": (1, 1),
    }


def test_the_father_is_optional_on_an_akta_and_the_mother_is_not() -> None:
    akta = suites.AKTA_KELAHIRAN
    assert not akta.field_spec("nama_ayah").required
    assert akta.field_spec("nama_ibu").required and akta.field_spec("nama_ibu").identity


def test_a_row_holds_derived_columns_and_the_missing_fields() -> None:
    row = frames.row(
        suites.AKTA_KELAHIRAN,
        {"tanggal_lahir": "2016-04-04", "anak_ke": 2, "nama": " ", "nama_ayah": None},
    )
    assert row["tanggal_lahir__date"].isoformat() == "2016-04-04"
    assert row["anak_ke__number"] == 2.0
    missing = row["missing_fields"].split(",")
    assert "nama" in missing and "nama_ayah" not in missing
    assert "nama" not in row  # free text is tested for presence only


def test_a_kk_row_counts_members_and_heads() -> None:
    members = [{"status_hubungan": "KEPALA KELUARGA"}, {"status_hubungan": " KEPALA KELUARGA"}]
    row = frames.row(KK, {"members": [*members, "garbage"]})
    assert (row["members__number"], row["kepala_keluarga__number"]) == (3.0, 2.0)
