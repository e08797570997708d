"""Verifying a packet without a database: read every document, then hand the case over.

``read_packet`` turns a packet folder into a ``Case``: each listed file is judged from its
bytes (missing, refused, or read with the real OCR pipeline). What to conclude from the case is
policy, passed in by the caller (``rules.checking.evaluate``), so this module stays pure.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from verification.checks.case import Case, CheckContext, DocumentRead
from verification.errors import DocumentUnreadable, UploadRefused
from verification.findings import Finding
from verification.fraud.copymove import copy_move_findings
from verification.fraud.glyphs import nik_glyph_findings
from verification.fraud.jpeg import jpeg_findings
from verification.fraud.metadata import image_metadata_findings
from verification.fraud.pdf import pdf_findings
from verification.fraud.pdflayer import text_layer_findings
from verification.fraud.splice import splice_findings
from verification.media import UploadLimits, inspect_upload
from verification.packet import DocumentRef, Packet
from verification.reading.loader import load_pages
from verification.reading.ocr import OcrEngine
from verification.reading.reader import ReadResult, read_document

__all__ = [
    "document_forensics",
    "document_read",
    "forensic_findings",
    "read_document_bytes",
    "read_document_file",
    "read_packet",
]


def read_document_file(
    packet_dir: Path, ref: DocumentRef, *, engine: OcrEngine, limits: UploadLimits
) -> DocumentRead:
    """One listed file: missing, refused at intake, or what the reader made of it."""
    path = packet_dir / ref.file
    doc_type, file = ref.type.value, ref.file
    if not path.resolve().is_relative_to(packet_dir.resolve()) or not path.is_file():
        return DocumentRead(doc_type, file, None, "missing", error="file is not in the packet")
    return read_document_bytes(doc_type, file, path.read_bytes(), engine=engine, limits=limits)


def read_document_bytes(
    doc_type: str, file: str, data: bytes, *, engine: OcrEngine, limits: UploadLimits
) -> DocumentRead:
    """One uploaded file's bytes: refused at intake, or what the reader made of it."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        inspect_upload(data, limits)
    except UploadRefused as exc:
        return DocumentRead(doc_type, file, digest, "refused", error=str(exc))
    return document_read(
        doc_type, file, digest, read_document(data, declared_type=doc_type, engine=engine)
    )


def document_read(doc_type: str, file: str, sha256: str, result: ReadResult) -> DocumentRead:
    """What the checks need of a reader's result."""
    return DocumentRead(
        doc_type,
        file,
        sha256,
        result.status,
        error=result.error,
        fields=result.fields,
        confidence=result.confidence,
        detected_type=result.detected_type,
    )


def read_packet(
    packet: Packet,
    packet_dir: Path,
    *,
    engine: OcrEngine,
    limits: UploadLimits,
    ref_date: date | None = None,
) -> Case:
    documents = {
        ref.type.value: read_document_file(packet_dir, ref, engine=engine, limits=limits)
        for ref in packet.documents
    }
    return Case(
        application_id=packet.application_id,
        category=packet.category.value,
        form=packet.applicant,
        documents=documents,
        ref_date=ref_date or date.today(),
    )


KTP_TYPES = ("ktp", "ktp_ayah", "ktp_ibu")
# The splice maps run on each document type's images: on KTPs and akta both, noise and
# foreign JPEG grid; on KK photos noise alone, as a photographed table's rule lines put edges
# at one phase of the 8 x 8 grid along a whole row of tiles, which the grid map took for a
# foreign grid (3 of 200 genuine KK photos; it found none of the forgeries the noise map
# missed there). Other types (an employer's letter) are not measured: none run.
SPLICE_MAPS = {
    **{doc_type: ("noise", "grid") for doc_type in (*KTP_TYPES, "akta_kelahiran")},
    "kk": ("noise",),
}


def splice_maps(doc_type: str) -> tuple[str, ...]:
    """The splice maps run on an image of ``doc_type`` (none for a type not measured)."""
    return SPLICE_MAPS.get(doc_type, ())


def _image_forensics(data: bytes, doc: DocumentRead, ctx: CheckContext) -> list[Finding]:
    """Pixel forensics on an image upload: copy-move and regional JPEG recompression
    everywhere, splices on KTPs, KK and akta (``SPLICE_MAPS``), the NIK glyphs of a KTP."""
    try:
        pages = load_pages(data)
    except DocumentUnreadable:
        return []  # the reading already reported it
    image = pages[0].image if pages else None
    if image is None:
        return []
    found = copy_move_findings(image, document=doc.type, sha256=doc.sha256, ctx=ctx)
    found += jpeg_findings(data, image, document=doc.type, sha256=doc.sha256, ctx=ctx)
    if maps := splice_maps(doc.type):
        found += splice_findings(image, document=doc.type, sha256=doc.sha256, ctx=ctx, maps=maps)
    if doc.type in KTP_TYPES:
        found += nik_glyph_findings(image, document=doc.type, sha256=doc.sha256, ctx=ctx)
    return found


def document_forensics(doc: DocumentRead, data: bytes, ctx: CheckContext) -> list[Finding]:
    """Fraud and tamper findings on one uploaded file whose bytes are ``data``: PDF forensics
    (revisions, producer, fonts, the text layer against the page), image metadata, copy-move,
    regional JPEG recompression, splices on KTPs, KK and akta and, for a KTP image, its NIK
    glyphs."""
    if doc.status in ("missing", "refused"):
        return []
    findings = pdf_findings(data, document=doc.type, sha256=doc.sha256, ctx=ctx)
    if data.startswith(b"%PDF-"):
        findings += text_layer_findings(data, document=doc.type, sha256=doc.sha256, ctx=ctx)
    findings += image_metadata_findings(data, document=doc.type, sha256=doc.sha256, ctx=ctx)
    if not data.startswith(b"%PDF-"):
        findings += _image_forensics(data, doc, ctx)
    return findings


def forensic_findings(packet_dir: Path, case: Case, ctx: CheckContext) -> list[Finding]:
    """``document_forensics`` on every file of a packet; a file changed since it was read
    (another hash) is skipped, not judged."""
    findings: list[Finding] = []
    for doc in case.documents.values():
        if doc.status in ("missing", "refused"):
            continue
        path = packet_dir / doc.file
        data = path.read_bytes() if path.is_file() else b""
        if hashlib.sha256(data).hexdigest() == doc.sha256:
            findings += document_forensics(doc, data, ctx)
    return findings
