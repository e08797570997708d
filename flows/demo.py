"""The demo on the embedded defaults: synthetic packets in, where each application stands out.

It writes synthetic packets (never real people) under ``var/demo/packets``, adds two packets
with the bad input an office really gets (a web page saved as the KK, a missing akta), takes
them all in as ``paspor submit`` does, reads every stored document with the real OCR
pipeline, and prints one line per application. Running it again reuses what is stored.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from flows.wiring import Services
from storage.applications import get_application
from storage.documents import list_documents
from storage.intake import submit_packet
from verification.errors import AlreadyExists
from verification.reading.ocr import TesseractEngine
from verification.reading.reader import read_document
from verification.synthetic.packet import write_batch

__all__ = ["DemoRow", "run_demo"]

ACTOR = "demo"


@dataclass(frozen=True)
class DemoRow:
    number: str
    category: str
    stage: str
    documents: str
    read: str
    note: str


def _bad_packets(packets: Path, template: Path, first: int) -> list[Path]:
    """Two packets with the problems offices see: a web page named kk.pdf, a missing file."""
    made = []
    for offset, problem in enumerate(("html_as_pdf", "missing_akta")):
        number = f"APP-2026-{first + offset:06d}"
        folder = packets / number
        if not folder.exists():
            shutil.copytree(template, folder)
            meta = json.loads((folder / "application.json").read_text(encoding="utf-8"))
            meta["application_id"] = number
            (folder / "application.json").write_text(json.dumps(meta, indent=2), "utf-8")
            if problem == "html_as_pdf":
                for kk in folder.glob("kk.*"):
                    kk.write_text("<html><body>Kartu Keluarga (halaman web)</body></html>")
            else:
                (folder / "akta.png").unlink()
        made.append(folder)
    return made


def run_demo(services: Services, *, count: int, seed: int) -> list[DemoRow]:
    packets = services.settings.data_dir / "demo" / "packets"
    if not (packets / "ground_truth.json").exists():
        write_batch(packets, count=count, seed=seed)
    folders = sorted(p for p in packets.iterdir() if p.is_dir())[:count]
    folders += _bad_packets(packets, folders[0], first=count + 1)
    engine = TesseractEngine()
    rows = []
    for folder in folders:
        note = ""
        try:
            submit_packet(
                folder,
                sessions=services.sessions,
                store=services.store,
                process=services.process,
                limits=services.settings.upload_limits(),
                actor=ACTOR,
            )
        except AlreadyExists:
            note = "already stored"
        rows.append(_row(services, folder.name, engine, note))
    return rows


def _row(services: Services, number: str, engine: TesseractEngine, note: str) -> DemoRow:
    with services.sessions() as session:
        app = get_application(session, number=number)
        docs = list_documents(session, application_id=app.id)
        summary, read = [], []
        for doc in docs:
            summary.append(f"{doc.doc_type}:{doc.status}")
            if doc.status != "stored" or doc.object_key is None:
                continue
            result = read_document(
                services.store.get(doc.object_key), declared_type=doc.doc_type, engine=engine
            )
            read.append(
                f"{doc.doc_type}:{len(result.fields)} fields"
                if result.status == "ok"
                else f"{doc.doc_type}:{result.status}"
            )
        return DemoRow(app.number, app.category, app.stage, " ".join(summary), " ".join(read), note)
