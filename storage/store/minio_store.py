"""The MinIO (S3-compatible) document store, through the ``minio`` client.

The bucket is created on first use. Each object carries its SHA-256 as user metadata; a put of
bytes already there is a no-op, and every get is verified against the hash in the key. Network
failures become ``StoreUnavailable`` (retryable); a missing object is ``NotFound``.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import TypeVar

import urllib3
from minio import Minio
from minio.error import S3Error

from storage.store.base import PutResult, StoredObject, check_hash, parse_key, sha256_hex
from verification.errors import IntegrityError, NotFound, StoreUnavailable

__all__ = ["MinioStore"]

T = TypeVar("T")
_MISSING = {"NoSuchKey", "NoSuchObject", "NotFound"}


class MinioStore:
    """A ``DocumentStore`` on a MinIO (or any S3-compatible) bucket."""

    def __init__(
        self,
        *,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        secure: bool = False,
        region: str | None = None,
        timeout_seconds: float = 10.0,
        retries: int = 2,
    ) -> None:
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=timeout_seconds, read=timeout_seconds * 3),
            retries=urllib3.Retry(
                total=retries, backoff_factor=0.2, status_forcelist=(500, 502, 503, 504)
            ),
            maxsize=10,
        )
        self.client = Minio(
            endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
            http_client=http,
        )
        self.bucket = bucket
        self._bucket_ready = False
        self._lock = threading.Lock()

    def _call(self, operation: Callable[[], T]) -> T:
        try:
            return operation()
        except S3Error:
            raise
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise StoreUnavailable(f"document store unreachable: {type(exc).__name__}") from exc

    def _ensure_bucket(self) -> None:
        if self._bucket_ready:
            return
        with self._lock:
            if self._bucket_ready:
                return
            if not self._call(lambda: self.client.bucket_exists(self.bucket)):
                try:
                    self._call(lambda: self.client.make_bucket(self.bucket))
                except S3Error as exc:
                    if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise
            self._bucket_ready = True

    def _stored_hash(self, key: str) -> str | None:
        try:
            stat = self._call(lambda: self.client.stat_object(self.bucket, key))
        except S3Error as exc:
            if exc.code in _MISSING:
                return None
            raise
        metadata = {k.lower(): v for k, v in (stat.metadata or {}).items()}
        return str(metadata.get("x-amz-meta-sha256", ""))

    def put(self, key: str, data: bytes, *, media_type: str) -> PutResult:
        _, _, expected = parse_key(key)
        if sha256_hex(data) != expected:
            raise IntegrityError(f"refusing to store bytes under {key}: the hash differs")
        self._ensure_bucket()
        if self._stored_hash(key) == expected:
            return PutResult(key, created=False)
        self._call(
            lambda: self.client.put_object(
                self.bucket,
                key,
                io.BytesIO(data),
                length=len(data),
                content_type=media_type,
                metadata={"sha256": expected},
            )
        )
        return PutResult(key, created=True)

    def get(self, key: str) -> bytes:
        parse_key(key)
        self._ensure_bucket()

        def read() -> bytes:
            response = self.client.get_object(self.bucket, key)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

        try:
            data = self._call(read)
        except S3Error as exc:
            if exc.code in _MISSING:
                raise NotFound(f"no stored object {key}") from None
            raise
        return check_hash(key, data)

    def exists(self, key: str) -> bool:
        parse_key(key)
        self._ensure_bucket()
        return self._stored_hash(key) is not None

    def delete(self, key: str) -> None:
        parse_key(key)
        self._ensure_bucket()
        self._call(lambda: self.client.remove_object(self.bucket, key))

    def list_keys(self, prefix: str = "") -> Iterator[StoredObject]:
        self._ensure_bucket()
        objects = self._call(
            lambda: list(self.client.list_objects(self.bucket, prefix=prefix, recursive=True))
        )
        for obj in objects:
            if obj.object_name:
                yield StoredObject(obj.object_name, int(obj.size or 0))

    def presigned_url(self, key: str, *, expires: timedelta) -> str | None:
        parse_key(key)
        self._ensure_bucket()
        return self._call(
            lambda: self.client.presigned_get_object(self.bucket, key, expires=expires)
        )
