"""The invoice PDF by e-mail (Django's e-mail backend: SMTP in production).

One message per dispatch: the PDF attached as ``Faktura-<number>.pdf`` (``Kreditnota-``
for credit notes; ``Invoice-`` / ``Credit-note-`` for English-speaking customers), subject
``Faktura <number> fra <company>`` (``Invoice <number> from <company>``), From the company's
e-mail (else ``DEFAULT_FROM_EMAIL``; ``FAKTURAFLYT_INVOICE_MAIL_FROM`` overrides both), To
the customer's invoice address, Reply-To the company, and a short body with amount, due
date, KID and account number (``templates/distribution/invoice_email_<language>.txt``). The Message-ID is made here and
recorded on the dispatch, so a customer's question can be traced to the send.

SMTP outcomes: a 4xx reply, a refused connection, a timeout or a dropped connection is a
:class:`TemporaryFailure` (retried); a 5xx reply (recipient unknown, message refused) is a
:class:`PermanentFailure` (the accountant is told). An authentication failure is our own
configuration, not the invoice's fault: it is retried, to give the operator time to fix it.
"""

from __future__ import annotations

import secrets
import smtplib
from email.utils import formataddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.core.identifiers import format_kontonr
from fakturaflyt.core.money import format_nok, ore
from fakturaflyt.distribution import documents
from fakturaflyt.distribution.channels import PermanentFailure, SendFailure, SendResult, TemporaryFailure
from fakturaflyt.distribution.error_codes import DistributionCode

if TYPE_CHECKING:
    from fakturaflyt.companies.models import Company
    from fakturaflyt.distribution.models import Dispatch
    from fakturaflyt.receivables.models import SalesInvoice

DEFAULT_TIMEOUT = 60


def classify(exc: BaseException) -> SendFailure:
    """An exception of the SMTP conversation as a temporary or permanent failure."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        text = "; ".join(
            f"{rcpt}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for rcpt, (code, msg) in exc.recipients.items()
        )
        if codes and all(code >= 500 for code in codes):
            return PermanentFailure(_("The mail server refused the recipient: %(text)s") % {"text": text})
        return TemporaryFailure(_("The mail server deferred the recipient: %(text)s") % {"text": text})
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return TemporaryFailure(_("Could not log in to the mail server (check EMAIL_HOST_USER): %(e)s") % {"e": exc})
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        if exc.smtp_code >= 500:
            return PermanentFailure(
                _("The mail server refused the message: %(code)s %(text)s") % {"code": exc.smtp_code, "text": text}
            )
        return TemporaryFailure(
            _("The mail server deferred the message: %(code)s %(text)s") % {"code": exc.smtp_code, "text": text}
        )
    if isinstance(exc, (smtplib.SMTPException, OSError)):  # refused, timeout, dropped, DNS
        return TemporaryFailure(_("The mail server could not be reached: %(e)s") % {"e": exc or type(exc).__name__})
    return TemporaryFailure(str(exc))


def account_number(company: Company) -> str:
    from fakturaflyt.companies.models import CompanyBankAccount

    account = CompanyBankAccount.objects.filter(company=company).order_by("-is_default", "id").first()
    if account is None:
        return ""
    try:
        return format_kontonr(account.account_number)
    except FakturaflytError:
        return account.account_number


def _amount(value: Any, language: str) -> str:
    if language == "en":
        return f"{ore(value):,.2f}"
    return format_nok(value)


def build_message(dispatch: Dispatch, invoice: SalesInvoice, pdf: bytes) -> EmailMessage:
    company = invoice.company
    customer = invoice.customer
    language = "en" if customer.language == "en" else "nb"
    to = (dispatch.recipient or customer.email).strip()
    # FAKTURAFLYT_INVOICE_MAIL_FROM: one sending address for all companies, where the mail relay may
    # not send as the companies' own domains (SPF/DMARC); replies still go to the company.
    sender = getattr(settings, "FAKTURAFLYT_INVOICE_MAIL_FROM", "") or company.email or settings.DEFAULT_FROM_EMAIL
    if language == "en":
        kind = "Credit note" if invoice.is_credit_note else "Invoice"
        subject = f"{kind} {invoice.number} from {company.name}"
    else:
        kind = "Kreditnota" if invoice.is_credit_note else "Faktura"
        subject = f"{kind} {invoice.number} fra {company.name}"
    context = {
        "invoice": invoice,
        "company": company,
        "customer": customer,
        "kind": kind,
        "total": _amount(invoice.total, language),
        "currency": invoice.currency,
        "due_date": invoice.due_date.strftime("%d.%m.%Y") if invoice.due_date else "",
        "kid": invoice.kid,
        "account_number": account_number(company),
    }
    body = render_to_string(f"distribution/invoice_email_{language}.txt", context)
    domain = sender.rpartition("@")[2] or DNS_NAME.get_fqdn()
    # short enough that no mailer folds the header: <faktura.10001.17.9f86d081884c@example.no>
    message_id = f"<faktura.{invoice.number}.{dispatch.pk}.{secrets.token_hex(6)}@{domain}>"
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=formataddr((company.name, sender)),
        to=[to],
        reply_to=[company.email] if company.email else None,
        headers={"Message-ID": message_id},
    )
    message.attach(documents.pdf_filename(invoice, language), pdf, "application/pdf")
    return message


class EmailChannel:
    name = "email"

    def is_configured(self, company: Company) -> bool:
        return True

    def not_configured_message(self) -> str:
        return _("E-mail is not configured.")

    def send(self, dispatch: Dispatch, invoice: SalesInvoice) -> SendResult:
        if not (dispatch.recipient or invoice.customer.email):
            raise PermanentFailure(_("The customer has no invoice e-mail address."), DistributionCode.NO_RECIPIENT)
        pdf = documents.pdf_of(invoice)
        message = build_message(dispatch, invoice, pdf)
        connection = get_connection(fail_silently=False)
        if hasattr(connection, "timeout") and connection.timeout is None:
            connection.timeout = DEFAULT_TIMEOUT
        message.connection = connection
        try:
            message.send(fail_silently=False)
        except Exception as exc:
            raise classify(exc) from exc
        from fakturaflyt.payables.storage import store

        stored = store(pdf, filename=documents.pdf_filename(invoice), content_type="application/pdf")
        return SendResult(
            "sent",
            message_id=str(message.extra_headers["Message-ID"]),
            detail=_("E-mailed to %(to)s") % {"to": ", ".join(message.to)},
            document=stored,
        )
