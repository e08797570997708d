"""Field names per document type: the report contract of DESIGN.md section 3.

Readers produce these fields, the generator prints them, suites and checks read them: one
list, so a renamed field is renamed everywhere.
"""

from __future__ import annotations

__all__ = ["AKTA_FIELDS", "KK_FIELDS", "KK_MEMBER_FIELDS", "KTP_FIELDS"]

KTP_FIELDS = (
    "provinsi", "kabupaten_kota", "nik", "nama", "tempat_lahir", "tanggal_lahir",
    "jenis_kelamin", "gol_darah", "alamat", "rt_rw", "kel_desa", "kecamatan", "agama",
    "status_perkawinan", "pekerjaan", "kewarganegaraan", "berlaku_hingga", "tempat_terbit",
    "tanggal_terbit",
)  # fmt: skip
KK_FIELDS = (
    "no_kk", "nama_kepala_keluarga", "alamat", "rt_rw", "desa_kelurahan", "kecamatan",
    "kabupaten_kota", "kode_pos", "provinsi", "tanggal_terbit", "members",
)  # fmt: skip
KK_MEMBER_FIELDS = (
    "nama", "nik", "jenis_kelamin", "tempat_lahir", "tanggal_lahir", "agama", "pendidikan",
    "jenis_pekerjaan", "status_perkawinan", "status_hubungan", "kewarganegaraan", "nama_ayah",
    "nama_ibu",
)  # fmt: skip
AKTA_FIELDS = (
    "no_akta", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "anak_ke",
    "nama_ayah", "nama_ibu", "tempat_terbit", "tanggal_terbit",
)  # fmt: skip
