"""Synthetic extractions for the data-quality tests: invented people, never real ones."""

from __future__ import annotations

from datetime import date
from typing import Any

TODAY = date(2026, 1, 5)
RULE_VERSION = "2026.2"

KTP: dict[str, Any] = {
    "provinsi": "RIAU",
    "kabupaten_kota": "KOTA PEKANBARU",
    "nik": "1471014508900003",
    "nama": "SITI AMINAH",
    "tempat_lahir": "PEKANBARU",
    "tanggal_lahir": "1990-08-05",
    "jenis_kelamin": "PEREMPUAN",
    "gol_darah": "O",
    "alamat": "JL. TERATAI NO. 12",
    "rt_rw": "002/005",
    "kel_desa": "SIMPANG BARU",
    "kecamatan": "TAMPAN",
    "agama": "ISLAM",
    "status_perkawinan": "KAWIN",
    "pekerjaan": "KARYAWAN SWASTA",
    "kewarganegaraan": "WNI",
    "berlaku_hingga": "SEUMUR HIDUP",
    "tempat_terbit": "KOTA PEKANBARU",
    "tanggal_terbit": "2016-03-14",
}


def _member(nama: str, nik: str, sex: str, born: str, role: str, **kw: Any) -> dict[str, Any]:
    return {
        "nama": nama,
        "nik": nik,
        "jenis_kelamin": sex,
        "tempat_lahir": "PEKANBARU",
        "tanggal_lahir": born,
        "agama": "ISLAM",
        "pendidikan": kw.get("pendidikan", "SLTA/SEDERAJAT"),
        "jenis_pekerjaan": kw.get("pekerjaan", "KARYAWAN SWASTA"),
        "status_perkawinan": kw.get("status", "KAWIN"),
        "status_hubungan": role,
        "kewarganegaraan": "WNI",
        "nama_ayah": kw.get("ayah", "MUHAMMAD SALEH"),
        "nama_ibu": kw.get("ibu", "ROSMAWATI"),
    }


KK: dict[str, Any] = {
    "no_kk": "1471020101150007",
    "nama_kepala_keluarga": "AHMAD YANI",
    "alamat": "JL. TERATAI NO. 12",
    "rt_rw": "002/005",
    "desa_kelurahan": "SIMPANG BARU",
    "kecamatan": "TAMPAN",
    "kabupaten_kota": "KOTA PEKANBARU",
    "kode_pos": "28293",
    "provinsi": "RIAU",
    "tanggal_terbit": "2016-05-02",
    "members": [
        _member("AHMAD YANI", "1471011708880001", "LAKI-LAKI", "1988-08-17", "KEPALA KELUARGA"),
        _member("SITI AMINAH", "1471014508900003", "PEREMPUAN", "1990-08-05", "ISTRI"),
        _member(
            "NUR HALIZA",
            "1471024404160002",
            "PEREMPUAN",
            "2016-04-04",
            "ANAK",
            pendidikan="TIDAK/BELUM SEKOLAH",
            pekerjaan="BELUM/TIDAK BEKERJA",
            status="BELUM KAWIN",
            ayah="AHMAD YANI",
            ibu="SITI AMINAH",
        ),
    ],
}

AKTA: dict[str, Any] = {
    "no_akta": "1471-LT-20042016-0012",
    "nama": "NUR HALIZA",
    "tempat_lahir": "PEKANBARU",
    "tanggal_lahir": "2016-04-04",
    "jenis_kelamin": "PEREMPUAN",
    "anak_ke": 1,
    "nama_ayah": "AHMAD YANI",
    "nama_ibu": "SITI AMINAH",
    "tempat_terbit": "KOTA PEKANBARU",
    "tanggal_terbit": "2016-04-20",
}
