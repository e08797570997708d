"""Intake: take a packet folder into the system of record.

Order of work, so that a failure never leaves half an application: the packet is validated
first (nothing is stored for an invalid packet); every file is read and judged from its bytes;
accepted files go to the document store under content-addressed keys; then the application and
all its document rows and audit events commit in one database transaction. If that transaction
fails, the objects this intake created are removed again; any that cannot be removed (the store
went away too) are what ``storage.reconcile.find_orphans`` reports.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import exc as sa_exc
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rules.process import Process
from storage.applications import create_application
from storage.documents import add_document
from storage.models import Application
from storage.store import DocumentStore, document_key, sha256_hex
from verification.errors import AlreadyExists, PacketInvalid, PacketProblem, UploadRefused
from verification.media import UploadLimits, inspect_upload
from verification.packet import MAX_PACKET_BYTES, DocumentRef, Packet, parse_packet

__all__ = ["IntakeDocument", "IntakeResult", "load_packet", "submit_packet"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IntakeDocument:
    """What intake did with one listed file."""

    doc_type: str
    file: str
    status: str  # stored | missing | error | refused
    reason: str | None = None
    media_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    object_key: str | None = None
    data: bytes | None = None


@dataclass(frozen=True)
class IntakeResult:
    number: str
    application_id: int
    stage: str
    documents: tuple[IntakeDocument, ...]


def load_packet(packet_dir: Path) -> Packet:
    """Read and validate ``application.json`` of a packet folder."""
    if not packet_dir.is_dir():
        raise PacketInvalid([PacketProblem(str(packet_dir.name), "is not a folder")])
    path = packet_dir / "application.json"
    try:
        # Like the listed files: a regular file inside the packet (not a link to /dev/zero or
        # a FIFO, which would never end), read no further than the limit.
        if not path.resolve(strict=True).is_relative_to(packet_dir.resolve()):
            raise PacketInvalid([PacketProblem("application.json", "lies outside the packet")])
        if not path.is_file():
            raise PacketInvalid([PacketProblem("application.json", "is not a regular file")])
        with path.open("rb") as handle:
            text = handle.read(MAX_PACKET_BYTES + 1)
    except FileNotFoundError:
        raise PacketInvalid([PacketProblem("application.json", "is missing")]) from None
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        problem = f"cannot be read ({getattr(exc, 'strerror', None) or 'symlink loop'})"
        raise PacketInvalid([PacketProblem("application.json", problem)]) from None
    return parse_packet(text)


def _read_document(packet_dir: Path, ref: DocumentRef, limits: UploadLimits) -> IntakeDocument:
    def outcome(status: str, reason: str) -> IntakeDocument:
        return IntakeDocument(ref.type.value, ref.file, status, reason)

    root = packet_dir.resolve()
    try:
        path = (packet_dir / ref.file).resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return outcome("error", "cannot be read (symlink loop)")
    if not path.is_relative_to(root):
        return outcome("refused", "file lies outside the packet")
    if not path.exists():
        return outcome("missing", "file is not in the packet")
    try:
        if not path.is_file():
            return outcome("error", "not a regular file")
        with path.open("rb") as handle:
            data = handle.read(limits.max_bytes + 1)  # never read more than the limit allows
    except OSError as exc:
        return outcome("error", f"cannot be read ({exc.strerror})")
    try:
        info = inspect_upload(data, limits)
    except UploadRefused as exc:
        return outcome("refused", str(exc))
    return IntakeDocument(
        ref.type.value,
        ref.file,
        "stored",
        media_type=info.media_type,
        size=info.size,
        sha256=sha256_hex(data),
        data=data,
    )


def _already_stored(factory: sessionmaker[Session], number: str) -> bool:
    with factory() as session:
        return (
            session.scalar(select(Application.id).where(Application.number == number)) is not None
        )


def submit_packet(
    packet_dir: Path,
    *,
    sessions: sessionmaker[Session],
    store: DocumentStore,
    process: Process,
    limits: UploadLimits,
    actor: str,
) -> IntakeResult:
    """Validate, store and record one packet; returns what happened to each file."""
    packet = load_packet(packet_dir)
    number = packet.application_id
    if _already_stored(sessions, number):
        raise AlreadyExists(f"application {number} is already stored")
    docs = [_read_document(packet_dir, ref, limits) for ref in packet.documents]

    created: list[str] = []
    stored: list[IntakeDocument] = []
    try:
        for doc in docs:
            if doc.status != "stored" or doc.data is None or doc.sha256 is None:
                stored.append(doc)
                continue
            key = document_key(number, doc.doc_type, doc.sha256)
            result = store.put(key, doc.data, media_type=doc.media_type or "")
            if result.created:
                created.append(key)
            stored.append(replace(doc, object_key=key))
        with sessions() as session, session.begin():
            app = create_application(
                session,
                number=number,
                category=packet.category.value,
                form=packet.applicant.model_dump(mode="json"),
                process=process,
                actor=actor,
            )
            for doc in stored:
                add_document(
                    session,
                    application_id=app.id,
                    doc_type=doc.doc_type,
                    original_name=doc.file,
                    status=doc.status,
                    status_reason=doc.reason,
                    media_type=doc.media_type,
                    size=doc.size,
                    sha256=doc.sha256,
                    object_key=doc.object_key,
                    actor=actor,
                )
            app_id, stage = app.id, app.stage
    except BaseException as failure:
        _remove_created(store, created)
        if isinstance(failure, sa_exc.IntegrityError) and _already_stored(sessions, number):
            raise AlreadyExists(f"application {number} is already stored") from None
        raise
    return IntakeResult(number, app_id, stage, tuple(replace(d, data=None) for d in stored))


def _remove_created(store: DocumentStore, keys: list[str]) -> None:
    for key in keys:
        try:
            store.delete(key)
        except Exception:  # the store may be what failed; reconcile finds what is left
            log.warning("could not remove %s after a failed intake; it is an orphan", key)
