"""The PDF by e-mail against a real SMTP server (aiosmtpd on 127.0.0.1): headers, attachment, retries, hard failure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fakturaflyt.distribution import services
from fakturaflyt.distribution.models import DispatchStatus
from fakturaflyt.ledger.models import AuditEvent
from tests.distribution.conftest import free_port

pytestmark = pytest.mark.django_db


def test_the_invoice_arrives_with_the_pdf_and_the_right_headers(make_invoice, fake_documents, smtp_server) -> None:
    # given an issued invoice to a customer who wants e-mail
    invoice = make_invoice(channel="email", email="regnskap@kunde.no")
    # when it is sent
    dispatch = services.send(invoice)
    # then exactly one message reached the server, for the customer
    assert len(smtp_server.received) == 1
    [msg] = smtp_server.messages_to("regnskap@kunde.no")
    assert msg["Subject"] == f"Faktura {invoice.number} fra Testfirma AS"
    assert msg["From"].addresses[0].addr_spec == "faktura@testfirma.no"
    assert msg["From"].addresses[0].display_name == "Testfirma AS"
    assert msg["To"] == "regnskap@kunde.no"
    assert msg["Reply-To"] == "faktura@testfirma.no"
    assert msg["Message-ID"] == dispatch.message_id and dispatch.message_id.endswith("@testfirma.no>")
    body = msg.get_body(("plain",)).get_content()
    assert "12 500,00" in body and "16.03.2026" in body and "0100110000100016" in body and "1506.41.23456" in body
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == f"Faktura-{invoice.number}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == fake_documents[invoice.pk]
    # and the dispatch and the invoice say so, with an audit event
    assert dispatch.status == DispatchStatus.SENT and dispatch.attempts == 1 and dispatch.sent_at
    assert dispatch.recipient == "regnskap@kunde.no" and dispatch.document.size == len(fake_documents[invoice.pk])
    invoice.refresh_from_db()
    assert invoice.status == "sent" and invoice.channel == "email"
    event = AuditEvent.objects.get(action="invoice.sent", object_id=str(invoice.pk))
    assert event.data["message_id"] == dispatch.message_id and event.data["channel"] == "email"


def test_english_customers_get_an_english_mail_and_credit_notes_are_named_so(
    make_invoice, fake_documents, smtp_server
) -> None:
    invoice = make_invoice(email="ap@customer.co.uk", language="en", document_type="credit_note")
    services.send(invoice)
    [msg] = smtp_server.messages_to("ap@customer.co.uk")
    assert msg["Subject"] == f"Credit note {invoice.number} from Testfirma AS"
    assert [a.get_filename() for a in msg.iter_attachments()] == [f"Credit-note-{invoice.number}.pdf"]


def test_a_greylisting_server_451_is_retried_after_the_back_off(make_invoice, fake_documents, smtp_server) -> None:
    # given a server that answers 451 twice for this address, then accepts
    smtp_server.script["slow@kunde.no"] = ["451 4.7.1 greylisted, try later", "451 4.7.1 still greylisted", "250 OK"]
    invoice = make_invoice(email="slow@kunde.no")
    # when sent: a temporary failure, to be retried in a minute
    dispatch = services.send(invoice)
    assert dispatch.status == DispatchStatus.TEMPORARY_FAILURE and dispatch.attempts == 1
    assert "451" in dispatch.last_error and dispatch.error_code == "FF-DIST-TEMPORARY"
    first_retry = dispatch.next_attempt_at
    assert timedelta(seconds=50) < first_retry - timezone.now() <= timedelta(minutes=1)
    invoice.refresh_from_db()
    assert invoice.status == "issued"  # not sent, not failed: on its way
    # the retry run before the back-off does nothing
    assert services.retry_due(now=first_retry - timedelta(seconds=1)) == 0
    # after it: a second 451, now 5 minutes
    assert services.retry_due(now=first_retry) == 1
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.TEMPORARY_FAILURE and dispatch.attempts == 2
    assert dispatch.next_attempt_at == first_retry + timedelta(minutes=5)
    # third time it goes through
    assert services.retry_due(now=dispatch.next_attempt_at) == 1
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.SENT and dispatch.attempts == 3
    assert [a.outcome for a in dispatch.attempt_log.all()] == ["temporary_failure", "temporary_failure", "sent"]
    assert len(smtp_server.messages_to("slow@kunde.no")) == 1
    invoice.refresh_from_db()
    assert invoice.status == "sent"
    assert services.retry_due(now=dispatch.sent_at + timedelta(days=1)) == 0


def test_a_refused_recipient_550_is_a_hard_failure_the_accountant_hears_of(
    make_invoice, fake_documents, smtp_server, accountants
) -> None:
    smtp_server.script["nobody@kunde.no"] = ["550 5.1.1 no such user"]
    invoice = make_invoice(email="nobody@kunde.no")
    dispatch = services.send(invoice)
    # a hard failure: not retried, the invoice is send_failed
    assert dispatch.status == DispatchStatus.FAILED and dispatch.attempts == 1 and dispatch.next_attempt_at is None
    assert "550" in dispatch.last_error and dispatch.error_code == "FF-DIST-REFUSED"
    invoice.refresh_from_db()
    assert invoice.status == "send_failed"
    assert services.retry_due(now=timezone.now() + timedelta(days=1)) == 0
    # the accountant and the admin get a mail (through the same server), the approver does not
    for role in ("accountant", "admin"):
        [notice] = smtp_server.messages_to(f"{role}@testfirma.no")
        assert str(invoice.number) in notice["Subject"] and "550" in notice.get_body(("plain",)).get_content()
    assert smtp_server.messages_to("approver@testfirma.no") == []
    event = AuditEvent.objects.get(action="invoice.send_failed", object_id=str(invoice.pk))
    assert event.data["code"] == "FF-DIST-REFUSED"
    # and it is on the list until a send gets through
    assert list(services.failures(invoice.company)) == [dispatch]
    invoice.customer.email = "regnskap@kunde.no"
    invoice.customer.save()
    again = services.send(invoice)
    assert again.pk != dispatch.pk and again.status == DispatchStatus.SENT
    assert list(services.failures(invoice.company)) == []
    invoice.refresh_from_db()
    assert invoice.status == "sent"


def test_no_mail_server_is_a_temporary_failure(make_invoice, fake_documents, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    dispatch = services.send(make_invoice())
    assert dispatch.status == DispatchStatus.TEMPORARY_FAILURE
    assert "Connection refused" in dispatch.last_error  # the OS error, in either language


def test_one_sending_address_for_all_companies_keeps_the_company_as_reply_to(
    make_invoice, fake_documents, smtp_server, settings
) -> None:
    settings.FAKTURAFLYT_INVOICE_MAIL_FROM = "faktura@fakturaflyt.example"
    services.send(make_invoice(email="regnskap@kunde.no"))
    [msg] = smtp_server.messages_to("regnskap@kunde.no")
    assert msg["From"].addresses[0].addr_spec == "faktura@fakturaflyt.example"
    assert msg["Reply-To"] == "faktura@testfirma.no"
