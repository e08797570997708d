"""Official vocabularies of Indonesian population documents (domain-spec sections 6.1, 6.2).

Values are printed in capitals on KTP and KK; these are their canonical spellings.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AGAMA",
    "AGAMA_VARIANTS",
    "CATEGORIES",
    "DOCUMENT_TYPES",
    "GOL_DARAH",
    "JENIS_KELAMIN",
    "KEWARGANEGARAAN",
    "PEKERJAAN",
    "PENDIDIKAN",
    "STATUS_HUBUNGAN",
    "STATUS_PERKAWINAN",
    "Category",
    "DocumentType",
]


class DocumentType(StrEnum):
    """Document types of the packet contract (DESIGN.md section 2)."""

    KTP = "ktp"
    KK = "kk"
    AKTA_KELAHIRAN = "akta_kelahiran"
    IJAZAH = "ijazah"
    BUKU_NIKAH = "buku_nikah"
    SURAT_REKOMENDASI = "surat_rekomendasi"
    PASPOR_LAMA = "paspor_lama"
    KTP_AYAH = "ktp_ayah"
    KTP_IBU = "ktp_ibu"


class Category(StrEnum):
    """Applicant categories (domain-spec section 5.1)."""

    ADULT = "adult"
    MINOR = "minor"
    CIVIL_SERVANT = "civil_servant"
    RENEWAL = "renewal"
    LOST = "lost"
    DAMAGED = "damaged"


DOCUMENT_TYPES = frozenset(t.value for t in DocumentType)
CATEGORIES = frozenset(c.value for c in Category)

JENIS_KELAMIN = frozenset({"LAKI-LAKI", "PEREMPUAN"})

STATUS_PERKAWINAN = frozenset(
    {
        "BELUM KAWIN",
        "KAWIN",
        "CERAI HIDUP",
        "CERAI MATI",
        "KAWIN TERCATAT",
        "KAWIN BELUM TERCATAT",
        "CERAI HIDUP TERCATAT",
        "CERAI HIDUP BELUM TERCATAT",
    }
)

AGAMA = frozenset(
    {
        "ISLAM",
        "KRISTEN",
        "KATOLIK",
        "HINDU",
        "BUDDHA",
        "KHONGHUCU",
        "KEPERCAYAAN TERHADAP TUHAN YME",
    }
)

# Agama as printed, with the spellings seen on older cards mapped to the canonical value.
AGAMA_VARIANTS = {
    "KATHOLIK": "KATOLIK",
    "BUDHA": "BUDDHA",
    "KONGHUCU": "KHONGHUCU",
    "KEPERCAYAAN TERHADAP TUHAN YANG MAHA ESA": "KEPERCAYAAN TERHADAP TUHAN YME",
}

GOL_DARAH = frozenset({"A", "B", "AB", "O", "A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-", "-"})

KEWARGANEGARAAN = frozenset({"WNI", "WNA"})

# The 88 standard Dukcapil occupations (domain-spec 6.1, source [S43]), in code order.
PEKERJAAN: tuple[str, ...] = (
    "BELUM/TIDAK BEKERJA",
    "MENGURUS RUMAH TANGGA",
    "PELAJAR/MAHASISWA",
    "PENSIUNAN",
    "PEGAWAI NEGERI SIPIL",
    "TENTARA NASIONAL INDONESIA",
    "KEPOLISIAN RI",
    "PERDAGANGAN",
    "PETANI/PEKEBUN",
    "PETERNAK",
    "NELAYAN/PERIKANAN",
    "INDUSTRI",
    "KONSTRUKSI",
    "TRANSPORTASI",
    "KARYAWAN SWASTA",
    "KARYAWAN BUMN",
    "KARYAWAN BUMD",
    "KARYAWAN HONORER",
    "BURUH HARIAN LEPAS",
    "BURUH TANI/PERKEBUNAN",
    "BURUH NELAYAN/PERIKANAN",
    "BURUH PETERNAKAN",
    "PEMBANTU RUMAH TANGGA",
    "TUKANG CUKUR",
    "TUKANG LISTRIK",
    "TUKANG BATU",
    "TUKANG KAYU",
    "TUKANG SOL SEPATU",
    "TUKANG LAS/PANDAI BESI",
    "TUKANG JAHIT",
    "TUKANG GIGI",
    "PENATA RIAS",
    "PENATA BUSANA",
    "PENATA RAMBUT",
    "MEKANIK",
    "SENIMAN",
    "TABIB",
    "PARAJI",
    "PERANCANG BUSANA",
    "PENTERJEMAH",
    "IMAM MASJID",
    "PENDETA",
    "PASTOR",
    "WARTAWAN",
    "USTADZ/MUBALIGH",
    "JURU MASAK",
    "PROMOTOR ACARA",
    "ANGGOTA DPR-RI",
    "ANGGOTA DPD",
    "ANGGOTA BPK",
    "PRESIDEN",
    "WAKIL PRESIDEN",
    "ANGGOTA MAHKAMAH KONSTITUSI",
    "ANGGOTA KABINET/KEMENTERIAN",
    "DUTA BESAR",
    "GUBERNUR",
    "WAKIL GUBERNUR",
    "BUPATI",
    "WAKIL BUPATI",
    "WALIKOTA",
    "WAKIL WALIKOTA",
    "ANGGOTA DPRD PROVINSI",
    "ANGGOTA DPRD KABUPATEN/KOTA",
    "DOSEN",
    "GURU",
    "PILOT",
    "PENGACARA",
    "NOTARIS",
    "ARSITEK",
    "AKUNTAN",
    "KONSULTAN",
    "DOKTER",
    "BIDAN",
    "PERAWAT",
    "APOTEKER",
    "PSIKIATER/PSIKOLOG",
    "PENYIAR TELEVISI",
    "PENYIAR RADIO",
    "PELAUT",
    "PENELITI",
    "SOPIR",
    "PIALANG",
    "PARANORMAL",
    "PEDAGANG",
    "PERANGKAT DESA",
    "KEPALA DESA",
    "BIARAWATI",
    "WIRASWASTA",
)

PENDIDIKAN: tuple[str, ...] = (
    "TIDAK/BELUM SEKOLAH",
    "BELUM TAMAT SD/SEDERAJAT",
    "TAMAT SD/SEDERAJAT",
    "SLTP/SEDERAJAT",
    "SLTA/SEDERAJAT",
    "DIPLOMA I/II",
    "AKADEMI/DIPLOMA III/S. MUDA",
    "DIPLOMA IV/STRATA I",
    "STRATA II",
    "STRATA III",
)

STATUS_HUBUNGAN: tuple[str, ...] = (
    "KEPALA KELUARGA",
    "SUAMI",
    "ISTRI",
    "ANAK",
    "MENANTU",
    "CUCU",
    "ORANG TUA",
    "MERTUA",
    "FAMILI LAIN",
    "PEMBANTU",
    "LAINNYA",
)
