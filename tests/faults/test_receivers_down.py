"""Sending to a receiver that is down is retried with back-off and, in the end, reported (issue 11, point 3).

Real receivers: an SMTP server (aiosmtpd on 127.0.0.1) that is not listening yet, so the
connection is refused, and a Peppol outbox (``FAKTURAFLYT_PEPPOL_OUTBOX``) under a path whose
parent is a file, so no one (root included) can write it. Time is driven through the ``now``
parameter of :func:`fakturaflyt.distribution.services.retry_due`, the beat task that runs every
2 minutes: the dispatch is retried after 1, 5, 15, 60 and 240 minutes, a receiver back up gets the
invoice once, and after the sixth failed attempt the accountant sees the failure: the invoice is
``send_failed`` (the invoice list has a filter for it), the send log on the invoice says why, and
the audit log has ``invoice.send_failed``. Reminder letters (:mod:`fakturaflyt.dunning`) do not use
the dispatches: a reminder whose e-mail fails is kept as a *failed* notice in the notice list,
with nothing charged, and the next dunning run sends it.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.distribution.conftest import FAKE_EHF, Recorder, free_port, one_page_pdf

pytestmark = pytest.mark.django_db

BACKOFF = [1, 5, 15, 60, 240]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class SmtpReceiver:
    """An SMTP server on a fixed port that is down (connection refused) until :meth:`up`."""

    def __init__(self, settings) -> None:
        self.recorder = Recorder()
        self.port = free_port()
        self.controller = None
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", self.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5

    def up(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def down(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def delivered(self, address: str) -> int:
        return len(self.recorder.messages_to(address))


class OutboxReceiver:
    """The Peppol access point's outbox; down while its parent is a file (not writable, not even by root)."""

    def __init__(self, settings, tmp_path: Path) -> None:
        self.parent = tmp_path / "ap"
        self.outbox = self.parent / "outbox"
        settings.FAKTURAFLYT_PEPPOL_OUTBOX = self.outbox
        self.parent.write_text("not a folder: the access point's share is not mounted")

    def up(self) -> None:
        self.parent.unlink()
        self.outbox.mkdir(parents=True)

    def down(self) -> None:
        pass

    def delivered(self, _address: str) -> int:
        return len([p for p in self.outbox.rglob("*.xml")]) if self.outbox.is_dir() else 0


@pytest.fixture(params=["email", "ehf"])
def receiver(request, settings, tmp_path: Path, monkeypatch):
    """The channel's receiver, down; EHF and PDF are stand-ins (their renderers are tested on their own)."""
    from fakturaflyt.distribution import documents

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    pdf = one_page_pdf()
    monkeypatch.setattr(documents, "ehf_of", lambda invoice: FAKE_EHF)
    monkeypatch.setattr(documents, "pdf_of", lambda invoice: pdf)
    found = SmtpReceiver(settings) if request.param == "email" else OutboxReceiver(settings, tmp_path)
    found.channel = request.param
    yield found
    found.down()


@pytest.fixture
def invoice(company, receiver):
    from fakturaflyt.companies.models import CompanyBankAccount
    from fakturaflyt.receivables.models import Customer, SalesInvoice

    company.email = "faktura@testfirma.no"
    company.save(update_fields=["email"])
    CompanyBankAccount.objects.create(company=company, account_number="15064123456", is_default=True)
    customer = Customer.objects.create(
        company=company,
        number=1,
        name="Kunde AS",
        orgnr="923609016",
        email="regnskap@kunde.no",
        peppol_id="0192:923609016",
        channel=receiver.channel,
    )
    return SalesInvoice.objects.create(
        company=company,
        customer=customer,
        status="issued",
        number=10001,
        kid="0100110000100016",
        issue_date=date(2026, 3, 2),
        due_date=date(2026, 3, 16),
        net_total=Decimal("10000.00"),
        vat_total=Decimal("2500.00"),
        total=Decimal("12500.00"),
        total_nok=Decimal("12500.00"),
    )


def _retry_at(when, dispatch) -> int:
    from fakturaflyt.distribution import services

    count = services.retry_due(now=when)
    dispatch.refresh_from_db()
    return count


def test_a_receiver_down_is_retried_after_1_5_15_60_minutes_and_gets_the_invoice_once_back_up(
    receiver, invoice
) -> None:
    from fakturaflyt.distribution import services

    # given: the receiver is down; when: the invoice is sent
    dispatch = services.send(invoice)
    assert (dispatch.status, dispatch.attempts) == ("temporary_failure", 1)
    assert dispatch.error_code == "FF-DIST-TEMPORARY"
    assert ("could not be reached" if receiver.channel == "email" else "could not be written") in dispatch.last_error
    invoice.refresh_from_db()
    assert invoice.status == "issued"  # not sent, not yet failed
    at = dispatch.next_attempt_at
    assert abs(at - timezone.now() - timedelta(minutes=1)) < timedelta(seconds=30)

    # then: retried only when each wait has passed: +1, +5, +15, +60 minutes
    for attempt, wait in enumerate(BACKOFF[1:4], start=2):
        assert _retry_at(at - timedelta(seconds=1), dispatch) == 0  # the beat 2 minutes early: not yet
        assert _retry_at(at, dispatch) == 1
        assert (dispatch.status, dispatch.attempts) == ("temporary_failure", attempt)
        assert dispatch.next_attempt_at == at + timedelta(minutes=wait)
        at = dispatch.next_attempt_at
    assert receiver.delivered("regnskap@kunde.no") == 0

    # when: the receiver is back before the fifth attempt
    receiver.up()
    assert _retry_at(at, dispatch) == 1

    # then: the invoice got through once, and later beats send nothing more
    assert (dispatch.status, dispatch.attempts, dispatch.next_attempt_at) == ("sent", 5, None)
    assert [a.outcome for a in dispatch.attempt_log.order_by("number")] == ["temporary_failure"] * 4 + ["sent"]
    invoice.refresh_from_db()
    assert invoice.status == "sent"
    assert _retry_at(at + timedelta(days=1), dispatch) == 0
    assert receiver.delivered("regnskap@kunde.no") == 1


def test_a_receiver_down_for_good_is_a_hard_failure_the_accountant_sees(
    receiver, invoice, client, user_factory, settings
) -> None:
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member
    from fakturaflyt.distribution import services
    from fakturaflyt.ledger.models import AuditEvent

    dispatch = services.send(invoice)
    at = dispatch.next_attempt_at
    for wait in BACKOFF[1:]:
        assert _retry_at(at, dispatch) == 1
        assert dispatch.next_attempt_at == at + timedelta(minutes=wait)
        at = dispatch.next_attempt_at
    assert (dispatch.status, dispatch.attempts) == ("temporary_failure", 5)

    # when: the sixth attempt, 240 minutes after the fifth, fails too
    assert _retry_at(at, dispatch) == 1

    # then: given up, and reported
    assert (dispatch.status, dispatch.attempts, dispatch.next_attempt_at) == ("failed", 6, None)
    assert dispatch.error_code == "FF-DIST-GAVE-UP" and "Gave up after 6 attempts" in dispatch.last_error
    assert dispatch.failed_at == at
    assert _retry_at(at + timedelta(days=1), dispatch) == 0  # no seventh attempt
    invoice.refresh_from_db()
    assert invoice.status == "send_failed"
    assert list(services.failures(invoice.company)) == [dispatch]
    [event] = AuditEvent.objects.filter(company=invoice.company, action="invoice.send_failed")
    assert event.data["code"] == "FF-DIST-GAVE-UP" and event.data["attempts"] == 6

    # the accountant (here an auditor, who may look) finds it under "Sending failed" with the reason
    viewer = user_factory("revisor@testfirma.no")
    add_member(None, invoice.company, viewer, Role.AUDITOR)
    client.force_login(viewer)
    listing = client.get(reverse("receivables:invoices"), {"status": "send_failed"}, HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 200 and "10001" in listing.content.decode()
    others = client.get(reverse("receivables:invoices"), {"status": "sent"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "10001" not in others.content.decode()
    detail = client.get(reverse("receivables:invoice", args=[invoice.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Sending failed" in detail.content.decode() and "Gave up after 6 attempts" in detail.content.decode()

    # a later send that gets through settles the failure
    receiver.up()
    again = services.send(invoice, resend=True)
    assert again.status == "sent" and list(services.failures(invoice.company)) == []
    assert receiver.delivered("regnskap@kunde.no") == 1


# ------------------------------------------------------------------------------------ reminders


@pytest.fixture
def smtp_down(settings, tmp_path: Path):
    settings.MEDIA_ROOT = tmp_path / "media"
    found = SmtpReceiver(settings)
    yield found
    found.down()


def test_a_reminder_to_a_mail_server_that_is_down_is_listed_as_failed_and_sent_by_the_next_run(
    company, smtp_down, client, user_factory
) -> None:
    """Dunning sends its letters itself: a failed e-mail keeps nothing charged and the next daily run retries."""
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member
    from fakturaflyt.dunning import services
    from fakturaflyt.dunning.models import DunningNotice
    from tests.faults.conftest import vouchers
    from tests.faults.test_kill_runs import _bank_account, _overdue_invoices, _rates

    _bank_account(company)
    _rates()
    [invoice] = _overdue_invoices(company, 1)
    on = date(2026, 3, 20)  # 33 days after the due date: a reminder with a fee
    before = vouchers(company)

    # when: the dunning run while the mail server is down
    result = services.run(company, on, None)

    # then: nothing sent, nothing charged, the failure on the list with the reason
    assert result.notices == [] and [s.code for s in result.skipped] == ["FF-DUN-SEND-FAILED"]
    [failed] = DunningNotice.objects.all()
    assert failed.status == "failed" and failed.voucher_id is None and "refused" in failed.error.lower()
    assert vouchers(company) == before
    viewer = user_factory("revisor@testfirma.no")
    add_member(None, company, viewer, Role.AUDITOR)
    client.force_login(viewer)
    page = client.get(reverse("dunning:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sending failed" in page and failed.error[:40] in page

    # when: the next run, with the mail server back
    smtp_down.up()
    result = services.run(company, on + timedelta(days=1), None)

    # then: the reminder is sent once, with its fee charged once
    assert len(result.notices) == 1
    sent = DunningNotice.objects.get(status="sent")
    assert sent.invoice_id == invoice.pk and sent.voucher_id is not None and sent.fee > 0
    assert smtp_down.delivered(invoice.customer.email) == 1
    assert services.run(company, on + timedelta(days=1), None).notices == []  # the same day again: nothing
    assert smtp_down.delivered(invoice.customer.email) == 1
