"""Seeded synthetic families: a Kartu Keluarga's worth of people, consistent with each other.

``generate_family(rng)`` draws one family living in a real kecamatan (``regions``): a head of
family with a wife (or a widowed or unmarried mother as head), children born after the
marriage, sometimes a widowed grandparent; NIKs and the No. KK built per domain-spec 7.1-7.2;
names, religion, education, occupation and civil status from the official vocabularies; and
parents' names that agree across members (children's father and mother are the head and the
wife). One member is picked as the passport applicant: an adult (17+) or, for ``category
"minor"``, a child under 17. Everything follows from the ``random.Random`` passed in and a fixed
reference date, so a seed always gives the same family.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from verification.synthetic.identifiers import make_nik, make_no_kk
from verification.synthetic.names import agama_for, make_name, surname_for
from verification.synthetic.regions import REGIONS, Region
from verification.vocabulary import PENDIDIKAN, STATUS_HUBUNGAN

__all__ = [
    "GOL_DARAH",
    "PEKERJAAN",
    "PENDIDIKAN",
    "REFERENCE_DATE",
    "STATUS_HUBUNGAN",
    "Family",
    "Person",
    "age_on",
    "generate_family",
]

# Ages, issue dates and "today" are counted from a fixed day so that a seed stays reproducible.
REFERENCE_DATE = date(2026, 1, 5)

_PENDIDIKAN_DEWASA = (2, 3, 4, 4, 4, 4, 5, 6, 6, 7, 7, 7, 7, 8, 9)

_JOBS: tuple[tuple[str, float], ...] = (
    ("KARYAWAN SWASTA", 25),
    ("WIRASWASTA", 20),
    ("PEDAGANG", 8),
    ("PETANI/PEKEBUN", 7),
    ("PEGAWAI NEGERI SIPIL", 6),
    ("BURUH HARIAN LEPAS", 6),
    ("GURU", 4),
    ("KARYAWAN BUMN", 3),
    ("KARYAWAN HONORER", 2),
    ("SOPIR", 3),
    ("NELAYAN/PERIKANAN", 2),
    ("PERAWAT", 2),
    ("DOSEN", 1),
    ("DOKTER", 1),
    ("TENTARA NASIONAL INDONESIA", 1),
    ("KEPOLISIAN RI", 1),
    ("TUKANG JAHIT", 1),
    ("MEKANIK", 1),
)
_IRT = "MENGURUS RUMAH TANGGA"
_PELAJAR = "PELAJAR/MAHASISWA"
_BELUM_BEKERJA = "BELUM/TIDAK BEKERJA"
_PENSIUNAN = "PENSIUNAN"
PEKERJAAN = frozenset({j for j, _ in _JOBS} | {_IRT, _PELAJAR, _BELUM_BEKERJA, _PENSIUNAN})

GOL_DARAH = ("A", "B", "AB", "O", "A+", "B+", "AB+", "O+", "-")
_GOL_WEIGHTS = (25, 25, 7, 33, 1, 1, 0.5, 1.5, 8)

_STREETS = (
    "TERATAI", "MELATI", "MAWAR", "KENANGA", "CEMPAKA", "ANGGREK", "DAHLIA", "KUTILANG",
    "MERPATI", "CENDRAWASIH", "RAJAWALI", "BERINGIN", "DURIAN", "MANGGA", "RAMBUTAN",
    "PELITA", "SEJAHTERA", "DAMAI", "NUSANTARA", "GARUDA", "MERDEKA", "PEMUDA", "KARYA",
)  # fmt: skip
_PERUM = ("GRIYA ASRI", "TAMAN SARI", "BUMI INDAH", "PESONA HIJAU", "VILLA MUTIARA")
_SIZES = ((2, 8), (3, 20), (4, 25), (5, 20), (6, 12), (7, 7), (8, 4), (9, 2), (10, 2))


@dataclass(frozen=True)
class Person:
    """One member of a Kartu Keluarga, with everything KTP, KK and akta print about them."""

    nik: str
    nama: str
    jenis_kelamin: str  # LAKI-LAKI | PEREMPUAN
    tempat_lahir: str
    tanggal_lahir: date
    agama: str
    pendidikan: str
    pekerjaan: str
    status_perkawinan: str
    tanggal_perkawinan: date | None
    status_hubungan: str
    gol_darah: str
    nama_ayah: str | None  # None: the birth certificate names no father (akta model 3)
    nama_ibu: str
    anak_ke: int
    wilayah_lahir: Region
    kewarganegaraan: str = "WNI"

    @property
    def female(self) -> bool:
        return self.jenis_kelamin == "PEREMPUAN"


@dataclass(frozen=True)
class Family:
    """A family as one Kartu Keluarga records it, and which member applies for a passport."""

    no_kk: str
    alamat: str
    rt_rw: str
    region: Region
    kel_desa: str
    kode_pos: str
    tanggal_terbit: date  # "Dikeluarkan Tanggal" of the KK
    members: tuple[Person, ...]
    applicant_index: int
    category: str  # adult | minor

    @property
    def kepala(self) -> Person:
        return self.members[0]

    @property
    def applicant(self) -> Person:
        return self.members[self.applicant_index]

    def member(self, nama: str) -> Person | None:
        """The member of that name, if the parent (say) is on this KK."""
        return next((m for m in self.members if m.nama == nama), None)


def age_on(born: date, day: date) -> int:
    """Whole years between ``born`` and ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _weighted(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([v for v, _ in table], [w for _, w in table])[0]


def _day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _years(n: float) -> timedelta:
    return timedelta(days=round(n * 365.25))


def _pendidikan(rng: random.Random, age: int) -> str:
    for limit, index in ((5, 0), (12, 1), (15, 2), (18, 3), (22, 4)):
        if age < limit:
            return PENDIDIKAN[index]
    return PENDIDIKAN[rng.choice(_PENDIDIKAN_DEWASA)]


def _pekerjaan(rng: random.Random, age: int, role: str) -> str:
    if age < 5:
        return _BELUM_BEKERJA
    if age < 19 or (role == "ANAK" and age < 23 and rng.random() < 0.7):
        return _PELAJAR
    if role in ("ORANG TUA", "MERTUA"):
        return rng.choice((_PENSIUNAN, _IRT, _BELUM_BEKERJA))
    if role == "ISTRI" and rng.random() < 0.45:
        return _IRT
    if age >= 58 and rng.random() < 0.5:
        return _PENSIUNAN
    return _weighted(rng, _JOBS)


def _alamat(rng: random.Random, region: Region) -> str:
    number = rng.randint(1, 150)
    form = rng.random()
    if form < 0.6:
        return f"JL. {rng.choice(_STREETS)} NO. {number}"
    if form < 0.75:
        return f"JL. {rng.choice(_STREETS)} GG. {rng.choice(_STREETS)} NO. {number}"
    if form < 0.9 or region.jenis != "KABUPATEN":
        block = f"{rng.choice('ABCDEFGH')}{rng.randint(1, 12)}"
        return f"PERUM {rng.choice(_PERUM)} BLOK {block} NO. {number % 40 + 1}"
    return f"DUSUN {rng.choice(('KRAJAN', 'SUKAMAJU', 'SIDOMULYO', 'TANJUNG'))}"


@dataclass
class _Draft:
    """A person while the family is being drawn (mutable; frozen into ``Person`` at the end)."""

    nama: str
    female: bool
    born: date
    role: str
    order: int
    ayah: str | None
    ibu: str
    married: date | None = None
    status: str = "BELUM KAWIN"
    local_birth: bool = True  # born in the kab/kota the family lives in


class _FamilyDrawer:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.region = rng.choice(REGIONS)
        self.style = _weighted(rng, self.region.styles)
        self.agama = agama_for(rng, self.style)
        self.surname = surname_for(rng, self.style)

    def name(
        self,
        female: bool,
        born: date,
        order: int,
        *,
        surname: str | None = None,
        father: str | None = None,
    ) -> str:
        return make_name(
            self.rng,
            self.style,
            female,
            born=born.year,
            order=order,
            agama=self.agama,
            surname=surname,
            father=father,
        )

    def elder(self, female: bool, born: date, surname: str | None, role: str) -> _Draft:
        """An adult with parents from outside this KK (the head, the wife, a grandparent)."""
        rng = self.rng
        father_born = born - _years(rng.uniform(22, 40))
        mother_born = born - _years(rng.uniform(18, 35))
        ayah = self.name(False, father_born, rng.randint(1, 5), surname=surname)
        other = surname_for(rng, self.style)
        ibu = self.name(True, mother_born, rng.randint(1, 5), surname=other)
        order = rng.choices((1, 2, 3, 4, 5, 6), (30, 27, 18, 12, 8, 5))[0]
        nama = self.name(female, born, order, surname=surname, father=ayah)
        return _Draft(nama, female, born, role, order, ayah, ibu, local_birth=rng.random() < 0.55)

    def draft(self, category: str) -> list[_Draft] | None:
        rng, today = self.rng, self.today
        structure = _weighted(rng, (("couple", 0.8), ("widow", 0.1), ("single", 0.1)))
        size = int(_weighted(rng, tuple((str(n), w) for n, w in _SIZES)))
        low_age = 24 if category == "adult" else 22
        mother_born = today - _years(rng.uniform(low_age, 40 if category == "minor" else 68))
        mother_born -= timedelta(days=rng.randint(0, 364))
        father_born = mother_born - timedelta(days=rng.randint(-700, 3000))
        wife_surname = surname_for(rng, self.style)
        while self.surname and wife_surname == self.surname:
            wife_surname = surname_for(rng, self.style)
        role_mother = "ISTRI" if structure == "couple" else "KEPALA KELUARGA"
        mother = self.elder(True, mother_born, wife_surname, role_mother)
        drafts = [mother]
        father: _Draft | None = None
        if structure != "single":
            father = self.elder(False, father_born, self.surname, "KEPALA KELUARGA")
            married = mother_born + _years(rng.uniform(19, 30))
            if married > today - timedelta(days=120):
                return None
            mother.married = married
            mother.status = "KAWIN" if structure == "couple" else "CERAI MATI"
            if structure == "couple":
                father.married, father.status = married, "KAWIN"
                drafts.insert(0, father)
            first_child = married + timedelta(days=rng.randint(300, 1100))
        else:
            first_child = mother_born + _years(rng.uniform(18, 34))
        grandparent = size >= 4 and rng.random() < 0.25
        wanted = size - len(drafts) - grandparent
        born = first_child
        for order in range(1, wanted + 1):
            if born > today - timedelta(days=20) or age_on(mother_born, born) > 44:
                break
            female = rng.random() < 0.5
            ayah = father.nama if father else None
            surname = self.surname if father else wife_surname
            nama = self.name(female, born, order, surname=surname, father=ayah)
            local = rng.random() < 0.85
            drafts.append(
                _Draft(
                    nama, female, born, "ANAK", order, ayah, mother.nama, None, "BELUM KAWIN", local
                )
            )
            born += timedelta(days=rng.randint(450, 1900))
        if grandparent:  # the head's widowed mother, or the wife's (a MERTUA)
            head = father if structure == "couple" and father is not None else mother
            elder_born = head.born - _years(rng.uniform(20, 35))
            if age_on(elder_born, today) <= 95:
                grandma = self.elder(True, elder_born, None, "ORANG TUA")
                grandma.nama, grandma.status = head.ibu, "CERAI MATI"
                if head is father and rng.random() < 0.4:
                    grandma.nama, grandma.role = mother.ibu, "MERTUA"
                drafts.append(grandma)
        if len({d.nama for d in drafts}) != len(drafts) or len(drafts) < 2:
            return None
        if category == "minor" and not any(
            d.role == "ANAK" and age_on(d.born, today) < 17 for d in drafts
        ):
            return None
        return drafts

    def person(self, d: _Draft, nik_serials: set[int]) -> Person:
        rng, region = self.rng, self.region
        age = age_on(d.born, self.today)
        lahir = region if d.local_birth else rng.choice(REGIONS)
        nik_region = region if (d.role == "ANAK" or rng.random() < 0.7) else lahir
        serial = rng.randint(1, 9999)
        while serial in nik_serials:
            serial = rng.randint(1, 9999)
        nik_serials.add(serial)
        gol = rng.choices(GOL_DARAH, _GOL_WEIGHTS)[0]
        if age < 17 and rng.random() < 0.5:
            gol = "-"
        return Person(
            nik=make_nik(nik_region.code, d.born, d.female, serial),
            nama=d.nama,
            jenis_kelamin="PEREMPUAN" if d.female else "LAKI-LAKI",
            tempat_lahir=lahir.kota_lahir,
            tanggal_lahir=d.born,
            agama=self.agama,
            pendidikan=_pendidikan(rng, age),
            pekerjaan=_pekerjaan(rng, age, d.role),
            status_perkawinan=d.status,
            tanggal_perkawinan=d.married if d.status == "KAWIN" else None,
            status_hubungan=d.role,
            gol_darah=gol,
            nama_ayah=d.ayah,
            nama_ibu=d.ibu,
            anak_ke=d.order,
            wilayah_lahir=lahir,
        )


_ROLE_ORDER = {"KEPALA KELUARGA": 0, "ISTRI": 1, "ANAK": 2, "ORANG TUA": 3, "MERTUA": 3}


def _pick_applicant(
    rng: random.Random, members: tuple[Person, ...], category: str, today: date
) -> int:
    if category == "minor":
        pool = [i for i, m in enumerate(members) if age_on(m.tanggal_lahir, today) < 17]
        return rng.choice(pool)
    weight = {"KEPALA KELUARGA": 4.0, "ISTRI": 3.0, "ANAK": 2.0, "ORANG TUA": 0.5, "MERTUA": 0.5}
    pool = [i for i, m in enumerate(members) if age_on(m.tanggal_lahir, today) >= 17]
    return rng.choices(pool, [weight[members[i].status_hubungan] for i in pool])[0]


def generate_family(
    rng: random.Random, *, category: str = "adult", today: date = REFERENCE_DATE
) -> Family:
    """Draw one synthetic family and its passport applicant (``category`` adult or minor)."""
    if category not in ("adult", "minor"):
        raise ValueError(f"category must be 'adult' or 'minor', not {category!r}")
    while True:  # a draft fails rarely (an impossible timeline): draw again from the same rng
        drawer = _FamilyDrawer(rng, today)
        drafts = drawer.draft(category)
        if drafts is not None:
            break
    drafts.sort(key=lambda d: (_ROLE_ORDER[d.role], d.born))
    serials: set[int] = set()
    members = tuple(drawer.person(d, serials) for d in drafts)
    head = members[0]
    start = max(head.tanggal_perkawinan or date(2006, 1, 1), date(2006, 1, 1))
    recorded = _day_between(rng, min(start, today - timedelta(days=90)), today - timedelta(days=60))
    youngest = max(m.tanggal_lahir for m in members)
    terbit_from = max(recorded, youngest + timedelta(days=7))
    terbit = _day_between(rng, terbit_from, today - timedelta(days=7))
    kel_desa, kode_pos = rng.choice(drawer.region.desa)
    return Family(
        no_kk=make_no_kk(drawer.region.code, recorded, rng.randint(1, 9999)),
        alamat=_alamat(rng, drawer.region),
        rt_rw=f"{rng.randint(1, 15):03d}/{rng.randint(1, 12):03d}",
        region=drawer.region,
        kel_desa=kel_desa,
        kode_pos=kode_pos,
        tanggal_terbit=terbit,
        members=members,
        applicant_index=_pick_applicant(rng, members, category, today),
        category=category,
    )
