"""Indonesian numbers and dates in words, and the doctests of the pure modules."""

from __future__ import annotations

import doctest
from datetime import date
from types import ModuleType

import pytest

from verification.synthetic import identifiers, names, terbilang
from verification.synthetic.terbilang import ordinal, tanggal_terbilang


@pytest.mark.parametrize("module", [terbilang, identifiers, names], ids=lambda m: m.__name__)
def test_doctests_pass(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (1, "satu"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (99, "sembilan puluh sembilan"),
        (101, "seratus satu"),
        (110, "seratus sepuluh"),
        (999, "sembilan ratus sembilan puluh sembilan"),
        (1000, "seribu"),
        (1001, "seribu satu"),
        (1945, "seribu sembilan ratus empat puluh lima"),
        (2000, "dua ribu"),
        (2013, "dua ribu tiga belas"),
        (11000, "sebelas ribu"),
        (100000, "seratus ribu"),
        (1000000, "satu juta"),
        (2_000_000_000, "dua miliar"),
    ],
)
def test_terbilang(number: int, words: str) -> None:
    assert terbilang.terbilang(number) == words


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(1990, 8, 17), "tujuh belas Agustus seribu sembilan ratus sembilan puluh"),
        (date(2012, 2, 29), "dua puluh sembilan Februari dua ribu dua belas"),
        (date(1975, 12, 31), "tiga puluh satu Desember seribu sembilan ratus tujuh puluh lima"),
    ],
)
def test_tanggal_terbilang(day: date, words: str) -> None:
    assert tanggal_terbilang(day) == words


def test_ordinal_starts_at_one() -> None:
    assert [ordinal(n) for n in (1, 3, 10)] == ["kesatu", "ketiga", "kesepuluh"]
    with pytest.raises(ValueError):
        ordinal(0)
