"""Birth-place normalisation for check C06."""

from __future__ import annotations

import pytest

from verification.identity.places import canonical_place, same_place


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("PEKANBARU", "PEKANBARU"),
        ("Kota Pekanbaru", "PEKANBARU"),
        ("KAB. KAMPAR", "KAMPAR"),
        ("KABUPATEN BANDUNG BARAT", "BANDUNG BARAT"),
        ("KOTAMADYA MEDAN", "MEDAN"),
        ("KODYA MEDAN", "MEDAN"),
        ("KOTA ADM. JAKARTA TIMUR", "JAKARTA TIMUR"),
        ("Kota Administrasi Jakarta Utara", "JAKARTA UTARA"),
        ("DKI JAKARTA", "JAKARTA"),
        ("SOERABAJA", "SURABAYA"),
        ("TJIREBON", "CIREBON"),
        ("BANDOENG", "BANDUNG"),
        ("DJOKJAKARTA", "YOGYAKARTA"),
        ("JOGJA", "YOGYAKARTA"),
        ("UJUNG PANDANG", "MAKASSAR"),
        ("KOETARADJA", "BANDA ACEH"),
        ("JAKSEL", "JAKARTA SELATAN"),
        ("KOTA", "KOTA"),
        ("", ""),
    ],
)
def test_canonical_place(text: str, canonical: str) -> None:
    assert canonical_place(text) == canonical


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("PEKANBARU", "KOTA PEKANBARU", True),
        ("PEKAN BARU", "Pekanbaru", True),
        ("BUKIT TINGGI", "KOTA BUKITTINGGI", True),
        ("KOTABARU", "KAB. KOTA BARU", True),
        ("SOERABAJA", "KOTA SURABAYA", True),
        ("UJUNG PANDANG", "MAKASSAR", True),
        ("MAKASAR", "MAKASSAR", True),
        ("KAB. BANDUNG", "KOTA BANDUNG", True),
        ("JAKARTA", "JAKARTA SELATAN", False),
        ("BANDUNG", "BANDUNG BARAT", False),
        ("MEDAN", "PADANG", False),
        ("", "", False),
    ],
)
def test_same_place(a: str, b: str, same: bool) -> None:
    assert same_place(a, b) is same
    assert same_place(b, a) is same
