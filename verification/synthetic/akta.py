"""The Kutipan Akta Kelahiran (domain-spec 6.3): ground truth and an A4 portrait page image.

``akta_truth`` decides the register number (modern ``KKKK-LU-DDMMYYYY-NNNN``, ``LT`` when the
birth was reported late, or an older free form such as ``474.1/1234/1995`` for births
registered before SIAK) and the issue date; ``draw_akta`` writes the text of the modern
model: the number after "Berdasarkan Akta Kelahiran Nomor" (or under the title on the old
model), the birth date in Indonesian words, "anak ke" as an ordinal, and either "dari
suami-isteri FATHER dan MOTHER" (model 1) or "anak dari seorang ibu MOTHER" (model 3, no
father: ``nama_ayah`` is None). Akta carry no titles, so names are printed as they are.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw

from verification.fields import AKTA_FIELDS
from verification.synthetic.degrade import degrade
from verification.synthetic.drawing import (
    PNG,
    Rendered,
    draw_signature,
    encode,
    fitted_font,
    qr_modules,
    to_array,
    to_image,
)
from verification.synthetic.fonts import SERIF, SERIF_BOLD, font
from verification.synthetic.identifiers import make_nip, make_no_akta, old_no_akta
from verification.synthetic.names import make_name
from verification.synthetic.people import REFERENCE_DATE, Family, Person
from verification.synthetic.terbilang import BULAN, dmy, ordinal, tanggal_terbilang

__all__ = ["AKTA_FIELDS", "akta_truth", "draw_akta", "render_akta"]

_SIAK = date(2009, 1, 1)  # numbers of the KKKK-LU-DDMMYYYY-NNNN form from about here on
_INK = (25, 25, 30)
_MARGIN = 0.11  # of the page width


def _registration(rng: random.Random, born: date, today: date) -> tuple[date, str]:
    latest = today - timedelta(days=1)
    if born < _SIAK and rng.random() < 0.5:
        registered = min(born + timedelta(days=rng.randint(5, 400)), latest)
        return registered, old_no_akta(rng, registered)
    late = born < _SIAK or rng.random() < 0.15
    if late:
        start = max(born + timedelta(days=70), _SIAK)
        registered = start + timedelta(days=rng.randint(0, max(0, (latest - start).days)))
        registered = min(registered, start + timedelta(days=8 * 365))
    else:
        registered = born + timedelta(days=rng.randint(3, 55))
    registered = min(registered, latest)
    return registered, ""


def akta_truth(
    family: Family, person: Person, rng: random.Random, *, today: date = REFERENCE_DATE
) -> dict[str, Any]:
    """What the birth certificate of ``person`` prints, keyed by DESIGN.md field names."""
    registered, number = _registration(rng, person.tanggal_lahir, today)
    region = person.wilayah_lahir
    if not number:
        late = (registered - person.tanggal_lahir).days > 60
        number = make_no_akta(region.kabkota_code, registered, rng.randint(1, 9999), late=late)
    issued = min(registered + timedelta(days=rng.randint(0, 20)), today - timedelta(days=1))
    return {
        "no_akta": number,
        "nama": person.nama,
        "tempat_lahir": person.tempat_lahir,
        "tanggal_lahir": person.tanggal_lahir.isoformat(),
        "jenis_kelamin": person.jenis_kelamin,
        "anak_ke": person.anak_ke,
        "nama_ayah": person.nama_ayah,
        "nama_ibu": person.nama_ibu,
        "tempat_terbit": region.kabkota,
        "tanggal_terbit": issued.isoformat(),
    }


def _paper(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """Cream security paper with a guilloche border band and a faint central rosette."""
    width, height = size
    small_w, small_h = width // 3, height // 3
    yy, xx = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
    a = rng.uniform(9, 14)
    wave = np.sin(xx / a + 2 * np.sin(yy / (a * 1.7))) + np.sin(yy / a + 2 * np.sin(xx / (a * 1.3)))
    band = 0.045 * small_w
    edge = np.minimum(np.minimum(xx, small_w - 1 - xx), np.minimum(yy, small_h - 1 - yy))
    border = (edge > band * 0.35) & (edge < band)
    cx, cy = small_w / 2, small_h * 0.48
    radius = np.hypot(xx - cx, yy - cy)
    petals = np.sin(radius / 3.0 + 3 * np.sin(np.arctan2(yy - cy, xx - cx) * 10))
    rosette = radius < small_w * 0.3
    tint = np.zeros((small_h, small_w), np.float32)
    tint[border] = (np.abs(np.sin(wave[border] * 3)) < 0.35) * 0.55 + 0.15
    tint[rosette] = np.maximum(tint[rosette], (np.abs(petals[rosette]) < 0.12) * 0.22)
    full = cv2.resize(tint, (width, height), interpolation=cv2.INTER_LINEAR)[..., None]
    paper = np.array([238, 246, 250], np.float32)  # BGR cream
    ink = np.array([150, 175, 120], np.float32)  # a muted green-blue guilloche
    return to_image((paper * (1 - full) + ink * full).clip(0, 255).astype(np.uint8))


class _Writer:
    """Lines of "label value" text down the page, wrapping a value that does not fit."""

    def __init__(self, draw: ImageDraw.ImageDraw, width: int, scale: float) -> None:
        self.draw, self.width, self.scale = draw, width, scale
        self.left = round(width * _MARGIN)
        self.y = round(830 * scale)
        self.size = round(34 * scale)

    def line(self, label: str, value: str = "", *, gap: float = 1.0, big: bool = False) -> None:
        regular, bold = (
            font(SERIF, self.size),
            font(SERIF_BOLD, round(self.size * (1.2 if big else 1.05))),
        )
        baseline = (self.left, self.y + self.size)
        self.draw.text(baseline, label, font=regular, fill=_INK, anchor="ls")
        x = self.left + regular.getlength(label) + self.size * 0.6 if label else self.left
        room = self.width * (1 - _MARGIN) - x
        if value and bold.getlength(value) > room:
            self.y += round(self.size * 1.45)
            x, room = (
                self.left + self.size * 2,
                self.width * (1 - _MARGIN) - self.left - self.size * 2,
            )
        if value:
            face = fitted_font(value, SERIF_BOLD, round(bold.size), room)
            self.draw.text((x, self.y + self.size), value, font=face, fill=_INK, anchor="ls")
        self.y += round(self.size * 1.9 * gap)


def _centre(draw: ImageDraw.ImageDraw, x: float, y: float, text: str, file: str, size: int) -> None:
    draw.text((x, y), text, font=font(file, size), fill=_INK, anchor="mt")


def draw_akta(truth: dict[str, Any], rng: random.Random, *, dpi: int = 200) -> Image.Image:
    """Paint the kutipan for ``truth`` (as made by ``akta_truth``) at ``dpi``."""
    scale = dpi / 200
    size = (round(1654 * scale), round(2339 * scale))
    page = _paper(size, rng)
    draw = ImageDraw.Draw(page)
    mid = size[0] / 2
    emblem = round(70 * scale)
    draw.ellipse(
        (mid - emblem, 230 * scale, mid + emblem, 230 * scale + 2 * emblem),
        outline=(160, 120, 40),
        width=round(5 * scale),
    )
    _centre(draw, mid, 420 * scale, "REPUBLIK INDONESIA", SERIF_BOLD, round(40 * scale))
    left, right = size[0] * _MARGIN, size[0] * (1 - _MARGIN)
    draw.text(
        (left, 500 * scale), "PENCATATAN SIPIL", font=font(SERIF, round(32 * scale)), fill=_INK
    )
    draw.text(
        (right, 500 * scale),
        "WARGA NEGARA : INDONESIA",
        font=font(SERIF, round(32 * scale)),
        fill=_INK,
        anchor="ra",
    )
    _centre(draw, mid, 610 * scale, "KUTIPAN AKTA KELAHIRAN", SERIF_BOLD, round(56 * scale))
    number = str(truth["no_akta"])
    modern = "-L" in number
    writer = _Writer(draw, size[0], scale)
    if modern:
        writer.line("Berdasarkan Akta Kelahiran Nomor", number)
    else:
        _centre(draw, mid, 700 * scale, f"Nomor : {number}", SERIF_BOLD, round(36 * scale))
        writer.line("Menurut register akta kelahiran tersebut di atas")
    born = date.fromisoformat(truth["tanggal_lahir"])
    sex = "laki-laki" if truth["jenis_kelamin"] == "LAKI-LAKI" else "perempuan"
    writer.line("bahwa di", truth["tempat_lahir"])
    writer.line("pada tanggal", tanggal_terbilang(born))
    writer.line("telah lahir", truth["nama"], big=True)
    if truth["nama_ayah"]:
        writer.line(f"anak {ordinal(int(truth['anak_ke']))}, {sex}, dari suami-isteri")
        writer.line("", truth["nama_ayah"], gap=0.8)
        writer.line("dan", truth["nama_ibu"], gap=1.6)
    else:
        writer.line(f"anak {ordinal(int(truth['anak_ke']))}, {sex}, anak dari seorang ibu")
        writer.line("", truth["nama_ibu"], gap=1.6)
    issued = date.fromisoformat(truth["tanggal_terbit"])
    issued_text = dmy(issued) if modern else f"{issued.day} {BULAN[issued.month - 1]} {issued.year}"
    writer.line("Kutipan ini dikeluarkan di", truth["tempat_terbit"], gap=0.8)
    writer.line("pada tanggal", issued_text)
    _officer(page, draw, truth, rng, scale, modern)
    return page


def _officer(
    page: Image.Image,
    draw: ImageDraw.ImageDraw,
    truth: dict[str, Any],
    rng: random.Random,
    scale: float,
    modern: bool,
) -> None:
    x, y = 1130 * scale, 1830 * scale
    size = round(30 * scale)
    for i, text in enumerate(
        (
            "PEJABAT PENCATATAN SIPIL",
            "KEPALA DINAS KEPENDUDUKAN DAN",
            f"PENCATATAN SIPIL {truth['tempat_terbit']}",
        )
    ):
        _centre(draw, x, y + i * size * 1.3, text, SERIF_BOLD if i == 0 else SERIF, size)
    draw_signature(
        draw,
        (
            round(x - 160 * scale),
            round(y + 130 * scale),
            round(x + 160 * scale),
            round(y + 230 * scale),
        ),
        rng,
        width=max(2, round(3 * scale)),
    )
    official = make_name(rng, "jawa", rng.random() < 0.3, born=1970)
    issued = date.fromisoformat(truth["tanggal_terbit"])
    born = date(issued.year - rng.randint(45, 56), rng.randint(1, 12), rng.randint(1, 28))
    nip = make_nip(rng, born, date(born.year + rng.randint(23, 28), rng.randint(1, 12), 1), False)
    name_font = font(SERIF_BOLD, size)
    _centre(draw, x, y + 260 * scale, official, SERIF_BOLD, size)
    half = name_font.getlength(official) / 2
    draw.line(
        (x - half, y + 262 * scale + size, x + half, y + 262 * scale + size),
        fill=_INK,
        width=max(1, round(2 * scale)),
    )
    _centre(draw, x, y + 300 * scale, f"NIP. {nip}", SERIF, round(size * 0.9))
    if modern:
        grid = qr_modules(f"AKTA:{truth['no_akta']}")
        cell = round(9 * scale)
        x0, y0 = round(page.width * _MARGIN), round(y + 20 * scale)
        for r, row in enumerate(grid):
            for c, dark in enumerate(row):
                if dark:
                    draw.rectangle(
                        (
                            x0 + c * cell,
                            y0 + r * cell,
                            x0 + (c + 1) * cell - 1,
                            y0 + (r + 1) * cell - 1,
                        ),
                        fill=(0, 0, 0),
                    )
    else:  # a wet stamp over the signature
        radius = 120 * scale
        cx, cy = x - 170 * scale, y + 180 * scale
        for k, ring in ((0, 5), (18, 2)):
            rad = radius - k * scale
            draw.ellipse(
                (cx - rad, cy - rad, cx + rad, cy + rad),
                outline=(110, 60, 150),
                width=round(ring * scale),
            )


def render_akta(
    family: Family,
    person: Person,
    rng: random.Random,
    *,
    media_type: str = PNG,
    degraded: bool = False,
    dpi: int = 200,
    today: date = REFERENCE_DATE,
) -> Rendered:
    """The akta kelahiran of ``person`` as PNG (or JPEG) bytes with its truth."""
    truth = akta_truth(family, person, rng, today=today)
    page = draw_akta(truth, rng, dpi=dpi)
    steps: tuple[str, ...] = ()
    if degraded:
        kind = rng.choice(("scan", "photo"))
        array, applied = degrade(to_array(page), rng, kind=kind)
        page, steps = to_image(array), tuple(applied)
    return Rendered(encode(page, media_type, quality=88, dpi=dpi), media_type, truth, steps)
