"""E-mail intake against a real SMTP server: aiosmtpd on 127.0.0.1 delivers into a Maildir, the poller reads it.

The handler does what a local delivery agent does (Postfix ``local``/``virtual``, Dovecot LDA):
it writes each message once per recipient into the Maildir's ``new/`` with a ``Delivered-To``
header naming the envelope recipient, via ``tmp/`` and a rename.
"""

from __future__ import annotations

import mailbox
import smtplib
import socket
from email.message import EmailMessage
from pathlib import Path

import pytest

from fakturaflyt.ledger.models import AuditEvent
from fakturaflyt.payables import mailbox as intake_mail
from fakturaflyt.payables.models import Channel, DocumentState, MailboxCursor, Receipt, SupplierDocument
from tests.core.test_mail import png
from tests.payables.factories import blank_pdf, norwegian_ehf

pytestmark = pytest.mark.django_db

DOMAIN = "inbox.fakturaflyt.test"


class MaildirDelivery:
    """An aiosmtpd handler that delivers every accepted message into a Maildir."""

    def __init__(self, path: Path) -> None:
        self.maildir = mailbox.Maildir(path, create=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not address.lower().endswith("@" + DOMAIN):
            return "550 5.1.1 not a local address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            self.maildir.add(f"Delivered-To: {rcpt}\r\n".encode() + envelope.original_content)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(tmp_path: Path, settings):
    from aiosmtpd.controller import Controller

    maildir = tmp_path / "Maildir"
    settings.FAKTURAFLYT_MAIL_DOMAIN = DOMAIN
    settings.FAKTURAFLYT_MAILDIR = str(maildir)
    controller = Controller(MaildirDelivery(maildir), hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, maildir
    finally:
        controller.stop()


def invoice_mail(to: str, *, attachment: bytes, filename: str, subtype: str, message_id: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Bergen Kontorutstyr AS <faktura@bergenkontor.no>"
    msg["To"] = to
    msg["Subject"] = "Faktura F-1001"
    msg["Message-ID"] = message_id
    msg.set_content("Vedlagt faktura.\n\n-- \nBergen Kontorutstyr AS")
    msg.add_alternative('<p>Vedlagt faktura.</p><img src="cid:logo@bergenkontor.no">', subtype="html")
    msg.get_payload()[1].add_related(png(500, 160), "image", "png", cid="<logo@bergenkontor.no>", filename="logo.png")
    msg.add_attachment(attachment, "application", subtype, filename=filename)
    msg.add_attachment(
        b"-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n",
        "application",
        "pgp-signature",
        filename="signature.asc",
    )
    return msg


def send(controller, msg: EmailMessage) -> None:
    with smtplib.SMTP(controller.hostname, controller.port, timeout=10) as client:
        client.send_message(msg)


def test_intake_address_of_a_company(company, settings) -> None:
    settings.FAKTURAFLYT_MAIL_DOMAIN = DOMAIN
    assert intake_mail.intake_address(company) == f"faktura+{company.orgnr}@{DOMAIN}"
    assert intake_mail.orgnr_of_address(f"Faktura+{company.orgnr}@INBOX.fakturaflyt.test") == company.orgnr
    assert intake_mail.orgnr_of_address(f"faktura+{company.orgnr}@elsewhere.test") == ""


def test_invoice_sent_by_smtp_lands_in_the_right_company(
    world, smtp, corpus, django_capture_on_commit_callbacks
) -> None:
    controller, maildir = smtp
    # given an EHF invoice e-mailed to company A's intake address (with a logo and a signature)
    ehf = norwegian_ehf(corpus, seller_orgnr=world.supplier.orgnr, seller_name=world.supplier.name)
    to_a = intake_mail.intake_address(world.a)
    send(
        controller,
        invoice_mail(to_a, attachment=ehf, filename="F-1001.xml", subtype="xml", message_id="<f1001@bergenkontor.no>"),
    )
    # and a PDF to company B
    send(
        controller,
        invoice_mail(
            intake_mail.intake_address(world.b),
            attachment=blank_pdf(),
            filename="b.pdf",
            subtype="pdf",
            message_id="<b1@x.no>",
        ),
    )
    assert len(list((maildir / "new").iterdir())) == 2
    # when the poller runs
    with django_capture_on_commit_callbacks(execute=True):
        counts = intake_mail.poll_maildir(maildir)
    # then each message is one container receipt; the invoice, and only the invoice, became a document
    assert counts == {"received": 2, "already": 0, "unrouted": 0, "failed": 0}
    container = Receipt.objects.get(company=world.a, channel=Channel.EMAIL, container__isnull=True)
    assert container.message_id == "<f1001@bergenkontor.no>" and container.subject == "Faktura F-1001"
    assert container.sender == "faktura@bergenkontor.no"
    assert {s["filename"]: s["code"] for s in container.skipped} == {
        "logo.png": "FF-MAIL-INLINE-IMAGE",
        "signature.asc": "FF-MAIL-SIGNATURE",
    }
    (doc,) = SupplierDocument.objects.filter(company=world.a)
    assert doc.receipt.container_id == container.pk and doc.receipt.filename == "F-1001.xml"
    assert doc.state == DocumentState.READY_FOR_CODING and doc.supplier_id == world.supplier.pk
    assert SupplierDocument.objects.filter(company=world.b).count() == 1
    # and the Maildir marks them seen: a second poll takes nothing
    assert list((maildir / "new").iterdir()) == []
    assert all(p.name.endswith(":2,S") for p in (maildir / "cur").iterdir())
    assert intake_mail.poll_maildir(maildir) == {"received": 0, "already": 0, "unrouted": 0, "failed": 0}


def test_the_same_invoice_by_email_and_by_upload_is_a_duplicate(
    world, smtp, corpus, receive_now, django_capture_on_commit_callbacks
) -> None:
    controller, maildir = smtp
    ehf = norwegian_ehf(corpus, seller_orgnr=world.supplier.orgnr, seller_name=world.supplier.name)
    send(
        controller,
        invoice_mail(
            intake_mail.intake_address(world.a),
            attachment=ehf,
            filename="F-1001.xml",
            subtype="xml",
            message_id="<m@x>",
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        intake_mail.poll_maildir(maildir)
    by_mail = SupplierDocument.objects.get(company=world.a)
    # the accountant also uploads the copy the supplier sent by post, scanned to EHF by another tool:
    # other bytes, same supplier and invoice number
    (uploaded,) = receive_now(
        world.a, norwegian_ehf(corpus, seller_orgnr=world.supplier.orgnr, kid=None), filename="copy.xml"
    )
    assert uploaded.state == DocumentState.DUPLICATE and uploaded.duplicate_of_id == by_mail.pk
    # and the very same file uploaded is a duplicate by its bytes
    (same,) = receive_now(world.a, ehf, filename="F-1001.xml")
    assert same.state == DocumentState.DUPLICATE and same.duplicate_of_id == by_mail.pk
    assert any(p["code"] == "FF-AP-DUPLICATE-FILE" for p in same.problems)


def test_mail_without_invoice_is_kept_as_a_rejected_document(world, smtp, django_capture_on_commit_callbacks) -> None:
    controller, maildir = smtp
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = (
        "per@kunde.no",
        intake_mail.intake_address(world.a),
        "Har dere fått fakturaen?",
    )
    msg.set_content("Bare lurte.")
    send(controller, msg)
    with django_capture_on_commit_callbacks(execute=True):
        intake_mail.poll_maildir(maildir)
    (doc,) = SupplierDocument.objects.filter(company=world.a)
    assert doc.state == DocumentState.REJECTED and doc.rejected_reason == "e-mail without invoice attachment"
    assert doc.problems[0]["code"] == "FF-AP-NO-INVOICE" and doc.receipt.subject == "Har dere fått fakturaen?"


def test_unrouted_and_repeated_mail(world, smtp, corpus, django_capture_on_commit_callbacks) -> None:
    controller, maildir = smtp
    # to no company (an unknown org.nr), and the same message delivered twice (a retrying server)
    send(
        controller,
        invoice_mail(
            f"faktura+999999999@{DOMAIN}", attachment=blank_pdf(), filename="x.pdf", subtype="pdf", message_id="<u@x>"
        ),
    )
    twice = invoice_mail(
        intake_mail.intake_address(world.a),
        attachment=norwegian_ehf(corpus),
        filename="f.xml",
        subtype="xml",
        message_id="<t@x>",
    )
    send(controller, twice)
    send(controller, twice)
    with django_capture_on_commit_callbacks(execute=True):
        counts = intake_mail.poll_maildir(maildir)
    assert counts == {"received": 1, "already": 1, "unrouted": 1, "failed": 0}
    assert len(list((maildir / ".Unrouted" / "cur").iterdir())) == 1  # kept for a person, not dropped
    assert SupplierDocument.objects.filter(company=world.a).count() == 1


class FakeImap:
    """The part of imaplib.IMAP4 the poller uses, over a dict of UID -> message (no network)."""

    def __init__(self, messages: dict[int, bytes], validity: int = 7) -> None:
        self.messages, self.validity, self.flags = messages, validity, {}
        self.logged_out = False

    def select(self, folder):
        return "OK", [str(len(self.messages)).encode()]

    def status(self, folder, what):
        return "OK", [f'"INBOX" (UIDVALIDITY {self.validity})'.encode()]

    def uid(self, command, *args):
        if command == "SEARCH":
            low = int(args[1].split()[1].split(":")[0])
            found = [u for u in sorted(self.messages) if u >= low] or ([max(self.messages)] if self.messages else [])
            return "OK", [" ".join(map(str, found)).encode()]
        if command == "FETCH":
            uid = int(args[0])
            return "OK", [(f"{uid} (UID {uid} BODY[] {{{len(self.messages[uid])}}}".encode(), self.messages[uid]), b")"]
        if command == "STORE":
            self.flags.setdefault(int(args[0]), set()).update(args[2].strip("()").split())
            return "OK", [b""]
        raise AssertionError(command)

    def logout(self):
        self.logged_out = True


def test_imap_poller_reads_by_uid_and_marks_seen(world, corpus, settings, django_capture_on_commit_callbacks) -> None:
    settings.FAKTURAFLYT_MAIL_DOMAIN = DOMAIN
    to = intake_mail.intake_address(world.a)
    server = FakeImap(
        {
            11: invoice_mail(
                to, attachment=norwegian_ehf(corpus), filename="a.xml", subtype="xml", message_id="<a@x>"
            ).as_bytes(),
            12: invoice_mail(
                "someone@else.test", attachment=blank_pdf(), filename="b.pdf", subtype="pdf", message_id="<b@x>"
            ).as_bytes(),
        }
    )
    url = "imaps://faktura%40firma.no:hemmelig@imap.firma.no/INBOX"
    with django_capture_on_commit_callbacks(execute=True):
        counts = intake_mail.poll_imap(url, connect=lambda cfg: server)
    assert counts == {"received": 1, "already": 0, "unrouted": 1, "failed": 0}
    assert server.flags == {11: {"\\Seen"}, 12: {"\\Seen", "\\Flagged"}} and server.logged_out
    cursor = MailboxCursor.objects.get()
    assert (cursor.uidvalidity, cursor.last_uid) == (7, 12)
    # the next poll asks only for newer UIDs (the server answers "12" for "13:*"; it is not taken again)
    assert intake_mail.poll_imap(url, connect=lambda cfg: server) == {
        "received": 0,
        "already": 0,
        "unrouted": 0,
        "failed": 0,
    }
    # a renumbered folder (new UIDVALIDITY) is read again, and Message-IDs keep it from being received twice
    server.validity = 8
    assert intake_mail.poll_imap(url, connect=lambda cfg: server)["already"] == 1
    assert SupplierDocument.objects.filter(company=world.a).count() == 1
    assert AuditEvent.objects.filter(company=world.a, action="receipt.container").count() == 1
