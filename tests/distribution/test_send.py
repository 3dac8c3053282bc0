"""Choosing the channel, refusing drafts, idempotence, channels that are not configured, giving up, the queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone

from fakturaflyt.distribution import services
from fakturaflyt.distribution.channels import Channel, TemporaryFailure, adapters
from fakturaflyt.distribution.error_codes import DistributionError
from fakturaflyt.distribution.models import Dispatch, DispatchStatus
from fakturaflyt.ledger.models import AuditEvent
from fakturaflyt.receivables.models import DeliveryChannel, InvoiceSettings

pytestmark = pytest.mark.django_db


def test_every_channel_has_an_adapter_behind_the_interface() -> None:
    found = adapters()
    assert set(found) == set(DeliveryChannel.values)
    assert all(isinstance(a, Channel) for a in found.values())


def test_a_draft_is_refused(make_invoice, fake_documents) -> None:
    draft = make_invoice(status="draft")
    with pytest.raises(DistributionError) as err:
        services.send(draft)
    assert err.value.code == "FF-DIST-NOT-ISSUED"
    assert not Dispatch.objects.exists() and mail.outbox == []


def test_an_ehf_customer_without_peppol_id_gets_the_pdf_by_email(make_invoice, fake_documents) -> None:
    invoice = make_invoice(channel="ehf", peppol_id="", email="regnskap@kunde.no")
    dispatch = services.send(invoice)
    assert dispatch.channel == "email" and dispatch.requested_channel == "ehf"
    assert "no Peppol id" in dispatch.fallback_reason
    assert dispatch.status == DispatchStatus.SENT and len(mail.outbox) == 1
    invoice.refresh_from_db()
    assert invoice.channel == "email" and invoice.status == "sent"


def test_without_peppol_id_and_email_it_is_printed(make_invoice, fake_documents, dirs) -> None:
    invoice = make_invoice(channel="ehf", peppol_id="", email="")
    dispatch = services.send(invoice)
    assert dispatch.channel == "print" and dispatch.status == DispatchStatus.SENT
    assert "no Peppol id" in dispatch.fallback_reason and "no invoice e-mail" in dispatch.fallback_reason
    assert dispatch.print_item.batch.items.count() == 1 and mail.outbox == []


def test_the_channel_argument_wins_over_invoice_and_customer(make_invoice, fake_documents) -> None:
    invoice = make_invoice(channel="print", invoice_channel="print", email="regnskap@kunde.no")
    assert services.send(invoice, channel="email").channel == "email"
    with pytest.raises(DistributionError) as err:
        services.send(invoice, channel="fax")
    assert err.value.code == "FF-DIST-UNKNOWN-CHANNEL"


def test_sending_twice_sends_once_unless_resend(make_invoice, fake_documents, user_factory) -> None:
    user = user_factory("anne@testfirma.no")
    invoice = make_invoice()
    first = services.send(invoice, user)
    assert services.send(invoice, user).pk == first.pk
    assert len(mail.outbox) == 1 and Dispatch.objects.count() == 1
    again = services.send(invoice, user, resend=True)
    assert again.pk != first.pk and again.status == DispatchStatus.SENT and len(mail.outbox) == 2
    assert first.actor == user
    assert AuditEvent.objects.filter(action="invoice.sent", actor=user).count() == 2


@pytest.mark.parametrize(
    ("channel", "field", "label"),
    [("efaktura", "efaktura_agreement", "eFaktura"), ("vipps", "vipps_agreement", "Vipps")],
)
def test_efaktura_and_vipps_fail_clearly_until_configured_and_never_pretend(
    make_invoice, fake_documents, accountants, channel, field, label
) -> None:
    invoice = make_invoice(channel=channel)
    assert not adapters()[channel].is_configured(invoice.company)
    dispatch = services.send(invoice)
    assert dispatch.status == DispatchStatus.FAILED and dispatch.error_code == "FF-DIST-NOT-CONFIGURED"
    assert dispatch.last_error.startswith(f"{label} is not configured: enter the company's agreement id")
    invoice.refresh_from_db()
    assert invoice.status == "send_failed"
    # nothing went to the customer; the accountants were told
    assert [m.to for m in mail.outbox] == [["accountant@testfirma.no", "admin@testfirma.no"]]
    # with an agreement id: configured, but still refused (no API yet), never "sent"
    InvoiceSettings.objects.update_or_create(company=invoice.company, defaults={field: "AGR-123"})
    assert adapters()[channel].is_configured(invoice.company)
    second = services.send(invoice)
    assert second.status == DispatchStatus.FAILED and second.error_code == "FF-DIST-NOT-IMPLEMENTED"
    assert "not implemented" in second.last_error


def test_a_channel_that_keeps_failing_is_given_up_after_the_last_attempt(
    make_invoice, fake_documents, monkeypatch, accountants
) -> None:
    from fakturaflyt.distribution.channels.email import EmailChannel

    def down(self, dispatch, invoice):
        raise TemporaryFailure("connection timed out")

    monkeypatch.setattr(EmailChannel, "send", down)
    invoice = make_invoice()
    dispatch = services.send(invoice)
    waits = []
    while dispatch.status == DispatchStatus.TEMPORARY_FAILURE:
        waits.append(round((dispatch.next_attempt_at - (dispatch.attempt_log.last().started_at)).total_seconds() / 60))
        assert services.retry_due(now=dispatch.next_attempt_at) == 1
        dispatch.refresh_from_db()
    assert waits == list(services.BACKOFF_MINUTES)
    assert dispatch.status == DispatchStatus.FAILED and dispatch.attempts == services.MAX_ATTEMPTS
    assert dispatch.error_code == "FF-DIST-GAVE-UP" and "connection timed out" in dispatch.last_error
    invoice.refresh_from_db()
    assert invoice.status == "send_failed" and len(mail.outbox) == 1  # the accountants' notice


def test_an_unexpected_error_is_retried_not_lost(make_invoice, monkeypatch) -> None:
    from fakturaflyt.distribution import documents

    monkeypatch.setattr(documents, "pdf_of", lambda invoice: 1 / 0)
    dispatch = services.send(make_invoice())
    assert dispatch.status == DispatchStatus.TEMPORARY_FAILURE and "ZeroDivisionError" in dispatch.last_error


def test_with_a_broker_the_send_is_queued_when_the_transaction_commits(
    make_invoice, fake_documents, settings, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from fakturaflyt.distribution import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued: list[int] = []
    monkeypatch.setattr(tasks.perform_dispatch, "delay", lambda pk: queued.append(pk))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dispatch = services.send(make_invoice())
    assert dispatch.status == DispatchStatus.QUEUED and queued == [] and len(callbacks) == 1
    callbacks[0]()
    assert queued == [dispatch.pk]
    # the worker's task performs it; running it twice sends once
    assert tasks.perform_dispatch(dispatch.pk) == "sent"
    assert tasks.perform_dispatch(dispatch.pk) == "sent"
    assert len(mail.outbox) == 1


def test_a_lost_task_or_attempt_is_picked_up_by_the_retry_run(make_invoice, fake_documents, settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    dispatch = services.send(make_invoice())  # queued, the on-commit task never ran
    assert services.retry_due(now=timezone.now()) == 0
    assert services.retry_due(now=timezone.now() + timedelta(minutes=11)) == 1
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.SENT and len(mail.outbox) == 1


def test_the_send_log_partial_shows_status_fallback_and_error(make_invoice, fake_documents) -> None:
    invoice = make_invoice(channel="ehf", peppol_id="")
    services.send(invoice)
    html = render_to_string("distribution/_send_log.html", {"dispatches": services.dispatches_for(invoice)})
    assert "status-sent" in html and "no Peppol id" in html and "regnskap@kunde.no" in html


def test_resolving_a_failure_takes_it_off_the_list(make_invoice, fake_documents, user_factory) -> None:
    invoice = make_invoice(channel="vipps")
    dispatch = services.send(invoice)
    assert list(services.failures(invoice.company)) == [dispatch]
    services.resolve_failure(dispatch, user_factory("anne@testfirma.no"))
    assert list(services.failures(invoice.company)) == []
    assert AuditEvent.objects.filter(action="invoice.send_failure_resolved").count() == 1
