"""Content-addressed storage: path by SHA-256, atomic writes, one row and one file per content, type sniffing."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest

from fakturaflyt.payables import storage
from fakturaflyt.payables.models import StoredFile

pytestmark = pytest.mark.django_db


def test_bytes_are_stored_under_their_hash_once(settings) -> None:
    data = b"%PDF-1.7 invoice"
    sha = hashlib.sha256(data).hexdigest()
    first = storage.store(data, filename="a.pdf")
    second = storage.store(data, filename="b.pdf")
    assert first.pk == second.pk and StoredFile.objects.count() == 1
    assert first.path == f"received/{sha[:2]}/{sha[2:4]}/{sha}"
    assert (first.sha256, first.size, first.content_type) == (sha, len(data), "application/pdf")
    assert storage.read(first) == data
    # no temporary file is left next to it
    assert os.listdir(storage.path_of(first).parent) == [sha]


def test_a_crash_while_writing_leaves_no_partial_file(monkeypatch) -> None:
    data = b"<Invoice/>" * 1000

    def die(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", die)
    with pytest.raises(OSError):
        storage.write_bytes(data)
    target = storage.path_of(StoredFile(sha256=storage.digest(data), path=storage.relative_path(storage.digest(data))))
    assert not target.exists() and os.listdir(target.parent) == []


def test_an_altered_file_is_detected_on_read() -> None:
    stored = storage.store(b"original bytes")
    path = storage.path_of(stored)
    os.chmod(path, 0o644)
    path.write_bytes(b"forged bytes!!")
    with pytest.raises(OSError, match="does not match"):
        storage.read(stored)
    path.unlink()
    with pytest.raises(FileNotFoundError):
        storage.read(stored)


def test_concurrent_writers_of_the_same_bytes() -> None:
    data = os.urandom(200_000)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            storage.write_bytes(data)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sha = storage.digest(data)
    assert (
        errors == [] and (storage.path_of(StoredFile(sha256=sha, path=storage.relative_path(sha)))).read_bytes() == data
    )


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b'<?xml version="1.0"?><Invoice/>', "x.bin", "application/xml"),
        (b"\xef\xbb\xbf  <Invoice/>", "", "application/xml"),
        ("<Invoice/>".encode("utf-16"), "", "application/xml"),
        (b"%PDF-1.4\n...", "faktura.xml", "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n....", "", "image/png"),
        (b"II*\x00....", "", "image/tiff"),
        (b"MM\x00*....", "", "image/tiff"),
        (b"PK\x03\x04....", "", "application/zip"),
        (b"PK\x03\x04\x14\x00\x00\x00\x00\x00faktura.pdf%PDF-1.7\n...", "", "application/zip"),  # stored, not deflated
        (b"junk before the header %PDF-1.4\n...", "", "application/pdf"),
        (b"Return-Path: <a@b.no>\r\nReceived: from x\r\n\tby y\r\nSubject: Faktura\r\n\r\nbody", "", "message/rfc822"),
        (b"From a@b Sat Jan 3 01:05:34 1996\nFrom: a@b.no\nTo: c@d.no\n\nbody", "", "message/rfc822"),
        (b"Just some text: not a mail", "", "application/octet-stream"),
        (b"\xd0\xcf\x11\xe0 doc", "faktura.doc", "application/octet-stream"),
        (b"", "", "application/octet-stream"),
    ],
)
def test_sniffing(data: bytes, name: str, expected: str) -> None:
    assert storage.sniff_content_type(data, name) == expected
