"""The filesystem document store (the embedded default).

Objects are files under a root folder named by their key. A put writes a temporary file in the
same folder, fsyncs it and renames it into place, so a crash never leaves a half-written object
under a real key; a reader sees either nothing or the whole file.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from storage.store.base import PutResult, StoredObject, check_hash, parse_key, sha256_hex
from verification.errors import IntegrityError, InvalidKey, NotFound, StoreUnavailable

__all__ = ["FileSystemStore"]


class FileSystemStore:
    """A ``DocumentStore`` on a local (or mounted) folder."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        parse_key(key)  # only well-formed keys reach the disk
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise InvalidKey("object key escapes the store root")
        return path

    def put(self, key: str, data: bytes, *, media_type: str) -> PutResult:
        path = self._path(key)
        _, _, expected = parse_key(key)
        if sha256_hex(data) != expected:
            raise IntegrityError(f"refusing to store bytes under {key}: the hash differs")
        if path.exists():
            try:
                check_hash(key, path.read_bytes())
                return PutResult(key, created=False)
            except IntegrityError:
                pass  # a damaged copy: replace it with the good bytes below
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO):
                raise StoreUnavailable(f"document store cannot write: {exc.strerror}") from exc
            raise
        return PutResult(key, created=True)

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"no stored object {key}") from None
        return check_hash(key, data)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list_keys(self, prefix: str = "") -> Iterator[StoredObject]:
        for path in sorted(self.root.rglob("*")):
            if not path.is_file() or path.name.startswith(".incoming-"):
                continue
            key = path.relative_to(self.root).as_posix()
            if key.startswith(prefix):
                yield StoredObject(key, path.stat().st_size)

    def presigned_url(self, key: str, *, expires: timedelta) -> str | None:
        return None
