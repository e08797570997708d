"""The word lists behind name canonicalisation (domain-spec 8.1-8.2): titles, adat titles,
particles, patronymic connectors, common-name variants and old (pre-1972) spellings.

Data only; ``name_canonical`` applies it. Titles are written with dots as printed (``S.PD.I``);
the patterns to recognise them are generated, since after canonicalisation a dot is a space
and documents write the same title as ``S.PD.I``, ``S.PD I``, ``SPD.I`` or ``SPDI``. Add a
word here, not a special case in code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType

__all__ = [
    "ACADEMIC_SUFFIXES",
    "ADAT_TITLES",
    "INITIAL_ABBREVIATIONS",
    "NAME_VARIANTS",
    "OLD_SPELLING",
    "OLD_SPELLING_MARKERS",
    "PARTICLES",
    "PATRONYMIC_CONNECTORS",
    "PREFIX_TITLES",
    "title_patterns",
]

# Stripped from the front (Permendagri 73/2022 allows them on KTP/KK, never on akta/passport).
PREFIX_TITLES: tuple[str, ...] = (
    # academic and professional
    "PROF", "DR", "DRS", "DRA", "IR", "DRG", "DRH",
    # religious
    "H", "HJ", "HAJI", "HAJAH", "K.H", "KYAI", "KIAI", "USTADZ", "USTAZ", "USTADZAH", "USTAZAH",
    "PDT",
)  # fmt: skip

# Stripped from the end: degrees as printed after the name ("TUTI SRIWATI, S.E").
ACADEMIC_SUFFIXES: tuple[str, ...] = (
    "S.E", "S.H", "S.KOM", "S.PD", "S.PD.I", "S.T", "S.SOS", "S.SI", "S.AG", "S.IP", "S.KED",
    "S.FARM", "S.PSI", "S.KEP", "S.KM", "S.HUT", "S.HI", "S.TP", "S.PT", "S.PI", "S.SN",
    "S.DS", "S.I.KOM", "S.AK", "S.ST", "S.TR", "S.GZ", "S.STP", "S.TH",
    "M.M", "M.SI", "M.KOM", "M.PD", "M.PD.I", "M.H", "M.T", "M.SC", "M.A", "M.AG", "M.KES",
    "M.AK", "M.HUM", "M.KEP", "M.E", "M.SN", "M.BA", "M.PH", "PH.D",
    "A.MD", "A.MD.KEP", "A.MD.KEB", "A.MA", "A.MA.PD", "B.SC", "LC", "SP.A", "SP.OG",
    "SP.PD", "SP.B", "SP.M", "APT",
)  # fmt: skip

# Fused forms that are also plausible name words are recognised only dotted ("M.A", not "MA").
_AMBIGUOUS_FUSED = frozenset({"MA", "ME", "AMA"})

# Adat/noble titles: often part of the legal name on the akta, so they are never stripped,
# only made optional (a difference is flagged). Pattern (dotted) -> canonical title.
ADAT_TITLES: Mapping[str, str] = MappingProxyType({
    "RADEN.MAS": "RADEN MAS", "R.M": "RADEN MAS",
    "RADEN.AYU": "RADEN AYU", "R.A": "RADEN AYU",
    "RADEN.RORO": "RADEN RORO", "RADEN.RARA": "RADEN RORO", "R.R": "RADEN RORO",
    "RADEN.AJENG": "RADEN AJENG", "R.AJ": "RADEN AJENG",
    "RADEN": "RADEN", "R": "RADEN", "RORO": "RORO", "RARA": "RORO",
    "TUBAGUS": "TUBAGUS", "TB": "TUBAGUS",
    "TEUKU": "TEUKU", "T": "TEUKU", "CUT": "CUT", "TENGKU": "TENGKU", "TGK": "TENGKU",
    "ANDI": "ANDI", "DAENG": "DAENG",
    "GUSTI": "GUSTI", "ANAK.AGUNG": "ANAK AGUNG", "A.A": "ANAK AGUNG",
    "IDA.BAGUS": "IDA BAGUS", "IB": "IDA BAGUS", "IDA.AYU": "IDA AYU",
    "LALU": "LALU", "BAIQ": "BAIQ",
})  # fmt: skip

# Balinese gender particles, often dropped on some documents.
PARTICLES = frozenset({"I", "NI"})

PATRONYMIC_CONNECTORS = frozenset({"BIN", "BINTI", "BT", "BN"})

# Common-name variants -> one canonical token (domain-spec 8.2). Keys are looked up before
# and after old-spelling folding, so MOCHAMAD and MOEHAMAD both arrive at MUHAMMAD.
_FAMILIES: dict[str, tuple[str, ...]] = {
    "MUHAMMAD": (
        "MUHAMAD", "MOHAMMAD", "MOHAMAD", "MOHAMMED", "MOHAMED", "MUHAMMED", "MUHAMED", "MOCH",
        "MOCHAMAD", "MOCHAMMAD", "MOKHAMAD", "MOKHAMMAD", "MUCHAMAD", "MUCHAMMAD", "MUKHAMAD",
        "MUKHAMMAD", "MOH", "MOHD", "MUH", "MUHD", "MHD", "MOKH",
    ),
    "ABDUL": ("ABD",),
    "NUR": ("NURUL", "NOOR"),
    "AHMAD": ("ACHMAD", "AKHMAD", "AHMED", "ACHMED"),
    "RAHMAT": ("RACHMAT", "RAKHMAT", "RAHMAD", "RACHMAD"),
    "RAHMAN": ("RACHMAN", "RAKHMAN"),
    "YUSUF": ("YUSUP", "JUSUF", "JUSUP"),
    "ZAINAL": ("ZAENAL",),
    "ABDULLAH": ("ABDULLOH",),
}  # fmt: skip
NAME_VARIANTS: Mapping[str, str] = MappingProxyType(
    {variant: canonical for canonical, vs in _FAMILIES.items() for variant in (canonical, *vs)}
)

# A single letter standing for a common name, equivalent rather than a mere initial.
INITIAL_ABBREVIATIONS: Mapping[str, str] = MappingProxyType({"M": "MUHAMMAD"})

# Pre-1972 (Ejaan Soewandi) digraphs -> EYD. NJ is also modern (ANJAR), so it is folded only
# at the start of a word or where an old marker shows the word is in old spelling; a lone J
# (the old Y) likewise only in old spelling.
OLD_SPELLING: Mapping[str, str] = MappingProxyType(
    {"OE": "U", "DJ": "J", "TJ": "C", "SJ": "SY", "NJ": "NY", "CH": "KH"}
)
OLD_SPELLING_MARKERS: tuple[str, ...] = ("OE", "DJ", "TJ", "SJ")


def _groupings(parts: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """Every way to write dotted parts with some dots dropped: S.PD.I -> SPDI, SPD I, ..."""
    if len(parts) == 1:
        yield parts
        return
    for rest in _groupings(parts[1:]):
        yield (parts[0], *rest)
        yield (parts[0] + rest[0], *rest[1:])


def title_patterns(labels: tuple[str, ...] | Mapping[str, str]) -> dict[tuple[str, ...], str]:
    """Token patterns for dotted labels -> the label (or the mapped value), longest first.

    >>> sorted(title_patterns(("S.PD.I",)))
    [('S', 'PD', 'I'), ('S', 'PDI'), ('SPD', 'I'), ('SPDI',)]
    >>> ("MA",) in title_patterns(("M.A",))
    False
    """
    values = labels if isinstance(labels, Mapping) else {label: label for label in labels}
    patterns: dict[tuple[str, ...], str] = {}
    for label, value in values.items():
        for pattern in _groupings(tuple(label.split("."))):
            if len(pattern) == 1 and pattern[0] in _AMBIGUOUS_FUSED and "." in label:
                continue
            patterns.setdefault(pattern, value)
    return dict(sorted(patterns.items(), key=lambda item: -len(item[0])))
