"""Sending issued customer invoices by the customer's channel (issue 7, point 5).

| function | does |
|---|---|
| :func:`send` | choose the channel (with fallbacks), record a :class:`Dispatch`, send it |
| :func:`perform` | one attempt of one dispatch through its adapter (the task runs this) |
| :func:`retry_due` | every few minutes: retry temporary failures whose back-off has passed |
| :func:`read_peppol_receipts` | apply the access point's status receipts (delivered / rejected) |
| :func:`failures` / :func:`resolve_failure` | hard failures the accountant has to deal with |

**Channel choice.** The ``channel`` argument, else the invoice's, else the customer's. An EHF
customer without a Peppol id gets the PDF by e-mail, and a customer without an e-mail address
gets it printed; each fallback is written on the dispatch (``fallback_reason``).

**Where the send runs.** Without a broker (``CELERY_TASK_ALWAYS_EAGER``) :func:`send` performs
the dispatch in-process before it returns, so the caller sees the outcome. With a broker it
queues ``distribution.perform_dispatch`` when the transaction commits, so nothing leaves for an
invoice whose transaction rolled back.

**Retries.** A temporary failure is retried after 1, 5, 15, 60 and 240 minutes; the sixth
failed attempt is a hard failure. A hard failure sets the invoice to ``send_failed`` (unless
another dispatch of it got through), writes ``invoice.send_failed`` in the audit log and
e-mails the company's accountants and administrators; :func:`failures` lists it until a later
send succeeds or the accountant marks it resolved.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fakturaflyt.companies.models import Company
from fakturaflyt.distribution.channels import PermanentFailure, SendResult, TemporaryFailure, adapter_for
from fakturaflyt.distribution.error_codes import DistributionCode, DistributionError
from fakturaflyt.distribution.models import (
    HARD_FAILURE,
    PENDING,
    SUCCESS,
    Dispatch,
    DispatchAttempt,
    DispatchStatus,
)
from fakturaflyt.ledger import audit
from fakturaflyt.receivables.models import DeliveryChannel, InvoiceStatus, SalesInvoice

logger = logging.getLogger(__name__)

__all__ = [
    "BACKOFF_MINUTES",
    "MAX_ATTEMPTS",
    "choose_channel",
    "dispatches_for",
    "failures",
    "perform",
    "read_peppol_receipts",
    "resolve_failure",
    "retry_due",
    "send",
]

BACKOFF_MINUTES = (1, 5, 15, 60, 240)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
STALE_AFTER = timedelta(minutes=30)  # an attempt still "sending" after this was interrupted (crash, restart)
LOST_AFTER = timedelta(minutes=10)  # a dispatch still "queued" after this lost its task (broker down)


# ------------------------------------------------------------------------------------ send


def choose_channel(invoice: SalesInvoice, channel: str | None = None) -> tuple[str, str, str, str]:
    """``(channel, requested channel, fallback reason, recipient)`` for ``invoice``."""
    customer = invoice.customer
    requested = channel or invoice.channel or customer.channel or DeliveryChannel.EMAIL
    if requested not in DeliveryChannel.values:
        raise DistributionError(
            DistributionCode.UNKNOWN_CHANNEL, _("There is no channel %(name)r.") % {"name": requested}, "channel"
        )
    chosen, reasons = str(requested), []
    if chosen == DeliveryChannel.EHF and not customer.peppol_id.strip():
        chosen = DeliveryChannel.EMAIL
        reasons.append(_("The customer has no Peppol id: sent as PDF by e-mail."))
    if chosen == DeliveryChannel.EMAIL and not customer.email.strip():
        chosen = DeliveryChannel.PRINT
        reasons.append(_("The customer has no invoice e-mail address: printed for posting."))
    recipient = {
        DeliveryChannel.EHF: customer.peppol_id.strip(),
        DeliveryChannel.EMAIL: customer.email.strip(),
    }.get(DeliveryChannel(chosen), "")
    return chosen, str(requested), " ".join(reasons), recipient


def _eager() -> bool:
    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))


def send(invoice: SalesInvoice, actor: Any = None, *, channel: str | None = None, resend: bool = False) -> Dispatch:
    """Send an issued invoice by its channel; returns the dispatch (the earlier one when already sent there).

    Refuses drafts (``FF-DIST-NOT-ISSUED``). Idempotent: when the invoice already has a dispatch on
    the chosen channel that got through or is still on its way, that one is returned and nothing
    is sent again, unless ``resend``.
    """
    if invoice.status == InvoiceStatus.DRAFT or invoice.number is None:
        raise DistributionError(
            DistributionCode.NOT_ISSUED, _("This invoice is a draft: issue it before sending it."), "status"
        )
    with transaction.atomic():
        locked = SalesInvoice.objects.select_for_update().select_related("customer", "company").get(pk=invoice.pk)
        if locked.status == InvoiceStatus.DRAFT or locked.number is None:
            raise DistributionError(
                DistributionCode.NOT_ISSUED, _("This invoice is a draft: issue it before sending it."), "status"
            )
        chosen, requested, reason, recipient = choose_channel(locked, channel)
        if not resend:
            existing = (
                Dispatch.objects.filter(invoice=locked, channel=chosen, status__in=[*SUCCESS, *PENDING])
                .order_by("-id")
                .first()
            )
            if existing is not None:
                return existing
        dispatch = Dispatch.objects.create(
            company=locked.company,
            invoice=locked,
            channel=chosen,
            requested_channel=requested,
            fallback_reason=reason,
            recipient=recipient,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if locked.channel != chosen:
            locked.channel = chosen
            locked.save(update_fields=["channel"])
        if not _eager():
            from fakturaflyt.distribution.tasks import perform_dispatch

            pk = dispatch.pk
            transaction.on_commit(lambda: perform_dispatch.delay(pk), robust=True)
    if _eager():
        perform(dispatch.pk)
    dispatch.refresh_from_db()
    invoice.refresh_from_db(fields=["status", "channel"])
    return dispatch


# ------------------------------------------------------------------------------------ one attempt


def perform(dispatch_id: int, *, now: datetime | None = None) -> Dispatch | None:
    """One attempt of dispatch ``dispatch_id`` (when it is queued or due for a retry); returns it as it ends."""
    now = now or timezone.now()
    claimed = Dispatch.objects.filter(
        pk=dispatch_id, status__in=[DispatchStatus.QUEUED, DispatchStatus.TEMPORARY_FAILURE]
    ).update(status=DispatchStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:  # done already, or another worker has it
        return Dispatch.objects.filter(pk=dispatch_id).first()
    dispatch = Dispatch.objects.select_related("invoice", "invoice__customer", "invoice__company", "actor").get(
        pk=dispatch_id
    )
    attempt = DispatchAttempt.objects.create(
        dispatch=dispatch, number=dispatch.attempts, started_at=now, outcome=DispatchStatus.SENDING
    )
    invoice = dispatch.invoice
    try:
        try:
            adapter = adapter_for(dispatch.channel)
        except KeyError:
            raise PermanentFailure(
                _("There is no channel %(name)r.") % {"name": dispatch.channel}, DistributionCode.UNKNOWN_CHANNEL
            ) from None
        if not adapter.is_configured(invoice.company):
            raise PermanentFailure(adapter.not_configured_message(), DistributionCode.NOT_CONFIGURED)
        result = adapter.send(dispatch, invoice)
    except PermanentFailure as failure:
        _hard_failure(dispatch, attempt, failure.code, failure.message, now=now)
    except TemporaryFailure as failure:
        _temporary_failure(dispatch, attempt, failure.code, failure.message, now=now)
    except Exception as exc:
        logger.exception("dispatch %s of %s failed unexpectedly", dispatch.pk, invoice)
        _temporary_failure(dispatch, attempt, DistributionCode.TEMPORARY, f"{type(exc).__name__}: {exc}", now=now)
    else:
        _success(dispatch, attempt, result, now=now)
    dispatch.refresh_from_db()
    return dispatch


def _finish_attempt(attempt: DispatchAttempt, outcome: str, code: str = "", detail: str = "") -> None:
    attempt.finished_at = timezone.now()
    attempt.outcome = outcome
    attempt.error_code = code
    attempt.detail = detail
    attempt.save(update_fields=["finished_at", "outcome", "error_code", "detail"])


def _success(dispatch: Dispatch, attempt: DispatchAttempt, result: SendResult, *, now: datetime) -> None:
    delivered = result.status == "delivered"
    with transaction.atomic():
        dispatch.status = DispatchStatus.DELIVERED if delivered else DispatchStatus.SENT
        dispatch.message_id = result.message_id[:300]
        dispatch.detail = result.detail[:500]
        dispatch.file_name = result.file_name or dispatch.file_name
        dispatch.document = result.document or dispatch.document
        dispatch.sent_at = now
        dispatch.delivered_at = now if delivered else None
        dispatch.next_attempt_at = None
        dispatch.error_code = ""
        dispatch.last_error = ""
        dispatch.save()
        _finish_attempt(attempt, dispatch.status, detail=dispatch.detail)
        invoice = SalesInvoice.objects.select_for_update().get(pk=dispatch.invoice_id)
        if delivered:
            invoice.status = InvoiceStatus.DELIVERED
        elif invoice.status != InvoiceStatus.DELIVERED:
            invoice.status = InvoiceStatus.SENT
        invoice.channel = dispatch.channel
        invoice.save(update_fields=["status", "channel"])
        # a send that got through settles the invoice's earlier failures
        Dispatch.objects.filter(invoice=invoice, status__in=HARD_FAILURE, resolved_at__isnull=True).update(
            resolved_at=now
        )
        audit.record(
            dispatch.company,
            dispatch.actor,
            "invoice.sent",
            invoice,
            dispatch=dispatch.pk,
            channel=dispatch.channel,
            requested_channel=dispatch.requested_channel,
            fallback_reason=dispatch.fallback_reason,
            recipient=dispatch.recipient,
            message_id=dispatch.message_id,
            status=dispatch.status,
            attempts=dispatch.attempts,
        )


def _temporary_failure(dispatch: Dispatch, attempt: DispatchAttempt, code: str, message: str, *, now: datetime) -> None:
    if dispatch.attempts >= MAX_ATTEMPTS:
        _finish_attempt(attempt, DispatchStatus.TEMPORARY_FAILURE, code, message)
        text = _("Gave up after %(n)d attempts. Last error: %(error)s") % {"n": dispatch.attempts, "error": message}
        _hard_failure(dispatch, None, DistributionCode.GAVE_UP, text, now=now)
        return
    wait = BACKOFF_MINUTES[min(dispatch.attempts, len(BACKOFF_MINUTES)) - 1]
    with transaction.atomic():
        dispatch.status = DispatchStatus.TEMPORARY_FAILURE
        dispatch.error_code = code
        dispatch.last_error = message
        dispatch.next_attempt_at = now + timedelta(minutes=wait)
        dispatch.save(update_fields=["status", "error_code", "last_error", "next_attempt_at"])
        _finish_attempt(attempt, DispatchStatus.TEMPORARY_FAILURE, code, message)
    logger.warning(
        "dispatch %s: temporary failure (attempt %s), retry in %s min: %s",
        dispatch.pk,
        dispatch.attempts,
        wait,
        message,
    )


def _hard_failure(
    dispatch: Dispatch,
    attempt: DispatchAttempt | None,
    code: str,
    message: str,
    *,
    now: datetime,
    status: str = DispatchStatus.FAILED,
) -> None:
    with transaction.atomic():
        dispatch.status = status
        dispatch.error_code = code
        dispatch.last_error = message
        dispatch.next_attempt_at = None
        dispatch.failed_at = now
        dispatch.resolved_at = None
        dispatch.save(
            update_fields=["status", "error_code", "last_error", "next_attempt_at", "failed_at", "resolved_at"]
        )
        if attempt is not None:
            _finish_attempt(attempt, status, code, message)
        invoice = SalesInvoice.objects.select_for_update().select_related("customer").get(pk=dispatch.invoice_id)
        got_through = Dispatch.objects.filter(invoice=invoice, status__in=SUCCESS).exclude(pk=dispatch.pk).exists()
        if not got_through:
            invoice.status = InvoiceStatus.SEND_FAILED
            invoice.save(update_fields=["status"])
        audit.record(
            dispatch.company,
            dispatch.actor,
            "invoice.send_failed",
            invoice,
            dispatch=dispatch.pk,
            channel=dispatch.channel,
            recipient=dispatch.recipient,
            status=status,
            code=code,
            error=message,
            attempts=dispatch.attempts,
        )
    _notify_accountants(dispatch, invoice)


def accountant_emails(company: Company) -> list[str]:
    """E-mail addresses of the company's active accountants and administrators."""
    from fakturaflyt.companies.models import Membership
    from fakturaflyt.companies.roles import Role

    found = (
        Membership.objects.filter(company=company, role__in=[Role.ACCOUNTANT, Role.ADMIN], is_active=True)
        .filter(user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(found))


def _invoice_url(invoice: SalesInvoice) -> str:
    base = str(getattr(settings, "FAKTURAFLYT_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")
    for name, args in (("receivables:invoice", [invoice.pk]), ("receivables:invoices", [])):
        try:
            return base + reverse(name, args=args)
        except NoReverseMatch:
            continue
    return base + "/"


def _notify_accountants(dispatch: Dispatch, invoice: SalesInvoice) -> int:
    """Tell the accountants by e-mail; a failing mail server is logged, never breaks the failure's record."""
    from django.core.mail import send_mail

    to = accountant_emails(dispatch.company)
    if not to:
        return 0
    subject = _("Invoice %(number)s to %(customer)s could not be sent") % {
        "number": invoice.number,
        "customer": invoice.customer.name,
    }
    body = render_to_string(
        "distribution/failure_email.txt",
        {"dispatch": dispatch, "invoice": invoice, "company": dispatch.company, "url": _invoice_url(invoice)},
    )
    try:
        send_mail(subject, body, None, to)
    except Exception:
        logger.exception("could not tell the accountants of %s that dispatch %s failed", dispatch.company, dispatch.pk)
        return 0
    return len(to)


# ------------------------------------------------------------------------------------ scheduled work


def retry_due(now: datetime | None = None) -> int:
    """Retry every dispatch whose back-off has passed (and any whose attempt or task was lost); returns how many."""
    now = now or timezone.now()
    Dispatch.objects.filter(status=DispatchStatus.SENDING, claimed_at__lt=now - STALE_AFTER).update(
        status=DispatchStatus.TEMPORARY_FAILURE,
        next_attempt_at=now,
        last_error=_("The attempt was interrupted (worker stopped); retrying."),
    )
    due = list(
        Dispatch.objects.filter(
            Q(status=DispatchStatus.TEMPORARY_FAILURE, next_attempt_at__lte=now)
            | Q(status=DispatchStatus.QUEUED, created_at__lt=now - LOST_AFTER)
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:500]
    )
    for pk in due:
        perform(pk, now=now)
    return len(due)


def read_peppol_receipts(company: Company | None = None) -> int:
    """Apply the receipts in ``<outbox>/receipts/`` (see :mod:`.channels.peppol`); returns dispatches changed.

    With ``company``, receipts for other companies' documents are left for their own run.
    """
    from fakturaflyt.distribution.channels import peppol

    changed = 0
    for path in peppol.pending_receipts():
        try:
            receipt = peppol.parse_receipt(path)
        except (ValueError, OSError) as exc:
            logger.warning("unreadable Peppol receipt %s: %s", path, exc)
            peppol.file_away(path, "unreadable")
            continue
        found = Dispatch.objects.filter(channel=DeliveryChannel.EHF).exclude(file_name="")
        if receipt.dispatch_id is not None:
            found = found.filter(pk=receipt.dispatch_id)
        else:
            name = receipt.file.replace("\\", "/").rsplit("/", 1)[-1]
            found = found.filter(Q(file_name=receipt.file) | Q(file_name__endswith=f"/{name}"))
        if company is not None:
            found = found.filter(company=company)
        dispatch = found.select_related("invoice").first()
        if dispatch is None:
            if company is None:
                logger.warning("Peppol receipt %s names no document in the outbox", path)
                peppol.file_away(path, "unmatched")
            continue
        if _apply_receipt(dispatch, receipt):
            changed += 1
        peppol.file_away(path, "processed")
    return changed


def _apply_receipt(dispatch: Dispatch, receipt: Any) -> bool:
    now = timezone.now()
    if receipt.status == "delivered":
        if dispatch.status not in (DispatchStatus.SENT, DispatchStatus.SENDING, DispatchStatus.TEMPORARY_FAILURE):
            return False
        with transaction.atomic():
            dispatch.status = DispatchStatus.DELIVERED
            dispatch.delivered_at = now
            dispatch.detail = (receipt.detail or dispatch.detail)[:500]
            dispatch.save(update_fields=["status", "delivered_at", "detail"])
            invoice = SalesInvoice.objects.select_for_update().get(pk=dispatch.invoice_id)
            invoice.status = InvoiceStatus.DELIVERED
            invoice.save(update_fields=["status"])
            audit.record(
                dispatch.company,
                None,
                "invoice.delivered",
                invoice,
                dispatch=dispatch.pk,
                channel=dispatch.channel,
                detail=receipt.detail,
                as4_message_id=receipt.message_id,
            )
        return True
    if dispatch.status == DispatchStatus.REJECTED:
        return False
    message = _("The Peppol network rejected the EHF: %(detail)s") % {"detail": receipt.detail or _("no reason given")}
    _hard_failure(dispatch, None, DistributionCode.REJECTED, message, now=now, status=DispatchStatus.REJECTED)
    return True


# ------------------------------------------------------------------------------------ for the UI


def failures(company: Company) -> QuerySet[Dispatch]:
    """Hard failures of ``company`` nobody has dealt with yet, newest first."""
    return (
        Dispatch.objects.filter(company=company, status__in=HARD_FAILURE, resolved_at__isnull=True)
        .select_related("invoice", "invoice__customer")
        .order_by("-failed_at", "-id")
    )


def resolve_failure(dispatch: Dispatch, actor: Any) -> Dispatch:
    """The accountant has dealt with this failure (called the customer, sent it by hand): off the list."""
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if dispatch.status in HARD_FAILURE and dispatch.resolved_at is None:
            dispatch.resolved_at = timezone.now()
            dispatch.resolved_by = actor if getattr(actor, "is_authenticated", False) else None
            dispatch.save(update_fields=["resolved_at", "resolved_by"])
            audit.record(
                dispatch.company, actor, "invoice.send_failure_resolved", dispatch.invoice, dispatch=dispatch.pk
            )
    return dispatch


def dispatches_for(invoice: SalesInvoice) -> list[Dispatch]:
    """The invoice's send log, newest first (for ``distribution/_send_log.html``)."""
    return list(Dispatch.objects.filter(invoice=invoice).prefetch_related("attempt_log").order_by("-created_at", "-id"))
