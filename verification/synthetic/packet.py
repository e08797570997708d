"""Synthetic application packets: folders in the DESIGN.md section 2 format, with ground truth.

``write_packet`` draws one family from a seed, renders the applicant's documents (KTP, or for a
minor the parents' KTPs; the KK in the requested form; the akta kelahiran), writes them with
``application.json`` whose form values equal the documents' values, and returns a
``PacketTruth`` holding what every document says. ``write_batch`` writes one sub-folder per
application with a mix of KK forms, categories and degraded scans, plus ``ground_truth.json``
beside the folders. The same seed writes the same bytes.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verification.synthetic.akta import render_akta
from verification.synthetic.drawing import Rendered
from verification.synthetic.kk import KK_FORMS, render_kk
from verification.synthetic.ktp import render_ktp
from verification.synthetic.people import Family, Person, generate_family

__all__ = ["DocumentTruth", "PacketTruth", "application_form", "write_batch", "write_packet"]


@dataclass(frozen=True)
class DocumentTruth:
    """One document of a packet: its file, how it was made, and what it says."""

    type: str
    file: str
    media_type: str
    form: str  # image | pdf_text | pdf_scan | photo
    fields: dict[str, Any]
    steps: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "file": self.file,
            "media_type": self.media_type,
            "form": self.form,
            "steps": list(self.steps),
            "fields": self.fields,
        }


@dataclass(frozen=True)
class PacketTruth:
    """The ground truth of a written packet: the family, the application and each document."""

    application_id: str
    folder: Path
    seed: int
    family: Family
    application: dict[str, Any]
    documents: tuple[DocumentTruth, ...]

    def document(self, doc_type: str) -> DocumentTruth:
        """The truth of the document of that type; ``KeyError`` when the packet has none."""
        for doc in self.documents:
            if doc.type == doc_type:
                return doc
        raise KeyError(doc_type)

    def to_dict(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "folder": self.folder.name,
            "seed": self.seed,
            "category": self.application["category"],
            "documents": [doc.to_dict() for doc in self.documents],
        }


def application_form(person: Person, family: Family) -> dict[str, Any]:
    """The applicant section of ``application.json``: the values the documents print."""
    return {
        "nik": person.nik,
        "nama": person.nama,
        "tempat_lahir": person.tempat_lahir,
        "tanggal_lahir": person.tanggal_lahir.isoformat(),
        "jenis_kelamin": person.jenis_kelamin,
        "alamat": family.alamat,
        "no_kk": family.no_kk,
        "nama_ayah": person.nama_ayah,
        "nama_ibu": person.nama_ibu,
        "pekerjaan": person.pekerjaan,
        "status_perkawinan": person.status_perkawinan,
    }


def _doc_rng(seed: int, name: str) -> random.Random:
    # One stream per document: degrading one document never changes another one's truth.
    return random.Random(f"{seed}/{name}")


def _ktp_documents(family: Family, seed: int, degraded: bool) -> list[tuple[str, str, Rendered]]:
    applicant = family.applicant
    if family.category == "adult":
        ktp = render_ktp(family, applicant, _doc_rng(seed, "ktp"), degraded=degraded)
        return [("ktp", "ktp.jpg", ktp)]
    documents = []
    for doc_type, parent_name in (
        ("ktp_ayah", applicant.nama_ayah),
        ("ktp_ibu", applicant.nama_ibu),
    ):
        parent = family.member(parent_name) if parent_name else None
        if parent is not None:
            rng = _doc_rng(seed, doc_type)
            documents.append(
                (doc_type, f"{doc_type}.jpg", render_ktp(family, parent, rng, degraded=degraded))
            )
    return documents


def write_packet(
    out_dir: Path,
    *,
    seed: int,
    category: str = "adult",
    kk_form: str = "pdf_text",
    degraded: bool = False,
    application_id: str | None = None,
) -> PacketTruth:
    """Write one packet folder at ``out_dir`` and return its ground truth."""
    if kk_form not in KK_FORMS:
        raise ValueError(f"kk_form must be one of {', '.join(KK_FORMS)}, not {kk_form!r}")
    family = generate_family(random.Random(seed), category=category)
    application_id = application_id or f"APP-2026-{seed % 1_000_000:06d}"
    rendered = _ktp_documents(family, seed, degraded)
    kk = render_kk(family, _doc_rng(seed, "kk"), form=kk_form)
    rendered.append(("kk", f"kk.{kk.extension}", kk))
    akta = render_akta(family, family.applicant, _doc_rng(seed, "akta"), degraded=degraded)
    rendered.append(("akta_kelahiran", "akta.png", akta))
    application = {
        "application_id": application_id,
        "category": category,
        "applicant": application_form(family.applicant, family),
        "documents": [{"type": doc_type, "file": file} for doc_type, file, _ in rendered],
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    documents = []
    for doc_type, file, doc in rendered:
        (out_dir / file).write_bytes(doc.data)
        form = kk_form if doc_type == "kk" else "image"
        documents.append(DocumentTruth(doc_type, file, doc.media_type, form, doc.truth, doc.steps))
    text = json.dumps(application, indent=2, ensure_ascii=False) + "\n"
    (out_dir / "application.json").write_text(text, encoding="utf-8")
    return PacketTruth(application_id, out_dir, seed, family, application, tuple(documents))


def write_batch(
    out_dir: Path,
    *,
    count: int,
    seed: int,
    year: int = 2026,
    first_number: int = 1,
    degraded_fraction: float = 0.3,
    minor_fraction: float = 0.2,
) -> list[PacketTruth]:
    """Write ``count`` packets into sub-folders named by application id (APP-2026-000001 ...)
    with KK forms in rotation, some minors and some degraded; also ``ground_truth.json``."""
    rng = random.Random(seed)
    forms = list(KK_FORMS)
    rng.shuffle(forms)
    truths = []
    for i in range(count):
        application_id = f"APP-{year}-{first_number + i:06d}"
        truths.append(
            write_packet(
                out_dir / application_id,
                seed=rng.getrandbits(32),
                category="minor" if rng.random() < minor_fraction else "adult",
                kk_form=forms[i % len(forms)],
                degraded=rng.random() < degraded_fraction,
                application_id=application_id,
            )
        )
    summary = {"seed": seed, "packets": [t.to_dict() for t in truths]}
    text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    (out_dir / "ground_truth.json").write_text(text, encoding="utf-8")
    return truths
