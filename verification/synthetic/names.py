"""Synthetic Indonesian personal names by regional style (domain-spec section 8).

Names are drawn from built-in lists of common given names and family names: Javanese and
Sundanese names (mononyms for older people, EKO/DWI/TRI birth-order prefixes), Malay and Minang
Muslim names (MUHAMMAD/SITI, rare BIN/BINTI patronymics), Batak marga (children take the
father's, women may write BR before theirs), Balinese birth-order names (I WAYAN, NI PUTU ...),
eastern Christian family names and Chinese-Indonesian names. Every name is a random combination
for test data: none belongs to a real person on purpose, and famous names are left out.
"""

from __future__ import annotations

import random

__all__ = ["STYLES", "agama_for", "make_name", "surname_for"]


def _w(text: str) -> tuple[str, ...]:
    return tuple(text.split())


STYLES = ("jawa", "sunda", "melayu", "batak", "bali", "timur", "tionghoa")

_JAWA_MONO_M = _w(
    "SUPARMAN SUTRISNO SUGIYONO SUPRIYADI TUKIMAN WAGIMAN SUPARNO SUGENG KASIMAN SUMADI "
    "PARIMIN SLAMET SUYATNO SUMARNO WALUYO SUKIRMAN"
)
_JAWA_MONO_F = _w(
    "SUMARNI SUKINAH SUWARNI SULASTRI SUPINAH TUMINAH SARMINI PARIYEM SUPARTINI WAGIYEM "
    "SUMIYATI KASIYEM SRIYATUN MUJIATI"
)
_JAWA_M = _w(
    "AGUS BUDI JOKO BAMBANG HERU WAHYU BAYU DIMAS ARIF PRASETYO ADI TEGUH YOGA ANDRI "
    "DANANG GALIH RIZKY FAJAR HENDRO SETYO"
)
_JAWA_F = _w(
    "DEWI SRI RINA YULI ENDANG TITIK ASTUTI WULAN INDAH PUTRI AYU DIAN NOVI RATNA RETNO "
    "LESTARI ANIK KURNIA"
)
_JAWA_M2 = _w(
    "SETIAWAN NUGROHO SANTOSO WIBOWO PRASETYO KURNIAWAN HARTANTO SAPUTRA PRATAMA SUSANTO "
    "HIDAYAT WIJAYANTO PURNOMO SUPRIYANTO HARYANTO"
)
_JAWA_F2 = _w(
    "LESTARI RAHAYU WULANDARI HANDAYANI PERTIWI PUSPITASARI NINGSIH SETYANINGSIH "
    "KUSUMAWATI ANGGRAINI SAFITRI MAHARANI UTAMI"
)
_SUNDA_MONO_M = ["DADANG", "ASEP", "UJANG", "CECEP", "YAYAT", "DEDE", "ENJANG", "OTONG"]
_SUNDA_MONO_F = ["EUIS", "IMAS", "TITIN", "NENENG", "ENOK", "YAYAH", "ENTIN"]
_SUNDA_M = _w("ASEP DADANG UJANG CECEP YAYAT DEDI HENDRA RIKI AGUS IWAN DENI GILANG")
_SUNDA_F = _w("EUIS NENG IMAS TITIN NENENG YANTI RINA SITI LILIS NUNUNG RIKA SALSA")
_SUNDA_M2 = _w("SUNARYA SUPRIATNA HERMAWAN KUSNADI SOBARI MULYANA SUTISNA RUHIAT GUNAWAN")
_SUNDA_F2 = ["NURHAYATI", "KOMALASARI", "RAHAYU", "SUMIATI", "MULYANI", "HERLINA", "SUKMAWATI"]
_MELAYU_M = _w(
    "AHMAD RAHMAT YUSUF HASAN IRFAN FIRMAN TAUFIK ZULKIFLI HENDRA RIDWAN SYAHRIL FAISAL "
    "HAMDAN ILHAM FAUZI ARIF RIZKI DEDI"
)
_MELAYU_F = _w(
    "AMINAH NURHAYATI FITRI RAHMAWATI YULIANA ROSMAWATI HASNAH ZUBAIDAH NURUL SYARIFAH "
    "RAHMA ANISA MARLINA SUSANTI WAHYUNI"
)
_MELAYU_M2 = _w(
    "HIDAYAT RAMADHAN SYAHPUTRA FADHILLAH HAKIM RAHMAN EFENDI FIRDAUS SAPUTRA ANSHARI "
    "HUSIN AZHARI KURNIAWAN"
)
_MELAYU_F2 = _w(
    "AMINAH FITRIANI RAHMADANI AISYAH HANUM ZAHRA SAFITRI ANGGRAINI KHAIRUNNISA MARDHIAH "
    "SARI OKTAVIANI"
)
_CHRISTIAN_M = _w(
    "JOHANNES DAVID ROBERT MARTIN SAMUEL DANIEL YOHANES PAULUS PETRUS MARKUS STEVEN "
    "FERDINAND HENDRIK ALBERT"
)
_CHRISTIAN_F = _w(
    "MARIA DEBORA ESTER YOHANA MAGDALENA SARAH RUTH GRACE VERONIKA MARTHA FRANSISKA ELISABETH"
)
_BATAK_M2 = ["TUMPAL", "PARULIAN", "BONAR", "HOTMAN", "MARULI", "SAHAT", "PARLINDUNGAN"]
_BATAK_F2 = _w("ROMAULI SARTIKA HOTNAULI MARINTAN RUGUN LAMSIHAR ROSMAULI LAMRIA")
_MARGA = _w(
    "SIREGAR NASUTION SIMANJUNTAK HUTAPEA PANJAITAN SITORUS LUBIS HARAHAP SINAGA TAMBUNAN "
    "PARDEDE SIAHAAN MANURUNG SIMATUPANG SIBARANI HUTAGALUNG"
)
_BALI_ORDER_M = (("WAYAN", "PUTU", "GEDE"), ("MADE", "KADEK"), ("NYOMAN", "KOMANG"), ("KETUT",))
_BALI_ORDER_F = (("WAYAN", "PUTU", "LUH"), ("MADE", "KADEK"), ("NYOMAN", "KOMANG"), ("KETUT",))
_BALI_M = _w(
    "SUDARMA ARTAWAN SUARDANA WIRAWAN ADNYANA ASTAWA SUTAMA MERTAYASA DARMAWAN SUKARTA ARYA WIDIANA"
)
_BALI_F = _w("ASTUTI ARI SANTI SUARNI ARIANI WIDIASTUTI SRI DEWI PURNAMI SUARTINI MAHARANI ARSINI")
_TIMUR_FAM = _w(
    "WOWOR RUNTU LUMINTANG PANGEMANAN MANDAGI SUMAMPOUW KALANGI LATUPEIRISSA SAHETAPY "
    "PATTINAMA TUHUTERU NDOLU BENU NDUN RUMBIAK KAMBU MANDOWEN"
)
_TIONGHOA_FAM = _w("WIJAYA HALIM GUNAWAN SANTOSO KUSUMA SALIM LIMANTO TANUWIJAYA HARTANTO")
_TIONGHOA_M = _w("HENDRA WILLIAM KEVIN FELIX STEVEN JONATHAN MICHAEL ANDREAS VINCENT RUDY")
_TIONGHOA_F = _w("LINDA MELINDA JESSICA VIVIAN CYNTHIA FELICIA MICHELLE CHRISTINE LILY")
_ORDER_PREFIX = {1: "EKO", 2: "DWI", 3: "TRI"}

_AGAMA_WEIGHTS: dict[str, tuple[tuple[str, float], ...]] = {
    "jawa": (
        ("ISLAM", 0.88),
        ("KRISTEN", 0.05),
        ("KATOLIK", 0.05),
        ("KEPERCAYAAN TERHADAP TUHAN YME", 0.02),
    ),
    "sunda": (("ISLAM", 0.97), ("KRISTEN", 0.03)),
    "melayu": (("ISLAM", 1.0),),
    "batak": (("KRISTEN", 0.65), ("KATOLIK", 0.15), ("ISLAM", 0.2)),
    "bali": (("HINDU", 1.0),),
    "timur": (("KRISTEN", 0.6), ("KATOLIK", 0.35), ("ISLAM", 0.05)),
    "tionghoa": (("BUDDHA", 0.35), ("KRISTEN", 0.3), ("KATOLIK", 0.25), ("KHONGHUCU", 0.1)),
}


def _weighted(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([v for v, _ in table], [w for _, w in table])[0]


def agama_for(rng: random.Random, style: str) -> str:
    """A religion for a family of this name style (the whole family shares it)."""
    return _weighted(rng, _AGAMA_WEIGHTS[style])


def surname_for(rng: random.Random, style: str) -> str | None:
    """A family name (Batak marga, eastern or Chinese-Indonesian fam), or None for styles
    without one."""
    if style == "batak":
        return rng.choice(_MARGA)
    if style == "timur":
        return rng.choice(_TIMUR_FAM)
    if style == "tionghoa":
        return rng.choice(_TIONGHOA_FAM)
    return None


def _javanese(rng: random.Random, female: bool, born: int, order: int, sunda: bool) -> str:
    mono, first, second = (
        (_SUNDA_MONO_F, _SUNDA_F, _SUNDA_F2) if sunda and female
        else (_SUNDA_MONO_M, _SUNDA_M, _SUNDA_M2) if sunda
        else (_JAWA_MONO_F, _JAWA_F, _JAWA_F2) if female
        else (_JAWA_MONO_M, _JAWA_M, _JAWA_M2)
    )  # fmt: skip
    # Single names were common before 1980; since 2022 a name needs two words.
    if born < 1980 and rng.random() < 0.5:
        return rng.choice(mono)
    words = [rng.choice(first), rng.choice(second)]
    if not sunda and order in _ORDER_PREFIX and rng.random() < 0.15:
        words.insert(0, _ORDER_PREFIX[order])
    elif female and rng.random() < 0.12:
        words[0] = "SITI"
    elif not female and rng.random() < 0.1:
        words.insert(0, "MUHAMMAD")
    return " ".join(dict.fromkeys(words))


def _melayu(rng: random.Random, female: bool, father: str | None) -> str:
    if female:
        words = [rng.choice(("SITI", "NUR")) if rng.random() < 0.25 else rng.choice(_MELAYU_F)]
        words.append(rng.choice(_MELAYU_F2))
    else:
        words = ["MUHAMMAD"] if rng.random() < 0.25 else []
        words += [rng.choice(_MELAYU_M), rng.choice(_MELAYU_M2)]
    name = " ".join(dict.fromkeys(words))
    if father and rng.random() < 0.08:
        core = father.split(" BIN ")[0].split(" BINTI ")[0].split()
        given = next((w for w in words if w not in ("SITI", "NUR", "MUHAMMAD")), words[0])
        name = f"{given} {'BINTI' if female else 'BIN'} {' '.join(core[:2])}"
    return name


def _christian(rng: random.Random, female: bool) -> str:
    return rng.choice(_CHRISTIAN_F if female else _CHRISTIAN_M)


def make_name(
    rng: random.Random,
    style: str,
    female: bool,
    *,
    born: int,
    order: int = 1,
    agama: str = "ISLAM",
    surname: str | None = None,
    father: str | None = None,
) -> str:
    """A full name in capitals for a person of ``style``, sex, birth year and birth order.

    ``surname`` is the family name to carry (Batak marga, eastern fam); ``father`` the
    father's full name, used for BIN/BINTI patronymics.

    >>> make_name(random.Random(3), "bali", True, born=1990, order=2, agama="HINDU")[:7]
    'NI MADE'
    """
    muslim = agama == "ISLAM"
    if style in ("jawa", "sunda"):
        return _javanese(rng, female, born, order, style == "sunda")
    if style == "melayu":
        return _melayu(rng, female, father)
    if style == "bali":
        prefixes = (_BALI_ORDER_F if female else _BALI_ORDER_M)[(order - 1) % 4]
        given = rng.choice(_BALI_F if female else _BALI_M)
        return f"{'NI' if female else 'I'} {rng.choice(prefixes)} {given}"
    if style == "batak":
        first = (
            rng.choice(_MELAYU_F if female else _MELAYU_M) if muslim else _christian(rng, female)
        )
        second = rng.choice(_BATAK_F2 if female else _BATAK_M2)
        marga = surname or rng.choice(_MARGA)
        boru = "BR " if female and rng.random() < 0.3 else ""
        return f"{first} {second} {boru}{marga}"
    if style == "timur":
        return f"{_christian(rng, female)} {surname or rng.choice(_TIMUR_FAM)}"
    if style == "tionghoa":
        given = rng.choice(_TIONGHOA_F if female else _TIONGHOA_M)
        return f"{given} {surname or rng.choice(_TIONGHOA_FAM)}"
    raise ValueError(f"unknown name style {style!r}; expected one of {', '.join(STYLES)}")
