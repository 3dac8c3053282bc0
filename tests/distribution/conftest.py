"""Fixtures for the distribution tests: issued invoices made with the ORM, stand-in documents, a real SMTP server."""

from __future__ import annotations

import io
import socket
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

FAKE_EHF = b'<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>\n'


@pytest.fixture(autouse=True)
def _english():
    """The assertions read the English messages; the catalogue translates them to Norwegian by default."""
    from django.utils import translation

    with translation.override("en"):
        yield


def one_page_pdf(width: int = 595, height: int = 842) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(width, height)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


@pytest.fixture
def dirs(settings, tmp_path: Path) -> Path:
    """Stored files and the Peppol outbox under the test's temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FAKTURAFLYT_PEPPOL_OUTBOX = tmp_path / "outbox"
    return tmp_path / "outbox"


@pytest.fixture
def fake_documents(monkeypatch, dirs) -> dict[int, bytes]:
    """EHF and PDF stand-ins (the receivables renderers are tested on their own); PDFs differ per invoice."""
    from fakturaflyt.distribution import documents

    made: dict[int, bytes] = {}

    def pdf(invoice: Any) -> bytes:
        made[invoice.pk] = made.get(invoice.pk) or one_page_pdf(500 + invoice.pk % 90, 800)
        return made[invoice.pk]

    monkeypatch.setattr(documents, "ehf_of", lambda invoice: FAKE_EHF)
    monkeypatch.setattr(documents, "pdf_of", pdf)
    return made


@pytest.fixture
def make_invoice(company):
    """``make_invoice(channel=..., email=..., peppol_id=..., number=..., status="issued", language="nb")``."""
    from fakturaflyt.companies.models import CompanyBankAccount
    from fakturaflyt.receivables.models import Customer, SalesInvoice

    company.email = "faktura@testfirma.no"
    company.save(update_fields=["email"])
    CompanyBankAccount.objects.get_or_create(
        company=company, account_number="15064123456", defaults={"is_default": True}
    )
    counter = {"n": 10000}

    def make(
        *,
        channel: str = "email",
        email: str = "regnskap@kunde.no",
        peppol_id: str = "",
        number: int | None = None,
        status: str = "issued",
        language: str = "nb",
        document_type: str = "invoice",
        invoice_channel: str = "",
    ):
        counter["n"] += 1
        customer = Customer.objects.create(
            company=company,
            number=counter["n"],
            name=f"Kunde {counter['n']} AS",
            orgnr="923609016",
            email=email,
            peppol_id=peppol_id,
            channel=channel,
            language=language,
        )
        return SalesInvoice.objects.create(
            company=company,
            customer=customer,
            document_type=document_type,
            status=status,
            number=None if status == "draft" else (number or counter["n"]),
            kid="" if status == "draft" else "0100110000100016",
            issue_date=date(2026, 3, 2),
            due_date=date(2026, 3, 16),
            channel=invoice_channel,
            net_total=Decimal("10000.00"),
            vat_total=Decimal("2500.00"),
            total=Decimal("12500.00"),
            total_nok=Decimal("12500.00"),
        )

    return make


@pytest.fixture
def accountants(company, user_factory):
    """An accountant and an admin of the company (who are told of hard failures), and an approver (who is not)."""
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    users = {}
    for role in (Role.ACCOUNTANT, Role.ADMIN, Role.APPROVER):
        users[role] = user_factory(f"{role}@testfirma.no")
        add_member(None, company, users[role], role)
    return users


# ------------------------------------------------------------------------------------ a real SMTP server


@dataclass
class Recorder:
    """An aiosmtpd handler: records what it accepts; answers RCPT with scripted codes per address."""

    script: dict[str, list[str]] = field(default_factory=dict)  # address -> replies to give, in order
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        replies = self.script.get(address.lower())
        if replies:
            reply = replies.pop(0) if len(replies) > 1 else replies[0]
            if not reply.startswith("250"):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [
            message_from_bytes(raw, policy=policy.default)  # type: ignore[misc]
            for _from, rcpts, raw in self.received
            if address in rcpts
        ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """aiosmtpd on 127.0.0.1 with Django's SMTP backend pointed at it."""
    from aiosmtpd.controller import Controller

    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield recorder
    finally:
        controller.stop()
