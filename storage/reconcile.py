"""Reconciling the document store with the database: objects no document row accounts for."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Document
from storage.store import DocumentStore, StoredObject

__all__ = ["find_orphans", "remove_orphans"]


def find_orphans(session: Session, store: DocumentStore) -> list[StoredObject]:
    """Stored documents that no document row refers to (left by an interrupted intake)."""
    known = set(
        session.scalars(select(Document.object_key).where(Document.object_key.is_not(None)))
    )
    return [obj for obj in store.list_keys("applications/") if obj.key not in known]


def remove_orphans(session: Session, store: DocumentStore) -> list[StoredObject]:
    orphans = find_orphans(session, store)
    for obj in orphans:
        store.delete(obj.key)
    return orphans
