"""What a received file is, told from its bytes (not from its name, which the sender chose).

:func:`sniff` looks at the first bytes the way ``file(1)`` does and answers with a MIME type:
``application/xml`` (EHF/UBL, also with a BOM or in UTF-16), ``application/pdf``,
``image/jpeg``, ``image/png``, ``image/tiff``, ``image/gif``, ``application/zip``,
``message/rfc822`` (an e-mail as saved by a mail program, ``.eml``), else
``application/octet-stream``. The file name is only a tie-breaker for plain text that could be
an e-mail.

:func:`image_size` reads the pixel size from a PNG, GIF or JPEG header, which is how a
company logo in a signature is told from a photographed invoice.

>>> sniff(b"%PDF-1.7 ...")
'application/pdf'
>>> sniff(b'\\xef\\xbb\\xbf<?xml version="1.0"?><Invoice/>')
'application/xml'
>>> sniff(b"From: a@b.no\\r\\nTo: c@d.no\\r\\nSubject: Faktura\\r\\n\\r\\nHei")
'message/rfc822'
>>> sniff(b"PK\\x03\\x04...")
'application/zip'
>>> sniff(b"hello")
'application/octet-stream'
>>> markup_kind(b"<!DOCTYPE html><script>alert(1)</script>")
'HTML'
>>> check_upload(b"<html><body>hi</body></html>", "faktura.pdf", frozenset({PDF})).code
'FF-UPLOAD-CONTENT-MISMATCH'
>>> check_upload(b"%PDF-1.7 ...", "faktura.pdf", frozenset({PDF})) is None
True
>>> served_content_type("text/html"), served_content_type("application/pdf")
('application/octet-stream', 'application/pdf')
>>> image_size(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR\\x00\\x00\\x00\\x10\\x00\\x00\\x00\\x20")
(16, 32)
"""

from __future__ import annotations

import re
import struct

from fakturaflyt.core.errors import Problem

__all__ = [
    "EXTENSIONS",
    "IMAGE_TYPES",
    "SERVABLE_TYPES",
    "TEXT",
    "check_upload",
    "image_size",
    "markup_kind",
    "served_content_type",
    "sniff",
]

XML = "application/xml"
PDF = "application/pdf"
ZIP = "application/zip"
EML = "message/rfc822"
OCTET = "application/octet-stream"
#: Plain text: CSV reports (cards, Amazon, purchase orders) and Nets OCR giro files.
TEXT = "text/plain"
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/tiff", "image/gif"})

#: A file name ending for each type, for names made up when the sender gave none.
EXTENSIONS = {
    XML: ".xml",
    PDF: ".pdf",
    ZIP: ".zip",
    EML: ".eml",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    "image/gif": ".gif",
    OCTET: ".bin",
}

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", ZIP),
    (b"PK\x05\x06", ZIP),  # an empty archive
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
#: Header fields of which at least one must be in the header block of an e-mail.
_MAIL_HEADERS = frozenset(
    {"from", "to", "subject", "date", "message-id", "received", "return-path", "delivered-to", "mime-version"}
)
_HEADER_LINE = re.compile(rb"^([!-9;-~]+):[ \t]?")


def _is_xml(head: bytes) -> bool:
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    if head.startswith((b"<\x00", b"\x00<")):  # UTF-16 without a BOM
        return True
    return head.lstrip(b" \t\r\n").startswith(b"<")


def _is_mail(head: bytes) -> bool:
    """An RFC 822 header block: ``Name: value`` lines (with folded continuations) naming known fields."""
    seen: set[str] = set()
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    for i, line in enumerate(lines[:200]):
        if not line:
            return i > 0 and bool(seen & _MAIL_HEADERS)
        if line[:1] in (b" ", b"\t") and i > 0:
            continue  # folded continuation of the previous field
        if line.startswith(b"From ") and i == 0:
            continue  # mbox "From " separator line
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        seen.add(match.group(1).decode("ascii").lower())
    return bool(seen & _MAIL_HEADERS) and len(seen) >= 2


def sniff(data: bytes, filename: str = "") -> str:
    """The MIME type of ``data`` from its first bytes (see the module docstring)."""
    head = bytes(data[:8192])
    if not head.strip():
        return OCTET
    # Signatures at offset 0 first: an uncompressed zip whose first member is a PDF has
    # "%PDF-" in its first kilobyte too, and must still be unpacked as a zip.
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    # PDF readers accept the header anywhere in the first 1024 bytes (junk before it is common).
    if b"%PDF-" in head[:1024]:
        return PDF
    if _is_xml(head):
        return XML
    if _is_mail(head) or (filename.lower().endswith(".eml") and _HEADER_LINE.match(head)):
        return EML
    return OCTET


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in pixels from a PNG, GIF or JPEG header; None when unknown or unreadable."""
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return int(width), int(height)
        if data.startswith((b"GIF87a", b"GIF89a")):
            width, height = struct.unpack("<HH", data[6:10])
            return int(width), int(height)
        if data.startswith(b"\xff\xd8"):
            return _jpeg_size(data)
    except struct.error:
        return None
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    n = len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        # SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(width), int(height)
        i += 2 + length
    return None


# ------------------------------------------------------------------------ upload checks

_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|object|embed|svg|meta\s+http-equiv)[\s>/]",
    re.IGNORECASE,
)
#: Types we hand back to a browser as themselves; anything else goes out as application/octet-stream.
SERVABLE_TYPES = frozenset(
    {XML, PDF, ZIP, EML, "image/jpeg", "image/png", "image/tiff", "image/gif", "text/csv", "application/json", OCTET}
)


def markup_kind(data: bytes) -> str | None:
    """``"SVG"`` or ``"HTML"`` when the first 8 KiB hold markup a browser would run script in, else None.

    Checked before the bytes count as XML: an SVG image and an XHTML page are XML too, but
    an invoice (UBL) or a bank file (ISO 20022) has no ``<svg>``, ``<script>`` or ``<html>``.
    """
    head = bytes(data[:8192])
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    found = _MARKUP.search(head)
    if found is None:
        return None
    return "SVG" if b"svg" in found.group(0).lower() else "HTML"


def _is_text(head: bytes) -> bool:
    """Printable text in UTF-8 or Latin-1 (CSV, OCR giro): no NUL bytes, few control characters."""
    if not head or b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12))
    return controls * 100 <= len(head)


def check_upload(data: bytes, filename: str, accepted: frozenset[str], field: str = "file") -> Problem | None:
    """Whether an uploaded file's *content* is one of the ``accepted`` types (MIME, as :func:`sniff` says).

    The name is the sender's claim; the bytes decide. HTML or SVG is refused whatever it is
    called (it could run script if ever shown in a browser), and so is content of a type the
    upload road does not take. ``TEXT`` in ``accepted`` takes plain text (CSV, OCR giro).
    The problem names the file, the form field and the rule, for the accountant and the log.
    """
    name = filename or "the file"
    markup = markup_kind(data)
    if markup is not None:
        return Problem(
            "FF-UPLOAD-CONTENT-MISMATCH",
            f"{name}: the content is {markup}, not a document this system reads (rule: the content decides, "
            "not the file name); it is not accepted here.",
            field,
        )
    mime = sniff(data, filename)
    if mime in accepted:
        return None
    if TEXT in accepted and mime == OCTET and _is_text(bytes(data[:8192])):
        return None
    wanted = ", ".join(sorted(EXTENSIONS.get(t, t) for t in accepted))
    return Problem(
        "FF-UPLOAD-CONTENT-MISMATCH",
        f"{name}: the content is {mime}, which is not accepted here (expected {wanted}; rule: the content "
        "decides, not the file name).",
        field,
    )


def served_content_type(content_type: str) -> str:
    """The Content-Type we send for stored user content: our own sniffed type, never HTML or SVG."""
    base = (content_type or "").split(";", 1)[0].strip().lower()
    return base if base in SERVABLE_TYPES else OCTET
