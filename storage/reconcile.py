"""Reconciling the document store with the database: objects no document row accounts for."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Capture, Document, PrintedBook
from storage.store import DocumentStore, StoredObject

__all__ = ["find_orphans", "remove_orphans"]


def _referenced(session: Session) -> set[str]:
    """Every object key a row refers to: uploaded documents, printed data pages, captured
    photos and fingerprints."""
    known = {
        key
        for key in session.scalars(
            select(Document.object_key).where(Document.object_key.is_not(None))
        )
        if key is not None
    }
    known.update(
        session.scalars(select(PrintedBook.page_key).where(PrintedBook.page_key.is_not(None)))
    )
    for photo, prints in session.execute(select(Capture.photo_key, Capture.fingerprints)):
        known.add(photo)
        known.update(str(p["key"]) for p in prints or [] if p.get("key"))
    return known


def find_orphans(session: Session, store: DocumentStore) -> list[StoredObject]:
    """Stored objects that no row refers to (left by an interrupted intake, capture or
    print)."""
    known = _referenced(session)
    return [obj for obj in store.list_keys("applications/") if obj.key not in known]


def remove_orphans(session: Session, store: DocumentStore) -> list[StoredObject]:
    orphans = find_orphans(session, store)
    for obj in orphans:
        store.delete(obj.key)
    return orphans
