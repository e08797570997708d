"""The KTP-el card (domain-spec 6.1): ground truth and a 1011x638 px image (85.6x54 mm at 300 dpi).

``ktp_truth`` decides what the card says (its issue date and validity are drawn here; the rest
comes from the person and the family); ``draw_ktp`` paints it: light-blue guilloche
background, centred province and kab/kota header, the label column with ":" and values, NIK in
large bold digits, a drawn photo placeholder (red background for odd birth years, blue for
even), issue place and date and a signature under the photo. ``render_ktp`` returns JPEG bytes
with the truth, optionally degraded like a phone photo or a scan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from verification.fields import KTP_FIELDS
from verification.synthetic.degrade import degrade
from verification.synthetic.drawing import (
    JPEG,
    Rendered,
    draw_face,
    draw_signature,
    encode,
    fitted_font,
    to_array,
    to_image,
)
from verification.synthetic.fonts import SANS, SANS_BOLD, font
from verification.synthetic.people import REFERENCE_DATE, Family, Person, age_on
from verification.synthetic.terbilang import dmy

__all__ = ["KTP_FIELDS", "KTP_SIZE", "Retyped", "draw_ktp", "ktp_truth", "render_ktp"]

KTP_SIZE = (1011, 638)
_EKTP_START = date(2011, 6, 1)  # KTP-el issuance began in 2011
_INK = (15, 15, 20)


def _ktp_issue(rng: random.Random, born: date, today: date) -> tuple[date, str]:
    adult = date(born.year + 17, born.month, min(born.day, 28))
    start = max(adult, _EKTP_START)
    issued = start + timedelta(days=rng.randint(0, max(0, (today - start).days - 30)))
    # Cards issued before 2014 printed a date (the holder's birthday five years on); they
    # stay valid for life by UU 24/2013, so both forms are drawn.
    if issued.year < 2014 and rng.random() < 0.6:
        until = date(issued.year + 5, born.month, min(born.day, 28))
        return issued, until.isoformat()
    return issued, "SEUMUR HIDUP"


def ktp_truth(
    family: Family, person: Person, rng: random.Random, *, today: date = REFERENCE_DATE
) -> dict[str, Any]:
    """What the KTP of ``person`` prints, keyed by the DESIGN.md section 3 field names."""
    if age_on(person.tanggal_lahir, today) < 17 and person.status_perkawinan == "BELUM KAWIN":
        raise ValueError("a KTP-el is issued from age 17 (or on marriage)")
    issued, until = _ktp_issue(rng, person.tanggal_lahir, today)
    region = family.region
    return {
        "provinsi": region.provinsi,
        "kabupaten_kota": region.kabupaten_kota,
        "nik": person.nik,
        "nama": person.nama,
        "tempat_lahir": person.tempat_lahir,
        "tanggal_lahir": person.tanggal_lahir.isoformat(),
        "jenis_kelamin": person.jenis_kelamin,
        "gol_darah": person.gol_darah,
        "alamat": family.alamat,
        "rt_rw": family.rt_rw,
        "kel_desa": family.kel_desa,
        "kecamatan": region.kecamatan,
        "agama": person.agama,
        "status_perkawinan": person.status_perkawinan,
        "pekerjaan": person.pekerjaan,
        "kewarganegaraan": person.kewarganegaraan,
        "berlaku_hingga": until,
        "tempat_terbit": region.kabkota,
        "tanggal_terbit": issued.isoformat(),
    }


def _background(rng: random.Random) -> Image.Image:
    width, height = KTP_SIZE
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    t = (xx / width * 0.6 + yy / height * 0.4)[..., None]
    light = np.array([250, 236, 214], np.float32)  # BGR of a pale sky blue
    deep = np.array([236, 205, 168], np.float32)
    base = light * (1 - t) + deep * t
    a, b = rng.uniform(30, 45), rng.uniform(45, 70)
    wave = np.sin(xx / a + 2.5 * np.sin(yy / b)) + np.sin(yy / (a * 0.8) + 2.0 * np.sin(xx / b))
    guilloche = (np.abs(np.sin(wave * 5.0)) < 0.07)[..., None]
    cx, cy = width * 0.42, height * 0.55
    radius = np.hypot(xx - cx, yy - cy)
    rosette = np.abs(np.sin(radius / 6.0 + 4 * np.sin(np.arctan2(yy - cy, xx - cx) * 12))) < 0.05
    rosette = (rosette & (radius < height * 0.45))[..., None]
    line = np.array([214, 170, 120], np.float32)
    base = np.where(guilloche | rosette, base * 0.55 + line * 0.45, base)
    return to_image(base.clip(0, 255).astype(np.uint8))


def _row(draw: ImageDraw.ImageDraw, y: int, label: str, value: str, *, indent: int = 0) -> None:
    draw.text((28 + indent, y), label, font=font(SANS, 24), fill=_INK)
    draw.text((252, y), ":", font=font(SANS, 24), fill=_INK)
    draw.text((266, y), value, font=fitted_font(value, SANS, 24, 460), fill=_INK)


@dataclass(frozen=True)
class Retyped:
    """NIK digits ``start:stop`` painted over in another font (a forger's edit), for the
    fraud detectors' tampered samples."""

    start: int
    stop: int
    font_file: str
    size: int


def _draw_nik(draw: ImageDraw.ImageDraw, nik: str, retyped: Retyped | None) -> None:
    regular = font(SANS_BOLD, 38)
    if retyped is None:
        draw.text((266, 106), nik, font=regular, fill=_INK)
        return
    other = font(retyped.font_file, retyped.size)
    x = 266.0
    baseline = 106 + regular.getbbox(nik)[3]
    for i, digit in enumerate(nik):
        if retyped.start <= i < retyped.stop:
            draw.text((x, baseline), digit, font=other, fill=_INK, anchor="ls")
        else:
            draw.text((x, baseline), digit, font=regular, fill=_INK, anchor="ls")
        x += regular.getlength(digit)


def draw_ktp(
    truth: dict[str, Any], rng: random.Random, *, retyped: Retyped | None = None
) -> Image.Image:
    """Paint the card for ``truth`` (as made by ``ktp_truth``)."""
    card = _background(rng)
    draw = ImageDraw.Draw(card)
    width = KTP_SIZE[0]
    for y, text in ((22, f"PROVINSI {truth['provinsi']}"), (60, truth["kabupaten_kota"])):
        header = fitted_font(text, SANS_BOLD, 32, width - 60)
        draw.text((width / 2, y), text, font=header, fill=_INK, anchor="mt")
    draw.text((28, 110), "NIK", font=font(SANS_BOLD, 32), fill=_INK)
    draw.text((252, 110), ":", font=font(SANS_BOLD, 32), fill=_INK)
    _draw_nik(draw, truth["nik"], retyped)
    born = date.fromisoformat(truth["tanggal_lahir"])
    until = truth["berlaku_hingga"]
    rows: list[tuple[str, str, int]] = [
        ("Nama", truth["nama"], 0),
        ("Tempat/Tgl Lahir", f"{truth['tempat_lahir']}, {dmy(born)}", 0),
        ("Jenis Kelamin", truth["jenis_kelamin"], 0),
        ("Alamat", truth["alamat"], 0),
        ("RT/RW", truth["rt_rw"], 32),
        ("Kel/Desa", truth["kel_desa"], 32),
        ("Kecamatan", truth["kecamatan"], 32),
        ("Agama", truth["agama"], 0),
        ("Status Perkawinan", truth["status_perkawinan"], 0),
        ("Pekerjaan", truth["pekerjaan"], 0),
        ("Kewarganegaraan", truth["kewarganegaraan"], 0),
        ("Berlaku Hingga", until if until == "SEUMUR HIDUP" else dmy(date.fromisoformat(until)), 0),
    ]
    for i, (label, value, indent) in enumerate(rows):
        _row(draw, 158 + i * 36, label, value, indent=indent)
    gol_y = 158 + 2 * 36
    draw.text((500, gol_y), "Gol. Darah", font=font(SANS, 24), fill=_INK)
    draw.text((622, gol_y), f": {truth['gol_darah']}", font=font(SANS, 24), fill=_INK)
    red, blue = (200, 40, 40), (40, 90, 190)
    female = truth["jenis_kelamin"] == "PEREMPUAN"
    photo = draw_face((206, 262), rng, red if born.year % 2 else blue, female=female)
    card.paste(photo, (770, 128))
    issued = dmy(date.fromisoformat(truth["tanggal_terbit"]))
    place_font = fitted_font(truth["tempat_terbit"], SANS, 22, 230)
    draw.text((873, 408), truth["tempat_terbit"], font=place_font, fill=_INK, anchor="mt")
    draw.text((873, 438), issued, font=font(SANS, 22), fill=_INK, anchor="mt")
    draw_signature(draw, (790, 478, 960, 540), rng)
    return card


def render_ktp(
    family: Family,
    person: Person,
    rng: random.Random,
    *,
    degraded: bool = False,
    today: date = REFERENCE_DATE,
    quality: int = 92,
    retyped: Retyped | None = None,
) -> Rendered:
    """The KTP of ``person`` as JPEG bytes with its truth (and degradation steps, if any)."""
    truth = ktp_truth(family, person, rng, today=today)
    card = draw_ktp(truth, rng, retyped=retyped)
    steps: tuple[str, ...] = ()
    if degraded:
        array, applied = degrade(to_array(card), rng, kind="photo")
        card, steps = to_image(array), tuple(applied)
    return Rendered(encode(card, JPEG, quality=quality), JPEG, truth, steps)
