"""Document rows (what was uploaded, where it is stored, by hash) and their extractions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.audit import append_event
from storage.models import Document, Extraction
from verification.errors import NotFound

__all__ = [
    "DOCUMENT_STATUSES",
    "add_document",
    "add_extraction",
    "documents_by_sha256",
    "get_document",
    "latest_extraction",
    "list_documents",
    "read_fields",
    "set_document_status",
]

# stored: bytes in the document store; missing: listed but not in the packet;
# error: present but could not be read from disk; refused: rejected at intake (type, size, bomb);
# superseded: replaced by a re-upload.
DOCUMENT_STATUSES = frozenset({"stored", "missing", "error", "refused", "superseded"})


def add_document(
    session: Session,
    *,
    application_id: int,
    doc_type: str,
    original_name: str,
    status: str,
    actor: str,
    status_reason: str | None = None,
    media_type: str | None = None,
    size: int | None = None,
    sha256: str | None = None,
    object_key: str | None = None,
) -> Document:
    """Record one document of an application, stored or not, with an audit event."""
    if status not in DOCUMENT_STATUSES:
        raise ValueError(f"unknown document status {status!r}")
    if status == "stored" and not (sha256 and object_key and media_type and size is not None):
        raise ValueError("a stored document needs its hash, object key, media type and size")
    doc = Document(
        application_id=application_id,
        doc_type=doc_type,
        original_name=original_name,
        status=status,
        status_reason=status_reason,
        media_type=media_type,
        size=size,
        sha256=sha256,
        object_key=object_key,
    )
    session.add(doc)
    session.flush()
    append_event(
        session,
        actor=actor,
        action=f"document.{status}",
        entity_type="document",
        entity_id=doc.id,
        application_id=application_id,
        payload={
            "doc_type": doc_type,
            "sha256": sha256,
            "object_key": object_key,
            "media_type": media_type,
            "size": size,
            "reason": status_reason,
        },
    )
    return doc


def get_document(session: Session, *, document_id: int) -> Document:
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound(f"no document with id {document_id}")
    return doc


def list_documents(session: Session, *, application_id: int) -> Sequence[Document]:
    return session.scalars(
        select(Document).where(Document.application_id == application_id).order_by(Document.id)
    ).all()


def documents_by_sha256(session: Session, *, sha256: str) -> Sequence[Document]:
    """Every stored document with these exact bytes, in any application."""
    return session.scalars(
        select(Document).where(Document.sha256 == sha256).order_by(Document.id)
    ).all()


def set_document_status(
    session: Session, *, document_id: int, status: str, actor: str, reason: str | None = None
) -> None:
    if status not in DOCUMENT_STATUSES:
        raise ValueError(f"unknown document status {status!r}")
    doc = get_document(session, document_id=document_id)
    previous = doc.status
    session.execute(
        update(Document)
        .where(Document.id == document_id)
        .values(status=status, status_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    append_event(
        session,
        actor=actor,
        action="document.status",
        entity_type="document",
        entity_id=document_id,
        application_id=doc.application_id,
        payload={"from": previous, "to": status, "reason": reason, "sha256": doc.sha256},
    )


def add_extraction(
    session: Session,
    *,
    document_id: int,
    status: str,
    fields: dict[str, Any],
    confidence: dict[str, float],
    engine: str,
    steps: dict[str, Any] | None = None,
    doc_type_detected: str | None = None,
    error: str | None = None,
    seconds: float | None = None,
) -> Extraction:
    """Store what a reader took from a document. Field values stay out of the audit payload."""
    doc = get_document(session, document_id=document_id)
    extraction = Extraction(
        document_id=document_id,
        status=status,
        error=error,
        doc_type_detected=doc_type_detected,
        fields=fields,
        confidence=confidence,
        steps=steps or {},
        engine=engine,
        seconds=seconds,
    )
    session.add(extraction)
    session.flush()
    append_event(
        session,
        actor=engine,
        action="document.extracted",
        entity_type="extraction",
        entity_id=extraction.id,
        application_id=doc.application_id,
        payload={
            "document_id": document_id,
            "sha256": doc.sha256,
            "status": status,
            "fields": sorted(fields),
            "doc_type_detected": doc_type_detected,
        },
    )
    return extraction


def latest_extraction(session: Session, *, document_id: int) -> Extraction | None:
    return session.scalars(
        select(Extraction)
        .where(Extraction.document_id == document_id)
        .order_by(Extraction.id.desc())
        .limit(1)
    ).first()


def read_fields(
    session: Session, *, application_ids: Sequence[int] | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(document type, fields) of the latest readable extraction of every stored document
    (of ``application_ids`` only, when given): what the data-quality report validates."""
    latest = select(func.max(Extraction.id)).group_by(Extraction.document_id)
    query = (
        select(Document.doc_type, Extraction.fields)
        .join(Extraction, Extraction.document_id == Document.id)
        .where(
            Document.status == "stored",
            Extraction.status == "ok",
            Extraction.id.in_(latest),
        )
        .order_by(Document.id)
    )
    if application_ids is not None:
        query = query.where(Document.application_id.in_(application_ids))
    for doc_type, fields in session.execute(query).yield_per(500):
        if fields:
            yield doc_type, fields
