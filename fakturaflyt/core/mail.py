"""Invoices out of e-mails and zip files: which attachments are invoices, and which are not.

:func:`read_message` parses an RFC 822 / MIME message (``.eml``, what an IMAP server or a
Maildir holds) with the standard library's :mod:`email` package (``policy.default``) and
sorts its parts:

* **taken** (:class:`Part`): EHF/UBL XML, PDF, scans and photos (JPEG, PNG, TIFF, GIF), the
  files inside a zip attachment, and the attachments of a forwarded e-mail;
* **skipped** (:class:`Skipped`, each with a code and a plain reason, so nothing disappears
  without a trace): the message text itself; images shown inside the HTML text
  (``Content-ID`` referenced as ``cid:``), which are logos and signatures; images too small to
  be an invoice (under :attr:`Limits.min_image_bytes` bytes or :attr:`Limits.min_image_side`
  pixels on the longer side); cryptographic signatures (``signature.asc``, ``smime.p7s``);
  business cards (``.vcf``) and calendar invitations (``.ics``); any other file type.

:func:`unpack_zip` expands a zip archive with bounds against hostile archives: at most
:attr:`Limits.max_files` members, :attr:`Limits.max_total_bytes` expanded in all,
:attr:`Limits.max_file_bytes` per member (read in a bounded way, so a member that lies about
its size cannot fill the memory), a compression ratio at most :attr:`Limits.max_ratio` (zip
bombs), nesting at most :attr:`Limits.max_depth` deep; names with ``..`` or an absolute path
(path traversal) and encrypted members are skipped. Nothing is ever written to disk here.

Codes: ``FF-MAIL-TOO-LARGE``, ``FF-MAIL-NOT-MAIL`` and ``FF-ZIP-BAD`` are raised as
:class:`~fakturaflyt.core.errors.FormatError`; the ``FF-MAIL-*`` and ``FF-ZIP-*`` codes of
skipped parts are listed in :data:`SKIP_CODES`.

>>> raw = (b"From: Leverandor <faktura@lev.no>\\r\\nTo: faktura+923609016@inbox.example\\r\\n"
...        b"Subject: Faktura 1001\\r\\nMessage-ID: <m1@lev.no>\\r\\nMIME-Version: 1.0\\r\\n"
...        b'Content-Type: multipart/mixed; boundary="b"\\r\\n\\r\\n'
...        b"--b\\r\\nContent-Type: text/plain\\r\\n\\r\\nVedlagt faktura.\\r\\n"
...        b'--b\\r\\nContent-Type: application/pdf\\r\\nContent-Disposition: attachment; filename="f.pdf"\\r\\n'
...        b"Content-Transfer-Encoding: base64\\r\\n\\r\\nJVBERi0xLjcKJSVFT0YK\\r\\n"
...        b'--b\\r\\nContent-Type: application/pgp-signature; name="signature.asc"\\r\\n\\r\\nsig\\r\\n--b--\\r\\n')
>>> msg = read_message(raw)
>>> msg.message_id, msg.subject, msg.sender, msg.recipients
('<m1@lev.no>', 'Faktura 1001', 'faktura@lev.no', ('faktura+923609016@inbox.example',))
>>> [(p.filename, p.content_type) for p in msg.attachments]
[('f.pdf', 'application/pdf')]
>>> [(s.filename, s.code) for s in msg.skipped]
[('signature.asc', 'FF-MAIL-SIGNATURE')]
"""

from __future__ import annotations

import email
import email.parser
import email.policy
import io
import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import PurePosixPath

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.filetypes import EML, EXTENSIONS, IMAGE_TYPES, PDF, XML, ZIP, image_size, sniff

__all__ = [
    "SKIP_CODES",
    "Limits",
    "MailHeaders",
    "MailMessage",
    "Part",
    "Skipped",
    "read_headers",
    "read_message",
    "unpack_zip",
    "xml_root_name",
]

#: Why a part was not taken, by code.
SKIP_CODES = {
    "FF-MAIL-INLINE-IMAGE": "an image shown inside the e-mail text (a logo or signature)",
    "FF-MAIL-LOGO": "an image too small to be an invoice (a logo or icon)",
    "FF-MAIL-SIGNATURE": "a cryptographic signature of the e-mail",
    "FF-MAIL-VCARD": "a business card",
    "FF-MAIL-CALENDAR": "a calendar invitation",
    "FF-MAIL-UNSUPPORTED": "a file type that is not an invoice format (EHF XML, PDF, image)",
    "FF-MAIL-NOT-INVOICE-XML": "an XML file that is not an invoice or credit note",
    "FF-MAIL-OFFICE": "an Office or OpenDocument file (not an invoice format; ask for PDF or EHF)",
    "FF-MAIL-REPEATED": "the same file attached twice",
    "FF-MAIL-EMPTY": "an empty attachment",
    "FF-MAIL-TOO-DEEP": "nested too deep (e-mails and zip files inside each other)",
    "FF-ZIP-PATH": "a name that points outside the archive (path traversal)",
    "FF-ZIP-ENCRYPTED": "protected by a password",
    "FF-ZIP-TOO-MANY": "beyond the number of files one archive may hold",
    "FF-ZIP-TOO-LARGE": "larger than an archive may expand to",
    "FF-ZIP-BOMB": "compressed far more than a real document can be (a zip bomb)",
    "FF-ZIP-BAD": "an archive that cannot be read",
    "FF-ZIP-METADATA": "operating-system metadata, not a document",
}

_SIGNATURE_TYPES = frozenset(
    {
        "application/pgp-signature",
        "application/pkcs7-signature",
        "application/x-pkcs7-signature",
        "application/pgp-keys",
        "application/pkcs7-mime",
    }
)
_SIGNATURE_NAMES = (".asc", ".p7s", ".p7m", ".sig", ".gpg", ".pgp")
_VCARD_TYPES = frozenset({"text/vcard", "text/x-vcard", "text/directory"})
_CALENDAR_TYPES = frozenset({"text/calendar", "application/ics"})
_BODY_TYPES = frozenset({"text/plain", "text/html", "text/enriched"})
_CID = re.compile(r"""cid:([^"'\s<>)]+)""", re.IGNORECASE)
#: Root elements of XML worth reading as an invoice: UBL, an SBDH envelope, and CII (read to say why it is refused).
INVOICE_ROOTS = frozenset({"Invoice", "CreditNote", "StandardBusinessDocument", "CrossIndustryInvoice"})
_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]")
_RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To", "Cc")


@dataclass(frozen=True)
class Limits:
    """Bounds on what a message or archive may expand to."""

    max_message_bytes: int = 60 * 1024 * 1024
    max_files: int = 100  # files taken from one message or archive, nesting included
    max_total_bytes: int = 100 * 1024 * 1024  # all expanded bytes of one message or archive
    max_file_bytes: int = 30 * 1024 * 1024  # one expanded file
    max_ratio: int = 200  # uncompressed : compressed, per zip member
    max_depth: int = 3  # e-mails and zips inside each other
    max_parts: int = 500  # MIME parts looked at in one message
    min_image_bytes: int = 12 * 1024
    min_image_side: int = 400  # pixels on the longer side


@dataclass(frozen=True, slots=True)
class Part:
    """A file taken as a possible invoice."""

    filename: str
    content_type: str  # sniffed from the bytes
    data: bytes
    origin: str = ""  # "" for a direct attachment, else the zip or e-mail it came out of


@dataclass(frozen=True, slots=True)
class Skipped:
    """A part that was not taken, and why."""

    filename: str
    code: str
    reason: str
    origin: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"filename": self.filename, "code": self.code, "reason": self.reason, "origin": self.origin}


@dataclass(frozen=True, slots=True)
class MailHeaders:
    """Who sent an e-mail to whom, and how it is known (enough to route it to a company)."""

    message_id: str
    subject: str
    sender: str
    recipients: tuple[str, ...]  # Delivered-To, X-Original-To, Envelope-To, To, Cc: in that order
    date: datetime | None


@dataclass(frozen=True, slots=True)
class MailMessage:
    """A parsed e-mail: who sent it to whom, and its invoice attachments."""

    message_id: str
    subject: str
    sender: str
    recipients: tuple[str, ...]
    date: datetime | None
    attachments: tuple[Part, ...]
    skipped: tuple[Skipped, ...]


@dataclass
class _Budget:
    limits: Limits
    files: int = 0
    total: int = 0
    seen: set[int] = field(default_factory=set)


def _skip(name: str, code: str, origin: str = "", detail: str = "") -> Skipped:
    reason = SKIP_CODES[code] + (f" ({detail})" if detail else "")
    return Skipped(name, code, reason, origin)


def _safe_name(name: str | None, content_type: str, index: int) -> str:
    """The last path component, without control characters, at most 200 characters."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable()).strip()[:200]
    return base or f"attachment-{index}{EXTENSIONS.get(content_type, '.bin')}"


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a malformed header must not lose the message; the raw value is enough
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _addresses(msg: Message, names: tuple[str, ...]) -> tuple[str, ...]:
    found: list[str] = []
    for name in names:
        try:
            values = [str(v) for v in msg.get_all(name, [])]
        except Exception:  # noqa: S112 - a malformed address header: the other headers still route the message
            continue
        for _display, address in getaddresses(values):
            address = address.strip().lower()
            if address and "@" in address and address not in found:
                found.append(address)
    return tuple(found)


def _date(msg: Message) -> datetime | None:
    raw = _header(msg, "Date")
    try:
        return parsedate_to_datetime(raw) if raw else None
    except (TypeError, ValueError, IndexError):
        return None


def _headers(msg: Message) -> MailHeaders:
    from_ = _addresses(msg, ("From",))
    return MailHeaders(
        message_id=_header(msg, "Message-ID"),
        subject=_header(msg, "Subject"),
        sender=from_[0] if from_ else "",
        recipients=_addresses(msg, _RECIPIENT_HEADERS),
        date=_date(msg),
    )


def read_headers(data: bytes) -> MailHeaders:
    """Only the header of an e-mail (fast, whatever its size).

    >>> read_headers(b"Delivered-To: faktura+923609016@x.no\\r\\nTo: Faktura <faktura@x.no>\\r\\n\\r\\nbody").recipients
    ('faktura+923609016@x.no', 'faktura@x.no')
    """
    parser = email.parser.BytesParser(policy=email.policy.default)
    return _headers(parser.parsebytes(data, headersonly=True))


def read_message(data: bytes, limits: Limits = Limits()) -> MailMessage:
    """Parse an e-mail and sort its parts into invoice files and skipped parts (see the module docstring)."""
    if len(data) > limits.max_message_bytes:
        raise FormatError(
            "FF-MAIL-TOO-LARGE",
            f"The e-mail is {len(data):,} bytes; at most {limits.max_message_bytes:,} are accepted".replace(",", " "),
            "e-mail",
        )
    msg = email.message_from_bytes(data, policy=email.policy.default)
    if not any(msg.get(h) is not None for h in ("From", "To", "Subject", "Message-ID", "Date", "MIME-Version")):
        raise FormatError("FF-MAIL-NOT-MAIL", "The file is not an e-mail: it has no e-mail header fields", "e-mail")
    budget = _Budget(limits)
    taken: list[Part] = []
    skipped: list[Skipped] = []
    _walk(msg, "", 0, budget, taken, skipped)
    head = _headers(msg)
    return MailMessage(
        message_id=head.message_id,
        subject=head.subject,
        sender=head.sender,
        recipients=head.recipients,
        date=head.date,
        attachments=tuple(taken),
        skipped=tuple(skipped),
    )


def _html_cids(msg: Message) -> set[str]:
    cids: set[str] = set()
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            try:
                html = part.get_content() if isinstance(part, EmailMessage) else str(part.get_payload(decode=True))
            except (LookupError, ValueError, AssertionError):
                continue
            cids.update(c.strip("<>").lower() for c in _CID.findall(str(html)))
    return cids


def _walk(msg: Message, origin: str, depth: int, budget: _Budget, taken: list[Part], skipped: list[Skipped]) -> None:
    cids = _html_cids(msg)
    for index, part in enumerate(msg.walk(), start=1):
        if index > budget.limits.max_parts:
            skipped.append(_skip("", "FF-MAIL-UNSUPPORTED", origin, f"more than {budget.limits.max_parts} parts"))
            return
        if part.is_multipart():
            continue
        declared = part.get_content_type()
        disposition = part.get_content_disposition()
        try:
            raw_name = part.get_filename()
        except Exception:
            raw_name = None
        if declared in _BODY_TYPES and not raw_name and disposition != "attachment":
            continue  # the message text
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        mime = sniff(data, raw_name or "")
        name = _safe_name(raw_name, mime, index)
        lowered = name.lower()
        if declared in _SIGNATURE_TYPES or lowered.endswith(_SIGNATURE_NAMES):
            skipped.append(_skip(name, "FF-MAIL-SIGNATURE", origin))
        elif declared in _VCARD_TYPES or lowered.endswith(".vcf"):
            skipped.append(_skip(name, "FF-MAIL-VCARD", origin))
        elif declared in _CALENDAR_TYPES or lowered.endswith(".ics"):
            skipped.append(_skip(name, "FF-MAIL-CALENDAR", origin))
        elif not data.strip():
            skipped.append(_skip(name, "FF-MAIL-EMPTY", origin))
        elif mime in IMAGE_TYPES:
            content_id = (_header(part, "Content-ID") or "").strip("<> ").lower()
            if content_id and content_id in cids:
                skipped.append(_skip(name, "FF-MAIL-INLINE-IMAGE", origin))
            elif _tiny_image(data, mime, budget.limits):
                skipped.append(_skip(name, "FF-MAIL-LOGO", origin, f"{len(data):,} bytes".replace(",", " ")))
            else:
                _take(Part(name, mime, data, origin), budget, taken, skipped)
        else:
            _dispatch(name, mime, data, origin, depth, budget, taken, skipped, declared)


def _dispatch(
    name: str,
    mime: str,
    data: bytes,
    origin: str,
    depth: int,
    budget: _Budget,
    taken: list[Part],
    skipped: list[Skipped],
    declared: str = "",
) -> None:
    """Take an XML/PDF/image file; open a zip or an e-mail inside; skip anything else."""
    where = f"{origin}/{name}" if origin else name
    if mime == XML:
        root = xml_root_name(data)
        if root not in INVOICE_ROOTS and root != "DOCTYPE":
            skipped.append(_skip(name, "FF-MAIL-NOT-INVOICE-XML", origin, f"root element <{root or '?'}>"))
            return
        _take(Part(name, mime, data, origin), budget, taken, skipped)
    elif mime == PDF or mime in IMAGE_TYPES:
        _take(Part(name, mime, data, origin), budget, taken, skipped)
    elif mime in (ZIP, EML):
        if depth + 1 > budget.limits.max_depth:
            skipped.append(_skip(name, "FF-MAIL-TOO-DEEP", origin))
            return
        if mime == ZIP:
            try:
                _unzip(data, where, depth + 1, budget, taken, skipped)
            except FormatError as exc:
                skipped.append(_skip(name, "FF-ZIP-BAD", origin, exc.problems[0].message))
        else:
            inner = email.message_from_bytes(data, policy=email.policy.default)
            _walk(inner, where, depth + 1, budget, taken, skipped)
    else:
        skipped.append(_skip(name, "FF-MAIL-UNSUPPORTED", origin, declared or mime))


def xml_root_name(data: bytes) -> str:
    """The local name of the first element (or ``DOCTYPE`` when a document type declaration comes first).

    A cheap look at the start of the bytes, no parsing: the intake parses (hardened) later.

    >>> xml_root_name(b'<?xml version="1.0"?><!-- x --><ubl:Invoice xmlns:ubl="u"/>'), xml_root_name(b"<Order/>")
    ('Invoice', 'Order')
    """
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        try:
            head = head.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return ""
    i = 0
    while True:
        i = head.find(b"<", i)
        if i < 0:
            return ""
        if head.startswith(b"<?", i):
            i = head.find(b"?>", i) + 2 if head.find(b"?>", i) >= 0 else len(head)
        elif head.startswith(b"<!--", i):
            i = head.find(b"-->", i) + 3 if head.find(b"-->", i) >= 0 else len(head)
        elif head.startswith(b"<!", i):
            return "DOCTYPE"  # hostile or wrong: taken, so that the intake refuses it in plain view
        else:
            match = _ROOT.match(head, i)
            return match.group(1).decode("ascii", "replace") if match else ""


def _tiny_image(data: bytes, mime: str, limits: Limits) -> bool:
    if len(data) < limits.min_image_bytes:
        return True
    size = image_size(data) if mime != "image/tiff" else None
    return size is not None and max(size) < limits.min_image_side


def _take(part: Part, budget: _Budget, taken: list[Part], skipped: list[Skipped]) -> None:
    key = hash(part.data)
    if key in budget.seen and any(t.data == part.data for t in taken):
        skipped.append(_skip(part.filename, "FF-MAIL-REPEATED", part.origin))
        return
    if budget.files >= budget.limits.max_files:
        skipped.append(_skip(part.filename, "FF-ZIP-TOO-MANY", part.origin, f"at most {budget.limits.max_files}"))
        return
    budget.seen.add(key)
    budget.files += 1
    taken.append(part)


def unpack_zip(data: bytes, name: str = "archive.zip", limits: Limits = Limits()) -> tuple[list[Part], list[Skipped]]:
    """The invoice files in a zip archive (nested zips and e-mails opened), and what was skipped.

    Raises ``FF-ZIP-BAD`` when the archive itself cannot be read.

    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("a/faktura.pdf", b"%PDF-1.7 ...")
    ...     z.writestr("../../etc/passwd", b"x")
    ...     z.writestr("notes.txt", b"hello")
    >>> parts, skipped = unpack_zip(buf.getvalue())
    >>> [(p.filename, p.origin) for p in parts]
    [('faktura.pdf', 'archive.zip')]
    >>> [(s.filename, s.code) for s in skipped]
    [('../../etc/passwd', 'FF-ZIP-PATH'), ('notes.txt', 'FF-MAIL-UNSUPPORTED')]
    """
    budget = _Budget(limits)
    taken: list[Part] = []
    skipped: list[Skipped] = []
    _unzip(data, name, 1, budget, taken, skipped)
    return taken, skipped


def _bad_path(filename: str) -> bool:
    normal = filename.replace("\\", "/")
    return normal.startswith("/") or re.match(r"^[A-Za-z]:", normal) is not None or ".." in normal.split("/")


def _unzip(data: bytes, where: str, depth: int, budget: _Budget, taken: list[Part], skipped: list[Skipped]) -> None:
    limits = budget.limits
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        # NotImplementedError: a member needing a newer zip version than Python reads (found by atheris)
        raise FormatError("FF-ZIP-BAD", f"The zip file {where} cannot be read ({exc})", where) from None
    names = {info.filename for info in members}
    if names & {"[Content_Types].xml", "mimetype", "META-INF/manifest.xml"}:
        archive.close()
        skipped.append(
            _skip(
                PurePosixPath(where).name or where,
                "FF-MAIL-OFFICE",
                str(PurePosixPath(where).parent) if "/" in where else "",
            )
        )
        return
    with archive:
        for info in members:
            if not info.filename:  # ZipInfo.is_dir() fails on an empty name (found by fuzzing)
                skipped.append(_skip("(no name)", "FF-ZIP-BAD", where, "a member without a name"))
                continue
            if info.is_dir():
                continue
            raw = info.filename
            base = PurePosixPath(raw.replace("\\", "/")).name
            if _bad_path(raw):
                skipped.append(_skip(raw[:200], "FF-ZIP-PATH", where))
                continue
            if raw.startswith("__MACOSX/") or base.startswith("._") or base in {".DS_Store", "Thumbs.db"}:
                skipped.append(_skip(raw[:200], "FF-ZIP-METADATA", where))
                continue
            name = _safe_name(base, "", len(taken) + len(skipped) + 1)
            if info.flag_bits & 0x1:
                skipped.append(_skip(name, "FF-ZIP-ENCRYPTED", where))
                continue
            if budget.files >= limits.max_files:
                skipped.append(_skip(name, "FF-ZIP-TOO-MANY", where, f"at most {limits.max_files}"))
                continue
            declared_ratio = info.file_size / max(info.compress_size, 1)
            if declared_ratio > limits.max_ratio:
                skipped.append(_skip(name, "FF-ZIP-BOMB", where, f"ratio {declared_ratio:.0f}:1"))
                continue
            room = min(limits.max_file_bytes, limits.max_total_bytes - budget.total)
            try:
                with archive.open(info) as stream:
                    content = stream.read(room + 1)
            except (
                zipfile.BadZipFile,
                OSError,
                ValueError,
                EOFError,
                NotImplementedError,
                RuntimeError,
                zlib.error,  # corrupt deflate data (found by fuzzing); bz2 raises OSError
                lzma.LZMAError,
            ) as exc:
                skipped.append(_skip(name, "FF-ZIP-BAD", where, str(exc)))
                continue
            if len(content) > room:
                # A member that expands beyond its bound: a bomb when far beyond what it was compressed to.
                code = (
                    "FF-ZIP-BOMB"
                    if len(content) / max(info.compress_size, 1) > limits.max_ratio
                    else "FF-ZIP-TOO-LARGE"
                )
                skipped.append(_skip(name, code, where, f"more than {room:,} bytes".replace(",", " ")))
                continue
            if len(content) / max(info.compress_size, 1) > limits.max_ratio:
                skipped.append(_skip(name, "FF-ZIP-BOMB", where))
                continue
            budget.total += len(content)
            if not content.strip():
                skipped.append(_skip(name, "FF-MAIL-EMPTY", where))
                continue
            mime = sniff(content, name)
            _dispatch(name, mime, content, where, depth, budget, taken, skipped)
