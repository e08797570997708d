"""Birth places (*tempat lahir*) normalised for comparison across documents (check C06).

The same place is written many ways: with or without its administrative kind
(``KAB.``, ``KABUPATEN``, ``KOTA``, ``KOTAMADYA``/``KODYA``, ``KOTA ADM.``), in pre-1972
spelling (SOERABAJA, TJIREBON), with or without a space (PEKAN BARU), under a former name
(UJUNG PANDANG for Makassar, 1971-1999) or a well-known abbreviation (JAKSEL). Only aliases
we are sure of are listed. A kabupaten and the kota of the same name compare equal (KAB.
BANDUNG / KOTA BANDUNG), and a city is not the same as a part of it (JAKARTA / JAKARTA
SELATAN): C06 only warns, the officer judges.

>>> canonical_place("Kab. Tjilatjap"), canonical_place("KOTA ADM. JAKSEL")
('CILACAP', 'JAKARTA SELATAN')
>>> same_place("PEKANBARU", "Kota Pekan Baru"), same_place("Ujung Pandang", "MAKASSAR")
(True, True)
>>> same_place("JAKARTA", "JAKARTA SELATAN")
False
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from verification.identity.name_canonical import canonicalise, respell

__all__ = ["ADMIN_PREFIXES", "PLACE_ALIASES", "canonical_place", "same_place"]

# Longest first: "KOTA ADM" before "KOTA".
ADMIN_PREFIXES: tuple[tuple[str, ...], ...] = (
    ("KOTA", "ADMINISTRASI"),
    ("KOTA", "ADMINISTRATIF"),
    ("KOTA", "ADM"),
    ("KABUPATEN",),
    ("KAB",),
    ("KOTAMADYA",),
    ("KODYA",),
    ("KOTIF",),
    ("KOTA",),
    ("DKI",),
)

# Keyed by the respelled name without spaces.
PLACE_ALIASES: Mapping[str, str] = MappingProxyType({
    "JAKSEL": "JAKARTA SELATAN", "JAKPUS": "JAKARTA PUSAT", "JAKBAR": "JAKARTA BARAT",
    "JAKTIM": "JAKARTA TIMUR", "JAKUT": "JAKARTA UTARA", "JKT": "JAKARTA",
    "BATAVIA": "JAKARTA",
    "UJUNGPANDANG": "MAKASSAR", "MAKASAR": "MAKASSAR",
    "JOGJAKARTA": "YOGYAKARTA", "JOGYAKARTA": "YOGYAKARTA", "JOKYAKARTA": "YOGYAKARTA",
    "YOGJAKARTA": "YOGYAKARTA", "JOGJA": "YOGYAKARTA", "YOGYA": "YOGYAKARTA",
    "KUTARAJA": "BANDA ACEH",
    "HOLLANDIA": "JAYAPURA", "SUKARNOPURA": "JAYAPURA",
    "BUITENZORG": "BOGOR",
    "FORTDEKOCK": "BUKITTINGGI",
})  # fmt: skip


def _respelled(words: list[str]) -> str:
    text = " ".join(respell(word)[0] for word in words)
    return PLACE_ALIASES.get(text.replace(" ", ""), text)


def _without_prefix(words: list[str]) -> list[str]:
    for prefix in ADMIN_PREFIXES:
        if len(words) > len(prefix) and tuple(words[: len(prefix)]) == prefix:
            return words[len(prefix) :]
    return words


def canonical_place(text: str) -> str:
    """The place as canonical words: kind of region dropped, spelling and aliases applied.

    >>> canonical_place("Soerabaja"), canonical_place("KABUPATEN  BANDOENG"), canonical_place("")
    ('SURABAYA', 'BANDUNG', '')
    """
    return _respelled(_without_prefix(canonicalise(text).split()))


def _forms(text: str) -> set[str]:
    # With the prefix too: KOTA is part of some names (KOTABARU, written KOTA BARU).
    words = canonicalise(text).split()
    return {_respelled(w).replace(" ", "") for w in (words, _without_prefix(words))} - {""}


def same_place(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` name the same place once normalised (spaces ignored).

    >>> same_place("KOTABARU", "KOTA BARU"), same_place("Kab. Bandung", "Kota Bandung")
    (True, True)
    >>> same_place("BANDUNG", "BANDUNG BARAT"), same_place("", "")
    (False, False)
    """
    return bool(_forms(a) & _forms(b))
