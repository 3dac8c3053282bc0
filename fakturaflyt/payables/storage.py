"""Received bytes on disk, content-addressed: ``MEDIA_ROOT/received/ab/cd/<sha256>``.

The first thing the intake does with a file is :func:`store` it, before anything reads it
(DESIGN.md 3, "Nothing is lost"). The name is the SHA-256 of the content, so the same bytes
are stored once however often they arrive, and a stored file can be checked against its name.

Writing is atomic: the bytes go to a temporary file in the target directory, are flushed to
disk (``fsync``) and then renamed onto the final name, so a crash leaves either no file or
the whole file, never half of one. Two processes storing the same bytes at once both rename
a complete copy onto the same name, which is harmless.

:func:`write_bytes` only puts bytes on disk; :func:`store` also records the
:class:`~fakturaflyt.payables.models.StoredFile` row (get-or-create on the hash, safe when two
transactions store the same bytes at once). Stored files are never deleted by the product.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings

from fakturaflyt.core.filetypes import sniff
from fakturaflyt.payables.models import StoredFile

__all__ = ["digest", "path_of", "read", "relative_path", "sniff_content_type", "store", "write_bytes"]

PREFIX = "received"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def relative_path(sha256: str) -> str:
    """``received/ab/cd/abcd...``, relative to ``MEDIA_ROOT``."""
    return f"{PREFIX}/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _root() -> Path:
    return Path(settings.MEDIA_ROOT)


def sniff_content_type(data: bytes, filename: str = "") -> str:
    """The MIME type from the bytes: XML, PDF, JPEG, PNG, TIFF, GIF, ZIP, ``message/rfc822`` or octet-stream."""
    return sniff(data, filename)


def write_bytes(data: bytes) -> tuple[str, str]:
    """Put ``data`` on disk under its hash (atomically; skipped when already there). Returns (sha256, path)."""
    sha = digest(data)
    rel = relative_path(sha)
    target = _root() / rel
    if target.is_file() and target.stat().st_size == len(data):
        return sha, rel
    write_atomically(target, data, mode=0o440)
    return sha, rel


def write_atomically(target: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write ``data`` so a reader sees no file or the whole file: a temporary sibling, fsync, rename, fsync the folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:16]}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(target.parent)


def _fsync_dir(path: Path) -> None:
    """Make the rename itself durable (POSIX); best effort where directories cannot be opened."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def store(data: bytes, *, filename: str = "", content_type: str = "") -> StoredFile:
    """Write ``data`` to disk and return its :class:`StoredFile` (the existing one when the bytes are known)."""
    sha, rel = write_bytes(data)
    stored, _created = StoredFile.objects.get_or_create(
        sha256=sha,
        defaults={"size": len(data), "content_type": content_type or sniff(data, filename), "path": rel},
    )
    return stored


def path_of(stored: StoredFile) -> Path:
    return _root() / (stored.path or relative_path(stored.sha256))


def read(stored: StoredFile, *, verify: bool = True) -> bytes:
    """The stored bytes; ``FileNotFoundError`` when they are gone, ``OSError`` when they were altered."""
    data = path_of(stored).read_bytes()
    if verify and digest(data) != stored.sha256:
        raise OSError(f"stored file {stored.path} does not match its SHA-256: the file on disk was altered")
    return data
