"""The data-quality expectation suites, as data: one table of fields per document type.

Each document type lists its fields once with what they look like (``Shape``) and what is
required of them; ``expectations(table)`` derives the Great Expectations expectations from
that table, so the suite, the masking of the auditors' report and the wording of findings all
read the same declaration. Nothing here imports Great Expectations (``engine`` does, lazily).

Completeness is one expectation per table on the derived ``missing_fields`` column (the names
of the required fields that are empty), not one ``not_null`` per field: each expectation costs
about 10 ms in GE whatever the row count, and a KTP has 19 fields.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from verification.vocabulary import (
    AGAMA,
    GOL_DARAH,
    JENIS_KELAMIN,
    KEWARGANEGARAAN,
    PEKERJAAN,
    PENDIDIKAN,
    STATUS_HUBUNGAN,
    STATUS_PERKAWINAN,
)

__all__ = [
    "AKTA_KELAHIRAN",
    "EARLIEST_DATE",
    "ISO_DATE",
    "KK",
    "KK_MEMBERS",
    "KTP",
    "MISSING_COLUMN",
    "SEUMUR_HIDUP",
    "SUITE_VERSION",
    "TABLES",
    "TABLES_BY_DOCUMENT",
    "TODAY_PARAMETER",
    "CountSpec",
    "ExpectationSpec",
    "FieldSpec",
    "Kind",
    "Shape",
    "Table",
    "date_column",
    "expectations",
    "number_column",
]

# Bump when an expectation, a vocabulary or a bound changes: findings and reports carry it.
SUITE_VERSION = "2026.1-q1"

EARLIEST_DATE = date(1900, 1, 1)
TODAY_PARAMETER = "today"  # the run date, passed to GE as an expectation parameter
MISSING_COLUMN = "missing_fields"
ISO_DATE = "%Y-%m-%d"
SEUMUR_HIDUP = "SEUMUR HIDUP"


class Kind(StrEnum):
    """What an expectation tests; the last part of a finding code (``quality.ktp.nik_format``)."""

    FORMAT = "format"
    VOCABULARY = "vocabulary"
    RANGE = "range"
    ORDER = "order"
    COUNT = "count"
    MISSING = "missing"


class Shape(StrEnum):
    """What a field's values look like: decides its expectations and how it is masked."""

    DIGITS = "digits"  # digits with fixed separators: NIK, no_kk, kode_pos, rt_rw
    DATE = "date"  # ISO YYYY-MM-DD (or one of the field's literals)
    VOCABULARY = "vocabulary"  # one of an official list
    NUMBER = "number"  # a small count such as anak_ke
    TEXT = "text"  # free text (names, places, addresses): only its presence is tested


@dataclass(frozen=True)
class FieldSpec:
    """One extracted field and what is expected of it."""

    name: str
    shape: Shape
    required: bool = True
    identity: bool = False  # its absence weighs more (medium rather than low)
    pattern: str | None = None  # regex for DIGITS (and DATE fields with literals)
    described: str = ""  # the expected form in words, for findings
    vocabulary: tuple[str, ...] = ()
    bounded: bool = False  # DATE: between EARLIEST_DATE and the run date
    not_before: str | None = None  # DATE: never before this other date field
    low: int | None = None  # NUMBER bounds
    high: int | None = None
    literals: tuple[str, ...] = ()  # non-date values a DATE field may hold


@dataclass(frozen=True)
class CountSpec:
    """A count derived from a list field (KK members), with its bounds."""

    name: str
    low: int
    high: int
    described: str
    unit: str  # what is counted, for findings: "members: 11"


@dataclass(frozen=True)
class Table:
    """One suite: the rows it validates (documents or KK members) and their fields."""

    suite: str
    document: str  # document type in finding codes
    fields: tuple[FieldSpec, ...]
    prefix: str = ""  # field prefix in finding codes ("members.")
    counts: tuple[CountSpec, ...] = ()
    row_label: str = "document"

    def field_spec(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation of a suite: the GE type and kwargs, and what a failure means."""

    field: str  # as in the finding code, with the table prefix
    kind: Kind
    type: str  # GE expectation type, snake case
    kwargs: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    expected: str = ""
    source: str | None = None  # the field or count it tests (None for completeness)

    @property
    def key(self) -> str:
        """The expectation's name inside its document type, e.g. ``nik_format``."""
        return f"{self.field}_{self.kind.value}"


def date_column(name: str) -> str:
    """The derived column holding a date field parsed (None when not a calendar date)."""
    return f"{name}__date"


def number_column(name: str) -> str:
    """The derived column holding a number field parsed (NaN when not a number)."""
    return f"{name}__number"


def _digits(name: str, pattern: str, described: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, Shape.DIGITS, pattern=pattern, described=described, **kw)


def _date(name: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, Shape.DATE, described="YYYY-MM-DD", **kw)


def _vocab(name: str, values: Iterable[str], **kw: Any) -> FieldSpec:
    return FieldSpec(name, Shape.VOCABULARY, vocabulary=tuple(sorted(values)), **kw)


def _text(name: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, Shape.TEXT, **kw)


_NIK = r"^\d{16}$"

KTP = Table(
    suite="ktp",
    document="ktp",
    fields=(
        _text("provinsi"),
        _text("kabupaten_kota"),
        _digits("nik", _NIK, "16 digits", identity=True),
        _text("nama", identity=True),
        _text("tempat_lahir"),
        _date("tanggal_lahir", identity=True, bounded=True),
        _vocab("jenis_kelamin", JENIS_KELAMIN, identity=True),
        _vocab("gol_darah", GOL_DARAH),
        _text("alamat"),
        _digits("rt_rw", r"^\d{3}/\d{3}$", "NNN/NNN"),
        _text("kel_desa"),
        _text("kecamatan"),
        _vocab("agama", AGAMA),
        _vocab("status_perkawinan", STATUS_PERKAWINAN),
        _vocab("pekerjaan", PEKERJAAN),
        _vocab("kewarganegaraan", KEWARGANEGARAAN),
        FieldSpec(
            "berlaku_hingga",
            Shape.DATE,
            pattern=rf"^(?:{SEUMUR_HIDUP}|\d{{4}}-\d{{2}}-\d{{2}})$",
            described=f"{SEUMUR_HIDUP} or YYYY-MM-DD",
            literals=(SEUMUR_HIDUP,),
        ),
        _text("tempat_terbit"),
        _date("tanggal_terbit", bounded=True, not_before="tanggal_lahir"),
    ),
)

KK = Table(
    suite="kk",
    document="kk",
    fields=(
        _digits("no_kk", _NIK, "16 digits", identity=True),
        _text("nama_kepala_keluarga", identity=True),
        _text("alamat"),
        _digits("rt_rw", r"^\d{3}/\d{3}$", "NNN/NNN"),
        _text("desa_kelurahan"),
        _text("kecamatan"),
        _text("kabupaten_kota"),
        _digits("kode_pos", r"^\d{5}$", "5 digits"),
        _text("provinsi"),
        _date("tanggal_terbit", bounded=True),
    ),
    counts=(
        CountSpec("members", 2, 10, "2 to 10 members", "members"),
        CountSpec("kepala_keluarga", 1, 1, "exactly one KEPALA KELUARGA", "KEPALA KELUARGA"),
    ),
)

KK_MEMBERS = Table(
    suite="kk_members",
    document="kk",
    prefix="members.",
    row_label="member",
    fields=(
        _text("nama", identity=True),
        _digits("nik", _NIK, "16 digits", identity=True),
        _vocab("jenis_kelamin", JENIS_KELAMIN, identity=True),
        _text("tempat_lahir"),
        _date("tanggal_lahir", identity=True, bounded=True),
        _vocab("agama", AGAMA),
        _vocab("pendidikan", PENDIDIKAN),
        _vocab("jenis_pekerjaan", PEKERJAAN),
        _vocab("status_perkawinan", STATUS_PERKAWINAN),
        _vocab("status_hubungan", STATUS_HUBUNGAN, identity=True),
        _vocab("kewarganegaraan", KEWARGANEGARAAN),
    ),
)

AKTA_KELAHIRAN = Table(
    suite="akta_kelahiran",
    document="akta_kelahiran",
    fields=(
        _text("no_akta", identity=True),
        _text("nama", identity=True),
        _text("tempat_lahir"),
        _date("tanggal_lahir", identity=True, bounded=True),
        _vocab("jenis_kelamin", JENIS_KELAMIN, identity=True),
        FieldSpec(
            "anak_ke", Shape.NUMBER, pattern=r"^\d{1,2}$", described="1 to 20", low=1, high=20
        ),
        _text("nama_ayah", required=False),  # a child of the mother only has no father on it
        _text("nama_ibu", identity=True),
        _text("tempat_terbit"),
        _date("tanggal_terbit", bounded=True, not_before="tanggal_lahir"),
    ),
)

TABLES: tuple[Table, ...] = (KTP, KK, KK_MEMBERS, AKTA_KELAHIRAN)

# Which tables validate a document type; the parents' KTPs of a minor are KTPs.
TABLES_BY_DOCUMENT: dict[str, tuple[Table, ...]] = {
    "ktp": (KTP,),
    "ktp_ayah": (KTP,),
    "ktp_ibu": (KTP,),
    "kk": (KK, KK_MEMBERS),
    "akta_kelahiran": (AKTA_KELAHIRAN,),
}


def _field_expectations(table: Table, spec: FieldSpec) -> list[ExpectationSpec]:
    name = table.prefix + spec.name
    out: list[ExpectationSpec] = []

    def add(kind: Kind, type_: str, expected: str, **kwargs: Any) -> None:
        out.append(ExpectationSpec(name, kind, type_, kwargs, expected, source=spec.name))

    if spec.pattern is not None:
        add(
            Kind.FORMAT,
            "expect_column_values_to_match_regex",
            spec.described,
            column=spec.name,
            regex=spec.pattern,
        )
    elif spec.shape is Shape.DATE:
        add(
            Kind.FORMAT,
            "expect_column_values_to_match_strftime_format",
            "YYYY-MM-DD",
            column=spec.name,
            strftime_format=ISO_DATE,
        )
    if spec.shape is Shape.VOCABULARY:
        add(
            Kind.VOCABULARY,
            "expect_column_values_to_be_in_set",
            f"one of {len(spec.vocabulary)} values",
            column=spec.name,
            value_set=list(spec.vocabulary),
        )
    if spec.bounded:
        add(
            Kind.RANGE,
            "expect_column_values_to_be_between",
            f"{EARLIEST_DATE.isoformat()} to the run date",
            column=date_column(spec.name),
            min_value=EARLIEST_DATE.isoformat(),
            max_value={"$PARAMETER": TODAY_PARAMETER},
        )
    if spec.low is not None and spec.high is not None:
        add(
            Kind.RANGE,
            "expect_column_values_to_be_between",
            spec.described,
            column=number_column(spec.name),
            min_value=spec.low,
            max_value=spec.high,
        )
    if spec.not_before is not None:
        add(
            Kind.ORDER,
            "expect_column_pair_values_a_to_be_greater_than_b",
            f"not before {spec.not_before}",
            column_A=date_column(spec.name),
            column_B=date_column(spec.not_before),
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        )
    return out


def _count_expectations(table: Table) -> list[ExpectationSpec]:
    return [
        ExpectationSpec(
            table.prefix + count.name,
            Kind.COUNT,
            "expect_column_values_to_be_between",
            {"column": number_column(count.name), "min_value": count.low, "max_value": count.high},
            count.described,
            source=count.name,
        )
        for count in table.counts
    ]


def expectations(table: Table) -> tuple[ExpectationSpec, ...]:
    """Every expectation of ``table``'s suite, completeness first.

    >>> [e.key for e in expectations(AKTA_KELAHIRAN)][:3]
    ['fields_missing', 'tanggal_lahir_format', 'tanggal_lahir_range']
    """
    missing = ExpectationSpec(
        table.prefix + "fields",
        Kind.MISSING,
        "expect_column_values_to_be_null",
        {"column": MISSING_COLUMN},
        "every required field present",
    )
    per_field = [e for spec in table.fields for e in _field_expectations(table, spec)]
    return (missing, *per_field, *_count_expectations(table))
