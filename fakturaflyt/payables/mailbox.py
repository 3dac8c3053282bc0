"""E-mail intake: each company's intake address, and the pollers that read the intake mailbox.

Every company gets the address ``faktura+<orgnr>@<FAKTURAFLYT_MAIL_DOMAIN>``
(:func:`intake_address`); suppliers send their invoices there. All addresses end up in one
mailbox (the mail server delivers ``faktura+anything`` to ``faktura``, as Postfix, Exim and
most hosted mail do with "plus addressing"), and the plus-part decides the company
(:func:`company_for`): the envelope recipient first (``Delivered-To``, ``X-Original-To``), then
``To`` and ``Cc``.

Two pollers read that mailbox, as the task ``payables.poll_mail`` (every minute):

* :func:`poll_maildir` reads a Maildir (``FAKTURAFLYT_MAILDIR``), the format a local mail
  server delivers into. A message taken in is moved from ``new/`` to ``cur/`` with the
  ``S`` (seen) flag; one that names no company goes to the ``.Unrouted`` folder, one that
  fails to the ``.Failed`` folder, so nothing is dropped and nothing is read twice;
* :func:`poll_imap` reads an IMAP mailbox (``FAKTURAFLYT_IMAP_URL``, e.g.
  ``imaps://faktura%40firma.no:secret@imap.firma.no/INBOX``) with :mod:`imaplib`, by UID:
  it fetches the messages above the highest UID taken in (kept per mailbox and
  UIDVALIDITY in :class:`~.models.MailboxCursor`) with ``BODY.PEEK[]``, and marks each
  ``\\Seen`` once received (``\\Flagged`` as well when it could not be routed).

Each message goes through :func:`receive_message`: the ``.eml`` is stored as a container
receipt and its invoice attachments become documents (:func:`.intake.receive_all`). A message
whose ``Message-ID`` (or bytes) the company already has is not received again, so a poller that
crashed before marking a message can safely read it once more.
"""

from __future__ import annotations

import imaplib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import transaction

from fakturaflyt.companies.models import Company
from fakturaflyt.core.errors import FakturaflytError, FormatError
from fakturaflyt.core.identifiers import normalise_orgnr
from fakturaflyt.core.mail import read_headers
from fakturaflyt.payables import intake, storage
from fakturaflyt.payables.models import Channel, MailboxCursor, Receipt, SupplierDocument

logger = logging.getLogger(__name__)

LOCAL_PART = "faktura"


def mail_domain() -> str:
    return str(getattr(settings, "FAKTURAFLYT_MAIL_DOMAIN", "") or "localhost").lower()


def intake_address(company: Company) -> str:
    """``faktura+923609016@<FAKTURAFLYT_MAIL_DOMAIN>``."""
    return f"{LOCAL_PART}+{company.orgnr}@{mail_domain()}"


_PLUS = re.compile(rf"^{LOCAL_PART}\+([0-9 ]{{9,11}})$", re.IGNORECASE)


def orgnr_of_address(address: str) -> str:
    """The org.nr in an intake address (``faktura+923609016@...``), '' for any other address.

    >>> orgnr_of_address("Faktura+923609016@Inbox.Example"), orgnr_of_address("post@firma.no")
    ('923609016', '')
    """
    local, _, domain = address.strip().lower().rpartition("@")
    configured = str(getattr(settings, "FAKTURAFLYT_MAIL_DOMAIN", "") or "").lower()
    if configured and domain != configured:
        return ""
    match = _PLUS.match(local)
    if not match:
        return ""
    try:
        return normalise_orgnr(match.group(1))
    except FormatError:
        return ""


def company_for(recipients: tuple[str, ...] | list[str]) -> Company | None:
    for address in recipients:
        orgnr = orgnr_of_address(address)
        if orgnr:
            company = Company.objects.filter(orgnr=orgnr).first()
            if company is not None:
                return company
    return None


@dataclass
class MailResult:
    status: str  # received, already, unrouted, failed
    company: str = ""
    documents: list[int] = field(default_factory=list)
    message_id: str = ""
    error: str = ""


def receive_message(data: bytes, *, source: str = "mailbox") -> MailResult:
    """Route one e-mail to its company by the plus-address and receive it (see the module docstring)."""
    try:
        head = read_headers(data)
    except Exception as exc:  # a header the parser chokes on: keep the message where a person finds it
        return MailResult("failed", error=f"unreadable header: {exc}")
    company = company_for(head.recipients)
    if company is None:
        return MailResult("unrouted", message_id=head.message_id, error=f"no intake address among {head.recipients}")
    sha = storage.digest(data)
    earlier = Receipt.objects.filter(company=company, channel=Channel.EMAIL, container__isnull=True)
    found = (earlier.filter(message_id=head.message_id[:300]) if head.message_id else earlier.none()) | earlier.filter(
        file__sha256=sha
    )
    if found.exists():
        return MailResult("already", company.orgnr, message_id=head.message_id)
    name = _eml_name(head.message_id, sha)
    try:
        documents = intake.receive_all(
            company,
            data,
            channel=Channel.EMAIL,
            filename=name,
            sender=head.sender or source,
            message_id=head.message_id,
        )
    except (FakturaflytError, ValueError) as exc:
        return MailResult("failed", company.orgnr, message_id=head.message_id, error=str(exc))
    return MailResult("received", company.orgnr, [d.pk for d in documents], head.message_id)


def _eml_name(message_id: str, sha: str) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", message_id.strip("<> "))[:80].strip("._") or sha[:16]
    return f"{base}.eml"


# ----------------------------------------------------------------------------------- Maildir


def _maildir_paths(root: Path) -> None:
    for sub in ("new", "cur", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)


def _info(name: str) -> tuple[str, str]:
    """(unique part, flags) of a Maildir file name ``unique:2,FLAGS``."""
    unique, sep, info = name.partition(":2,")
    return unique, info if sep else ""


def _file_away(path: Path, folder: Path, flags: str) -> None:
    _maildir_paths(folder)
    unique, old = _info(path.name)
    os.replace(path, folder / "cur" / f"{unique}:2,{''.join(sorted(set(old + flags)))}")


def poll_maildir(path: str | Path) -> dict[str, int]:
    """Receive every unseen message of the Maildir at ``path``; counts per outcome."""
    root = Path(path)
    _maildir_paths(root)
    counts = {"received": 0, "already": 0, "unrouted": 0, "failed": 0}
    candidates = sorted((root / "new").iterdir()) + sorted(
        p for p in (root / "cur").iterdir() if "S" not in _info(p.name)[1]
    )
    for message in candidates:
        if message.name.startswith(".") or not message.is_file():
            continue
        try:
            data = message.read_bytes()
        except FileNotFoundError:
            continue  # another poller took it
        result = receive_message(data, source=f"maildir {root.name}")
        counts[result.status] += 1
        if result.status in ("received", "already"):
            _file_away(message, root, "S")
        elif result.status == "unrouted":
            logger.warning("intake mail %s names no company: moved to .Unrouted", result.message_id or message.name)
            _file_away(message, root / ".Unrouted", "")
        else:
            logger.error("intake mail %s failed: %s: moved to .Failed", result.message_id or message.name, result.error)
            _file_away(message, root / ".Failed", "")
    return counts


# -------------------------------------------------------------------------------------- IMAP


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    folder: str
    ssl: bool
    starttls: bool

    @property
    def key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"[:300]


def parse_imap_url(url: str) -> ImapSettings:
    """``imaps://user:password@host[:port]/FOLDER`` (``imap://...?starttls=1`` for STARTTLS).

    >>> s = parse_imap_url("imaps://faktura%40firma.no:hemmelig@imap.firma.no/INBOX")
    >>> (s.host, s.port, s.user, s.password, s.folder, s.ssl)
    ('imap.firma.no', 993, 'faktura@firma.no', 'hemmelig', 'INBOX', True)
    """
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ValueError(f"not an IMAP URL: {parts.scheme}://{parts.hostname or ''}")
    ssl = parts.scheme == "imaps"
    return ImapSettings(
        host=parts.hostname,
        port=parts.port or (993 if ssl else 143),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        ssl=ssl,
        starttls="starttls=1" in parts.query,
    )


def _connect(config: ImapSettings) -> Any:
    timeout = float(getattr(settings, "FAKTURAFLYT_IMAP_TIMEOUT", 60))
    if config.ssl:
        conn: Any = imaplib.IMAP4_SSL(config.host, config.port, timeout=timeout)
    else:
        conn = imaplib.IMAP4(config.host, config.port, timeout=timeout)
        if config.starttls:
            conn.starttls()
    conn.login(config.user, config.password)
    return conn


def _uidvalidity(conn: Any, folder: str) -> int:
    typ, data = conn.status(_quote(folder), "(UIDVALIDITY)")
    match = (
        re.search(rb"UIDVALIDITY (\d+)", b" ".join(d for d in data if isinstance(d, bytes))) if typ == "OK" else None
    )
    return int(match.group(1)) if match else 0


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def poll_imap(url: str, *, connect: Callable[[ImapSettings], Any] = _connect, batch: int = 200) -> dict[str, int]:
    """Receive the messages above the last UID taken in; mark each ``\\Seen`` (see the module docstring)."""
    config = parse_imap_url(url)
    counts = {"received": 0, "already": 0, "unrouted": 0, "failed": 0}
    conn = connect(config)
    try:
        typ, _ = conn.select(_quote(config.folder))
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot open folder {config.folder}")
        validity = _uidvalidity(conn, config.folder)
        cursor, _ = MailboxCursor.objects.get_or_create(key=config.key)
        if cursor.uidvalidity != validity:
            # The server renumbered the folder: read it all again (Message-IDs keep it from being received twice).
            cursor.uidvalidity, cursor.last_uid = validity, 0
            cursor.save()
        typ, data = conn.uid("SEARCH", None, f"UID {cursor.last_uid + 1}:*")
        uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > cursor.last_uid) if typ == "OK" else []
        for uid in uids[:batch]:
            typ, fetched = conn.uid("FETCH", str(uid), "(BODY.PEEK[])")
            message = next((part[1] for part in fetched or [] if isinstance(part, tuple) and len(part) > 1), None)
            if typ != "OK" or not isinstance(message, bytes):
                counts["failed"] += 1
                logger.error("IMAP %s: cannot fetch UID %s", config.key, uid)
                continue
            result = receive_message(message, source=f"imap {config.key}")
            counts[result.status] += 1
            flags = "(\\Seen)" if result.status in ("received", "already") else "(\\Seen \\Flagged)"
            if result.status in ("unrouted", "failed"):
                logger.warning("IMAP %s UID %s: %s (%s): flagged", config.key, uid, result.status, result.error)
            conn.uid("STORE", str(uid), "+FLAGS", flags)
            with transaction.atomic():
                MailboxCursor.objects.filter(pk=cursor.pk).update(last_uid=uid)
    finally:
        try:
            conn.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return counts


def poll_configured() -> dict[str, int]:
    """Poll the Maildir and the IMAP mailbox the settings name (either, both or none)."""
    total = {"received": 0, "already": 0, "unrouted": 0, "failed": 0}
    maildir = getattr(settings, "FAKTURAFLYT_MAILDIR", "")
    imap_url = getattr(settings, "FAKTURAFLYT_IMAP_URL", "")
    if maildir:
        for k, v in poll_maildir(maildir).items():
            total[k] += v
    if imap_url:
        try:
            for k, v in poll_imap(imap_url).items():
                total[k] += v
        except (imaplib.IMAP4.error, OSError, ValueError) as exc:
            logger.error("IMAP intake mailbox cannot be read: %s", exc)
            total["failed"] += 1
    return total


def documents_of(result: MailResult) -> list[SupplierDocument]:
    return list(SupplierDocument.objects.filter(pk__in=result.documents).order_by("pk"))
