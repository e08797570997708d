"""The Kartu Keluarga (domain-spec 6.2): ground truth and an A4 landscape page in three forms.

``kk_page`` lays the page out (title and number, the two header blocks, table 1 identity and
table 2 civil status and parents with ten numbered rows each, the issue date, the head of
Dukcapil's block with a QR-like mark); ``render_kk`` draws it as a PDF with a text layer
(``pdf_text``), as a PDF holding only a degraded 200 dpi scan (``pdf_scan``), or as a JPEG
photo of the printout lying on a table (``photo``).
"""

from __future__ import annotations

import random
from typing import Any

from verification.fields import KK_FIELDS, KK_MEMBER_FIELDS
from verification.synthetic.degrade import degrade, random_steps
from verification.synthetic.drawing import (
    JPEG,
    PDF,
    Rendered,
    encode,
    qr_modules,
    to_array,
    to_image,
)
from verification.synthetic.identifiers import make_nip
from verification.synthetic.layout import (
    Grid,
    Line,
    Op,
    Page,
    Text,
    image_pdf,
    page_image,
    page_pdf,
    text_width,
)
from verification.synthetic.names import make_name
from verification.synthetic.people import Family, Person
from verification.synthetic.terbilang import dmy

__all__ = ["KK_FIELDS", "KK_FORMS", "KK_MEMBER_FIELDS", "kk_page", "kk_truth", "render_kk"]

KK_FORMS = ("pdf_text", "pdf_scan", "photo")

_WIDTH, _HEIGHT, _LEFT = 297.0, 210.0, 10.0
_ROWS, _ROW_H, _CELL_PT = 10, 4.6, 7.0
_TABLE1 = (
    ("No", 8), ("Nama Lengkap", 55), ("NIK", 33), ("Jenis Kelamin", 20), ("Tempat Lahir", 30),
    ("Tanggal Lahir", 20), ("Agama", 22), ("Pendidikan", 36), ("Jenis Pekerjaan", 36),
    ("Golongan Darah", 17),
)  # fmt: skip
_TABLE2 = (
    ("No", 8), ("Status Perkawinan", 32), ("Tanggal Perkawinan", 26),
    ("Status Hubungan Dalam Keluarga", 38), ("Kewarganegaraan", 27), ("No. Paspor", 24),
    ("No. KITAP", 24), ("Ayah", 49), ("Ibu", 49),
)  # fmt: skip
_GROUPS = {5: ("Dokumen Imigrasi", 2), 7: ("Nama Orang Tua", 2)}  # first column -> (title, span)


def _member_truth(person: Person) -> dict[str, Any]:
    return {
        "nama": person.nama,
        "nik": person.nik,
        "jenis_kelamin": person.jenis_kelamin,
        "tempat_lahir": person.tempat_lahir,
        "tanggal_lahir": person.tanggal_lahir.isoformat(),
        "agama": person.agama,
        "pendidikan": person.pendidikan,
        "jenis_pekerjaan": person.pekerjaan,
        "status_perkawinan": person.status_perkawinan,
        "status_hubungan": person.status_hubungan,
        "kewarganegaraan": person.kewarganegaraan,
        "nama_ayah": person.nama_ayah,
        "nama_ibu": person.nama_ibu,
    }


def kk_truth(family: Family) -> dict[str, Any]:
    """What the KK prints, keyed by the DESIGN.md section 3 field names."""
    region = family.region
    return {
        "no_kk": family.no_kk,
        "nama_kepala_keluarga": family.kepala.nama,
        "alamat": family.alamat,
        "rt_rw": family.rt_rw,
        "desa_kelurahan": family.kel_desa,
        "kecamatan": region.kecamatan,
        "kabupaten_kota": region.kabupaten_kota,
        "kode_pos": family.kode_pos,
        "provinsi": region.provinsi,
        "tanggal_terbit": family.tanggal_terbit.isoformat(),
        "members": [_member_truth(m) for m in family.members],
    }


def _fit(text: str, width: float, size: float = _CELL_PT, bold: bool = False) -> float:
    """The largest size (from ``size`` down, in quarter points) at which ``text`` fits
    ``width``; below 4.5 pt only for the few values too long for their cell (the agama
    "KEPERCAYAAN TERHADAP TUHAN YME"), which must still not run into the next column."""
    while size > 4.5 and text_width(text, size, bold) > width:
        size -= 0.25
    while size > 2.5 and text_width(text, size, bold) > width:
        size -= 0.25
    return size


def _wrap(title: str, width: float, size: float) -> list[str]:
    lines: list[str] = []
    for word in title.split():
        if lines and text_width(f"{lines[-1]} {word}", size, True) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _header_cell(
    ops: list[Op], x: float, width: float, top: float, height: float, title: str
) -> None:
    lines = _wrap(title, width - 1.5, 6.5)
    size = min(_fit(line, width - 1.0, 6.5, True) for line in lines)
    first = top + height / 2 - (len(lines) - 1) * 1.3 + 0.9
    for i, line in enumerate(lines):
        ops.append(Text(x + width / 2, first + i * 2.6, line, size, True, "center"))


def _table(
    ops: list[Op],
    top: float,
    columns: tuple[tuple[str, int], ...],
    rows: list[list[str]],
    first_no: int,
) -> float:
    """Draw one table; return its bottom edge (mm)."""
    header_h, number_h = (10.0 if columns is _TABLE2 else 8.0), 3.5
    bottom = top + header_h + number_h + _ROWS * _ROW_H
    right = _LEFT + sum(w for _, w in columns)
    for y in (top, top + header_h, top + header_h + number_h, bottom):
        ops.append(Line(_LEFT, y, right, y, 0.6))
    for i in range(1, _ROWS):
        y = top + header_h + number_h + i * _ROW_H
        ops.append(Line(_LEFT, y, right, y, 0.3))
    x = _LEFT
    span_end = -1
    for index, (title, width) in enumerate(columns):
        group = _GROUPS.get(index) if columns is _TABLE2 else None
        if group is not None:
            span = sum(w for _, w in columns[index : index + group[1]])
            _header_cell(ops, x, span, top, header_h / 2, group[0])
            ops.append(Line(x, top + header_h / 2, x + span, top + header_h / 2, 0.4))
            span_end = index + group[1] - 1
        in_group = index <= span_end and group is None
        sub_top = top + header_h / 2 if (group is not None or in_group) else top
        sub_h = header_h / 2 if (group is not None or in_group) else header_h
        _header_cell(ops, x, width, sub_top, sub_h, title)
        ops.append(
            Text(x + width / 2, top + header_h + 2.6, f"({first_no + index})", 5.5, False, "center")
        )
        line_top = top + header_h / 2 if in_group else top
        ops.append(Line(x, line_top, x, bottom, 0.6 if index == 0 else 0.4))
        for r in range(_ROWS):
            value = rows[r][index] if r < len(rows) else (str(r + 1) if index == 0 else "")
            if value:
                y = top + header_h + number_h + (r + 1) * _ROW_H - 1.3
                align = "center" if index == 0 else "left"
                tx = x + width / 2 if index == 0 else x + 1.0
                ops.append(Text(tx, y, value, _fit(value, width - 2.0), False, align))
        x += width
    ops.append(Line(right, top, right, bottom, 0.6))
    return bottom


def _header_block(ops: list[Op], family: Family) -> None:
    region = family.region
    left = (
        ("Nama Kepala Keluarga", family.kepala.nama), ("Alamat", family.alamat),
        ("RT/RW", family.rt_rw), ("Desa/Kelurahan", family.kel_desa),
    )  # fmt: skip
    right = (
        ("Kecamatan", region.kecamatan), ("Kabupaten/Kota", region.kabupaten_kota),
        ("Kode Pos", family.kode_pos), ("Provinsi", region.provinsi),
    )  # fmt: skip
    for i, ((l_label, l_value), (r_label, r_value)) in enumerate(zip(left, right, strict=True)):
        y = 32.0 + i * 4.5
        ops += [
            Text(12, y, l_label, 8),
            Text(48, y, ":", 8),
            Text(50, y, l_value, _fit(l_value, 120, 8)),
        ]
        ops += [
            Text(190, y, r_label, 8),
            Text(214, y, ":", 8),
            Text(216, y, r_value, _fit(r_value, 70, 8)),
        ]


def _footer(ops: list[Op], family: Family) -> None:
    rng = random.Random(family.no_kk)  # the official's name and NIP are decoration: no seed needed
    official = make_name(rng, "jawa", rng.random() < 0.3, born=1975)
    born = family.tanggal_terbit.replace(
        year=family.tanggal_terbit.year - rng.randint(45, 56), day=1
    )
    appointed = born.replace(year=born.year + rng.randint(23, 28))
    nip = make_nip(rng, born, appointed, rng.random() < 0.5)
    ops.append(Text(12, 178, f"Dikeluarkan Tanggal : {dmy(family.tanggal_terbit)}", 8))
    note = "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik"
    ops.append(Text(12, 198, note, 6))
    ops.append(Text(12, 201, "yang diterbitkan oleh Balai Sertifikasi Elektronik (BSrE), BSSN", 6))
    centre = 250.0
    office = f"PENCATATAN SIPIL {family.region.kabupaten_kota}"
    ops.append(Text(centre, 178, "KEPALA DINAS KEPENDUDUKAN DAN", 7.5, True, "center"))
    ops.append(Text(centre, 181.5, office, _fit(office, 80, 7.5, True), True, "center"))
    ops.append(Text(centre, 199, official, 7.5, True, "center"))
    ops.append(
        Line(
            centre - text_width(official, 7.5, True) / 2,
            199.7,
            centre + text_width(official, 7.5, True) / 2,
            199.7,
            0.4,
        )
    )
    ops.append(Text(centre, 203, f"NIP. {nip}", 7, False, "center"))
    grid = qr_modules(f"KK:{family.no_kk}")
    ops.append(Grid(196, 176, 20, tuple(tuple(row) for row in grid)))


def kk_page(family: Family) -> Page:
    """The KK laid out on an A4 landscape page."""
    ops: list[Op] = [
        Text(_WIDTH / 2, 17, "KARTU KELUARGA", 16, True, "center"),
        Text(_WIDTH / 2, 23.5, f"No. {family.no_kk}", 11, True, "center"),
    ]
    _header_block(ops, family)
    table1 = [
        [str(i + 1), m.nama, m.nik, m.jenis_kelamin, m.tempat_lahir, dmy(m.tanggal_lahir), m.agama,
         m.pendidikan, m.pekerjaan, "TIDAK TAHU" if m.gol_darah == "-" else m.gol_darah]
        for i, m in enumerate(family.members)
    ]  # fmt: skip
    table2 = [
        [str(i + 1), m.status_perkawinan,
         dmy(m.tanggal_perkawinan) if m.tanggal_perkawinan else "-",
         m.status_hubungan, m.kewarganegaraan, "-", "-", m.nama_ayah or "-", m.nama_ibu]
        for i, m in enumerate(family.members)
    ]  # fmt: skip
    bottom = _table(ops, 50.0, _TABLE1, table1, 1)
    _table(ops, bottom + 4.0, _TABLE2, table2, 11)
    _footer(ops, family)
    return Page(_WIDTH, _HEIGHT, tuple(ops))


def render_kk(family: Family, rng: random.Random, *, form: str = "pdf_text") -> Rendered:
    """The KK in one of ``KK_FORMS``: bytes, media type, truth and degradation steps."""
    truth = kk_truth(family)
    page = kk_page(family)
    title = f"Kartu Keluarga {family.no_kk}"
    if form == "pdf_text":
        return Rendered(page_pdf(page, title=title), PDF, truth)
    if form == "pdf_scan":
        dpi = rng.choice((200, 240))
        steps = [s for s in random_steps(rng, "scan") if s != "downscale"]
        scan, applied = degrade(to_array(page_image(page, dpi)), rng, steps=steps)
        jpeg = encode(to_image(scan), JPEG, quality=rng.randint(60, 80), dpi=dpi)
        return Rendered(image_pdf(jpeg, _WIDTH, _HEIGHT, title=title), PDF, truth, tuple(applied))
    if form == "photo":
        steps = [
            "perspective",
            *(
                s
                for s in random_steps(rng, "photo")
                if s not in ("perspective", "rotate", "downscale")
            ),
        ]
        photo, applied = degrade(to_array(page_image(page, 150)), rng, steps=steps)
        return Rendered(
            encode(to_image(photo), JPEG, quality=85, dpi=150), JPEG, truth, tuple(applied)
        )
    raise ValueError(f"form must be one of {', '.join(KK_FORMS)}, not {form!r}")
