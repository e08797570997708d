"""Document stores: the protocol, content-addressed keys, filesystem and MinIO backends."""

from storage.store.base import (
    DocumentStore,
    PutResult,
    StoredObject,
    check_hash,
    document_key,
    parse_key,
    sha256_hex,
)
from storage.store.fs import FileSystemStore
from storage.store.minio_store import MinioStore

__all__ = [
    "DocumentStore",
    "FileSystemStore",
    "MinioStore",
    "PutResult",
    "StoredObject",
    "check_hash",
    "document_key",
    "parse_key",
    "sha256_hex",
]
