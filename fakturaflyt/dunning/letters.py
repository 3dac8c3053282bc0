"""The reminder letters: "Påminnelse", "Purring" and "Inkassovarsel" as PDF (WeasyPrint) and e-mail.

The letter is Norwegian whatever the customer's language: the inkassovarsel's content is set
by law (inkassoloven § 9: written, after the due date, the claim, a deadline of at least 14 days
from when it is sent, that collection follows if it is not paid, and the costs the debtor may
then be liable for), and the text below says exactly that. Rendering never touches the network
(``data:`` URIs only), as the invoice PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string

from fakturaflyt.core.dunning import StepKind
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.core.identifiers import format_kontonr
from fakturaflyt.core.money import format_nok
from fakturaflyt.receivables.models import SalesInvoice

TITLES = {
    StepKind.COURTESY: "Påminnelse",
    StepKind.REMINDER: "Purring",
    StepKind.COLLECTION_NOTICE: "Inkassovarsel",
}


@dataclass(frozen=True, slots=True)
class Letter:
    """What one letter says: the step, the amounts and the deadline."""

    invoice: SalesInvoice
    kind: StepKind
    sent_on: date
    deadline: date | None
    principal: Decimal  # the invoice's open amount
    fee: Decimal  # charged by this letter
    interest: Decimal  # charged by this letter
    earlier_charges: Decimal  # fees and interest of earlier letters
    agency_name: str = ""

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def total(self) -> Decimal:
        return self.principal + self.fee + self.interest + self.earlier_charges


def _account(company: Any) -> str:
    from fakturaflyt.companies.models import CompanyBankAccount

    account = CompanyBankAccount.objects.filter(company=company).order_by("-is_default", "id").first()
    if account is None:
        return ""
    try:
        return format_kontonr(account.account_number)
    except FakturaflytError:
        return str(account.account_number)


def context(letter: Letter) -> dict[str, Any]:
    invoice = letter.invoice
    company = invoice.company
    customer = invoice.customer
    return {
        "letter": letter,
        "title": letter.title,
        "is_courtesy": letter.kind == StepKind.COURTESY,
        "is_collection_notice": letter.kind == StepKind.COLLECTION_NOTICE,
        "invoice": invoice,
        "company": company,
        "customer": customer,
        "account": _account(company),
        "sent_on": letter.sent_on.strftime("%d.%m.%Y"),
        "deadline": letter.deadline.strftime("%d.%m.%Y") if letter.deadline else "",
        "due_date": invoice.due_date.strftime("%d.%m.%Y") if invoice.due_date else "",
        "issue_date": invoice.issue_date.strftime("%d.%m.%Y") if invoice.issue_date else "",
        "principal": format_nok(letter.principal),
        "invoice_total": format_nok(invoice.total),
        "paid": format_nok(invoice.paid_amount),
        "fee": format_nok(letter.fee),
        "interest": format_nok(letter.interest),
        "earlier": format_nok(letter.earlier_charges),
        "has_earlier": letter.earlier_charges > 0,
        "total": format_nok(letter.total),
        "agency": letter.agency_name,
    }


def render_html(letter: Letter) -> str:
    return render_to_string("dunning/letter.html", context(letter))


def render_pdf(letter: Letter) -> bytes:
    """The letter as an A4 PDF."""
    from fakturaflyt.receivables.pdf import html_to_pdf

    return html_to_pdf(render_html(letter))


def filename(letter: Letter) -> str:
    return f"{letter.title.lower()}-{letter.invoice.number}-{letter.sent_on.isoformat()}.pdf"


def send_email(letter: Letter, to: str, pdf: bytes) -> None:
    """Send the letter to ``to`` with the PDF attached; raises on any sending error."""
    invoice = letter.invoice
    company = invoice.company
    ctx = context(letter)
    sender = getattr(settings, "FAKTURAFLYT_INVOICE_MAIL_FROM", "") or company.email or settings.DEFAULT_FROM_EMAIL
    subject = f"{letter.title}: faktura {invoice.number} fra {company.name}"
    message = EmailMessage(
        subject=subject,
        body=render_to_string("dunning/letter_email.txt", ctx),
        from_email=formataddr((company.name, sender)),
        to=[to],
        reply_to=[company.email] if company.email else None,
    )
    message.attach(filename(letter), pdf, "application/pdf")
    message.connection = get_connection(fail_silently=False)
    message.send(fail_silently=False)
